"""`matchscope keys create|list|revoke`."""

from __future__ import annotations

import argparse

from matchscope.commands._common import database, fail, run
from matchscope.services import accounts
from matchscope.services.errors import DomainError
from matchscope.store.db import transaction


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("keys", help="manage API keys")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key; prints it alone on the last line")
    create.add_argument("--account", required=True, help="account name (created if new)")
    create.set_defaults(func=_create)
    listing = actions.add_parser("list", help="list keys (never the secrets)")
    listing.set_defaults(func=_list)
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id", help="the key id `keys list` shows (a whole key is accepted too)")
    revoke.set_defaults(func=_revoke)


def _create(args: argparse.Namespace) -> int:
    async def act() -> accounts.IssuedKey:
        async with database() as state, transaction(state.sessions) as session:
            return await accounts.create_key(session, account_name=args.account)

    try:
        issued = run(act())
    except DomainError as error:
        return fail(str(error))
    print(f"Created key {issued.key_id} for account {args.account!r}. It is shown once; store it now:")
    print(issued.secret)
    return 0


def _list(_args: argparse.Namespace) -> int:
    async def act() -> list[str]:
        async with database() as state, state.sessions() as session:
            rows = await accounts.list_keys(session)
        return [
            f"{key.key_id}\t{account}\t{key.created_at:%Y-%m-%d %H:%M}\t"
            f"{'revoked ' + format(key.revoked_at, '%Y-%m-%d %H:%M') if key.revoked_at else 'active'}"
            for key, account in rows
        ]

    lines = run(act())
    print("KEY ID\tACCOUNT\tCREATED\tSTATUS")
    for line in lines:
        print(line)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    # Someone may paste the whole key: use its id, and never echo the secret back.
    key_id: str = accounts.parse_key_id(args.key_id) or args.key_id

    async def act() -> None:
        async with database() as state, transaction(state.sessions) as session:
            await accounts.revoke_key(session, key_id)

    try:
        run(act())
    except DomainError as error:
        return fail(str(error))
    print(f"Revoked key {key_id}.")
    return 0

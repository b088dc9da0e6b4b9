"""Accounts and API keys. Keys are random, shown once, and stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.services import validation
from matchscope.services.errors import NotFound
from matchscope.store import dialect
from matchscope.store.reads import Reads, fetch_all
from matchscope.store.tables import Account, ApiKey, utcnow

KEY_PREFIX = "ms"


@dataclass(frozen=True, slots=True)
class SignedIn:
    account_id: int
    evaluations_version: int  # the account's, read with the key


@dataclass(frozen=True, slots=True)
class IssuedKey:
    key_id: str
    account_id: int
    secret: str  # the whole key, shown once


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_key_id(key: str) -> str | None:
    """`ms_<key id>_<secret>` → key id, or None when the key is not of that shape."""
    parts = key.split("_")
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


async def get_or_create_account(session: AsyncSession, name: str) -> Account:
    validation.require_name("account", name)
    found = await _account_named(session, name)
    if found is not None:
        return found
    # Processes starting at once (`serve` on a new database) may create the same account: the loser of the race
    # inserts nothing and reads the winner's row.
    statement = dialect.insert(session, Account).values(name=name, created_at=utcnow())
    await session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
    created = await _account_named(session, name)
    assert created is not None
    return created


async def _account_named(session: AsyncSession, name: str) -> Account | None:
    return (await session.execute(select(Account).where(col(Account.name) == name))).scalars().first()


async def create_key(session: AsyncSession, *, account_name: str) -> IssuedKey:
    account = await get_or_create_account(session, account_name)
    assert account.id is not None
    key_id = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(24).replace('_', 'A')}"
    session.add(ApiKey(account_id=account.id, key_id=key_id, secret_hash=_hash(secret)))
    await session.flush()
    return IssuedKey(key_id=key_id, account_id=account.id, secret=secret)


# Built once: every request runs it.
_KEY_BY_ID = (
    core_select(
        col(ApiKey.account_id), col(ApiKey.secret_hash), col(ApiKey.revoked_at), col(Account.evaluations_version)
    )
    .join(Account, col(Account.id) == col(ApiKey.account_id))
    .where(col(ApiKey.key_id) == bindparam("key_id"))
)


async def sign_in(db: AsyncSession | Reads, key: str) -> SignedIn | None:
    """The account a key belongs to (read anew: a revoked key fails at once), or None for a malformed, unknown or
    revoked key."""
    key_id = parse_key_id(key)
    if key_id is None:
        return None
    rows = await fetch_all(db, _KEY_BY_ID, {"key_id": key_id})
    # Compare even when the row is missing, so timing does not tell which key ids exist.
    expected = rows[0][1] if rows else _hash("")
    matches = hmac.compare_digest(expected, _hash(key))
    if not rows or not matches or rows[0][2] is not None:
        return None
    return SignedIn(rows[0][0], rows[0][3])


async def authenticate(db: AsyncSession | Reads, key: str) -> int | None:
    """`sign_in`'s account id."""
    signed_in = await sign_in(db, key)
    return None if signed_in is None else signed_in.account_id


async def list_keys(session: AsyncSession) -> list[tuple[ApiKey, str]]:
    statement = (
        select(ApiKey, col(Account.name))
        .join(Account, col(Account.id) == col(ApiKey.account_id))
        .order_by(col(ApiKey.id))
    )
    return [(key, name) for key, name in (await session.execute(statement)).all()]


async def revoke_key(session: AsyncSession, key_id: str) -> ApiKey:
    row: ApiKey | None = (await session.execute(select(ApiKey).where(col(ApiKey.key_id) == key_id))).scalars().first()
    if row is None:
        raise NotFound("API key", key_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        await session.flush()
    return row

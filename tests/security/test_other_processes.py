"""What another process commits counts from this process's next request: a key revoked there is refused here, an
evaluation made current there is the one browsed here — with no wait in between, after requests that filled this
process's cache of current evaluations."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import col

from matchscope.schema.ids import to_global_id
from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import Account, Evaluation, utcnow
from tests.conftest import Caller, add_evaluation

_CURRENT = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { id } }"


@pytest_asyncio.fixture
async def other(state: AppState) -> AsyncIterator[AppState]:
    """Another server process's state on the same database: its own engine, connections and caches."""
    other_state = AppState.create(state.settings)
    try:
        yield other_state
    finally:
        await other_state.close()


async def _status(client: httpx.AsyncClient, caller: Caller) -> int:
    return (
        await client.post("/graphql", json={"query": "{ datasets { totalCount } }"}, headers=caller.headers)
    ).status_code


async def test_a_key_revoked_by_the_command_is_refused_by_the_next_request(
    client: httpx.AsyncClient, state: AppState, caller: Caller
) -> None:
    for _ in range(3):
        assert await _status(client, caller) == 200
    key_id = accounts.parse_key_id(caller.key)
    assert key_id is not None
    command = [sys.executable, "-m", "matchscope", "keys", "revoke", key_id]
    environment = {**os.environ, "DATABASE_URL": state.settings.database_url}
    revoke = await asyncio.create_subprocess_exec(*command, env=environment, stdout=asyncio.subprocess.DEVNULL)
    assert await revoke.wait() == 0
    assert await _status(client, caller) == 401


async def test_a_key_revoked_by_another_server_is_refused_by_the_next_request(
    client: httpx.AsyncClient, other: AppState, caller: Caller
) -> None:
    for _ in range(3):
        assert await _status(client, caller) == 200
    async with transaction(other.sessions) as session:
        await accounts.revoke_key(session, str(accounts.parse_key_id(caller.key)))
    assert await _status(client, caller) == 401


async def test_an_evaluation_made_current_elsewhere_is_browsed_at_once(
    client: httpx.AsyncClient, state: AppState, other: AppState
) -> None:
    first = await add_evaluation(state, is_current=True, is_complete=True, completed_at=utcnow())
    assert first.id is not None
    async with transaction(state.sessions) as session:
        account = await session.get(Account, first.account_id)
        assert account is not None
        issued = await accounts.create_key(session, account_name=account.name)
    caller = Caller(account_id=first.account_id, key=issued.secret)
    variables = {"d": to_global_id("Dataset", first.dataset_id), "m": to_global_id("Model", first.model_id)}

    async def current() -> str | None:
        response = await client.post(
            "/graphql", json={"query": _CURRENT, "variables": variables}, headers=caller.headers
        )
        evaluation = response.json()["data"]["evaluation"]
        return None if evaluation is None else str(evaluation["id"])

    statements: list[str] = []
    state.reads.listeners.append(statements.append)
    for _ in range(3):
        assert await current() == to_global_id("Evaluation", first.id)
    # Kept after the first read (the cache these tests hold to account is in use).
    assert sum("FROM evaluation" in sql for sql in statements) == 1
    # A worker of the other process completes a newer evaluation of the pair: one transaction swaps it in.
    async with transaction(other.sessions) as session:
        await session.execute(update(Evaluation).where(col(Evaluation.id) == first.id).values(is_current=False))
        second = Evaluation(
            account_id=first.account_id,
            dataset_id=first.dataset_id,
            model_id=first.model_id,
            is_current=True,
            is_complete=True,
            completed_at=utcnow(),
        )
        session.add(second)
        await session.flush()
        assert second.id is not None
    assert await current() == to_global_id("Evaluation", second.id)
    # And none current any more (the current one deleted there): none here either.
    async with transaction(other.sessions) as session:
        await session.execute(update(Evaluation).where(col(Evaluation.id) == second.id).values(is_current=False))
    assert await current() is None

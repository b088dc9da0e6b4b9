"""The connections kept open for hot reads return what an ORM session returns, and see every commit at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from sqlalchemy import bindparam, func, literal, select
from sqlmodel import col

from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.reads import READ_CONNECTIONS, _PgConnections, fetch_all
from matchscope.store.tables import Account, Evaluation, utcnow
from tests.conftest import PG_ADMIN_URL, add_evaluation, wrong_secret

_EVALUATION = select(
    col(Evaluation.id),
    col(Evaluation.class_agnostic),
    col(Evaluation.allowed_label_matches),
    col(Evaluation.is_current),
    col(Evaluation.created_at),
    col(Evaluation.completed_at),
    col(Evaluation.coco),
).where(col(Evaluation.account_id) == bindparam("account_id"))
_ACCOUNTS_NAMED = (
    select(col(Account.id), col(Account.name))
    .where(col(Account.name).in_(bindparam("names", expanding=True)))
    .order_by(col(Account.id))
)


async def test_rows_read_as_through_a_session(state: AppState) -> None:
    evaluation = await add_evaluation(
        state,
        class_agnostic=False,
        allowed_label_matches=[["cat", "dog"]],
        is_current=True,
        coco={"stats": [0.5, -1.0]},
    )
    async with state.sessions() as session:
        expected = await fetch_all(session, _EVALUATION, {"account_id": evaluation.account_id})
    got = await state.reads.fetch(_EVALUATION, {"account_id": evaluation.account_id})
    assert got == expected and len(got) == 1
    assert got[0][1:4] == (False, [["cat", "dog"]], True) and got[0][5] is None
    assert isinstance(got[0][4], datetime)  # not the ISO text SQLite stores
    assert got[0][6] == {"stats": [0.5, -1.0]}


async def test_in_lists_expand_per_call(state: AppState) -> None:
    async with transaction(state.sessions) as session:
        for name in ("a", "b", "c"):
            session.add(Account(name=name))
    for names in (["a"], ["c", "a"], ["b", "c", "a", "zz"], []):
        async with state.sessions() as session:
            expected = await fetch_all(session, _ACCOUNTS_NAMED, {"names": names})
        assert await state.reads.fetch(_ACCOUNTS_NAMED, {"names": names}) == expected
        assert [name for _id, name in expected] == sorted(set(names) - {"zz"})


async def test_a_revoked_key_fails_on_the_next_read(state: AppState) -> None:
    async with transaction(state.sessions) as session:
        issued = await accounts.create_key(session, account_name="alice")
    assert await accounts.authenticate(state.reads, issued.secret) == issued.account_id
    async with transaction(state.sessions) as session:
        await accounts.revoke_key(session, issued.key_id)
    assert await accounts.authenticate(state.reads, issued.secret) is None
    assert await accounts.authenticate(state.reads, wrong_secret(issued.secret)) is None


async def test_an_in_memory_database_is_read_through_the_engine() -> None:
    from sqlalchemy.pool import StaticPool

    from matchscope.store.db import create_engine
    from matchscope.store.migrate import upgrade
    from matchscope.store.reads import Reads

    engine = create_engine("sqlite://", poolclass=StaticPool)  # one connection: the only one that sees the data
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            table = Account.__table__  # type: ignore[attr-defined]
            await connection.execute(table.insert(), [{"name": "solo", "created_at": utcnow()}])
        reads = Reads(engine)
        assert [name for _id, name in await reads.fetch(_ACCOUNTS_NAMED, {"names": ["solo"]})] == ["solo"]
        await reads.close()
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def pg_connections() -> AsyncIterator[_PgConnections]:
    """The connections PostgreSQL reads go through, on the test server whichever backend this run tests."""
    connections = _PgConnections(PG_ADMIN_URL, READ_CONNECTIONS)
    try:
        yield connections
    finally:
        await connections.close()


async def test_postgresql_reads_share_a_few_connections(pg_connections: _PgConnections) -> None:
    results = await asyncio.gather(*(pg_connections.fetch("SELECT $1::integer * 2", [n]) for n in range(24)))
    assert [rows[0][0] for rows in results] == [2 * n for n in range(24)]
    assert 1 <= len(pg_connections._idle) <= READ_CONNECTIONS


async def test_a_refused_statement_leaves_its_connection_usable(pg_connections: _PgConnections) -> None:
    await pg_connections.fetch("SELECT 1", [])
    (connection,) = pg_connections._idle
    with pytest.raises(asyncpg.PostgresError):
        await pg_connections.fetch("SELECT 1 / $1::integer", [0])
    assert pg_connections._idle == [connection] and not connection.is_closed()
    assert await pg_connections.fetch("SELECT 6 / $1::integer", [3]) == [(2,)]


async def test_reads_outlive_connections_the_server_closed(pg_connections: _PgConnections) -> None:
    await asyncio.gather(*(pg_connections.fetch("SELECT pg_sleep(0.01)", []) for _ in range(6)))
    pids = {connection.get_server_pid() for connection in pg_connections._idle}
    assert len(pids) > 1
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        terminated = await admin.fetchval(
            "SELECT bool_and(pg_terminate_backend(pid)) FROM unnest($1::integer[]) AS pid", sorted(pids)
        )
    finally:
        await admin.close()
    assert terminated is True
    results = await asyncio.gather(*(pg_connections.fetch("SELECT $1::integer", [n]) for n in range(6)))
    assert [rows[0][0] for rows in results] == list(range(6))
    assert not {connection.get_server_pid() for connection in pg_connections._idle} & pids


def _counting_to(n: int) -> Any:
    """A read that takes a while on either database: counting to `n` with a recursive query."""
    numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < n))
    return select(func.count()).select_from(numbers)


async def test_a_slow_read_stalls_no_other_request(state: AppState, client: httpx.AsyncClient) -> None:
    """Reads run off the event loop (SQLite: in threads with connections of their own), so requests go on while a
    slow read runs."""
    async with transaction(state.sessions) as session:
        issued = await accounts.create_key(session, account_name="alice")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    slow = asyncio.create_task(state.reads.fetch(_counting_to(3_000_000)))
    await asyncio.sleep(0.05)  # the slow read has started (on the event loop, it would be running until it ends)
    answered = []
    for _ in range(3):
        response = await client.post(
            "/graphql", json={"query": "{ datasets(first: 1) { totalCount } }"}, headers=headers
        )
        answered.append((response.status_code, response.json(), slow.done()))
    assert answered == [(200, {"data": {"datasets": {"totalCount": 0}}}, False)] * 3
    assert await slow == [(3_000_000,)]

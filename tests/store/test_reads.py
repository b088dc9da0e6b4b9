"""The connections kept open for hot reads return what an ORM session returns, and see every commit at once."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import Integer, bindparam, func, literal, literal_column, select
from sqlmodel import col

from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import create_engine, transaction
from matchscope.store.migrate import upgrade
from matchscope.store.reads import READ_CONNECTIONS, Reads, fetch_all
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


_PID = select(func.pg_backend_pid())
_DOUBLED = select(func.pg_backend_pid(), bindparam("n", type_=Integer) * 2)
_SLEEP = select(func.pg_backend_pid(), func.pg_sleep(0.01))
# Written into the statement, so that another connection finds it in pg_stat_activity.
_MARK = "0.7531"
_MARKED_SLEEP = select(func.pg_backend_pid(), func.pg_sleep(literal_column(_MARK)))
_DIVIDED = select(func.pg_backend_pid(), literal(6) / bindparam("d", type_=Integer))


@asynccontextmanager
async def pg_reads(connections: int = READ_CONNECTIONS) -> AsyncIterator[Reads]:
    """The reads of a PostgreSQL database, on the test server whichever backend this run tests."""
    engine = create_engine(PG_ADMIN_URL)
    reads = Reads(engine, connections)
    try:
        yield reads
    finally:
        await reads.close()
        await engine.dispose()


async def test_postgresql_reads_share_a_few_connections() -> None:
    async with pg_reads() as reads:
        results = await asyncio.gather(*(reads.fetch(_DOUBLED, {"n": n}) for n in range(24)))
    assert [rows[0][1] for rows in results] == [2 * n for n in range(24)]
    assert 1 <= len({rows[0][0] for rows in results}) <= READ_CONNECTIONS


async def test_a_refused_statement_leaves_its_connection_usable() -> None:
    async with pg_reads(connections=1) as reads:
        ((pid,),) = await reads.fetch(_PID)
        with pytest.raises(asyncpg.DivisionByZeroError):
            await reads.fetch(_DIVIDED, {"d": 0})
        assert await reads.fetch(_DIVIDED, {"d": 3}) == [(pid, 2)]


async def _terminate(where: str) -> set[int]:
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        # OFFSET 0 keeps the filter apart from the termination, which must never reach this connection.
        chosen = f"SELECT pid FROM pg_stat_activity WHERE {where} AND pid <> pg_backend_pid() OFFSET 0"
        rows = await admin.fetch(f"SELECT pid FROM ({chosen}) AS chosen WHERE pg_terminate_backend(pid)")
    finally:
        await admin.close()
    return {row["pid"] for row in rows}


async def _active(where: str) -> set[int]:
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        rows = await admin.fetch(f"SELECT pid FROM pg_stat_activity WHERE {where} AND pid <> pg_backend_pid()")
    finally:
        await admin.close()
    return {row["pid"] for row in rows}


async def test_reads_outlive_connections_the_server_closed() -> None:
    async with pg_reads() as reads:
        pids = {rows[0][0] for rows in await asyncio.gather(*(reads.fetch(_SLEEP) for _ in range(6)))}
        assert len(pids) > 1
        assert await _terminate(f"pid IN ({', '.join(map(str, pids))})") == pids  # idle
        results = await asyncio.gather(*(reads.fetch(_DOUBLED, {"n": n}) for n in range(6)))
        assert [rows[0][1] for rows in results] == [2 * n for n in range(6)]
        assert not {rows[0][0] for rows in results} & pids


async def test_a_read_whose_connection_the_server_closed_under_it_runs_again() -> None:
    async with pg_reads() as reads:
        slow = asyncio.gather(*(reads.fetch(_MARKED_SLEEP) for _ in range(READ_CONNECTIONS)))
        running = f"query LIKE '%{_MARK}%' AND state = 'active'"
        for _ in range(100):
            await asyncio.sleep(0.02)
            if len(await _active(running)) == READ_CONNECTIONS:
                break
        terminated = await _terminate(running)
        assert len(terminated) == READ_CONNECTIONS
        pids = {rows[0][0] for rows in await slow}
    assert pids and not pids & terminated


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
    query = {"query": "{ datasets(first: 1) { totalCount } }"}
    # A first request pays one-off costs (the key's and the schema's first use) that a loaded machine can stretch
    # past the slow read; the requests timed below are the steady ones.
    assert (await client.post("/graphql", json=query, headers=headers)).status_code == 200
    slow = asyncio.create_task(state.reads.fetch(_counting_to(10_000_000)))  # ~2 s on an idle machine
    await asyncio.sleep(0.05)  # the slow read has started (on the event loop, it would be running until it ends)
    answered = []
    for _ in range(3):
        response = await client.post("/graphql", json=query, headers=headers)
        answered.append((response.status_code, response.json(), slow.done()))
    assert answered == [(200, {"data": {"datasets": {"totalCount": 0}}}, False)] * 3
    assert await slow == [(10_000_000,)]


@pytest.mark.database_independent  # a SQLite file of its own: the lock below needs every other connection closed
async def test_a_read_that_finds_the_database_busy_waits_off_the_event_loop(tmp_path: Path) -> None:
    """A read that finds the database locked goes on in a thread, which waits for the lock (its busy timeout)
    while the event loop runs other tasks, and then returns the rows."""
    path = tmp_path / "busy.db"
    engine = create_engine(f"sqlite:///{path}")
    await upgrade(engine)
    async with engine.begin() as connection:
        table = Account.__table__  # type: ignore[attr-defined]
        await connection.execute(table.insert(), [{"name": name, "created_at": utcnow()} for name in ("a", "b")])
    await engine.dispose()
    # In exclusive locking mode a WAL database's first read takes an exclusive lock on the file, held until the
    # connection closes: every other connection's read finds the database busy meanwhile.
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("SELECT count(*) FROM account").fetchall()
    released = threading.Event()

    def release() -> None:
        holder.close()
        released.set()

    # Released by another thread: a read that waited for the lock on the event loop would stall it until then.
    releasing = threading.Timer(0.2, release)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    reads = Reads(engine)
    ticking = asyncio.create_task(tick())
    releasing.start()
    try:
        rows = await reads.fetch(_ACCOUNTS_NAMED, {"names": ["a", "b", "c"]})
        assert released.is_set()  # the rows came only once the lock was gone: the read met the busy database
        assert ticks >= 3  # the event loop ran on meanwhile
        assert rows == [(1, "a"), (2, "b")]
        # The database free again, a short read ends on the event loop: it never gives the loop a turn, which a
        # hand-off to a thread would.
        turns: list[bool] = []
        asyncio.get_running_loop().call_soon(turns.append, True)
        assert await reads.fetch(_ACCOUNTS_NAMED, {"names": ["b"]}) == [(2, "b")]
        assert not turns
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
        releasing.join()
        await reads.close()

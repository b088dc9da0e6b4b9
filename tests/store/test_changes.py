"""The caches of hot rows answer only while they are exact: PostgreSQL's notifications and this process's own
writes clear them, and while the listening connection is down every lookup reads the database; on a SQLite file,
any commit since the last lookup does."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import col

from matchscope.services import accounts, browse
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.changes import APPLICATION_NAME
from matchscope.store.db import transaction
from matchscope.store.migrate import upgrade
from matchscope.store.tables import Evaluation
from tests.conftest import add_evaluation, temporary_pg_database, wrong_secret

# Each test makes the database it needs (PostgreSQL, a SQLite file or memory), whichever backend the run tests.
pytestmark = pytest.mark.database_independent

_SECONDS = 10.0  # upper bound for what takes milliseconds, on a loaded machine


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of this module's own, whichever backend this run tests: only PostgreSQL notifies."""
    yield from temporary_pg_database("matchscope_changes")


_migrated: set[str] = set()


@pytest_asyncio.fixture
async def pg_state(pg_url: str) -> AsyncIterator[AppState]:
    state = AppState.create(Settings(database_url=pg_url))
    if pg_url not in _migrated:
        await upgrade(state.engine)
        _migrated.add(pg_url)
    try:
        async with asyncio.timeout(_SECONDS):
            assert await state.changes.wait_live()
        yield state
    finally:
        await state.close()


async def _other_process(url: str, sql: str, *arguments: object) -> object:
    """A write the way another process makes it: its own connection, not this process's engine."""
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(sql, *arguments)
    finally:
        await connection.close()


async def _until_deaf(state: AppState) -> None:
    """Wait until the feed has noticed that its connection is gone."""
    async with asyncio.timeout(_SECONDS):
        while state.changes.live:  # noqa: ASYNC110 - the connection is ended by another process
            await asyncio.sleep(0.002)


def _statements(state: AppState) -> list[str]:
    seen: list[str] = []
    state.reads.listeners.append(seen.append)
    return seen


async def _new_key(state: AppState) -> accounts.IssuedKey:
    async with transaction(state.sessions) as session:
        issued = await accounts.create_key(session, account_name=f"a-{uuid.uuid4().hex[:8]}")
    await state.changes.caught_up()  # the insert's own notification, which would clear what the test caches next
    return issued


async def test_a_usable_key_is_read_once_and_its_secret_checked_every_time(pg_state: AppState) -> None:
    issued = await _new_key(pg_state)
    seen = _statements(pg_state)
    for _ in range(3):
        assert await accounts.authenticate(pg_state.reads, issued.secret, pg_state.key_rows) == issued.account_id
    assert await accounts.authenticate(pg_state.reads, wrong_secret(issued.secret), pg_state.key_rows) is None
    assert len(seen) == 1


async def test_unknown_keys_are_not_kept(pg_state: AppState) -> None:
    issued = await _new_key(pg_state)
    unknown = issued.secret.replace(issued.key_id, "0" * len(issued.key_id))
    seen = _statements(pg_state)
    for _ in range(2):
        assert await accounts.authenticate(pg_state.reads, unknown, pg_state.key_rows) is None
    assert len(seen) == 2


async def test_a_revocation_through_this_process_applies_to_the_next_request(pg_state: AppState) -> None:
    issued = await _new_key(pg_state)
    assert await accounts.authenticate(pg_state.reads, issued.secret, pg_state.key_rows) == issued.account_id
    async with transaction(pg_state.sessions) as session:
        await accounts.revoke_key(session, issued.key_id)
    # No wait: the write itself cleared the cache.
    assert await accounts.authenticate(pg_state.reads, issued.secret, pg_state.key_rows) is None


async def test_a_revocation_by_another_process_reaches_the_cache(pg_state: AppState, pg_url: str) -> None:
    issued = await _new_key(pg_state)
    seen = _statements(pg_state)

    async def account() -> int | None:
        return await accounts.authenticate(pg_state.reads, issued.secret, pg_state.key_rows)

    assert await account() == issued.account_id
    assert await account() == issued.account_id
    assert len(seen) == 1  # cached
    await _other_process(pg_url, "UPDATE api_key SET revoked_at = now() WHERE key_id = $1", issued.key_id)
    await pg_state.changes.caught_up()
    assert await account() is None


async def _evaluation(state: AppState) -> tuple[int, int, int, int]:
    """(account, dataset, model, evaluation) ids of a new current evaluation."""
    evaluation = await add_evaluation(state, is_current=True)
    await state.changes.caught_up()
    assert evaluation.id is not None
    return evaluation.account_id, evaluation.dataset_id, evaluation.model_id, evaluation.id


def _current(state: AppState, account_id: int, dataset_id: int, model_id: int) -> Callable[[], Awaitable[int | None]]:
    """Reads the id of the pair's current evaluation through the cache."""

    async def current() -> int | None:
        row = await browse.current_evaluation(
            state.reads,
            account_id=account_id,
            dataset_id=dataset_id,
            model_id=model_id,
            known=state.current_evaluations,
        )
        return None if row is None else row.id

    return current


async def test_the_current_evaluation_follows_another_process(pg_state: AppState, pg_url: str) -> None:
    account_id, dataset_id, model_id, first = await _evaluation(pg_state)
    seen = _statements(pg_state)

    current = _current(pg_state, account_id, dataset_id, model_id)
    assert await current() == first
    assert await current() == first
    assert len(seen) == 1
    # A job elsewhere completes a newer evaluation of the same pair.
    second = await _other_process(
        pg_url,
        "WITH old AS (UPDATE evaluation SET is_current = false WHERE id = $1) "
        "INSERT INTO evaluation (account_id, dataset_id, model_id, class_agnostic, is_current, is_complete, "
        "annotation_version, prediction_version, created_at) "
        "SELECT account_id, dataset_id, model_id, class_agnostic, true, true, 0, 0, now() FROM evaluation WHERE id = $1 "
        "RETURNING id",
        first,
    )
    assert isinstance(second, int) and second != first
    await pg_state.changes.caught_up()
    assert await current() == second
    # And none is current any more: a cached row is dropped, and so is a cached "none".
    await _other_process(pg_url, "UPDATE evaluation SET is_current = false WHERE dataset_id = $1", dataset_id)
    await pg_state.changes.caught_up()
    assert await current() is None
    await _other_process(pg_url, "UPDATE evaluation SET is_current = true WHERE id = $1", first)
    await pg_state.changes.caught_up()
    assert await current() == first


async def test_a_write_of_this_process_clears_at_once(pg_state: AppState) -> None:
    account_id, dataset_id, model_id, first = await _evaluation(pg_state)

    current = _current(pg_state, account_id, dataset_id, model_id)
    assert await current() == first
    async with transaction(pg_state.sessions) as session:
        await session.execute(update(Evaluation).where(col(Evaluation.id) == first).values(is_current=False))
    assert await current() is None


async def test_a_read_that_a_change_overtakes_is_not_kept(pg_state: AppState) -> None:
    cache = pg_state.changes.cache("api_key")
    started, release = asyncio.Event(), asyncio.Event()
    loads = 0

    async def slow_load() -> str:
        nonlocal loads
        loads += 1
        started.set()
        await release.wait()
        return "read before the change"

    reading = asyncio.create_task(cache.read("k", slow_load))
    await started.wait()
    await _other_process(
        pg_state.settings.database_url, "UPDATE api_key SET revoked_at = revoked_at WHERE key_id = $1", "none"
    )
    await pg_state.changes.caught_up()
    release.set()
    assert await reading == "read before the change"

    async def fresh() -> str:
        nonlocal loads
        loads += 1
        return "read after"

    assert await cache.read("k", fresh) == "read after"
    assert loads == 2


async def _listener_pid(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        pid = await connection.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
            APPLICATION_NAME,
        )
    finally:
        await connection.close()
    assert isinstance(pid, int)
    return pid


async def test_without_its_listener_the_cache_reads_through_until_it_is_back(pg_state: AppState, pg_url: str) -> None:
    issued = await _new_key(pg_state)
    assert await accounts.authenticate(pg_state.reads, issued.secret, pg_state.key_rows) == issued.account_id
    await _other_process(pg_url, "SELECT pg_terminate_backend($1)", await _listener_pid(pg_url))
    await _until_deaf(pg_state)
    # Revoked while nobody listens: the notification is lost, yet the next read is right.
    await _other_process(pg_url, "UPDATE api_key SET revoked_at = now() WHERE key_id = $1", issued.key_id)
    assert await accounts.authenticate(pg_state.reads, issued.secret, pg_state.key_rows) is None
    # It reconnects by itself, and keeps rows again.
    async with asyncio.timeout(_SECONDS):
        assert await pg_state.changes.wait_live()
    other = await _new_key(pg_state)
    seen = _statements(pg_state)
    for _ in range(2):
        assert await accounts.authenticate(pg_state.reads, other.secret, pg_state.key_rows) == other.account_id
    assert len(seen) == 1


async def test_on_a_sqlite_file_rows_are_kept_until_any_connection_commits(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = tmp_path_factory.mktemp("c") / "m.db"
    sqlite_state = AppState.create(Settings(database_url=f"sqlite:///{path}"))
    try:
        await upgrade(sqlite_state.engine)
        assert await sqlite_state.changes.wait_live()
        await sqlite_state.changes.caught_up()  # at once: the next lookup looks at the version
        issued, other = await _new_key(sqlite_state), await _new_key(sqlite_state)
        seen = _statements(sqlite_state)
        for _ in range(3):
            assert (
                await accounts.authenticate(sqlite_state.reads, issued.secret, sqlite_state.key_rows)
                == issued.account_id
            )
        assert len(seen) == 1
        # Another process revokes the key: its own connection, its own commit.
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("UPDATE api_key SET revoked_at = CURRENT_TIMESTAMP WHERE key_id = ?", (issued.key_id,))
        finally:
            writer.close()
        assert await accounts.authenticate(sqlite_state.reads, issued.secret, sqlite_state.key_rows) is None
        # A commit through this process's own engine is seen the same way.
        assert await accounts.authenticate(sqlite_state.reads, other.secret, sqlite_state.key_rows) == other.account_id
        async with transaction(sqlite_state.sessions) as session:
            await accounts.revoke_key(session, other.key_id)
        assert await accounts.authenticate(sqlite_state.reads, other.secret, sqlite_state.key_rows) is None
    finally:
        await sqlite_state.close()


async def test_nothing_is_cached_in_an_in_memory_sqlite_database() -> None:
    memory_state = AppState.create(Settings(database_url="sqlite:///:memory:"))
    try:
        await upgrade(memory_state.engine)
        assert not await memory_state.changes.wait_live()
        issued = await _new_key(memory_state)
        for _ in range(2):
            assert (
                await accounts.authenticate(memory_state.reads, issued.secret, memory_state.key_rows)
                == issued.account_id
            )
        async with transaction(memory_state.sessions) as session:
            await accounts.revoke_key(session, issued.key_id)
        assert await accounts.authenticate(memory_state.reads, issued.secret, memory_state.key_rows) is None
    finally:
        await memory_state.close()

"""Shared fixtures: a real database (SQLite, or PostgreSQL with MATCHSCOPE_TEST_DATABASE=postgresql),
migrated once per run and emptied after each test, accounts with API keys, and an HTTP client on the app."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlmodel import SQLModel

from matchscope.app import create_app
from matchscope.services import accounts
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.migrate import upgrade
from matchscope.store.tables import Account, Dataset, Evaluation, Model

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "coco-val2014-100"
PG_ADMIN_URL = os.environ.get("MATCHSCOPE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")


def wrong_secret(secret: str) -> str:
    """The secret with its last character changed (a fixed replacement would equal it when the secret ends in it)."""
    return secret[:-1] + ("B" if secret[-1] != "B" else "C")


def backend() -> str:
    return os.environ.get("MATCHSCOPE_TEST_DATABASE", "sqlite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each pass runs its own: the PostgreSQL pass leaves out the tests that would run exactly as they did in the
    SQLite pass, and the SQLite pass those that need PostgreSQL (workers in other processes sharing the database).

    The tests marked `slow` run first: as scripts/test hands the tests out one at a time (`--maxschedchunk 1`), a
    slow one then never starts near the end of a part, with one process left running it while the others idle."""
    left_out = "postgresql_only" if backend() == "sqlite" else "database_independent"
    deselected = [item for item in items if item.get_closest_marker(left_out)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(left_out)]
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this run: a SQLite file, or a new PostgreSQL database dropped at the end."""
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'matchscope.db'}"
        return
    yield from temporary_pg_database("matchscope_test")


def temporary_pg_database(prefix: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database on the test server, dropped when the generator is closed."""
    import asyncio

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def add_evaluation(state: AppState, **fields: Any) -> Evaluation:
    """A new account with a dataset, a model and an evaluation of the model on it (`fields` go to the evaluation)."""
    async with transaction(state.sessions) as session:
        account = Account(name=f"account-{uuid.uuid4().hex[:8]}")
        session.add(account)
        await session.flush()
        assert account.id is not None
        dataset = Dataset(account_id=account.id, name="d")
        model = Model(account_id=account.id, name="m", reference_id="m")
        session.add_all([dataset, model])
        await session.flush()
        assert dataset.id is not None and model.id is not None
        evaluation = Evaluation(account_id=account.id, dataset_id=dataset.id, model_id=model.id, **fields)
        session.add(evaluation)
        await session.flush()
        assert evaluation.id is not None
    return evaluation


@pytest.fixture
def queue_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """An arq queue (and event channel prefix) of this test's own on the shared Redis."""
    name = f"matchscope-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MATCHSCOPE_QUEUE_NAME", name)
    return name


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, debug=True)


_migrated: set[str] = set()


# Above this many bytes (with its partitions and indexes) a table is truncated rather than deleted row by row.
_TRUNCATE_FROM_BYTES = 2 * 1024 * 1024
# The tables the test left large, and the sequences of every table's keys.
_LARGE_TABLES = text(
    "SELECT name FROM unnest(CAST(:names AS text[])) AS name "
    "WHERE coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(CAST(name AS regclass))), "
    "pg_total_relation_size(CAST(name AS regclass))) > :limit"
)
_KEY_SEQUENCES = text(
    "SELECT CAST(CAST(sequence.oid AS regclass) AS text) FROM pg_class AS sequence "
    "JOIN pg_depend ON pg_depend.objid = sequence.oid AND pg_depend.deptype IN ('a', 'i') "
    "JOIN pg_class AS owner ON owner.oid = pg_depend.refobjid "
    "WHERE sequence.relkind = 'S' AND owner.relname = ANY(CAST(:names AS text[]))"
)

_ENTRY_TABLES = {
    "postgresql": text("SELECT relname FROM pg_class WHERE relname ~ '^match_entry_[0-9]+$' AND relkind = 'r'"),
    "sqlite": text("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'match_entry_[0-9]*'"),
}


async def _empty_all_tables(state: AppState) -> None:
    names = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    async with state.engine.begin() as connection:
        # The evaluations' own entry tables (matchscope.store.entry_partitions, sqlite_entries): the test's
        # evaluations are gone, and a test may count the tables.
        for name in (await connection.execute(_ENTRY_TABLES[state.engine.dialect.name])).scalars().all():
            await connection.execute(text(f"DROP TABLE {name}"))
        if state.engine.dialect.name == "postgresql":
            # TRUNCATE makes new files for every table and index (~0.3 s a test, most of a database test's own
            # time); the few rows a test leaves are deleted faster. The keys then start again at 1, as on SQLite.
            large = (await connection.execute(_LARGE_TABLES, {"names": names, "limit": _TRUNCATE_FROM_BYTES})).all()
            if large:
                await connection.execute(text(f"TRUNCATE {', '.join(row[0] for row in large)} CASCADE"))
            for name in names:
                await connection.execute(text(f'DELETE FROM "{name}"'))
            for (sequence,) in (await connection.execute(_KEY_SEQUENCES, {"names": names})).all():
                await connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
        else:
            for name in names:
                await connection.execute(text(f'DELETE FROM "{name}"'))


@pytest_asyncio.fixture
async def state(settings: Settings) -> AsyncIterator[AppState]:
    """The application state on the run's database; every table is emptied after the test."""
    app_state = AppState.create(settings)
    if settings.database_url not in _migrated:
        await upgrade(app_state.engine)
        _migrated.add(settings.database_url)
    try:
        yield app_state
    finally:
        await _empty_all_tables(app_state)
        await app_state.close()


@dataclass(frozen=True)
class Caller:
    account_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    @property
    def basic_headers(self) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{self.key}:".encode()).decode()}


@pytest_asyncio.fixture
async def make_caller(state: AppState) -> Callable[[str], Awaitable[Caller]]:
    async def make(account: str = "alice") -> Caller:
        async with transaction(state.sessions) as session:
            issued = await accounts.create_key(session, account_name=account)
        return Caller(account_id=issued.account_id, key=issued.secret)

    return make


@pytest_asyncio.fixture
async def caller(make_caller: Callable[[str], Awaitable[Caller]]) -> Caller:
    return await make_caller("alice")


@pytest_asyncio.fixture
async def client(state: AppState) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(state.settings, state=state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


GraphQL = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def gql(client: httpx.AsyncClient, caller: Caller) -> GraphQL:
    """POST a GraphQL operation as `caller` (or `as_=` another); fails the test on transport or GraphQL errors."""

    async def execute(
        query: str, variables: dict[str, Any] | None = None, *, as_: Caller | None = None
    ) -> dict[str, Any]:
        who = as_ or caller
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=who.headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    return execute

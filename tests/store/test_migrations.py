"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from matchscope.state import AppState
from matchscope.store import entry_partitions, sqlite_entries
from matchscope.store.db import create_engine
from matchscope.store.entry_partitions import comparison_hooks
from matchscope.store.migrate import alembic_config, is_up_to_date
from matchscope.store.tables import MatchEntry
from tests.conftest import PG_ADMIN_URL, backend
from tests.jobs.servers import MATCHSCOPE_WORKER, REDIS_URL, ROOT, free_port

MATCHSCOPE_SERVE = (sys.executable, "-m", "matchscope", "serve")


def _drift(connection: Connection) -> list[Any]:
    with warnings.catch_warnings():
        # Expression indexes cannot be reflected on SQLite; they are compared on PostgreSQL.
        warnings.simplefilter("ignore")
        context = MigrationContext.configure(connection, opts=comparison_hooks(connection.dialect.name))
        return list(compare_metadata(context, SQLModel.metadata))


async def _nothing() -> None:
    return None


async def test_migrated_schema_matches_the_tables(state: AppState) -> None:
    async with state.engine.connect() as connection:
        # An evaluation's entry table (PostgreSQL), as a completed job leaves it, is not drift.
        await entry_partitions.create(connection, 1)
        await entry_partitions.build_indexes(connection, 1)
        await entry_partitions.attach(connection, 1)
        # Nor is a scaled-out one's, partitioned by its chunks' tables.
        await entry_partitions.create(connection, 2, chunked=True)
        for chunk, (first, last) in enumerate([(1, 10), (11, 20)]):
            await entry_partitions.write_chunk(connection, 2, chunk, first, last, _nothing)
        await entry_partitions.attach(connection, 2)
        assert await connection.run_sync(_drift) == []
    assert await is_up_to_date(state.engine)


@pytest.mark.postgresql_only
async def test_chunk_payloads_are_stored_without_compression(state: AppState) -> None:
    """Migration 0021: the server does not try to compress a chunk's payload (numpy's arrays, which it could not)."""
    async with state.engine.connect() as connection:
        storage = await connection.execute(
            text(
                "SELECT attstorage::text FROM pg_attribute "
                "WHERE attrelid = 'evaluation_chunk'::regclass AND attname = 'payload'"
            )
        )
        assert storage.scalar_one() == "e"


async def test_match_entry_indexes_on_postgresql_are_those_of_each_partition(state: AppState) -> None:
    """On PostgreSQL (left out of the comparison above) the parent's indexes are `INDEXES`, as a job builds them on
    an evaluation's table; SQLite's are the tables'."""
    if backend() == "sqlite":  # one table holds every evaluation: its indexes lead with the evaluation
        async with state.engine.connect() as connection:
            found = await connection.run_sync(lambda sync: _index_columns(sync)["ix_entry_eval_item"])
        assert found == ["evaluation_id", "item_id"]
        return
    definitions = "SELECT regexp_replace(indexdef, '^.* USING ', '') FROM pg_indexes WHERE indexname = :name"
    made = {}
    async with state.engine.connect() as connection:
        await connection.execute(text("CREATE TEMPORARY TABLE expected (LIKE match_entry)"))
        for name in entry_partitions.INDEXES:
            await connection.execute(text(entry_partitions.index_definition(name, "expected", f"expected_{name}")))
            made[name] = (await connection.execute(text(definitions), {"name": name})).scalar_one()
            wanted = (await connection.execute(text(definitions), {"name": f"expected_{name}"})).scalar_one()
            assert made[name] == wanted, name
    assert set(made) == {str(index.name) for index in MatchEntry.__table__.indexes}  # type: ignore[attr-defined]
    assert not [definition for definition in made.values() if "evaluation_id" in definition], made


def _index_columns(connection: Connection) -> dict[str, list[str | None]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the expression index is skipped on SQLite
        return {str(index["name"]): index["column_names"] for index in inspect(connection).get_indexes("match_entry")}


async def test_match_entry_indexes_are_the_browsing_ones(state: AppState) -> None:
    async with state.engine.connect() as connection:
        columns = await connection.run_sync(_index_columns)
    assert {"ix_entry_eval_item", "ix_entry_browse_iou"} <= set(columns)
    assert "ix_entry_browse_gt_label" not in columns
    # The labels ride on the IoU index: a label filter is checked there, not on a table row per entry.
    assert columns["ix_entry_browse_iou"][-2:] == ["ground_truth_label", "prediction_label"]


_ROWS = {
    "account": "INSERT INTO account (id, name, created_at) VALUES (1, 'a', '2026-01-01')",
    "dataset": "INSERT INTO dataset (id, account_id, name, created_at, annotation_version) "
    "VALUES (1, 1, 'd', '2026-01-01', 0)",
    "dataset_item": "INSERT INTO dataset_item (id, dataset_id, reference_id) VALUES (1, 1, 'i')",
    "model": "INSERT INTO model (id, account_id, name, reference_id, created_at) VALUES (1, 1, 'm', 'm', '2026-01-01')",
    "box_annotation": "INSERT INTO box_annotation (id, dataset_id, item_id, annotation_id, label, x, y, width, height, "
    "iscrowd) VALUES (1, 1, 1, 'g', 'cat', 0, 0, 10, 10, false)",
    "box_prediction": "INSERT INTO box_prediction (id, dataset_id, model_id, item_id, annotation_id, label, x, y, "
    "width, height, confidence) VALUES (1, 1, 1, 1, 'p', 'cat', 1, 1, 10, 10, 0.9)",
    "evaluation": "INSERT INTO evaluation (id, account_id, dataset_id, model_id, class_agnostic, is_current, "
    "is_complete, annotation_version, prediction_version, created_at) "
    "VALUES (1, 1, 1, 1, true, true, true, 0, 0, '2026-01-01')",
    "match_entry": "INSERT INTO match_entry (id, evaluation_id, item_id, is_prediction, ground_truth_id, "
    "prediction_id, iou, confidence, compatible) VALUES (1, 1, 1, true, 1, 1, 0.68, 0.9, true), "
    "(2, 1, 1, false, 1, 1, 0.68, 0.9, true)",
}
_BULK_TABLES = ("box_annotation", "box_prediction", "match_entry")


def _to_revision(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def _rows_at(connection: AsyncConnection, revision: str) -> None:
    """The database migrated to `revision`, with `_ROWS` in it."""
    await connection.run_sync(_to_revision, revision)
    for statement in _ROWS.values():
        await connection.execute(text(statement))


def _bulk_table_shape(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        foreign_keys = {table: inspector.get_foreign_keys(table) for table in _BULK_TABLES}
    # `match_entry` itself, on purpose (on SQLite a read of it is otherwise routed to an evaluation's table).
    itself = {sqlite_entries.ROUTE: None}
    counts = {
        table: connection.execute(text(f"SELECT count(*) FROM {table}").execution_options(**itself)).scalar_one()
        for table in _ROWS
    }
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'match_entry'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'match_entry'"
    return {
        "foreign_keys": foreign_keys,
        "counts": counts,
        "indexes": {name for name in connection.execute(text(query)).scalars() if not name.startswith("sqlite_")},
    }


@pytest_asyncio.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    """A database with nothing in it, just for one test (migrations are run by hand)."""
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"matchscope_migrate_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_dropping_bulk_foreign_keys_keeps_rows_and_indexes(empty_database: str) -> None:
    engine = create_engine(empty_database)
    try:
        async with engine.begin() as connection:
            await _rows_at(connection, "0003")
            before = await connection.run_sync(_bulk_table_shape)
        async with engine.begin() as connection:
            await connection.run_sync(_to_revision, "0018")  # 0019 moves SQLite's entries: below
            after = await connection.run_sync(_bulk_table_shape)
    finally:
        await engine.dispose()
    assert all(before["foreign_keys"][table] for table in _BULK_TABLES)
    assert after["foreign_keys"] == {table: [] for table in _BULK_TABLES}
    assert after["counts"] == before["counts"] == {table: 2 if table == "match_entry" else 1 for table in _ROWS}
    # Added by 0006, 0012, 0013 and 0015.
    assert after["indexes"] == before["indexes"] | {
        "ix_entry_ground_truths_by_label",
        "ix_entry_review_key",
        "ix_entry_error_type",
        "ix_entry_predictions_by_label",
    }
    assert {"ix_entry_eval_item", "ix_entry_browse_iou", "ix_entry_browse_confidence"} <= after["indexes"]


def _entry_tables(connection: Connection) -> dict[str, Any]:
    """Per entry table (SQLite): its entries' (id, evaluation) and its index names."""
    names = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'match_entry%' ORDER BY name")
    ).scalars()
    found: dict[str, Any] = {}
    for name in names:
        rows = connection.execute(
            text(f"SELECT id, evaluation_id, iou FROM {name} ORDER BY id").execution_options(
                **{sqlite_entries.ROUTE: None}
            )
        ).all()
        indexes = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :name AND sql IS NOT NULL"),
            {"name": name},
        ).scalars()
        found[name] = ([tuple(row) for row in rows], set(indexes))
    return found


def _pg_entry_tables(connection: Connection) -> list[str]:
    found = connection.execute(text("SELECT relname FROM pg_class WHERE relname ~ '^match_entry_[0-9]+$'"))
    return list(found.scalars())


async def test_sqlite_entries_move_into_their_evaluations_tables(empty_database: str) -> None:
    """0019: an evaluation made before it is read from its own table, ids `evaluation id * 2**32 + id`, with
    `match_entry`'s indexes; an evaluation without entries gets an empty one (PostgreSQL: nothing changes)."""
    engine = create_engine(empty_database)
    try:
        async with engine.begin() as connection:
            if connection.dialect.name != "sqlite":
                await connection.run_sync(_to_revision, "0018")
                tables_before = await connection.run_sync(_pg_entry_tables)
                await connection.run_sync(_to_revision, "head")
                assert await connection.run_sync(_pg_entry_tables) == tables_before == []
                return
            await _rows_at(connection, "0018")
            await connection.execute(
                text(
                    "INSERT INTO evaluation (id, account_id, dataset_id, model_id, class_agnostic, is_current, "
                    "is_complete, annotation_version, prediction_version, created_at) "
                    "VALUES (2, 1, 1, 1, true, false, true, 0, 0, '2026-01-01')"
                )
            )
            before = await connection.run_sync(_entry_tables)
            await connection.run_sync(_to_revision, "head")
            after = await connection.run_sync(_entry_tables)
    finally:
        await engine.dispose()
    parent_rows, parent_indexes = before.pop("match_entry")
    assert before == {} and len(parent_rows) == 2
    assert after["match_entry"] == ([], parent_indexes)
    assert after["match_entry_1"] == (
        [((1 << 32) + 1, 1, 0.68), ((1 << 32) + 2, 1, 0.68)],
        {f"{name}_1" for name in parent_indexes},
    )
    assert after["match_entry_2"] == ([], {f"{name}_2" for name in parent_indexes})
    assert len(after) == 3


_MIGRATE_AT = """
import asyncio, sys, time
from matchscope.store.db import create_engine
from matchscope.store import entry_partitions
from matchscope.store.entry_partitions import include_name
from matchscope.store.migrate import upgrade

async def main(url: str, start_at: float) -> None:
    engine = create_engine(url)
    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        await upgrade(engine)
    finally:
        await engine.dispose()

asyncio.run(main(sys.argv[1], float(sys.argv[2])))
"""


@pytest.mark.slow
async def test_processes_starting_at_once_on_a_new_database_all_migrate(empty_database: str) -> None:
    processes = 10
    start_at = time.time() + 4.0  # every process has imported matchscope by then, so their upgrades overlap
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _MIGRATE_AT, empty_database, str(start_at), stderr=asyncio.subprocess.PIPE
        )
        for _ in range(processes)
    ]
    results = await asyncio.gather(*(child.communicate() for child in children))
    failures = [
        stderr.decode()[-600:] for child, (_, stderr) in zip(children, results, strict=True) if child.returncode
    ]
    assert failures == []
    engine = create_engine(empty_database)
    try:
        assert await is_up_to_date(engine)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM alembic_version"))).scalar_one() == 1
    finally:
        await engine.dispose()


@pytest.mark.slow
def test_ten_api_and_worker_processes_start_at_once_on_a_new_database(empty_database: str, tmp_path: Path) -> None:
    """As `docker compose up --scale` would start them: 5 `matchscope serve` and 5 `matchscope worker --burst` at the
    same moment on a database nobody has migrated. Every API answers /healthz and every worker gets up, finds its
    queue empty and exits 0."""
    queue = f"matchscope-test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "DATABASE_URL": empty_database, "REDIS_URL": REDIS_URL, "MATCHSCOPE_QUEUE_NAME": queue}
    ports = [free_port() for _ in range(5)]
    commands = [[*MATCHSCOPE_SERVE, "--port", str(port)] for port in ports] + [[*MATCHSCOPE_WORKER, "--burst"]] * 5
    logs = [tmp_path / f"process-{n}.log" for n in range(len(commands))]
    children: list[subprocess.Popen[bytes]] = []
    # Ten processes importing matchscope and loading the engine's kernels take ~30 s of CPU: 2 cores shared with
    # other test runs need minutes. Under pytest's 300 s: this fails, never hangs.
    deadline = time.monotonic() + 270
    try:
        for command, log in zip(commands, logs, strict=True):
            with log.open("wb") as output:
                children.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT))
        for port, child, log in zip(ports, children, logs, strict=False):
            while True:
                assert child.poll() is None, log.read_text()[-2000:]
                assert time.monotonic() < deadline, f"no answer on port {port}: {log.read_text()[-2000:]}"
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                time.sleep(0.1)
        for child, log in zip(children[len(ports) :], logs[len(ports) :], strict=True):
            child.wait(timeout=max(1.0, deadline - time.monotonic()))
            assert child.returncode == 0, log.read_text()[-2000:]
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()

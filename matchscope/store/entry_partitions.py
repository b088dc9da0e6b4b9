"""PostgreSQL: each evaluation's match entries in a partition of its own (`match_entry_<evaluation id>`, migration
0016), written without indexes and indexed once, whole, before it is attached.

Keeping the browsing indexes up to date row by row was most of a job's time (COPY into `match_entry` with its six
indexes: 8.4 s for 530,932 entries, 1.3 s into a table without indexes; building the indexes afterwards 3.6 s;
bench/entry_writes.py), and grew faster than the entries once the indexes outgrew the server's cache. So a job
creates its evaluation's table detached — nobody reads an evaluation before it is complete — its chunks copy their
entries into it, the job builds the indexes and the primary key of `match_entry` on it, and the completing
transaction attaches it (the indexes then become partitions of the parent's, and the CHECK constraint spares the
validation scan). Deleting an evaluation drops its table. SQLite has tables of evaluations too, read in place of
`match_entry` (`sqlite_entries`); the functions here do what each database needs.

A scaled-out evaluation's table is itself partitioned, by item range: each chunk (`services/evaluation/chunks.py`)
copies its entries into a table of its own (`match_entry_<evaluation id>_<chunk>`), builds the indexes on it and
attaches it, all in the transaction that marks the chunk done, so the builds run on every worker at once instead of
once in the merge; the evaluation's table has the parent's indexes from the start (empty), and each chunk's are
attached as their partitions, then the whole as the evaluation's partition, without building anything again. The
primary key is (id, evaluation_id, item_id) (migration 0020): a partitioned table's unique keys hold its partition
key.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Table, TableClause, column, table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from matchscope.store import sqlite_entries
from matchscope.store.db import transaction
from matchscope.store.dialect import is_postgresql
from matchscope.store.tables import MatchEntry

PARENT = "match_entry"
# Sorting the entries of a large evaluation for its indexes in memory rather than in temporary files.
_INDEX_BUILD_MEMORY = "256MB"
# The secondary indexes of `match_entry` as PostgreSQL has them (migration 0017): those of the tables without the
# evaluation id, which is one value in a partition (a page's query is pruned to its evaluation's partition first),
# and the label indexes led by the label, the key that tells most entries apart. Building the indexes of an
# evaluation's table took 19 % less time (3.26 s against 4.03 s of the server's CPU for 530,932 entries); a sort's
# comparisons stopped at a constant first key and, for the labels, at a column before a variable-width one.
# SQLite, whose `match_entry` holds every evaluation, keeps the tables' definitions.
INDEXES = {
    "ix_entry_eval_item": "(item_id)",
    "ix_entry_browse_iou": "(is_prediction, compatible, iou, id, ground_truth_label, prediction_label)",
    "ix_entry_browse_confidence": "(is_prediction, compatible, coalesce(confidence, 1.0), id)",
    "ix_entry_ground_truths_by_label": "(ground_truth_label, compatible, iou, id) WHERE NOT is_prediction",
    "ix_entry_predictions_by_label": (
        "(prediction_label, compatible, iou, id) WHERE is_prediction AND prediction_label IS NOT NULL"
    ),
    "ix_entry_review_key": "(coalesce(ground_truth_id, 0), coalesce(prediction_id, 0))",
    "ix_entry_error_type": "(default_error_type, iou, id) WHERE default_error_type IS NOT NULL",
}
# The statistics target of a chunk's table (the server's default is 100: samples of 30,000 rows).
_CHUNK_STATISTICS_TARGET = 20
# Connections the indexes of one evaluation are built on at once.
_BUILDERS = 2
# The indexes by the time their build took in a job (530,932 entries, 2 connections, load average 12 on 2 cores):
# 2.56, 1.73, 1.36, 0.86, 0.84, 0.64, 0.35 and the primary key's 0.33 s. Taken longest first, no connection is
# left with a long build after the other has run out of work (5.3 s then 3.4 s when they were dealt in turn).
_BUILD_ORDER = (
    "ix_entry_predictions_by_label",
    "ix_entry_browse_iou",
    "ix_entry_browse_confidence",
    "ix_entry_error_type",
    "ix_entry_review_key",
    "ix_entry_eval_item",
    "ix_entry_ground_truths_by_label",
)


def _parent() -> Table:
    return MatchEntry.__table__  # type: ignore[attr-defined,no-any-return]


# The primary key of `match_entry` and of every table under it (migration 0020).
KEY = "(id, evaluation_id, item_id)"
_PARTITION_NAME = re.compile(rf"{PARENT}_[0-9]+(_[0-9]+)?")


def partition_name(evaluation_id: int) -> str:
    return f"{PARENT}_{int(evaluation_id)}"


def chunk_name(evaluation_id: int, chunk: int) -> str:
    """The entry table of one chunk of a scaled-out evaluation, a partition of the evaluation's."""
    return f"{PARENT}_{int(evaluation_id)}_{int(chunk)}"


def is_partition(table_name: str | None) -> bool:
    """Whether `table_name` is an evaluation's or a chunk's entry table (made by jobs, not declared in the
    tables)."""
    return table_name is not None and _PARTITION_NAME.fullmatch(table_name) is not None


def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic's `include_name` for comparing the database with the tables: the evaluations' entry tables and
    their indexes left out."""
    return not is_partition(name if type_ == "table" else parent_names.get("table_name"))


def comparison_hooks(dialect_name: str) -> dict[str, Callable[..., bool]]:
    """Alembic's options for comparing the database with the tables: `include_name`, and on PostgreSQL an
    `include_object` that leaves out the indexes of `match_entry` whose definitions are `INDEXES` there."""
    if dialect_name != "postgresql":
        return {"include_name": include_name}

    def include_object(item: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
        return not (type_ == "index" and name in INDEXES and str(getattr(item, "table", None)) == PARENT)

    return {"include_name": include_name, "include_object": include_object}


def entry_table(session: AsyncSession | AsyncConnection, evaluation_id: int, chunk: int | None = None) -> TableClause:
    """Where the evaluation's entries are written: its own table (on PostgreSQL the chunk's, given one; on SQLite
    with the column types its inserts need)."""
    if is_postgresql(session):
        return table(partition_name(evaluation_id) if chunk is None else chunk_name(evaluation_id, chunk))
    return table(partition_name(evaluation_id), *(column(name, type_.type) for name, type_ in _parent().c.items()))


def index_definition(name: str, table_name: str, index_name: str) -> str:
    """`CREATE INDEX IF NOT EXISTS index_name ON table_name` with the definition of `INDEXES[name]`."""
    columns, _, where = INDEXES[name].partition(" WHERE ")
    return f"CREATE INDEX IF NOT EXISTS {index_name} ON {table_name} {columns}" + (f" WHERE {where}" if where else "")


def _index_statements(evaluation_id: int, table_name: str | None = None) -> list[str]:
    """`CREATE INDEX IF NOT EXISTS` of each index of `match_entry` and of the key index on the evaluation's table
    (or `table_name`; the indexes named after the table), the longest to build first (`_BUILD_ORDER`)."""
    table_name = table_name or partition_name(evaluation_id)
    suffix = table_name[len(PARENT) :]
    statements = {name: index_definition(name, table_name, f"{name}{suffix}") for name in INDEXES}
    statements[f"{PARENT}_pkey"] = f"CREATE UNIQUE INDEX IF NOT EXISTS {table_name}_pkey ON {table_name} {KEY}"

    def rank(name: str) -> tuple[int, str]:
        return _BUILD_ORDER.index(name) if name in _BUILD_ORDER else len(_BUILD_ORDER), name

    return [statements[name] for name in sorted(statements, key=rank)]


async def _connection(session: AsyncSession | AsyncConnection) -> AsyncConnection:
    return await session.connection() if isinstance(session, AsyncSession) else session


async def create(session: AsyncSession | AsyncConnection, evaluation_id: int, *, chunked: bool = False) -> None:
    """A new, empty, detached entry table for the evaluation (an earlier attempt's dropped). `chunked` (PostgreSQL):
    partitioned by item range for the chunks' tables, with the indexes and key of `match_entry` (empty, so made at
    once) that the chunks' indexes become partitions of."""
    connection = await _connection(session)
    if not is_postgresql(connection):
        await sqlite_entries.create(connection, evaluation_id)
        return
    name = partition_name(evaluation_id)
    await connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
    if chunked:
        await connection.execute(
            text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS) PARTITION BY RANGE (item_id)")
        )
        for index in INDEXES:
            await connection.execute(text(index_definition(index, name, f"{index}_{int(evaluation_id)}")))
        await connection.execute(text(f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY {KEY}"))
    else:
        await connection.execute(text(_checked_table(name, evaluation_id)))
    await _default_evaluation(connection, name, evaluation_id)


def _checked_table(name: str, evaluation_id: int, items: str | None = None) -> str:
    """`CREATE TABLE name` like `match_entry`, checked to hold the evaluation's entries only (and `items`, a
    condition on `item_id`): the checks spare the scan that attaching it would make to prove it."""
    checks = f"CONSTRAINT {name}_evaluation CHECK (evaluation_id = {int(evaluation_id)})"
    if items is not None:
        checks += f", CONSTRAINT {name}_items CHECK ({items})"
    return f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS, {checks})"


async def _default_evaluation(connection: AsyncConnection, name: str, evaluation_id: int) -> None:
    """The evaluation id as the table's default: writers leave it out of their rows (`written_constants`)."""
    await connection.execute(text(f"ALTER TABLE {name} ALTER COLUMN evaluation_id SET DEFAULT {int(evaluation_id)}"))


async def ensure(session: AsyncSession | AsyncConnection, evaluation_id: int, *, chunked: bool = False) -> None:
    """The evaluation's entry table as it is, or a new one (`create`) when it has none (a job resumed after a
    takeover); its evaluation id the default either way, whoever made it."""
    connection = await _connection(session)
    if not is_postgresql(connection):
        if not await sqlite_entries.exists(connection, evaluation_id):
            await sqlite_entries.create(connection, evaluation_id)
        return
    if await _exists(connection, evaluation_id):
        await _default_evaluation(connection, partition_name(evaluation_id), evaluation_id)
    else:
        await create(connection, evaluation_id, chunked=chunked)


async def write_chunk(
    session: AsyncSession | AsyncConnection,
    evaluation_id: int,
    chunk: int,
    first_item: int,
    last_item: int,
    copy: Callable[[], Awaitable[None]],
) -> None:
    """One chunk's entries (`copy` writes them into `entry_table(session, evaluation_id, chunk)`) in a new table of
    their own, indexed and attached to the evaluation's table for items `first_item` to `last_item`, in the caller's
    transaction; nothing but `copy` on SQLite."""
    connection = await _connection(session)
    if not is_postgresql(connection):
        await copy()
        return
    name = chunk_name(evaluation_id, chunk)
    items = f"item_id >= {int(first_item)} AND item_id < {int(last_item) + 1}"
    await connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
    await connection.execute(text(_checked_table(name, evaluation_id, items)))
    await _default_evaluation(connection, name, evaluation_id)
    await copy()
    # The chunks are the parallelism: the server's parallel index workers on top of every worker's two chunk writes
    # made two workers slower than one at 50,000 images (125.8 s against 83.2 s).
    await connection.execute(text("SET LOCAL max_parallel_maintenance_workers = 0"))
    await _build(connection, deque(_index_statements(evaluation_id, name)))
    # A chunk's statistics from a smaller sample: at the default target ANALYZE read most of a chunk of 53,000
    # entries and was its write's longest statement (0.30 s of ~1.4 s).
    await connection.execute(text(f"SET LOCAL default_statistics_target = {_CHUNK_STATISTICS_TARGET}"))
    await _finish(connection, name)
    await connection.execute(
        text(
            f"ALTER TABLE {partition_name(evaluation_id)} ATTACH PARTITION {name} "
            f"FOR VALUES FROM ({int(first_item)}) TO ({int(last_item) + 1})"
        )
    )


def written_constants(
    session: AsyncSession | AsyncConnection, evaluation_id: int, nulls: Iterable[str]
) -> dict[str, int | None]:
    """The columns with one value in every row of a write of the evaluation's entries, to be sent with them: on
    SQLite the evaluation id and the `nulls`; none on PostgreSQL, whose evaluation table fills in its id by default
    and leaves the columns not written null (COPY appended them to every row: ~0.25 s of 530,932 entries)."""
    if is_postgresql(session):
        return {}
    return {"evaluation_id": evaluation_id, **dict.fromkeys(nulls)}


async def _exists(connection: AsyncConnection, evaluation_id: int) -> bool:
    found = await connection.execute(text("SELECT to_regclass(:name)"), {"name": partition_name(evaluation_id)})
    return found.scalar() is not None


async def _build(connection: AsyncConnection, pending: deque[str]) -> None:
    """The statements of `pending`, taken one at a time until none is left (other connections take them too)."""
    await connection.execute(text(f"SET LOCAL maintenance_work_mem = '{_INDEX_BUILD_MEMORY}'"))
    while pending:
        await connection.execute(text(pending.popleft()))


async def _finish(connection: AsyncConnection, name: str) -> None:
    """The key index made the primary key, and the table's statistics (the server may not run autovacuum)."""
    has_key = await connection.execute(
        text("SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(:name) AND contype = 'p'"), {"name": name}
    )
    if has_key.first() is None:
        await connection.execute(
            text(f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY USING INDEX {name}_pkey")
        )
    await connection.execute(text(f"ANALYZE {name}"))


async def build_indexes(session: AsyncSession | AsyncConnection, evaluation_id: int) -> None:
    """The indexes and primary key of `match_entry` on the evaluation's detached table, in the caller's transaction
    (which may have written the entries); idempotent."""
    connection = await _connection(session)
    if is_postgresql(connection):
        await _build(connection, deque(_index_statements(evaluation_id)))
        await _finish(connection, partition_name(evaluation_id))
    else:
        await sqlite_entries.build_indexes(connection, evaluation_id)


async def build_indexes_at_once(sessions: async_sessionmaker[AsyncSession], evaluation_id: int) -> None:
    """`build_indexes` of committed entries on `_BUILDERS` connections, each taking the next index to build, the
    longest first: each build has phases the server runs in one process, which the others' fill (8.1-8.7 s on one
    connection, 6.7-6.8 s on two for 530,932 entries, load average 10 on 2 cores), and the longest build alone
    is a third of them all."""
    async with sessions() as session:
        postgresql = is_postgresql(session)
    if not postgresql:  # one writer at a time
        async with transaction(sessions) as session:
            await sqlite_entries.build_indexes(await session.connection(), evaluation_id)
        return
    pending = deque(_index_statements(evaluation_id))

    async def build() -> None:
        async with transaction(sessions) as session:
            await _build(await session.connection(), pending)

    await asyncio.gather(*(build() for _ in range(_BUILDERS)))
    async with transaction(sessions) as session:
        await _finish(await session.connection(), partition_name(evaluation_id))


async def attach(session: AsyncSession | AsyncConnection, evaluation_id: int) -> None:
    """Make the evaluation's entries part of `match_entry` (in the caller's transaction); nothing on SQLite."""
    connection = await _connection(session)
    if not is_postgresql(connection):
        return
    name = partition_name(evaluation_id)
    await connection.execute(text(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES IN ({int(evaluation_id)})"))


async def drop(session: AsyncSession | AsyncConnection, evaluation_ids: Iterable[int]) -> int:
    """Drop the entry tables of the evaluations, attached or not (a chunked one with its chunks' tables); the number
    of entries they held."""
    connection = await _connection(session)
    exists = _exists if is_postgresql(connection) else sqlite_entries.exists
    rows = 0
    for evaluation_id in sorted(set(evaluation_ids)):
        if not await exists(connection, evaluation_id):
            continue
        name = partition_name(evaluation_id)
        rows += int((await connection.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one())
        await connection.execute(text(f"DROP TABLE {name}"))
    return rows

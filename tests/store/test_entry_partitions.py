"""The statements that index an evaluation's entry table (PostgreSQL), how many chunk tables a scaled-out one has,
and how statements and entry ids find an evaluation's table on SQLite, checked without a database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from matchscope.services.evaluation.chunks import MAX_CHUNKS, bounds, chunk_size
from matchscope.store import entry_partitions, sqlite_entries
from matchscope.store.tables import MatchEntry

_TABLE = MatchEntry.__table__  # type: ignore[attr-defined]


def test_every_index_of_match_entry_is_built_once_on_the_partition_the_longest_first() -> None:
    statements = entry_partitions._index_statements(7)
    names = [str(index.name) for index in MatchEntry.__table__.indexes]  # type: ignore[attr-defined]
    built = [statement.split(" ON ")[0].rsplit(" ", 1)[-1] for statement in statements]
    assert sorted(built) == sorted([*(f"{name}_7" for name in names), "match_entry_7_pkey"])
    assert all(" ON match_entry_7 " in statement for statement in statements)
    # The build order names only indexes that exist, and they come first, in its order.
    assert set(entry_partitions._BUILD_ORDER) <= set(names)
    assert built[: len(entry_partitions._BUILD_ORDER)] == [f"{name}_7" for name in entry_partitions._BUILD_ORDER]


def test_sqlite_statements_naming_match_entry_read_the_evaluation_s_table() -> None:
    sql = (
        "SELECT match_entry.id, coalesce(match_entry.confidence, 1.0) FROM match_entry "
        "JOIN match_review ON match_review.id = match_entry.id, match_entry_7 AS kept"
    )
    assert sqlite_entries.routed(sql, 5) == (
        "SELECT match_entry_5.id, coalesce(match_entry_5.confidence, 1.0) FROM match_entry_5 "
        "JOIN match_review ON match_review.id = match_entry_5.id, match_entry_7 AS kept"
    )
    assert sqlite_entries.routed(sql, None) == sql
    assert sqlite_entries.evaluation_in({"evaluation_id": 5, "other": 1}) == 5
    assert sqlite_entries.evaluation_in({"evaluation_id_1": 5}) is None


def test_entry_ids_lead_to_their_evaluation_s_table() -> None:
    first = sqlite_entries.first_id(5)
    assert first == 5 * 2**32 + 1 and sqlite_entries.evaluation_of(first) == 5
    assert sqlite_entries.evaluation_of(6 * 2**32 - 1) == 5
    ids = [sqlite_entries.first_id(6), first + 1, first, sqlite_entries.first_id(6) + 9, first]
    on_sqlite = SimpleNamespace(dialect=sqlite.dialect())
    assert sqlite_entries.by_evaluation(on_sqlite, ids) == [
        (5, [first, first + 1]),
        (6, [sqlite_entries.first_id(6), sqlite_entries.first_id(6) + 9]),
    ]
    on_postgresql = SimpleNamespace(dialect=postgresql.dialect())
    assert sqlite_entries.by_evaluation(on_postgresql, ids) == [(None, sorted(set(ids)))]


@pytest.mark.parametrize(
    ("items", "chunk_items", "size", "chunks"),
    [(5000, 500, 500, 10), (50000, 500, 3125, 16), (240, 6, 15, 16), (10, 500, 500, 1), (17, 1, 2, 9)],
)
def test_a_scaled_out_evaluation_has_at_most_max_chunks_tables(
    items: int, chunk_items: int, size: int, chunks: int
) -> None:
    assert chunk_size(items, chunk_items) == size
    assert len(bounds(list(range(items)), size)) == chunks <= MAX_CHUNKS


def test_a_chunk_is_indexed_on_its_own_table_with_the_names_of_its_own() -> None:
    statements = entry_partitions._index_statements(7, entry_partitions.chunk_name(7, 3))
    assert all(" ON match_entry_7_3 " in statement for statement in statements)
    assert "match_entry_7_3_pkey" in statements[-1] and "(id, evaluation_id, item_id)" in statements[-1]
    assert entry_partitions.is_partition("match_entry_7_3") and entry_partitions.is_partition("match_entry_7")
    assert not entry_partitions.is_partition("match_entry_7_") and not entry_partitions.is_partition("match_entry")


@asynccontextmanager
async def _evaluation_7(url: str, rows: list[dict[str, Any]]) -> AsyncIterator[AsyncConnection]:
    """A connection, in a transaction, to a SQLite database holding `match_entry` and evaluation 7's table with
    `rows` (routed there by their `evaluation_id`)."""
    engine = create_async_engine(url)
    sqlite_entries.route_sessions(engine.sync_engine)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_TABLE.create)
            await sqlite_entries.create(connection, 7)
            await connection.execute(_TABLE.insert(), rows)
            yield connection
    finally:
        await engine.dispose()


async def test_a_sqlite_read_of_match_entry_that_names_no_evaluation_is_refused() -> None:
    table = _TABLE
    row = {"evaluation_id": 7, "item_id": 1, "is_prediction": False, "iou": 0.5}
    async with _evaluation_7("sqlite+aiosqlite://", [row]) as connection:
        # An ORM condition binds `evaluation_id_1`, which names no table: it would read the empty `match_entry`.
        with pytest.raises(sqlite_entries.UnroutedEntryRead, match="names no evaluation"):
            await connection.execute(select(table.c.id).where(table.c.evaluation_id == 7))
        routed = select(table.c.id).where(table.c.evaluation_id == bindparam("evaluation_id"))
        assert (await connection.execute(routed, {"evaluation_id": 7})).scalars().all() == [sqlite_entries.first_id(7)]
        by_option = select(table.c.id).execution_options(**{sqlite_entries.ROUTE: 7})
        assert (await connection.execute(by_option)).scalars().all() == [sqlite_entries.first_id(7)]


async def test_a_sqlite_index_build_leaves_the_connection_s_cache_and_threads_as_it_found_them(tmp_path: Path) -> None:
    """The build sorts with a small cache and helper threads (`sqlite_entries.build_indexes`); the connection, which
    the pool hands out again, gets its own settings back, and every index is there."""
    rows = [{"evaluation_id": 7, "item_id": i, "is_prediction": i % 2 == 0, "iou": i / 10} for i in range(10)]
    async with _evaluation_7(f"sqlite+aiosqlite:///{tmp_path / 'entries.db'}", rows) as connection:
        await connection.execute(text("PRAGMA cache_size = -12345"))
        await sqlite_entries.build_indexes(connection, 7)
        assert (await connection.execute(text("PRAGMA cache_size"))).scalar_one() == -12345
        assert (await connection.execute(text("PRAGMA threads"))).scalar_one() == 0
        built = await connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :name ORDER BY name"),
            {"name": sqlite_entries.table_name(7)},
        )
        expected = sorted(statement.split()[5] for statement in sqlite_entries.index_sql(7))
        assert built.scalars().all() == expected and len(expected) == len(_TABLE.indexes)

"""SQLite: each evaluation's match entries in a table of its own (`match_entry_<evaluation id>`, migration 0019),
written without indexes and indexed once, whole, when the job has written them.

Keeping `match_entry`'s seven secondary indexes up to date row by row was half of a job's CPU on SQLite (6.4-6.7 s
for 530,932 entries with them, 1.43 s without, 2.82 s to build them afterwards; bench/README.md). PostgreSQL
attaches such a table to `match_entry` as a partition (`entry_partitions`); SQLite has no partitions, so a
statement that names `match_entry` is run on its evaluation's table instead (`routed`): the one its
`evaluation_id` parameter names, or the one the caller gives (`ROUTE`). Entry ids carry their evaluation in their
high bits (`evaluation_of`), so a match found by its id leads to its table. `match_entry` itself stays, empty, as
the template of the tables and the name the statements use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Index, MetaData, Table, event, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.elements import quoted_name

from matchscope.store.dialect import is_postgresql
from matchscope.store.tables import MatchEntry

PARENT = "match_entry"
# An entry's id is its evaluation's id times 2**32 plus its rank in the evaluation (from 1): 4 billion entries an
# evaluation, and ids stay below 2**53 (exact in JavaScript) up to 2 million evaluations.
ID_BITS = 32
# The execution option naming the evaluation whose table a statement reads, when it has no `evaluation_id`
# (None: `match_entry` itself, on purpose).
ROUTE = "entry_evaluation"
_NAMED = re.compile(rf"\b{PARENT}\b")
# A read of the table itself (not of a string naming it, as schema reflection's `name = 'match_entry'`).
_READS = re.compile(rf"^\s*(?:SELECT|WITH)\b.*\b(?:FROM|JOIN)\s+\"?{PARENT}\b", re.IGNORECASE | re.DOTALL)


class UnroutedEntryRead(RuntimeError):
    """A statement reading `match_entry` on SQLite that names no evaluation (a programming error)."""


def table_name(evaluation_id: int) -> str:
    return f"{PARENT}_{int(evaluation_id)}"


def evaluation_of(entry_id: int) -> int:
    """The evaluation whose table holds the entry `entry_id`."""
    return int(entry_id) >> ID_BITS


def first_id(evaluation_id: int) -> int:
    return (int(evaluation_id) << ID_BITS) + 1


def routed(sql: str, evaluation_id: int | None) -> str:
    """`sql` reading the evaluation's table where it names `match_entry` (unchanged for None)."""
    if evaluation_id is None:
        return sql
    return _routed(sql, evaluation_id)


# Kept per statement text and evaluation: a page's statement names match_entry ~40 times in ~3 KB, and the
# substitution took 0.48 M instructions of a page request's 32.2 M (callgrind, bench/queries.py case (a)).
@lru_cache(maxsize=512)
def _routed(sql: str, evaluation_id: int) -> str:
    return _NAMED.sub(table_name(evaluation_id), sql)


def evaluation_in(parameters: Mapping[str, Any] | None) -> int | None:
    """The evaluation a statement's parameters name (`evaluation_id`), if any."""
    value = (parameters or {}).get("evaluation_id")
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _table(evaluation_id: int) -> Table:
    """`match_entry`'s columns and indexes under the evaluation's names, without the evaluation id at the front of
    each index nor the entry id at the end; ids counted with AUTOINCREMENT (its sequence starts the evaluation's
    range).

    The evaluation id is one value in the evaluation's table: every comparison of the sorts that build the indexes
    went past it, and no page has rows of another evaluation to skip. The entry id is the rowid, which SQLite puts
    at the end of every index's key anyway (figures: bench/README.md, the sqlite_job section)."""
    parent: Table = MatchEntry.__table__  # type: ignore[attr-defined]
    copy = parent.to_metadata(MetaData(), name=table_name(evaluation_id))
    copy.dialect_options["sqlite"]["autoincrement"] = True
    unbound = []
    for index in list(copy.indexes):
        copy.indexes.remove(index)
        first, *rest = index.expressions
        assert first is copy.c.evaluation_id, f"{index.name} does not lead with the evaluation id"
        if rest[-1] is copy.c.id:
            rest.pop()
        lean = Index(
            quoted_name(f"{index.name}_{int(evaluation_id)}", None),
            *rest,
            sqlite_where=index.dialect_options["sqlite"]["where"],
        )
        if lean.table is None:  # expressions only (no column to find the table by)
            unbound.append(lean)
    Table(copy.name, copy.metadata, *unbound, extend_existing=True)
    return copy


def _table_sql(evaluation_id: int) -> str:
    return str(CreateTable(_table(evaluation_id)).compile(dialect=sqlite.dialect())).strip()


def index_sql(evaluation_id: int) -> list[str]:
    """The `CREATE INDEX` statements of `match_entry`'s indexes on the evaluation's table."""
    indexes = sorted(_table(evaluation_id).indexes, key=lambda index: str(index.name))
    return [str(CreateIndex(index, if_not_exists=True).compile(dialect=sqlite.dialect())) for index in indexes]


async def exists(connection: AsyncConnection, evaluation_id: int) -> bool:
    found = await connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table_name(evaluation_id)}
    )
    return found.first() is not None


async def create(connection: AsyncConnection, evaluation_id: int) -> None:
    """A new, empty entry table without secondary indexes for the evaluation (an earlier attempt's dropped)."""
    name = table_name(evaluation_id)
    await connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
    await connection.execute(text(_table_sql(evaluation_id)))
    # Its first row's id is `first_id`: AUTOINCREMENT continues from the sequence's value.
    await connection.execute(
        text("INSERT INTO sqlite_sequence (name, seq) VALUES (:name, :seq)"),
        {"name": name, "seq": first_id(evaluation_id) - 1},
    )


# SQLite's sorter hands runs to helper threads only when the keys outgrow its memory (the page cache) and go to
# temporary files: with a small cache for the build, a second core sorts while the first reads the table (figures:
# bench/README.md, the sqlite_job section).
_BUILD_THREADS = 2
_BUILD_CACHE_KIB = 4096


async def build_indexes(connection: AsyncConnection, evaluation_id: int) -> None:
    """`match_entry`'s indexes on the evaluation's table, built by SQLite's sorter over the rows written;
    idempotent."""
    cache_size = int((await connection.execute(text("PRAGMA cache_size"))).scalar_one())
    await connection.execute(text(f"PRAGMA threads = {_BUILD_THREADS}"))
    await connection.execute(text(f"PRAGMA cache_size = -{_BUILD_CACHE_KIB}"))
    try:
        for statement in index_sql(evaluation_id):
            await connection.execute(text(statement))
    finally:
        await connection.execute(text(f"PRAGMA cache_size = {cache_size}"))
        await connection.execute(text("PRAGMA threads = 0"))


def _route_statement(
    _connection: Connection, _cursor: Any, statement: str, parameters: Any, context: Any, _executemany: bool
) -> tuple[str, Any]:
    if PARENT not in statement or context is None:
        return statement, parameters
    evaluation_id = context.execution_options.get(ROUTE)
    if evaluation_id is None and getattr(context, "compiled_parameters", None):
        evaluation_id = evaluation_in(context.compiled_parameters[0])
    if evaluation_id is None and ROUTE not in context.execution_options and _READS.match(statement):
        # `match_entry` itself is always empty on SQLite: a read of it that no evaluation routes would return
        # nothing without a word.
        raise UnroutedEntryRead(
            f"a read of {PARENT} names no evaluation (no `evaluation_id` parameter nor the "
            f"{ROUTE!r} execution option): {statement[:200]}"
        )
    return routed(statement, evaluation_id), parameters


def route_sessions(engine: Engine) -> None:
    """Statements run through the engine (sessions, connections) read their evaluation's entry table."""
    event.listen(engine, "before_cursor_execute", _route_statement, retval=True)


async def entry_options(session: AsyncSession, entry_id: int) -> dict[str, int] | None:
    """Execution options for a statement reading the entry `entry_id` by id: on SQLite those reading its
    evaluation's table, None when there is no such table (a deleted evaluation, an id of no entry); none on
    PostgreSQL."""
    if is_postgresql(session):
        return {}
    evaluation_id = evaluation_of(entry_id)
    return {ROUTE: evaluation_id} if await exists(await session.connection(), evaluation_id) else None


def by_evaluation(db: Any, entry_ids: Iterable[int]) -> list[tuple[int | None, list[int]]]:
    """The ids sorted and grouped by the table they are read from (`db`: a session or `Reads`): by evaluation on
    SQLite, all together on PostgreSQL (None: `match_entry`)."""
    ordered = sorted(set(entry_ids))
    if is_postgresql(db):
        return [(None, ordered)] if ordered else []
    groups: dict[int, list[int]] = {}
    for entry_id in ordered:
        groups.setdefault(evaluation_of(entry_id), []).append(entry_id)
    return list(groups.items())

"""Every entry row of the database in one FROM clause, those of evaluations still being computed included: on
PostgreSQL these live in their evaluation's own table until the job attaches it to `match_entry`
(`matchscope.store.entry_partitions`); on SQLite every evaluation's entries are in a table of its own
(`matchscope.store.sqlite_entries`)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.store import sqlite_entries
from matchscope.store.dialect import is_postgresql

# Execution options of a statement that reads `match_entry` itself on SQLite (not routed to an evaluation's table).
UNROUTED = {sqlite_entries.ROUTE: None}


async def detached(session: AsyncSession) -> list[str]:
    """The entry tables not (yet) attached to `match_entry` (a scaled-out evaluation's with its chunks' tables under
    it), or on SQLite not of a complete evaluation: those of evaluations being computed."""
    if not is_postgresql(session):
        complete = set((await session.execute(text("SELECT id FROM evaluation WHERE is_complete"))).scalars().all())
        return [name for name in await entry_tables(session) if int(name.rsplit("_", 1)[1]) not in complete]
    found = await session.execute(
        text(
            "SELECT relname FROM pg_class WHERE relname ~ '^match_entry_[0-9]+$' AND relkind IN ('r', 'p') "
            "AND NOT relispartition"
        )
    )
    return [str(name) for name in found.scalars().all()]


async def entry_tables(session: AsyncSession) -> list[str]:
    """Every evaluation's own entry table, attached or not."""
    if is_postgresql(session):
        sql = "SELECT relname FROM pg_class WHERE relname ~ '^match_entry_[0-9]+$' AND relkind = 'r'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'match_entry_[0-9]*'"
    return sorted(str(name) for name in (await session.execute(text(sql))).scalars().all())


async def every_entry(session: AsyncSession) -> str:
    tables = ["match_entry", *(await detached(session) if is_postgresql(session) else await entry_tables(session))]
    return "(" + " UNION ALL ".join(f"SELECT * FROM {name}" for name in tables) + ") AS entries"


async def entry_stats(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    """(entries, distinct boxes among them, evaluations holding entries) over the whole database."""
    async with sessions() as session:
        source = await every_entry(session)
        sql = text(
            "SELECT count(*), count(DISTINCT CASE WHEN is_prediction THEN -prediction_id ELSE ground_truth_id END), "
            f"count(DISTINCT evaluation_id) FROM {source}"
        ).execution_options(**UNROUTED)
        row = (await session.execute(sql)).one()
    return int(row[0]), int(row[1]), int(row[2])

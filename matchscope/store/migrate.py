"""Alembic migrations, applied programmatically (every command that touches the database calls this).

Any number of processes may start at once on a new database (an API and its workers under compose, say): each
takes a database-wide lock before reading the revision, so one migrates and the others then find nothing to do.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from matchscope.store.dialect import is_postgresql

MIGRATIONS = Path(__file__).with_name("migrations")
# pg_advisory_xact_lock's key for "migrating matchscope's schema" (any constant shared by every process).
MIGRATION_LOCK_KEY = 0x6D61_7463_6873_636F  # "matchsco"
SQLITE_LOCK_PATIENCE_S = 300.0


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if database_url is not None:
        config.set_main_option("sqlalchemy.url", database_url)
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def upgrade(engine: AsyncEngine) -> None:
    """Apply every pending migration, holding the database's migration lock until they are committed."""
    # PostgreSQL's advisory lock waits as long as it takes; SQLite's lock gives up after the busy timeout, which ten
    # processes starting at once on a loaded machine exceeded (each holds the lock while alembic reads its
    # scripts), so it is tried again until this deadline.
    deadline = time.monotonic() + SQLITE_LOCK_PATIENCE_S
    while True:
        try:
            async with engine.begin() as connection:
                if is_postgresql(connection):
                    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                else:
                    # SQLite's DDL is transactional too; an exclusive transaction makes the other processes wait
                    # until this one's migrations are committed.
                    await connection.exec_driver_sql("BEGIN EXCLUSIVE")
                await connection.run_sync(_upgrade)
            return
        except OperationalError as error:
            if "database is locked" not in str(error) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def is_up_to_date(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return await connection.run_sync(_current_heads) == script_heads()

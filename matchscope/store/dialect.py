"""Which database a session, connection, engine or `Reads` talks to: PostgreSQL or SQLite, the only two matchscope
runs on. Code that branches on the database asks here."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession


class _HasDialect(Protocol):
    @property
    def dialect(self) -> Dialect: ...


def is_postgresql(db: AsyncSession | _HasDialect) -> bool:
    dialect = db.get_bind().dialect if isinstance(db, AsyncSession) else db.dialect
    return dialect.name == "postgresql"


def insert(db: AsyncSession | _HasDialect, table: Any) -> postgresql.Insert | sqlite.Insert:
    """The database's own INSERT into `table` (a table or a mapped class), which has ON CONFLICT clauses."""
    return postgresql.insert(table) if is_postgresql(db) else sqlite.insert(table)


__all__ = ["insert", "is_postgresql"]

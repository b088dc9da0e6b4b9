"""Engine and session factories; the URL the user gives is mapped to the async drivers matchscope uses."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from matchscope.store import sqlite_entries


class DatabaseUrlError(ValueError):
    pass


def async_url(database_url: str) -> str:
    """Map `sqlite:///PATH` and `postgresql://...` to the async drivers (aiosqlite, asyncpg)."""
    try:
        url = make_url(database_url)
    except Exception as exc:
        raise DatabaseUrlError(f"DATABASE_URL has value {database_url!r}: not a database URL ({exc})") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend in {"postgresql", "postgres"}:
        return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise DatabaseUrlError(
        f"DATABASE_URL has value {database_url!r}: matchscope supports sqlite:///PATH and postgresql://..."
    )


# Reads through the mapped file: no copy per page, and a new connection's first reads cost no more than later ones.
SQLITE_MMAP_BYTES = 1 << 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


# 20 digits in a row may be an integer beyond 64 bits, which orjson would read as a float.
_LONG_NUMBER = re.compile(r"\d{20}")


def read_json(text: str | bytes) -> Any:
    """JSON column values: orjson where it reads them exactly (a page of matches decodes a hundred), the stdlib for
    the rest: integers beyond 64 bits, and what orjson refuses, such as the bare NaN the stdlib's serializer writes."""
    if isinstance(text, bytes):
        text = text.decode()
    if _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


# The server ended the session (pg_terminate_backend, a shutdown or crash), refused a new one, or it was lost.
_PG_DISCONNECTS = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)


def is_disconnect(error: BaseException) -> bool:
    """Whether `error`, or an error that caused it, is a lost, refused or broken database connection: worth trying
    again on a new connection, unlike an error the statement itself caused."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, (*_PG_DISCONNECTS, ConnectionError, TimeoutError)):
            return True
        # The driver's own state, not the statement: "connection is closed", or, on a connection that the server
        # closed in the middle of an operation, "another operation is in progress".
        if isinstance(current, (InterfaceError, asyncpg.InterfaceError)):
            return True
        current = current.__cause__ or current.__context__
    return False


def driver_dsn(engine: AsyncEngine) -> str:
    """The engine's URL as asyncpg itself takes it (for connections opened outside the engine)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_file(engine: AsyncEngine) -> str | None:
    """The path of the engine's SQLite database file; None on PostgreSQL and for an in-memory database, which
    no other connection sees."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return str(url.database)


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    url = async_url(database_url)
    kwargs.setdefault("json_deserializer", read_json)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        sqlite_entries.route_sessions(engine.sync_engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose work commits on success and rolls back on any error."""
    async with sessions() as session, session.begin():
        yield session

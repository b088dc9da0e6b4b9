"""Helpers shared by the commands that touch the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from matchscope.logs import configure_logging
from matchscope.settings import Settings, SettingsError
from matchscope.state import AppState
from matchscope.store.db import DatabaseUrlError
from matchscope.store.migrate import upgrade

T = TypeVar("T")


def fail(message: str, code: int = 2) -> int:
    print(f"matchscope: error: {message}", file=sys.stderr)
    return code


def run(coroutine: Awaitable[T]) -> T:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def load_settings() -> Settings:
    """The settings of the environment, with logging set up by them; a bad value ends the command with one line."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise SystemExit(fail(str(error))) from None
    configure_logging(settings)
    return settings


def database_label(settings: Settings) -> str:
    """The database URL as it may be shown: the password masked, a SQLite file by its absolute path."""
    path = settings.sqlite_path()
    if path is not None and path.name != ":memory:":
        return f"sqlite:///{path.expanduser().absolute()}"
    try:
        return make_url(settings.database_url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: AppState.create reports it without echoing a password
        return "DATABASE_URL (not a URL)"


def _reason(error: BaseException) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = " ".join(str(cause).split())
    if type(cause).__name__ == "InvalidCatalogNameError":
        return f"{text}; create it first (createdb)"
    if isinstance(cause, ConnectionRefusedError):
        return f"connection refused ({text}): is the server running?"
    if isinstance(cause, TimeoutError):
        return "the server did not answer in time"
    return text or type(cause).__name__


async def connect_or_exit(engine: AsyncEngine, label: str) -> None:
    """Open one connection, so that a missing database, a server that does not answer or refused credentials
    end the command with one line naming the database instead of a traceback from deep in the driver."""
    try:
        async with engine.connect():
            pass
    except (OSError, TimeoutError, DBAPIError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise SystemExit(fail(f"cannot connect to the database {label} (DATABASE_URL): {_reason(error)}")) from None


@asynccontextmanager
async def database(settings: Settings | None = None) -> AsyncIterator[AppState]:
    """The application state with every pending migration applied."""
    settings = settings or load_settings()
    try:
        state = AppState.create(settings)
    except DatabaseUrlError as error:
        raise SystemExit(fail(str(error))) from None
    try:
        await connect_or_exit(state.engine, database_label(settings))
        await upgrade(state.engine)
        yield state
    finally:
        await state.close()


async def prepare_database(settings: Settings) -> None:
    """Connect and apply pending migrations, or end the command with one line."""
    async with database(settings):
        pass


def announce_database(settings: Settings, command: str) -> None:
    print(f"matchscope {command}: database {database_label(settings)}", flush=True)

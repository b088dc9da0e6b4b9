"""Helpers shared by the commands that touch the database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

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
    return Settings.from_env()


@asynccontextmanager
async def database(settings: Settings | None = None) -> AsyncIterator[AppState]:
    """The application state with every pending migration applied."""
    try:
        state = AppState.create(settings or Settings.from_env())
    except (SettingsError, DatabaseUrlError) as error:
        raise SystemExit(fail(str(error))) from None
    try:
        await upgrade(state.engine)
        yield state
    finally:
        await state.close()

"""One computation shared by every caller that asks for the same key while it runs (a process's caches fill this
way: the first reader computes, the others wait for its result or its error)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


async def shared_load(running: dict[K, asyncio.Future[T]], key: K, load: Callable[[], Awaitable[T]]) -> T:
    """`load()`, or the result of the call of it already running under `key` in `running`."""
    if key in running:
        return await asyncio.shield(running[key])
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    running[key] = future
    try:
        result = await load()
    except BaseException as error:
        future.set_exception(error)
        future.exception()  # retrieved: no "never retrieved" warning when nobody waits
        raise
    finally:
        del running[key]
    future.set_result(result)
    return result

"""Rows that every request reads, cached in each server process and dropped as soon as they change.

Every API request reads its key, and a browsing request the current evaluation of a (dataset, model), before its
page: on PostgreSQL two round trips that cost the server process more CPU than the lookups themselves (the
driver, the event loop, and the wake-ups of the backends that answer on a machine whose cores it shares). These
rows change seldom: a key when it is revoked, evaluations when a job is submitted or completes.

How the caches stay exact:

- Triggers (migration 0007) send a table's name on the channel `matchscope_changes` after every committed
  change to it. Each process listens on one connection of its own and, when told, clears its caches of that
  table.
- A write to a watched table through this process's engine clears them as it executes: what this process does
  after a write of its own reads the new rows. (A read racing with that write may put back the row it read
  before the commit; the commit's notification clears it again.)
- A value read from the database is kept only if nothing cleared the cache while it was being read.
- While the listening connection is down (before it first connects, after it fails, until it is back) the
  caches neither answer nor keep anything: every lookup reads the database.

Another process's commit reaches this process's caches in about the time a notification takes to arrive (well
under a millisecond on one machine).

A SQLite file has no channel, but it has a version: `PRAGMA data_version` on the connection that reads changes
whenever any other connection (another process, or this process's writer) has committed. Every lookup first asks
for it, and a new version clears every cache; so a lookup answers as of that moment, as a query would. Asking costs
a few microseconds; each of the two lookups it replaces cost 50-70 µs inside a server busy with other requests
(measured with the browsing benchmark), far more than when repeated in a loop (7 µs) as their statements and pages
are no longer in the CPU's caches. An in-memory SQLite database caches nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from matchscope.store.db import driver_dsn
from matchscope.store.dialect import is_postgresql

CHANNEL = "matchscope_changes"
# How the listening connections show in pg_stat_activity.
APPLICATION_NAME = "matchscope change feed"
# A connection that dies without the kernel noticing (a network partition) is found out by a ping.
_PING_SECONDS = 10.0
_PING_TIMEOUT = 5.0
_RETRY_FIRST_SECONDS = 0.1
_RETRY_MAX_SECONDS = 5.0

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _always(_value: object) -> bool:
    return True


class RowCache(Generic[K, V]):
    """Values read from one table, by key, answered while the feed is live and nothing in the table changed."""

    def __init__(self, feed: ChangeFeed, max_entries: int) -> None:
        self._feed = feed
        self._max_entries = max_entries
        self._values: dict[K, V] = {}
        self._generation = 0

    def clear(self) -> None:
        self._generation += 1
        self._values.clear()

    async def read(self, key: K, load: Callable[[], Awaitable[V]], keep: Callable[[V], bool] = _always) -> V:
        """The cached value of `key`, or what `load` reads (kept if `keep` says so and nothing changed meanwhile)."""
        feed = self._feed
        if feed.live:
            feed.refresh()
            try:
                return self._values[key]
            except KeyError:
                pass
        else:
            feed.start()
        generation, live = self._generation, feed.live
        value = await load()
        # Going down or coming back clears every cache, so an unchanged generation means the feed stayed up.
        if live and generation == self._generation and keep(value):
            if len(self._values) >= self._max_entries:
                self._values.clear()
            self._values[key] = value
        return value


class ChangeFeed:
    """This process's ear on the channel (PostgreSQL) or eye on the data version (a SQLite file), and the caches
    it keeps exact."""

    def __init__(self, engine: AsyncEngine, data_version: Callable[[], int] | None = None) -> None:
        """`data_version`: on SQLite, the version of the database as the reading connection sees it (without it,
        nothing is cached there)."""
        self._dsn: str | None = None
        if is_postgresql(engine):
            self._dsn = driver_dsn(engine)
            event.listen(engine.sync_engine, "after_cursor_execute", self._after_execute)
        self._caches: dict[str, list[RowCache[Any, Any]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._became_live = asyncio.Event()
        self._heard = False  # whether the current attempt got as far as listening
        self._connection: asyncpg.Connection | None = None
        self._connection_busy = asyncio.Lock()
        self._markers: dict[str, asyncio.Future[None]] = {}
        self._marker_numbers = itertools.count()
        self._data_version = data_version
        self._seen_version: int | None = None
        self.live = self._data_version is not None

    def cache(self, table: str, max_entries: int = 10_000) -> RowCache[Any, Any]:
        cache: RowCache[Any, Any] = RowCache(self, max_entries)
        self._caches.setdefault(table, []).append(cache)
        return cache

    def start(self) -> None:
        """Start listening in the background (on PostgreSQL; once)."""
        if self._dsn is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._listen(self._dsn))

    async def wait_live(self) -> bool:
        """Start listening and wait until the caches answer (False at once where nothing is cached)."""
        self.start()
        if self._task is None:
            return self.live
        await self._became_live.wait()
        return True

    def refresh(self) -> None:
        """On SQLite: clear every cache if anything was committed since the last look (the version does not say
        which table)."""
        if self._data_version is None:
            return
        version = self._data_version()
        if version != self._seen_version:
            self._seen_version = version
            self._clear(None)

    async def caught_up(self) -> None:
        """Wait until every change committed before this call has reached the caches. Notifications arrive in
        the order their transactions committed, so this sends one of its own and waits for it."""
        connection = self._connection
        if connection is None:
            return  # nothing is cached, or (SQLite) the next lookup looks at the version
        marker = f"caught-up {next(self._marker_numbers)}"
        heard = asyncio.get_running_loop().create_future()
        self._markers[marker] = heard
        try:
            async with self._connection_busy:
                await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, marker)
            await heard
        finally:
            self._markers.pop(marker, None)

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _clear(self, table: str | None) -> None:
        groups = self._caches.values() if table is None else [self._caches.get(table, [])]
        for caches in groups:
            for cache in caches:
                cache.clear()

    def _set_live(self, live: bool) -> None:
        self.live = live
        self._clear(None)
        if live:
            self._became_live.set()
            return
        self._became_live.clear()
        self._connection = None
        for heard in self._markers.values():  # nothing is cached now: caught up
            if not heard.done():
                heard.set_result(None)

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        heard = self._markers.get(payload)
        if heard is not None:
            if not heard.done():
                heard.set_result(None)
            return
        self._clear(payload if payload in self._caches else None)

    def _after_execute(self, _conn: Any, _cursor: Any, _sql: str, _params: Any, context: Any, _many: bool) -> None:
        if context is None or not (context.isinsert or context.isupdate or context.isdelete):
            return
        table = getattr(getattr(context.compiled, "statement", None), "table", None)
        name = getattr(table, "name", None)
        self._clear(name if isinstance(name, str) else None)

    async def _listen(self, dsn: str) -> None:
        delay = _RETRY_FIRST_SECONDS
        while True:
            self._heard = False
            try:
                await self._hear(dsn)
                logger.warning("lost the connection that hears database changes; reading without caches")
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                logger.warning("cannot hear database changes (%s); reading without caches", error)
            finally:
                self._set_live(False)
            delay = _RETRY_FIRST_SECONDS if self._heard else min(2 * delay, _RETRY_MAX_SECONDS)
            await asyncio.sleep(delay)

    async def _hear(self, dsn: str) -> None:
        """Listen on one connection until it is lost."""
        connection = await asyncpg.connect(dsn, server_settings={"application_name": APPLICATION_NAME})
        try:
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection: lost.set())
            await connection.add_listener(CHANNEL, self._notified)
            self._connection = connection
            self._set_live(True)
            self._heard = True
            while not lost.is_set():
                try:
                    async with asyncio.timeout(_PING_SECONDS):
                        await lost.wait()
                except TimeoutError:
                    async with self._connection_busy:
                        await connection.fetchval("SELECT 1", timeout=_PING_TIMEOUT)
        finally:
            if not connection.is_closed():
                connection.terminate()

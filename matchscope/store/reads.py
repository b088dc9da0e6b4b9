"""Hot read paths outside the ORM: prebuilt statements on driver connections kept open.

Every API request authenticates, finds an evaluation and reads a page. Through an ORM session each such
statement pays for a pool checkout, the session's transaction and its rollback, and on SQLite four hand-offs
to aiosqlite's thread: ~1.3 ms of CPU for a one-row lookup, against ~0.1 ms for the same statement on a
connection kept open (measured on the browsing benchmark's database). On SQLite these reads start on the event loop
(most are index range scans of well under a millisecond) and one that runs past a budget of SQLite's steps, or finds
the database busy, runs again in one of a few threads, each with a connection of its own (WAL: readers wait neither
for each other nor for the writer): a rare label's page takes 60-90 ms, and on the event loop such a read stalled
every other request for as long. Rows are converted in the thread too. PostgreSQL reads go through an asyncpg pool
of a few connections.

Statements are compiled once per dialect and their values pass through the column types' result processors,
so rows read the same as the ORM's. Each statement runs on its own (autocommit) and sees every commit before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from matchscope.store import sqlite_entries
from matchscope.store.db import SQLITE_MMAP_BYTES, driver_dsn, is_disconnect, read_json
from matchscope.store.dialect import is_postgresql

Row = tuple[Any, ...]
Processors = tuple[tuple[int, Callable[[Any], Any]], ...]  # (result column, its conversion)
_COMPILED_LIMIT = 1024
# Connections of the pool per process (PostgreSQL), or threads each with its own (SQLite): enough for a slow read
# to overlap with fast ones.
READ_CONNECTIONS = 3


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # parameter names in positional order
    defaults: Mapping[str, Any]  # values bound in the statement itself
    processors: Processors  # (result column, its conversion)
    expanding: bool  # has IN-list parameters, whose placeholders depend on the values


async def _json_codecs(connection: asyncpg.Connection) -> None:
    """JSON values decoded as the ORM's asyncpg dialect decodes them (its JSON types then process nothing)."""
    for name in ("json", "jsonb"):
        await connection.set_type_codec(name, encoder=json.dumps, decoder=read_json, schema="pg_catalog")


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """The pool's reset. The reads are single autocommit SELECTs that change no session state, so asyncpg's
    default reset (`RESET ALL`, `UNLISTEN *`, ... : a round trip after every read) has nothing to undo."""


def _convert(records: Sequence[Any], processors: Processors) -> list[Row]:
    if not processors:
        return [tuple(record) for record in records]
    rows = []
    for record in records:
        row = list(record)
        for index, process in processors:
            value = row[index]
            if value is not None:  # every result processor maps None to None
                row[index] = process(value)
        rows.append(tuple(row))
    return rows


def open_sqlite_reader(path: str, *, busy_timeout_ms: int = 2000) -> sqlite3.Connection:
    """A read-only connection. Setting its cache size reads the schema, so opening it waits for a lock as a read
    does, up to `busy_timeout_ms`, and fails when the database stays busy."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # WAL readers do not wait for writers; the timeout only covers the moments another connection keeps readers out
    # (exclusive locking mode, the last connection's checkpoint as it closes, a recovery of the WAL).
    pragmas = (
        f"busy_timeout={busy_timeout_ms}",
        "cache_size=-16384",
        f"mmap_size={SQLITE_MMAP_BYTES}",
        "query_only=ON",
    )
    try:
        for pragma in pragmas:
            connection.execute(f"PRAGMA {pragma}")
    except BaseException:
        connection.close()
        raise
    return connection


# Reads start on the event loop: most are index range scans of well under a millisecond, for which a thread's
# hand-off costs more (bench/builds.py 8f53404^ against 8f53404, which moved every read into threads: server CPU per
# page request 3.72 → 3.93 ms, the same instructions). A read still running after this many steps of SQLite's virtual
# machine (~1 ms) is interrupted and run again in a thread, so that a slow one stalls no other request.
_LOOP_STEPS = 100_000
_PROGRESS_EVERY = 1_000


class _SqliteThreads:
    """`size` threads, each reading through a sqlite3 connection of its own, opened on its first read; and a
    connection of the event loop's, for the reads that end within `_LOOP_STEPS`."""

    def __init__(self, path: str, size: int) -> None:
        self._path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="matchscope-read")
        self._on_loop: sqlite3.Connection | None = None
        self._progress = 0

    def _over_budget(self) -> bool:
        self._progress += 1
        return self._progress * _PROGRESS_EVERY > _LOOP_STEPS

    def _loop_connection(self) -> sqlite3.Connection:
        if self._on_loop is None:
            # Never wait on the loop, not even to open: a busy read goes to a thread, and the loop opens one later.
            connection = open_sqlite_reader(self._path, busy_timeout_ms=0)
            connection.set_progress_handler(self._over_budget, _PROGRESS_EVERY)
            with self._lock:
                self._opened.append(connection)
            self._on_loop = connection
        return self._on_loop

    def _read_on_loop(self, sql: str, arguments: Sequence[Any], processors: Processors) -> list[Row] | None:
        """The rows, or None when the read was interrupted past its budget or found the database busy (any other
        error is raised again by the thread that runs it next)."""
        self._progress = 0
        try:
            records = self._loop_connection().execute(sql, arguments).fetchall()
        except sqlite3.OperationalError:
            return None
        return _convert(records, processors)

    def _read(self, sql: str, arguments: Sequence[Any], processors: Processors) -> list[Row]:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = open_sqlite_reader(self._path)
            with self._lock:
                self._opened.append(connection)
        return _convert(connection.execute(sql, arguments).fetchall(), processors)

    async def fetch(self, sql: str, arguments: Sequence[Any], processors: Processors) -> list[Row]:
        rows = self._read_on_loop(sql, arguments, processors)
        if rows is not None:
            return rows
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._read, sql, arguments, processors)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._on_loop = None
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()


class Reads:
    """Runs SELECT statements on connections kept open (through the engine for an in-memory SQLite database,
    which other connections cannot see)."""

    def __init__(self, engine: AsyncEngine, connections: int = READ_CONNECTIONS) -> None:
        self._engine = engine
        self._postgresql = is_postgresql(engine)
        self._in_memory = not self._postgresql and engine.url.database in (None, "", ":memory:")
        self._dialect = engine.dialect
        self._url = engine.url
        self._size = max(1, connections)
        self._compiled: dict[int, tuple[Select[Any], _Compiled]] = {}
        self._sqlite_threads: _SqliteThreads | None = None
        self._pg: asyncpg.Pool | None = None
        self._pg_opening = asyncio.Lock()
        # Called with each statement's SQL before it runs (tests count statements per request with it).
        self.listeners: list[Callable[[str], None]] = []

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    def _compile(self, statement: Select[Any]) -> _Compiled:
        cached = self._compiled.get(id(statement))
        if cached is not None and cached[0] is statement:
            return cached[1]
        if len(self._compiled) >= _COMPILED_LIMIT:
            self._compiled.clear()  # statements are meant to be built once; this only bounds a misuse
        compiled = statement.compile(dialect=self._dialect)
        names = tuple(compiled.positiontup or ())
        # asyncpg decodes booleans, numbers and timestamps itself, and JSON through the codec below (as the ORM's
        # asyncpg dialect sets up); sqlite3 returns 0/1, ISO strings and JSON text, which the types convert.
        converters = (
            []
            if self._postgresql
            else [
                column.type.dialect_impl(self._dialect).result_processor(self._dialect, None)
                for column in statement.selected_columns
            ]
        )
        processors = tuple((index, process) for index, process in enumerate(converters) if process is not None)
        expanding = any(bind.expanding for bind in compiled.binds.values())
        defaults = {name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required}
        result = _Compiled(compiled.string, names, defaults, processors, expanding)
        self._compiled[id(statement)] = (statement, result)  # holding the statement keeps its id unique
        return result

    async def fetch(
        self, statement: Select[Any], parameters: Mapping[str, Any] | None = None, *, evaluation_id: int | None = None
    ) -> list[Row]:
        """The statement's rows as tuples, values as the ORM would return them. On SQLite `match_entry` is read as
        the table of `evaluation_id`, by default the one the `evaluation_id` parameter names (`sqlite_entries`)."""
        if self._in_memory:
            async with self._engine.connect() as connection:
                options = {sqlite_entries.ROUTE: evaluation_id} if evaluation_id is not None else {}
                result = await connection.execute(statement, dict(parameters or {}), execution_options=options)
                return [tuple(row) for row in result.all()]
        compiled = self._compile(statement)
        sql, names, given = compiled.sql, compiled.names, {**compiled.defaults, **(parameters or {})}
        if compiled.expanding:
            expanded = statement.params(**(parameters or {})).compile(
                dialect=self._dialect, compile_kwargs={"render_postcompile": True}
            )
            sql, names, given = expanded.string, tuple(expanded.positiontup or ()), dict(expanded.construct_params())
        arguments = [given[name] for name in names]
        for listener in self.listeners:
            listener(sql)
        if self._postgresql:
            return _convert(await self._pg_fetch(sql, arguments), compiled.processors)
        route = evaluation_id if evaluation_id is not None else sqlite_entries.evaluation_in(given)
        return await self._sqlite_reads().fetch(sqlite_entries.routed(sql, route), arguments, compiled.processors)

    def _sqlite_reads(self) -> _SqliteThreads:
        if self._sqlite_threads is None:
            self._sqlite_threads = _SqliteThreads(str(self._url.database), self._size)
        return self._sqlite_threads

    async def _pg_pool(self) -> asyncpg.Pool:
        async with self._pg_opening:
            if self._pg is None:
                self._pg = await asyncpg.create_pool(
                    driver_dsn(self._engine),
                    min_size=0,
                    max_size=self._size,
                    init=_json_codecs,
                    reset=_keep_session,
                    # Generic plans: the statements are index ranges whose page sizes are written in, so a plan made
                    # without the values is as good as one made for them, and it is made once per connection. Left
                    # to choose, PostgreSQL re-plans a page of one label's false negatives on every execution
                    # (0.7 ms of server CPU against 0.3 ms), as the cost it estimates for a known label is lower.
                    server_settings={"plan_cache_mode": "force_generic_plan"},
                )
            return self._pg

    async def _pg_fetch(self, sql: str, arguments: Sequence[Any]) -> list[asyncpg.Record]:
        pool = self._pg if self._pg is not None else await self._pg_pool()
        # A connection the server closed (a restart, an idle timeout, a terminated session) fails the statement
        # that finds it, or finds it busy ("another operation is in progress") when the server closed it under a
        # statement. It is terminated, so that the pool opens a new one, and a read is safe to run again.
        for _ in range(self._size):
            async with pool.acquire() as connection:
                try:
                    records: list[asyncpg.Record] = await connection.fetch(sql, *arguments)
                    return records
                except Exception as error:
                    # InternalClientError: the driver's state of that connection is broken ("cannot switch to
                    # state ...; another operation is in progress"), not the statement.
                    if not (is_disconnect(error) or isinstance(error, asyncpg.InternalClientError)):
                        raise
                    # Unless the pool already took it back, closed.
                    with contextlib.suppress(asyncpg.InterfaceError):
                        connection.terminate()
        last: list[asyncpg.Record] = await pool.fetch(sql, *arguments)
        return last

    async def close(self) -> None:
        if self._sqlite_threads is not None:
            self._sqlite_threads.close()
            self._sqlite_threads = None
        if self._pg is not None:
            await self._pg.close()
            self._pg = None


async def fetch_all(
    db: AsyncSession | Reads,
    statement: Select[Any],
    parameters: Mapping[str, Any] | None = None,
    *,
    evaluation_id: int | None = None,
) -> list[Row]:
    """Rows of `statement` through `db`: the connections kept open, or a session (inside a transaction). On SQLite
    `match_entry` is read as the table of `evaluation_id`, by default the `evaluation_id` parameter's."""
    if isinstance(db, Reads):
        return await db.fetch(statement, parameters, evaluation_id=evaluation_id)
    options = {sqlite_entries.ROUTE: evaluation_id} if evaluation_id is not None else {}
    result = await db.execute(statement, dict(parameters or {}), execution_options=options)
    return [tuple(row) for row in result.all()]

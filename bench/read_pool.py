"""Client CPU per read statement: asyncpg's Pool as `matchscope.store.reads` uses it, against connections kept by hand.

    .venv/bin/python bench/read_pool.py [--statements 3000] [--rounds 5]

The hand-kept set (a semaphore and a list of idle connections, what the reads used before) is the floor: a pool
can cost no less. Each round runs the three variants in turn, one statement at a time and 8 at once, and takes
the process's CPU time (time.process_time) per statement; the medians over rounds are printed. The statement
reads one `pg_namespace` row by key, so the driver and pool dominate. Needs PostgreSQL (MATCHSCOPE_TEST_PG_ADMIN,
default postgresql://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

DSN = os.environ.get("MATCHSCOPE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
SQL = "SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE oid = $1"
SERVER_SETTINGS = {"plan_cache_mode": "force_generic_plan"}
Fetch = Callable[[str, Sequence[Any]], Awaitable[list[asyncpg.Record]]]


class HandKept:
    """At most `size` connections kept open, each lent for one statement."""

    def __init__(self, size: int) -> None:
        self._slots = asyncio.Semaphore(size)
        self._idle: list[asyncpg.Connection] = []

    async def fetch(self, sql: str, arguments: Sequence[Any]) -> list[asyncpg.Record]:
        async with self._slots:
            connection = self._idle.pop() if self._idle else await asyncpg.connect(DSN, server_settings=SERVER_SETTINGS)
            try:
                records: list[asyncpg.Record] = await connection.fetch(sql, *arguments)
            finally:
                self._idle.append(connection)
            return records

    async def close(self) -> None:
        for connection in self._idle:
            await connection.close()


async def _no_reset(_connection: asyncpg.Connection) -> None:
    pass


async def _cpu_per_statement(fetch: Fetch, statements: int, concurrency: int) -> float:
    async def client() -> None:
        for _ in range(statements // concurrency):
            await fetch(SQL, [11])

    started = time.process_time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return 1e6 * (time.process_time() - started) / statements


async def main(statements: int, rounds: int) -> None:
    hand = HandKept(3)
    quiet = await asyncpg.create_pool(DSN, min_size=0, max_size=3, reset=_no_reset, server_settings=SERVER_SETTINGS)
    default = await asyncpg.create_pool(DSN, min_size=0, max_size=3, server_settings=SERVER_SETTINGS)
    variants: dict[str, Fetch] = {
        "hand-kept connections": hand.fetch,
        "create_pool, no-op reset": lambda sql, arguments: quiet.fetch(sql, *arguments),
        "create_pool, default reset": lambda sql, arguments: default.fetch(sql, *arguments),
    }
    timings: dict[tuple[str, int], list[float]] = {}
    try:
        for fetch in variants.values():
            await _cpu_per_statement(fetch, 200, 1)  # connect and warm up
        for _ in range(rounds):
            for concurrency in (1, 8):
                for name, fetch in variants.items():
                    timings.setdefault((name, concurrency), []).append(
                        await _cpu_per_statement(fetch, statements, concurrency)
                    )
    finally:
        await hand.close()
        await quiet.close()
        await default.close()
    print(f"client CPU per statement, median of {rounds} rounds of {statements:,} statements")
    for (name, concurrency), values in timings.items():
        rounded = ", ".join(f"{value:.0f}" for value in values)
        print(f"{name:>28}, {concurrency} at once: {statistics.median(values):6.1f} µs (rounds {rounded})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.statements, arguments.rounds))

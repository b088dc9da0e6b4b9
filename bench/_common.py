"""What the benchmarks share: scratch databases, the app served by uvicorn, the demo seeded into a database.

A benchmark runs as `python bench/<name>.py`, so it puts the repository root on `sys.path` before importing this.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
PG_ADMIN = os.environ.get("MATCHSCOPE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
APP = "matchscope.app:create_app"


async def pg_admin(sql: str) -> None:
    """One statement on the PostgreSQL server's database `MATCHSCOPE_BENCH_PG` (any database the user can reach:
    the benchmarks' own are created and dropped from it)."""
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def fresh_database(backend: str, folder: Path, prefix: str = "matchscope_bench") -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in `folder`, or a PostgreSQL database dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def kept_pg_database(name: str) -> str:
    """The URL of the PostgreSQL database `name`, created when missing and kept for the next run."""
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(factory: str, env: dict[str, str], *, checkout: Path = ROOT) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving `factory` from `checkout`'s code (its directory first on the path), once it answers: the
    process and its GraphQL URL."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, cwd=checkout, env={**os.environ, **env, "PYTHONPATH": str(checkout)})
    url = f"http://127.0.0.1:{port}/graphql"
    for _ in range(600):
        try:
            httpx.get(url, timeout=1.0)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{factory} did not start")


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


@contextmanager
def served(factory: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`serve`, stopped on the way out."""
    process, url = serve(factory, env)
    try:
        yield process, url
    finally:
        stop(process)


async def seed_demo(url: str, image_root: Path) -> str:
    """The demo (`matchscope demo`'s generated images, dataset and models) in the database at `url`, migrated
    first; returns a new API key of its account."""
    from matchscope.services import accounts, demo
    from matchscope.settings import Settings
    from matchscope.state import AppState
    from matchscope.store.db import transaction
    from matchscope.store.migrate import upgrade

    state = AppState.create(Settings(database_url=url))
    try:
        await upgrade(state.engine)
        async with transaction(state.sessions) as session:
            issued = await accounts.create_key(session, account_name="bench")
            await demo.seed_demo(session, account_id=issued.account_id, image_root=image_root)
        return issued.secret
    finally:
        await state.close()


@dataclass(frozen=True)
class SeededServer:
    process: subprocess.Popen[bytes]
    base: str
    key: str
    image_root: Path
    thumbnail_cache: Path
    seed_seconds: float


@contextmanager
def seeded_server(backend: str, prefix: str, seed: Callable[[str, Path], str] | None = None) -> Iterator[SeededServer]:
    """A fresh database with its own image root and thumbnail cache, filled by `seed(url, image_root)` (which
    returns an API key; None: the demo, `seed_demo`), served by uvicorn."""
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as work:
        directory = Path(work)
        image_root, cache = directory / "images", directory / "thumbnail-cache"
        with fresh_database(backend, directory, prefix.replace("-", "_")) as url:
            started = time.perf_counter()
            key = seed(url, image_root) if seed else asyncio.run(seed_demo(url, image_root))
            seeded = time.perf_counter() - started
            env = {
                "DATABASE_URL": url,
                "MATCHSCOPE_IMAGE_ROOT": str(image_root),
                "MATCHSCOPE_THUMBNAIL_CACHE": str(cache),
            }
            with served(APP, env) as (process, graphql_url):
                yield SeededServer(process, graphql_url.removesuffix("/graphql"), key, image_root, cache, seeded)

"""A real server for client tests: the app under uvicorn in a thread — with the in-process runner on SQLite, with
arq, Redis and a `matchscope worker` subprocess on PostgreSQL — and API keys to call it with."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import SHARED_DATA, Caller, backend
from tests.jobs.servers import REDIS_URL, ROOT, WorkerProcess, listening_socket, serve_socket

COCO_GT = SHARED_DATA / "instances_val2014_100.json"
COCO_DETS = SHARED_DATA / "instances_val2014_fakebbox100_results.json"


@pytest.fixture
def settings(database_url: str, queue_name: str) -> Settings:
    """On PostgreSQL jobs go through arq and Redis to a worker process; on SQLite the in-process runner runs them."""
    redis_url = REDIS_URL if backend() == "postgresql" else None
    return Settings(database_url=database_url, redis_url=redis_url, debug=True, evaluation_chunk_items=25)


@dataclass
class Server:
    endpoint: str
    settings: Settings


@pytest.fixture
def server(state: AppState, database_url: str, queue_name: str, tmp_path: Path) -> Iterator[Server]:
    """The API on a free port (and, with arq, one worker); yields its endpoint."""
    worker = None
    if state.settings.redis_url is not None:
        worker = WorkerProcess(
            {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "MATCHSCOPE_QUEUE_NAME": queue_name},
            tmp_path / "worker.log",
        )
    try:
        with serve_on(state.settings) as endpoint:
            yield Server(endpoint, state.settings)
    finally:
        if worker is not None:
            worker.stop()


@pytest_asyncio.fixture
async def key(caller: Caller) -> str:
    return caller.key


@pytest_asyncio.fixture
async def other_key(make_caller: Callable[[str], Awaitable[Caller]]) -> str:
    return (await make_caller("mallory")).key


def cli_evaluation(tmp_path: Path, *flags: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`matchscope evaluate` on the shared COCO files: its --json output and its --matches lines."""
    matches = tmp_path / f"matches{uuid.uuid4().hex[:6]}.jsonl"
    command = [sys.executable, "-m", "matchscope", "evaluate", "--gt", str(COCO_GT), "--dets", str(COCO_DETS)]
    done = subprocess.run(
        [*command, *flags, "--json", "--matches", str(matches)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in matches.read_text().splitlines()]
    return json.loads(done.stdout), lines


@contextmanager
def serve_on(settings: Settings, port: int = 0) -> Iterator[str]:
    """The app under uvicorn in a thread, on `port` (so that a client keeps its endpoint across a restart) or on one
    the kernel picks; a generous start-up deadline, as the machine running the suite may be busy."""
    with serve_socket(settings, listening_socket(port), limit_s=120) as base:
        yield f"http://{base}"

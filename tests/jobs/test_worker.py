"""arq on Redis with real `matchscope worker` subprocesses: the flow, progress across processes, crash and retry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from matchscope.engine.synthetic import generate_coco
from matchscope.schema.ids import to_global_id
from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco, wait_finished
from tests.jobs.servers import ARQ_WORKER, MATCHSCOPE_WORKER, REDIS_URL, WorkerProcess, post, serve
from tests.jobs.test_subscription import check_updates, collect_updates


@pytest.fixture
def queue_name(monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"matchscope-test-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MATCHSCOPE_QUEUE_NAME", name)
    return name


@pytest.fixture
def settings(database_url: str, queue_name: str) -> Settings:
    return Settings(database_url=database_url, redis_url=REDIS_URL, debug=True)


@pytest.fixture
def start_worker(database_url: str, queue_name: str, tmp_path: Path) -> Iterator[Any]:
    workers: list[WorkerProcess] = []

    def start(command: tuple[str, ...] = MATCHSCOPE_WORKER, **env: str) -> WorkerProcess:
        worker = WorkerProcess(
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": REDIS_URL,
                "MATCHSCOPE_QUEUE_NAME": queue_name,
                **env,
            },
            tmp_path / "worker.log",
            command,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


async def _entry_stats(state: AppState) -> tuple[int, int, int]:
    """(entries, distinct boxes among them, evaluations) over the whole database."""
    async with state.sessions() as session:
        row = (
            await session.execute(
                text(
                    "SELECT count(*), count(DISTINCT CASE WHEN is_prediction THEN -prediction_id "
                    "ELSE ground_truth_id END), count(DISTINCT evaluation_id) FROM match_entry"
                )
            )
        ).one()
    return int(row[0]), int(row[1]), int(row[2])


@pytest.mark.parametrize("command", [MATCHSCOPE_WORKER, ARQ_WORKER], ids=["matchscope-worker", "arq-cli"])
async def test_worker_runs_the_job_and_publishes_progress(
    state: AppState, caller: Caller, start_worker: Any, command: tuple[str, ...]
) -> None:
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    # The queue name, like the chunk size, reaches either command line only through the environment.
    start_worker(command, MATCHSCOPE_CHUNK_ITEMS="10")
    with serve(state.settings) as base:
        ids = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
        job = post(base, SUBMIT, ids, caller.key)["calculateEvaluationMetrics"]
        assert isinstance(job, dict) and job["__typename"] == "AsyncJob"
        messages = await asyncio.wait_for(collect_updates(base, caller.key, job["id"]), 180)
    check_updates(messages, 100)
    assert await _entry_stats(state) == (839 + 734, 839 + 734, 1)


async def test_killed_worker_is_retried_without_duplicates(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any
) -> None:
    gt, dets = generate_coco(images=200, seed=11, dets_per_image=15, categories=10)
    dataset, model = await import_coco(state, caller.account_id, gt, dets)
    # arq re-runs the job once its in-progress key expires: job timeout + 10 s after the first start.
    slow = {"MATCHSCOPE_CHUNK_ITEMS": "2", "MATCHSCOPE_JOB_TIMEOUT": "18"}
    first = start_worker(**slow)
    ids = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    sql = text("SELECT status, completed_steps FROM job")
    for _ in range(3000):
        async with state.sessions() as session:
            status, steps = (await session.execute(sql)).one()
        if steps >= 20:
            break
        await asyncio.sleep(0.02)
    first.kill()
    assert status == "RUNNING" and steps < 200
    partial, _, _ = await _entry_stats(state)
    assert partial > 0

    start_worker(**slow)
    done = await wait_finished(gql, job["id"], limit_s=180)
    assert done["status"] == "COMPLETED", done
    boxes = len(gt["annotations"]) + len(dets)
    assert await _entry_stats(state) == (boxes, boxes, 1)
    async with state.sessions() as session:
        attempts = (await session.execute(text("SELECT attempts FROM job"))).scalar_one()
    assert attempts == 2

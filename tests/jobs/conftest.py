"""Fixtures for job tests: the in-process runner stopped after each test, helpers to load data and wait."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import pytest_asyncio

from matchscope.jobs import runtime
from matchscope.services import coco_import
from matchscope.state import AppState
from matchscope.store.db import transaction
from tests.conftest import SHARED_DATA, GraphQL
from tests.jobs.servers import MATCHSCOPE_WORKER, REDIS_URL, WorkerProcess

COCO_GT = SHARED_DATA / "instances_val2014_100.json"
COCO_DETS = SHARED_DATA / "instances_val2014_fakebbox100_results.json"

SUBMIT = """
mutation($d: ID!, $m: ID!, $o: EvaluationOptionsInput) {
  calculateEvaluationMetrics(datasetId: $d, modelId: $m, options: $o) {
    __typename
    ... on AsyncJob { id status jobMessage: message }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}
"""
JOB = """
query($id: ID!) { job(id: $id) { id type status progress completedSteps totalSteps message errors
  createdAt startedAt finishedAt evaluation { id isCurrent isStale classAgnostic } } }
"""
CANCEL = """
mutation($id: ID!) { cancelJob(id: $id) { __typename ... on AsyncJob { id status }
  ... on ValidationError { message } ... on NotFoundError { message } } }
"""


@pytest_asyncio.fixture(autouse=True)
async def _stop_jobs(state: AppState) -> AsyncIterator[None]:
    yield
    await runtime.shutdown(state)


@pytest.fixture
def redis_url() -> str:
    """The Redis that workers and the app use (the shared test server unless a test starts its own)."""
    return REDIS_URL


@pytest.fixture
def start_worker(database_url: str, redis_url: str, queue_name: str, tmp_path: Path) -> Iterator[Any]:
    """Starts `matchscope worker` processes (or arq's command line) on the test's database, Redis and queue;
    stops them after the test."""
    workers: list[WorkerProcess] = []

    def start(command: tuple[str, ...] = MATCHSCOPE_WORKER, **env: str) -> WorkerProcess:
        worker = WorkerProcess(
            {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "MATCHSCOPE_QUEUE_NAME": queue_name, **env},
            tmp_path / "worker.log",
            command,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


async def import_coco(
    state: AppState,
    account_id: int,
    gt: dict[str, Any] | Path,
    dets: list[Any] | Path,
    name: str = "coco",
    model: str | None = None,
) -> tuple[int, int]:
    """Import a COCO ground truth as dataset `name` and detections as model `model` (`{name}-model` unless given);
    returns (dataset pk, model pk)."""
    gt_data = orjson.loads(await asyncio.to_thread(gt.read_bytes)) if isinstance(gt, Path) else gt
    det_data = orjson.loads(await asyncio.to_thread(dets.read_bytes)) if isinstance(dets, Path) else dets
    async with transaction(state.sessions) as session:
        result = await coco_import.import_ground_truth(session, account_id=account_id, dataset_name=name, data=gt_data)
        assert result.dataset.id is not None
        dataset_id = result.dataset.id
    async with transaction(state.sessions) as session:
        result = await coco_import.import_detections(
            session, account_id=account_id, dataset_name=name, model_name=model or f"{name}-model", data=det_data
        )
        assert result.model is not None and result.model.id is not None
        return dataset_id, result.model.id


async def wait_running(gql: GraphQL, job_id: str, limit_s: float = 60.0) -> dict[str, Any]:
    """The job once it is RUNNING with at least one chunk done."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while True:
        job = (await gql(JOB, {"id": job_id}))["job"]
        if job["status"] != "QUEUED" and job["completedSteps"] > 0:
            return job  # type: ignore[no-any-return]
        assert loop.time() < deadline, f"job still {job['status']} after {limit_s} s: {job}"
        await asyncio.sleep(0.01)


async def wait_finished(gql: GraphQL, job_id: str, limit_s: float = 240.0, **kwargs: Any) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while True:
        job = (await gql(JOB, {"id": job_id}, **kwargs))["job"]
        if job["status"] in {"COMPLETED", "ERRORED", "CANCELLED"}:
            return job  # type: ignore[no-any-return]
        assert loop.time() < deadline, f"job still {job['status']} after {limit_s} s: {job}"
        await asyncio.sleep(0.05)

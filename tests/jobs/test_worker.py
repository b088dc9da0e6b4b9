"""arq on Redis with real `matchscope worker` subprocesses: the flow, progress across processes, a killed worker's
job taken over by another."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from arq.constants import job_key_prefix
from redis.asyncio import Redis
from sqlalchemy import text

from matchscope.engine.synthetic import generate_coco
from matchscope.jobs.config import JobConfig
from matchscope.schema.ids import expect_id, to_global_id
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.tables import Evaluation, Job
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco, wait_finished
from tests.jobs.entry_tables import entry_stats
from tests.jobs.servers import ARQ_WORKER, MATCHSCOPE_WORKER, REDIS_URL, post, serve
from tests.jobs.test_subscription import check_updates, collect_updates


@pytest.fixture
def settings(database_url: str, redis_url: str, queue_name: str) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, debug=True)


async def _entry_stats(state: AppState) -> tuple[int, int, int]:
    return await entry_stats(state.sessions)


@pytest.mark.slow
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


async def _evaluation_rows(state: AppState, evaluation_id: int) -> tuple[list[tuple[Any, ...]], list[Any], Any]:
    """An evaluation's entries (without their own ids) and class rows, sorted, and its COCO results."""
    entry_columns = (
        "item_id, is_prediction, ground_truth_id, prediction_id, ground_truth_label, prediction_label, iou, "
        "confidence, compatible"
    )
    async with state.sessions() as session:
        entries = (
            await session.execute(
                text(f"SELECT {entry_columns} FROM match_entry WHERE evaluation_id = :evaluation_id"),
                {"evaluation_id": evaluation_id},
            )
        ).all()
        classes = (
            await session.execute(
                text("SELECT * FROM evaluation_class WHERE evaluation_id = :e ORDER BY label"), {"e": evaluation_id}
            )
        ).all()
        evaluation = await session.get(Evaluation, evaluation_id)
    assert evaluation is not None
    return sorted((tuple(row) for row in entries), key=repr), [tuple(row)[1:] for row in classes], evaluation.coco


async def _job_row(state: AppState, job_id: str) -> Job:
    async with state.sessions() as session:
        job = await session.get(Job, expect_id(job_id, "AsyncJob"))
    assert job is not None
    return job


@pytest.mark.serial
async def test_a_killed_workers_job_is_taken_over_once_its_lease_lapses(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any
) -> None:
    """Two workers with a short lease (MATCHSCOPE_JOB_LEASE) and the default job timeout; the one running the job
    is SIGKILLed mid-job. The other takes it over once the lease lapses and ends with the entries and stats of an
    uninterrupted run. The take-over waits out the lease, whatever its length: with the default (30 s) the test
    would spend that long waiting."""
    gt, dets = generate_coco(images=200, seed=11, dets_per_image=15, categories=10)
    dataset, model = await import_coco(state, caller.account_id, gt, dets)
    lease_s = 3.0
    slow = {"MATCHSCOPE_CHUNK_ITEMS": "2", "MATCHSCOPE_JOB_LEASE": str(lease_s)}
    workers = {worker.process.pid: worker for worker in (start_worker(**slow), start_worker(**slow))}
    ids = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}

    uninterrupted = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, uninterrupted["id"], limit_s=180)
    assert done["status"] == "COMPLETED", done
    expected = await _evaluation_rows(state, expect_id(done["evaluation"]["id"], "Evaluation"))

    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    assert job["id"] != uninterrupted["id"]
    for _ in range(3000):
        row = await _job_row(state, job["id"])
        if row.completed_steps >= 20:
            break
        await asyncio.sleep(0.02)
    assert row.status == "RUNNING" and row.completed_steps < 200 and row.lease_owner is not None
    killed_at = time.monotonic()
    workers[int(row.lease_owner.rsplit(":", 2)[1])].kill()
    partial, _, _ = await _entry_stats(state)
    assert partial > len(expected[0])

    for _ in range(2400):
        if (await _job_row(state, job["id"])).attempts >= 2:
            break
        await asyncio.sleep(0.05)
    restarted_s = time.monotonic() - killed_at
    done = await wait_finished(gql, job["id"], limit_s=120)
    taken_over_s = time.monotonic() - killed_at
    print(f"killed worker's job running again {restarted_s:.1f} s, COMPLETED {taken_over_s:.1f} s after the kill")
    assert done["status"] == "COMPLETED", done
    # Found by the other worker's reaper (every third of a lease) once the lease lapsed: 30-40 s with the default.
    assert restarted_s < lease_s * 4 / 3 + 10
    assert taken_over_s < 60
    row = await _job_row(state, job["id"])
    assert row.attempts == 2 and row.lease_owner is None
    assert row.evaluation_id is not None
    again = await _evaluation_rows(state, row.evaluation_id)
    assert again[0] == expected[0] and len(set(again[0])) == len(again[0]) == len(gt["annotations"]) + len(dets)
    assert again[1:] == expected[1:]


async def test_a_job_the_queue_lost_is_enqueued_again(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, queue_name: str
) -> None:
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    ids = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    # As Redis restarted without its data would leave it: the job row QUEUED, nothing of it in Redis.
    arq_id = JobConfig(queue_name=queue_name).arq_job_id(expect_id(job["id"], "AsyncJob"))
    redis = Redis.from_url(REDIS_URL)
    try:
        assert await redis.delete(job_key_prefix + arq_id) == 1
        assert await redis.zrem(queue_name, arq_id) == 1
    finally:
        await redis.aclose()
    start_worker(MATCHSCOPE_JOB_LEASE="2")
    done = await wait_finished(gql, job["id"], limit_s=120)
    assert done["status"] == "COMPLETED", done
    assert await _entry_stats(state) == (839 + 734, 839 + 734, 1)

"""Leases in one process: the heartbeat, the fence against a worker that lost its job, and the in-process takeover."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from matchscope.jobs import runtime
from matchscope.jobs.events import LocalEventBus
from matchscope.jobs.task import execute_job
from matchscope.schema.ids import to_global_id
from matchscope.services import evaluate
from matchscope.services.evaluation.lease import Lease, LeaseLost
from matchscope.services.job_snapshot import JobSnapshot
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.db import transaction
from matchscope.store.tables import Job, utcnow
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco, wait_finished
from tests.jobs.entry_tables import entry_stats
from tests.jobs.test_lifecycle import hold

pytestmark = pytest.mark.serial

BOXES = 839 + 734  # COCO_GT's annotations and COCO_DETS' detections


async def _held_job(gql: GraphQL, state: AppState, caller: Caller, chunk_items: int = 10) -> int:
    """A QUEUED job on the COCO sample that nothing runs yet; its id."""
    queue = hold(state)
    state.settings = state.settings.model_copy(update={"evaluation_chunk_items": chunk_items})
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    ids = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    assert (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]["__typename"] == "AsyncJob"
    return queue.job_ids[0]


async def _job(state: AppState, job_id: int) -> Job:
    async with state.sessions() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def _entries(state: AppState) -> tuple[int, int, int]:
    return await entry_stats(state.sessions)


async def _count(state: AppState, table: Any) -> int:
    async with state.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


def _aware(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class TakeoverBus(LocalEventBus):
    """Once `at` steps are done, lets the running worker's lease lapse (as if it had stalled) and has `successor`
    run the whole job, as another worker's reaper would; the stalled worker then resumes."""

    def __init__(self, state: AppState, at: int, successor: Lease) -> None:
        super().__init__()
        self._state, self._at, self._successor = state, at, successor
        self.successor_status: str | None = None

    async def publish(self, snapshot: JobSnapshot) -> None:
        if self.successor_status is not None or snapshot.status != "RUNNING" or snapshot.completed_steps < self._at:
            return
        self.successor_status = "started"
        async with transaction(self._state.sessions) as session:
            lapsed = update(Job).where(Job.id == snapshot.id).values(lease_expires_at=utcnow() - timedelta(seconds=1))
            await session.execute(lapsed)
        self.successor_status = await execute_job(self._state, LocalEventBus(), snapshot.id, self._successor)


@pytest.mark.parametrize("at", [10, 100], ids=["mid-run", "before-completing"])
async def test_a_stalled_worker_cannot_write_over_its_successor(
    gql: GraphQL, state: AppState, caller: Caller, at: int
) -> None:
    job_id = await _held_job(gql, state, caller)
    # A lease long enough that the stalled worker's heartbeat does not renew it during the test.
    stalled, successor = Lease("stalled", seconds=600), Lease("successor", seconds=600)
    bus = TakeoverBus(state, at, successor)
    # The stalled worker's next write is refused (LeaseLost): it stops and leaves the job as its successor left it.
    assert await execute_job(state, bus, job_id, stalled) == "COMPLETED"
    assert bus.successor_status == "COMPLETED"
    job = await _job(state, job_id)
    assert (job.status, job.attempts, job.completed_steps, job.lease_owner) == ("COMPLETED", 2, 100, None)
    assert await _entries(state) == (BOXES, BOXES, 1)
    assert await _count(state, tables.Evaluation) == 1
    async with state.sessions() as session:
        labels = (await session.execute(text("SELECT count(*), count(DISTINCT label) FROM evaluation_class"))).one()
        current = (await session.execute(text("SELECT is_current, is_complete FROM evaluation"))).one()
    assert labels[0] == labels[1] > 0
    assert tuple(current) == (True, True)


async def test_a_lost_lease_stops_the_run_and_rolls_back_its_chunk(
    gql: GraphQL, state: AppState, caller: Caller
) -> None:
    job_id = await _held_job(gql, state, caller)
    written: list[int] = []

    async def steal_after_two_chunks(job: Job) -> None:
        if job.completed_steps == 20:
            written.append((await _entries(state))[0])
            async with transaction(state.sessions) as session:
                taken = (
                    update(Job)
                    .where(Job.id == job_id)
                    .values(lease_owner="elsewhere", lease_expires_at=utcnow() + timedelta(minutes=5))
                )
                await session.execute(taken)

    with pytest.raises(LeaseLost):
        await evaluate.run_evaluation(
            state.sessions, job_id, chunk_items=10, on_progress=steal_after_two_chunks, lease=Lease("mine", 600)
        )
    job = await _job(state, job_id)
    assert (job.status, job.completed_steps, job.lease_owner) == ("RUNNING", 20, "elsewhere")
    assert written and (await _entries(state))[0] == written[0] > 0
    # Nor may it end the job: that is the new holder's to do.
    failed = await evaluate.abandon(
        state.sessions, job_id, status=evaluate.JobStatus.ERRORED, message="x", errors=[], lease=Lease("mine", 600)
    )
    assert failed is not None and failed.status == "RUNNING" and failed.lease_owner == "elsewhere"


async def test_the_heartbeat_keeps_the_lease_between_slow_chunks(gql: GraphQL, state: AppState, caller: Caller) -> None:
    job_id = await _held_job(gql, state, caller, chunk_items=50)
    lease = Lease("slow", seconds=0.6)
    checked: list[bool] = []

    async def slow(job: Job) -> None:
        if job.completed_steps == 50:
            await asyncio.sleep(4 * lease.seconds)  # the chunk's own write extended the lease only until 0.6 s ago
            row = await _job(state, job_id)
            checked.append(row.lease_owner == "slow" and _aware(row.lease_expires_at) > utcnow())

    done = await evaluate.run_evaluation(state.sessions, job_id, chunk_items=50, on_progress=slow, lease=lease)
    assert done is not None and done.status == "COMPLETED"
    assert checked == [True]


async def test_a_restarted_api_takes_its_job_over_once_the_lease_lapses(
    gql: GraphQL, state: AppState, caller: Caller
) -> None:
    job_id = await _held_job(gql, state, caller)
    # As a process that died 1.5 s into its lease would leave it.
    expiry = utcnow() + timedelta(seconds=1.5)
    async with transaction(state.sessions) as session:
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="RUNNING", attempts=1, lease_owner="dead-api", lease_expires_at=expiry)
        )
    state.services.job_queue = state.services.job_events = None
    state.settings = state.settings.model_copy(update={"job_lease_s": 1.5})
    await runtime.ensure_started(state)
    await asyncio.sleep(0.5)
    assert (await _job(state, job_id)).lease_owner == "dead-api"  # not taken while the lease holds
    done = await wait_finished(gql, to_global_id("AsyncJob", job_id), limit_s=30)
    assert done["status"] == "COMPLETED", done
    job = await _job(state, job_id)
    assert job.attempts == 2 and _aware(job.finished_at) > expiry
    assert await _entries(state) == (BOXES, BOXES, 1)

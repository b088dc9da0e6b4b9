"""The job function: the same code runs in the arq worker and in the in-process runner."""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import TYPE_CHECKING

from matchscope.jobs.events import EventBus
from matchscope.services.evaluation import chunk_runs
from matchscope.services.evaluation.chunks import ScaleOut
from matchscope.services.evaluation.lease import Lease, LeaseLost
from matchscope.services.evaluation.lifecycle import abandon
from matchscope.services.evaluation.run import Progress, run_evaluation
from matchscope.services.evaluation.status import JobCancelled, JobStatus
from matchscope.services.job_snapshot import JobSnapshot
from matchscope.settings import DEFAULT_KEEP_EVALUATIONS
from matchscope.store.db import is_disconnect
from matchscope.store.tables import Job

if TYPE_CHECKING:  # the state starts the jobs layer
    from matchscope.state import AppState

logger = logging.getLogger(__name__)

# A job that lost its database connection starts again (it holds its lease, so it claims the job again) after
# these pauses; once they are spent it ends ERRORED, or, when the database cannot even be told that, its lease
# lapses and a worker's reaper has it taken over.
RECONNECT_PAUSES_S = (0.5, 1.0, 2.0, 4.0, 8.0)


async def publish(bus: EventBus, job: Job) -> None:
    try:
        await bus.publish(JobSnapshot.from_row(job))
    except Exception as error:  # progress events are best effort; the job row is the truth
        logger.warning("could not publish progress of job %s: %s: %s", job.id, type(error).__name__, error)


async def execute_job(
    state: AppState,
    bus: EventBus,
    job_id: int,
    lease: Lease | None = None,
    *,
    keep_evaluations: int = DEFAULT_KEEP_EVALUATIONS,
    scale_out: ScaleOut | None = None,
) -> str:
    """Run evaluation job `job_id` under `lease`; returns its status at the end. Never leaves it RUNNING on an error,
    except when another worker has taken it over (then that worker ends it). When it completes, superseded
    evaluations of its dataset and model beyond `keep_evaluations` are deleted. `scale_out`: how a large
    evaluation's chunks reach other workers (None: every chunk runs here)."""
    lease = lease or Lease.for_process()

    async def progress(job: Job) -> None:
        await publish(bus, job)

    job: Job | None
    try:
        job = await _run_reconnecting(state, job_id, progress, lease, keep_evaluations, scale_out)
    except LeaseLost:
        logger.warning("job %s was taken over by another worker; this one stops", job_id)
        job = None
    except JobCancelled:
        job = await abandon(
            state.sessions, job_id, status=JobStatus.CANCELLED, message="cancelled", errors=[], lease=lease
        )
    except Exception as error:
        logger.exception("evaluation job %s failed", job_id)
        lines = traceback.format_exception_only(error)
        job = await abandon(
            state.sessions,
            job_id,
            status=JobStatus.ERRORED,
            message=f"evaluation failed: {type(error).__name__}: {error}",
            errors=[line.strip() for line in lines if line.strip()],
            lease=lease,
        )
    if job is None:
        async with state.sessions() as session:
            job = await session.get(Job, job_id)
        if job is None:
            return "MISSING"
    await publish(bus, job)
    return job.status


async def _run_reconnecting(
    state: AppState,
    job_id: int,
    progress: Progress,
    lease: Lease,
    keep_evaluations: int,
    scale_out: ScaleOut | None,
) -> Job | None:
    """`run_evaluation`, started again when it lost its database connection (a restarted or failed-over server, a
    terminated session): from its first chunk, deleting what the interrupted run wrote, or, scaled out, from the
    chunks not done yet."""
    pauses = iter(RECONNECT_PAUSES_S)
    while True:
        try:
            return await run_evaluation(
                state.sessions,
                job_id,
                chunk_items=state.settings.evaluation_chunk_items,
                on_progress=progress,
                lease=lease,
                keep_evaluations=keep_evaluations,
                scale_out=scale_out,
            )
        except Exception as error:
            pause = next(pauses, None)
            if pause is None or not is_disconnect(error):
                raise
            logger.warning(
                "job %s lost its database connection (%s: %s); starting it again in %.1f s",
                job_id,
                type(error).__name__,
                error,
                pause,
            )
            await asyncio.sleep(pause)


async def execute_chunk(
    state: AppState, bus: EventBus, job_id: int, evaluation_id: int, chunk: int, lease: Lease
) -> bool:
    """Run chunk `chunk` of scaled-out job `job_id` if it is still to be run; publishes the job's progress. A chunk
    that fails is handed back (its job's own worker runs it, or reports the failure); returns whether it ran."""

    async def progress(job: Job) -> None:
        await publish(bus, job)

    try:
        job = await chunk_runs.run_one(state.sessions, job_id, evaluation_id, chunk, lease, progress)
    except Exception:
        logger.exception("chunk %s of job %s failed; it is handed back", chunk, job_id)
        return False
    return job is not None

"""Evaluation jobs: the use cases of the API (start one, cancel one, read one, follow one), and the public face of
:mod:`matchscope.services.evaluation`, which does the work one module per step (load boxes → engine → save
entries, chunk by chunk).

`calculate` is where a job starts: it is written QUEUED, then handed to the process's queue
(`matchscope.jobs.queue`), whose worker runs `matchscope.jobs.task.execute_job` → `run_evaluation`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from matchscope.services.actor import Actor
from matchscope.services.errors import NotFound
from matchscope.services.evaluation.entries import ENTRY_COLUMNS
from matchscope.services.evaluation.lifecycle import CLASS_COLUMNS, abandon
from matchscope.services.evaluation.match import DEFAULT_IOU_THRESHOLD
from matchscope.services.evaluation.options import EvaluationOptions, validate_options
from matchscope.services.evaluation.run import Progress, run_evaluation
from matchscope.services.evaluation.status import ACTIVE, FINISHED, JobCancelled, JobStatus, JobType
from matchscope.services.evaluation.submit import get_job, request_cancel, submit
from matchscope.services.job_snapshot import JobSnapshot
from matchscope.store.db import transaction
from matchscope.store.tables import Job

logger = logging.getLogger(__name__)

__all__ = [
    "ACTIVE",
    "CLASS_COLUMNS",
    "DEFAULT_IOU_THRESHOLD",
    "ENTRY_COLUMNS",
    "FINISHED",
    "EvaluationOptions",
    "Job",
    "JobCancelled",
    "JobStatus",
    "JobType",
    "Progress",
    "abandon",
    "calculate",
    "cancel",
    "follow_job",
    "get_job",
    "request_cancel",
    "run_evaluation",
    "submit",
    "validate_options",
    "visible_job",
]


async def visible_job(actor: Actor, job_id: int) -> Job | None:
    """The job, when it is the actor's."""
    async with actor.app.sessions() as session:
        return await get_job(session, account_id=actor.account_id, job_id=job_id)


async def calculate(actor: Actor, *, dataset_id: int, model_id: int, options: EvaluationOptions) -> Job:
    """Start evaluating the model on the dataset: a new QUEUED job handed to the queue, or the identical job
    already queued or running. A job the queue refused ends ERRORED at once, saying why."""
    jobs = await actor.app.jobs()
    async with transaction(actor.app.sessions) as session:
        job, created = await submit(
            session, account_id=actor.account_id, dataset_id=dataset_id, model_id=model_id, options=options
        )
    assert job.id is not None
    if created:
        try:
            await jobs.queue.enqueue(job.id)
        except Exception as error:
            logger.exception("could not enqueue job %s", job.id)
            failed = await abandon(
                actor.app.sessions,
                job.id,
                status=JobStatus.ERRORED,
                message=f"could not enqueue the job: {type(error).__name__}: {error}",
                errors=[str(error)],
            )
            job = failed or job
    await jobs.publish(job)
    return job


async def cancel(actor: Actor, job_id: int) -> Job:
    """Cancel the actor's job: a queued one at once, a running one at its next chunk. NotFound when it is not
    the actor's; ValidationFailed when it has finished."""
    jobs = await actor.app.jobs()
    async with transaction(actor.app.sessions) as session:
        job = await get_job(session, account_id=actor.account_id, job_id=job_id)
        if job is None:
            raise NotFound("AsyncJob", job_id)
        job = await request_cancel(session, job=job)
    await jobs.publish(job)
    return job


async def follow_job(actor: Actor, job_id: int) -> AsyncIterator[JobSnapshot]:
    """The actor's job now, then at every change until it has finished. NotFound when it is not the actor's."""
    jobs = await actor.app.jobs()
    shown = False
    async for snapshot in jobs.follow(job_id, lambda: visible_job(actor, job_id), _finished):
        shown = True
        yield snapshot
    if not shown:
        raise NotFound("AsyncJob", job_id)


def _finished(snapshot: JobSnapshot) -> bool:
    return snapshot.status in FINISHED

"""Jobs: `job(id)`, `calculateEvaluationMetrics`, `cancelJob` and the `jobUpdates` subscription."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import strawberry

from matchscope.jobs import runtime
from matchscope.jobs.events import EventBus, JobSnapshot
from matchscope.resolvers.errors import as_payload
from matchscope.schema.common import Connection, Node
from matchscope.schema.context import Info
from matchscope.schema.ids import expect_id, from_global_id
from matchscope.schema.jobs import (
    AsyncJob,
    CalculateEvaluationMetricsPayload,
    CancelJobPayload,
    EvaluationOptionsInput,
    JobStatus,
)
from matchscope.schema.nodes import register_node
from matchscope.services import evaluate, history
from matchscope.services.errors import NotFound
from matchscope.store.db import transaction
from matchscope.store.tables import Job

logger = logging.getLogger(__name__)
# Without any event for this long, a subscription re-reads the job row (a lost event never hangs it).
POLL_S = 5.0


async def _visible_job(info: Info, pk: int) -> Job | None:
    async with info.context.sessions() as session:
        return await evaluate.get_job(session, account_id=info.context.account_id, job_id=pk)


@register_node("AsyncJob")
async def _job_node(info: Info, pk: int) -> Node | None:
    row = await _visible_job(info, pk)
    return None if row is None else AsyncJob.from_row(row)


async def _publish(bus: EventBus, job: Job) -> None:
    try:
        await bus.publish(JobSnapshot.from_row(job))
    except Exception:
        logger.warning("could not publish the state of job %s", job.id, exc_info=True)


@strawberry.type
class JobsQuery:
    @strawberry.field(description="A job by its ID; null when it does not exist or is not yours.")
    async def job(self, info: Info, id: strawberry.ID) -> AsyncJob | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] != "AsyncJob":
            return None
        row = await _visible_job(info, decoded[1])
        return None if row is None else AsyncJob.from_row(row)

    @strawberry.field(description="Your jobs, newest first, of any status or of those in `statuses`; `first` ≤ 100.")
    async def jobs(
        self,
        info: Info,
        statuses: list[JobStatus] | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AsyncJob]:
        account_id = info.context.account_id
        wanted = None if statuses is None else frozenset(evaluate.JobStatus(status).value for status in statuses)
        async with info.context.sessions() as session:
            page = await history.jobs_page(session, account_id=account_id, statuses=wanted, first=first, after=after)

        async def count() -> int:
            async with info.context.sessions() as session:
                return await history.count_jobs(session, account_id=account_id, statuses=wanted)

        return Connection.from_page(page, AsyncJob.from_row, count)


@strawberry.type
class JobsMutation:
    @strawberry.mutation(
        description="Start evaluating a model's predictions against a dataset's ground truth. An identical "
        "request while such a job is queued or running returns that job."
    )
    async def calculate_evaluation_metrics(
        self,
        info: Info,
        dataset_id: strawberry.ID,
        model_id: strawberry.ID,
        options: EvaluationOptionsInput | None = None,
    ) -> CalculateEvaluationMetricsPayload:
        state = info.context.state

        async def act() -> AsyncJob:
            chosen = (options or EvaluationOptionsInput()).to_options()
            dataset_pk = expect_id(dataset_id, "Dataset")
            model_pk = expect_id(model_id, "Model")
            queue, bus = await runtime.ensure_started(state)
            async with transaction(info.context.sessions) as session:
                job, created = await evaluate.submit(
                    session,
                    account_id=info.context.account_id,
                    dataset_id=dataset_pk,
                    model_id=model_pk,
                    options=chosen,
                )
            assert job.id is not None
            if created:
                try:
                    await queue.enqueue(job.id)
                except Exception as error:
                    logger.exception("could not enqueue job %s", job.id)
                    failed = await evaluate.abandon(
                        info.context.sessions,
                        job.id,
                        status=evaluate.JobStatus.ERRORED,
                        message=f"could not enqueue the job: {type(error).__name__}: {error}",
                        errors=[str(error)],
                    )
                    job = failed or job
            await _publish(bus, job)
            return AsyncJob.from_row(job)

        return await as_payload(act)

    @strawberry.mutation(
        description="Cancel a job: a queued one at once, a running one at its next chunk of items. "
        "A finished job cannot be cancelled."
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> CancelJobPayload:
        async def act() -> AsyncJob:
            pk = expect_id(id, "AsyncJob")
            _queue, bus = await runtime.ensure_started(info.context.state)
            async with transaction(info.context.sessions) as session:
                job = await evaluate.get_job(session, account_id=info.context.account_id, job_id=pk)
                if job is None:
                    raise NotFound("AsyncJob", id)
                job = await evaluate.request_cancel(session, job=job)
            await _publish(bus, job)
            return AsyncJob.from_row(job)

        return await as_payload(act)


def _finished(snapshot: JobSnapshot) -> bool:
    return snapshot.status in evaluate.FINISHED


@strawberry.type
class JobsSubscription:
    @strawberry.subscription(
        description="The job's state now, then at every change, until it has finished (graphql-transport-ws)."
    )
    async def job_updates(self, info: Info, id: strawberry.ID) -> AsyncIterator[AsyncJob]:
        pk = expect_id(id, "AsyncJob")
        _queue, bus = await runtime.ensure_started(info.context.state)
        async with bus.subscribe(pk) as subscription:
            row = await _visible_job(info, pk)
            if row is None:
                raise NotFound("AsyncJob", id)
            last = JobSnapshot.from_row(row)
            yield AsyncJob.from_snapshot(last)
            while not _finished(last):
                snapshot = await subscription.next(POLL_S)
                if snapshot is None:
                    row = await _visible_job(info, pk)
                    if row is None:
                        return
                    snapshot = JobSnapshot.from_row(row)
                if snapshot == last or (
                    snapshot.completed_steps < last.completed_steps
                    and not _finished(snapshot)
                    and snapshot.status == last.status
                ):
                    continue
                last = snapshot
                yield AsyncJob.from_snapshot(snapshot)

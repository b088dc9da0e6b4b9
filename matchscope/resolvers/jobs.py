"""Jobs: `job(id)`, `calculateEvaluationMetrics`, `cancelJob` and the `jobUpdates` subscription."""

from __future__ import annotations

from collections.abc import AsyncIterator

import strawberry

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


@register_node("AsyncJob")
async def _job_node(info: Info, pk: int) -> Node | None:
    row = await evaluate.visible_job(info.context.actor, pk)
    return None if row is None else AsyncJob.from_row(row)


@strawberry.type
class JobsQuery:
    @strawberry.field(description="A job by its ID; null when it does not exist or is not yours.")
    async def job(self, info: Info, id: strawberry.ID) -> AsyncJob | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] != "AsyncJob":
            return None
        row = await evaluate.visible_job(info.context.actor, decoded[1])
        return None if row is None else AsyncJob.from_row(row)

    @strawberry.field(description="Your jobs, newest first, of any status or of those in `statuses`; `first` ≤ 100.")
    async def jobs(
        self,
        info: Info,
        statuses: list[JobStatus] | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AsyncJob]:
        actor = info.context.actor
        wanted = None if statuses is None else frozenset(evaluate.JobStatus(status).value for status in statuses)
        page = await history.jobs_page(actor, statuses=wanted, first=first, after=after)

        async def count() -> int:
            return await history.count_jobs(actor, statuses=wanted)

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
        async def act() -> AsyncJob:
            chosen = (options or EvaluationOptionsInput()).to_options()
            dataset_pk, model_pk = expect_id(dataset_id, "Dataset"), expect_id(model_id, "Model")
            job = await evaluate.calculate(info.context.actor, dataset_id=dataset_pk, model_id=model_pk, options=chosen)
            return AsyncJob.from_row(job)

        return await as_payload(act)

    @strawberry.mutation(
        description="Cancel a job: a queued one at once, a running one at its next chunk of items. "
        "A finished job cannot be cancelled."
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> CancelJobPayload:
        async def act() -> AsyncJob:
            try:
                job = await evaluate.cancel(info.context.actor, expect_id(id, "AsyncJob"))
            except NotFound:
                raise NotFound("AsyncJob", id) from None  # named by the id as given
            return AsyncJob.from_row(job)

        return await as_payload(act)


@strawberry.type
class JobsSubscription:
    @strawberry.subscription(
        description="The job's state now, then at every change, until it has finished (graphql-transport-ws)."
    )
    async def job_updates(self, info: Info, id: strawberry.ID) -> AsyncIterator[AsyncJob]:
        try:
            async for snapshot in evaluate.follow_job(info.context.actor, expect_id(id, "AsyncJob")):
                yield AsyncJob.from_snapshot(snapshot)
        except NotFound:
            raise NotFound("AsyncJob", id) from None  # named by the id as given

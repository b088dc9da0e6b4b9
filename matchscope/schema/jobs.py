"""Asynchronous jobs: AsyncJob, its enums, the evaluation options input and the job payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from matchscope.schema.common import Node, NotFoundError, ValidationError
from matchscope.schema.context import Info
from matchscope.schema.evaluation import Evaluation
from matchscope.schema.ids import to_global_id
from matchscope.services import browse, evaluate
from matchscope.services.job_snapshot import JobSnapshot

JobType = strawberry.enum(evaluate.JobType, name="JobType", description="What a job computes.")
JobStatus = strawberry.enum(
    evaluate.JobStatus,
    name="JobStatus",
    description="QUEUED → RUNNING → COMPLETED, ERRORED or CANCELLED.",
)


@strawberry.type(description="A job running in the background; follow it with `job(id)` or `jobUpdates(id)`.")
class AsyncJob(Node):
    pk: strawberry.Private[int]
    account_pk: strawberry.Private[int]
    evaluation_pk: strawberry.Private[int | None]
    type: JobType  # type: ignore[valid-type]
    status: JobStatus  # type: ignore[valid-type]
    progress: float = strawberry.field(description="completedSteps / totalSteps, from 0 to 1.")
    completed_steps: int = strawberry.field(description="Items evaluated so far.")
    total_steps: int = strawberry.field(description="Items to evaluate.")
    message: str | None
    errors: list[str]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_snapshot(cls, snapshot: JobSnapshot) -> AsyncJob:
        return cls(
            id=to_global_id("AsyncJob", snapshot.id),
            pk=snapshot.id,
            account_pk=snapshot.account_id,
            evaluation_pk=snapshot.evaluation_id,
            type=evaluate.JobType(snapshot.type),
            status=evaluate.JobStatus(snapshot.status),
            progress=snapshot.progress,
            completed_steps=snapshot.completed_steps,
            total_steps=snapshot.total_steps,
            message=snapshot.message,
            errors=list(snapshot.errors),
            created_at=snapshot.created_at,
            started_at=snapshot.started_at,
            finished_at=snapshot.finished_at,
        )

    @classmethod
    def from_row(cls, row: evaluate.Job) -> AsyncJob:
        return cls.from_snapshot(JobSnapshot.from_row(row))

    @strawberry.field(description="The evaluation this job produced or is producing; complete once COMPLETED.")
    async def evaluation(self, info: Info) -> Evaluation | None:
        if self.evaluation_pk is None:
            return None
        row = await browse.find_evaluation(info.context.actor, evaluation_id=self.evaluation_pk)
        return None if row is None else Evaluation.from_row(row)


@strawberry.input
class AllowedLabelMatchInput:
    ground_truth_label: str
    model_prediction_label: str


@strawberry.input(description="Omitted classAgnostic means true, unless allowedLabelMatches is given.")
class EvaluationOptionsInput:
    class_agnostic: bool | None = None
    allowed_label_matches: list[AllowedLabelMatchInput] | None = None

    def to_options(self) -> evaluate.EvaluationOptions:
        pairs = (
            None
            if self.allowed_label_matches is None
            else [(pair.ground_truth_label, pair.model_prediction_label) for pair in self.allowed_label_matches]
        )
        return evaluate.validate_options(self.class_agnostic, pairs)


CalculateEvaluationMetricsPayload = Annotated[
    AsyncJob | ValidationError | NotFoundError, strawberry.union("CalculateEvaluationMetricsPayload")
]
CancelJobPayload = Annotated[AsyncJob | ValidationError | NotFoundError, strawberry.union("CancelJobPayload")]

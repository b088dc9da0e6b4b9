"""Submitting an evaluation job (an identical active one is reused), looking one up, requesting cancellation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.services import ingest
from matchscope.services.errors import ValidationFailed
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.status import ACTIVE, FINISHED, JobStatus, JobType, join_message
from matchscope.store.tables import BoxAnnotation, BoxPrediction, Job, utcnow


async def labels_in_use(session: AsyncSession, *, dataset_id: int, model_id: int) -> list[str]:
    """Every label of the dataset's annotations and of the model's predictions on it, sorted."""
    annotation = select(col(BoxAnnotation.label)).where(col(BoxAnnotation.dataset_id) == dataset_id).distinct()
    prediction = (
        select(col(BoxPrediction.label))
        .where(col(BoxPrediction.model_id) == model_id, col(BoxPrediction.dataset_id) == dataset_id)
        .distinct()
    )
    found = set((await session.execute(annotation)).scalars()) | set((await session.execute(prediction)).scalars())
    return sorted(found)


async def submit(
    session: AsyncSession, *, account_id: int, dataset_id: int, model_id: int, options: EvaluationOptions
) -> tuple[Job, bool]:
    """The job for this request: an identical queued or running job if there is one, else a new QUEUED job.

    Returns (job, created). Raises NotFound for a dataset or model the account does not own.
    """
    await ingest.get_dataset(session, account_id=account_id, dataset_id=dataset_id)
    await ingest.get_model(session, account_id=account_id, model_id=model_id)
    statement = (
        select(Job)
        .where(
            col(Job.account_id) == account_id,
            col(Job.dataset_id) == dataset_id,
            col(Job.model_id) == model_id,
            col(Job.options_key) == options.key,
            col(Job.status).in_(list(ACTIVE)),
        )
        .order_by(col(Job.id))
    )
    existing = (await session.execute(statement)).scalars().first()
    if existing is not None:
        return existing, False
    message = None
    # Reading every label scans all predictions: only done when the options name labels.
    named = options.labels()
    in_use = await labels_in_use(session, dataset_id=dataset_id, model_id=model_id) if named else []
    unknown = sorted(named - set(in_use))
    if unknown:
        message = "labels in allowedLabelMatches that appear in no annotation or prediction: " + ", ".join(
            repr(label) for label in unknown
        )
    job = Job(
        account_id=account_id,
        type=JobType.EVALUATION.value,
        status=JobStatus.QUEUED.value,
        dataset_id=dataset_id,
        model_id=model_id,
        options=options.to_json(),
        options_key=options.key,
        message=message,
        errors=[],
    )
    session.add(job)
    await session.flush()
    return job, True


async def get_job(session: AsyncSession, *, account_id: int, job_id: int) -> Job | None:
    job = await session.get(Job, job_id)
    return job if job is not None and job.account_id == account_id else None


async def request_cancel(session: AsyncSession, *, job: Job) -> Job:
    """QUEUED: cancelled at once. RUNNING: flagged; the job stops at its next chunk boundary."""
    if job.status in FINISHED:
        raise ValidationFailed.single("id", job.status, "the job has already finished; nothing to cancel")
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED.value
        job.finished_at = utcnow()
        job.message = join_message(job.message, "cancelled before it started")
    job.cancel_requested = True
    session.add(job)
    await session.flush()
    return job

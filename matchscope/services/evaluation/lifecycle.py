"""The transactions that move a job along: start it, check for cancellation, complete it, abandon it.

A job writes its match entries under a new Evaluation that nobody reads until, in one last transaction, it is
marked complete and current. A retried job (worker crash) reuses that evaluation and first deletes whatever
entries the previous attempt left, so retries never duplicate rows; a scaled-out job keeps the chunks already
done (each chunk's entries were written with its DONE mark) and runs the others again, unless its inputs changed
since its chunks were planned. The worker running a job
holds its lease (`lease`): starting claims it, and completing checks it in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.services.deletes import apply_retention
from matchscope.services.evaluation.lease import Lease, LeaseLost, claimable, held_elsewhere
from matchscope.services.evaluation.load import image_keys
from matchscope.services.evaluation.match import Totals
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.status import JobCancelled, JobStatus, join_message, submission_note
from matchscope.services.staleness import current_versions
from matchscope.store import entry_partitions
from matchscope.store.bulk import bulk_insert
from matchscope.store.db import transaction
from matchscope.store.tables import Evaluation, EvaluationChunk, EvaluationClass, Job, Model, utcnow

CLASS_COLUMNS = (
    "evaluation_id",
    "label",
    "ground_truth_count",
    "prediction_count",
    "true_positives",
    "false_positives",
    "false_negatives",
)


async def _delete_evaluation_rows(session: AsyncSession, evaluation_id: int) -> None:
    # Chunks first: deleting their rows waits for a chunk being written elsewhere, whose entries are then deleted.
    await session.execute(delete(EvaluationChunk).where(col(EvaluationChunk.evaluation_id) == evaluation_id))
    await entry_partitions.drop(session, [evaluation_id])
    await session.execute(delete(EvaluationClass).where(col(EvaluationClass.evaluation_id) == evaluation_id))


async def _locked_job(session: AsyncSession, job_id: int) -> Job | None:
    statement = select(Job).where(col(Job.id) == job_id).with_for_update()
    return (await session.execute(statement)).scalars().first()


async def _planned_inputs(session: AsyncSession, evaluation: Evaluation) -> tuple[int, int, int] | None:
    """(annotation version, prediction version, items) that a scaled-out evaluation's chunks were planned on; None
    when it has no chunks."""
    items = (
        await session.execute(
            select(func.sum(col(EvaluationChunk.items))).where(col(EvaluationChunk.evaluation_id) == evaluation.id)
        )
    ).scalar()
    if items is None:
        return None
    return evaluation.annotation_version, evaluation.prediction_version, int(items)


async def start(sessions: async_sessionmaker[AsyncSession], job_id: int, lease: Lease) -> tuple[Job, Evaluation] | None:
    """Claim the job for `lease`, mark it RUNNING and give it an empty, incomplete evaluation (the previous attempt's,
    emptied). None when there is nothing to do: the job is finished, gone, or another worker's lease holds it."""
    async with transaction(sessions) as session:
        # The claim is one conditional UPDATE, so two workers (or two reapers' takeovers) never both win it.
        claim = (
            update(Job)
            .where(col(Job.id) == job_id, claimable(lease, utcnow()))
            .values(
                status=JobStatus.RUNNING.value,
                attempts=col(Job.attempts) + 1,
                lease_owner=lease.owner,
                lease_expires_at=lease.expiry(),
            )
        )
        claimed: Any = await session.execute(claim)
        if claimed.rowcount != 1:
            return None
        job = await _locked_job(session, job_id)
        assert job is not None
        if job.cancel_requested:
            raise JobCancelled
        assert job.dataset_id is not None and job.model_id is not None
        options = EvaluationOptions.from_json(job.options)
        annotation_version, prediction_version = await current_versions(
            session, dataset_id=job.dataset_id, model_id=job.model_id
        )
        evaluation = None if job.evaluation_id is None else await session.get(Evaluation, job.evaluation_id)
        if evaluation is not None and evaluation.is_complete:
            return None
        item_count = len((await image_keys(session, job.dataset_id))[0])
        resumed_chunks = False
        if evaluation is None:
            evaluation = Evaluation(
                account_id=job.account_id,
                dataset_id=job.dataset_id,
                model_id=job.model_id,
                job_id=job.id,
                class_agnostic=options.class_agnostic,
                allowed_label_matches=[list(pair) for pair in options.allowed_label_matches],
            )
        elif await _planned_inputs(session, evaluation) != (annotation_version, prediction_version, item_count):
            # Started over on the inputs as they are now: a retried job in one piece always; a scaled-out one whose
            # inputs changed since its chunks were planned too, or its evaluation would mix the boxes of two
            # versions under the first one's. A scaled-out job taken over on the same inputs keeps the chunks done.
            assert evaluation.id is not None
            await _delete_evaluation_rows(session, evaluation.id)
        else:
            resumed_chunks = True
        evaluation.annotation_version = annotation_version
        evaluation.prediction_version = prediction_version
        session.add(evaluation)
        await session.flush()
        assert evaluation.id is not None
        if resumed_chunks:
            await entry_partitions.ensure(session, evaluation.id, chunked=True)
        else:
            await entry_partitions.create(session, evaluation.id)
        job.started_at = job.started_at or utcnow()
        job.evaluation_id = evaluation.id
        job.completed_steps = 0
        job.total_steps = item_count
        job.progress = 0.0
        job.errors = []
        session.add(job)
    return job, evaluation


async def cancel_requested(session: AsyncSession, job_id: int) -> bool:
    statement = select(col(Job.cancel_requested)).where(col(Job.id) == job_id)
    return bool((await session.execute(statement)).scalar())


async def complete(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    evaluation_id: int,
    totals: Totals,
    label_names: list[str],
    coco: dict[str, Any],
    tide: dict[str, Any],
    item_count: int,
    lease: Lease,
    keep_evaluations: int,
) -> Job:
    """The one transaction that makes the evaluation complete and current and the job COMPLETED, and deletes the
    superseded evaluations of its dataset and model beyond `keep_evaluations`; LeaseLost when another worker has
    taken the job over meanwhile."""
    async with transaction(sessions) as session:
        job = await _locked_job(session, job_id)
        if job is None or job.lease_owner != lease.owner or job.status != JobStatus.RUNNING:
            raise LeaseLost(f"job {job_id} is no longer held by {lease.owner}")
        if job.cancel_requested:
            raise JobCancelled
        evaluation = await session.get(Evaluation, evaluation_id)
        assert evaluation is not None
        # Serialise completions for one (dataset, model) so that exactly one evaluation ends up current.
        await session.execute(select(col(Model.id)).where(col(Model.id) == evaluation.model_id).with_for_update())
        # A scaled-out evaluation's chunks (their payloads) have served their purpose.
        await session.execute(delete(EvaluationChunk).where(col(EvaluationChunk.evaluation_id) == evaluation_id))
        await entry_partitions.attach(session, evaluation_id)
        counts = (totals.gt_count, totals.pred_count, totals.tp, totals.fp, totals.fn)
        class_rows = [(name, *(int(count[k]) for count in counts)) for k, name in enumerate(label_names)]
        await bulk_insert(
            session,
            EvaluationClass.__table__,  # type: ignore[attr-defined]
            CLASS_COLUMNS[1:],
            class_rows,
            constants={"evaluation_id": evaluation_id},
        )
        await session.execute(
            update(Evaluation)
            .where(
                col(Evaluation.dataset_id) == evaluation.dataset_id,
                col(Evaluation.model_id) == evaluation.model_id,
                col(Evaluation.is_current).is_(True),
            )
            .values(is_current=False)
        )
        now = utcnow()
        evaluation.coco = coco
        evaluation.tide = tide
        evaluation.is_complete = True
        evaluation.is_current = True
        evaluation.completed_at = now
        session.add(evaluation)
        await session.flush()
        await apply_retention(
            session, dataset_id=evaluation.dataset_id, model_id=evaluation.model_id, keep=keep_evaluations
        )
        predictions, ground_truth = int(totals.pred_count.sum()), int(totals.gt_count.sum())
        summary = f"evaluated {item_count} items: {predictions} predictions, {ground_truth} ground-truth boxes"
        job.status = JobStatus.COMPLETED.value
        job.completed_steps = job.total_steps
        job.progress = 1.0
        job.finished_at = now
        job.message = join_message(summary, submission_note(job.message))
        job.lease_owner = None
        job.lease_expires_at = None
        session.add(job)
    return job


async def abandon(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    *,
    status: JobStatus,
    message: str,
    errors: list[str],
    lease: Lease | None = None,
) -> Job | None:
    """End a job CANCELLED or ERRORED: delete its partial evaluation; the previous current one stays.

    With `lease`, a job that another worker's live lease holds is left alone (it is that worker's to end)."""
    async with transaction(sessions) as session:
        job = await _locked_job(session, job_id)
        if job is None:
            return None
        if job.status == JobStatus.COMPLETED:
            return job
        if lease is not None and held_elsewhere(job, lease, utcnow()):
            return job
        if job.evaluation_id is not None:
            evaluation = await session.get(Evaluation, job.evaluation_id)
            if evaluation is not None and not evaluation.is_complete:
                await _delete_evaluation_rows(session, job.evaluation_id)
                await session.delete(evaluation)
            job.evaluation_id = None
        job.status = status.value
        job.finished_at = job.finished_at or utcnow()
        job.message = join_message(message, submission_note(job.message))
        job.errors = errors
        job.lease_owner = None
        job.lease_expires_at = None
        session.add(job)
    return job

"""Deleting a dataset, a model or an evaluation with everything under it, and the retention of superseded
evaluations. Every table is cleared with one statement per table (ids chosen by a subquery), never row by row;
the bulk tables (match_entry, box_annotation, box_prediction; migration 0004) and evaluation_chunk have no foreign
keys, so they are cleared explicitly.

Jobs of a deleted dataset or model are fenced first: their rows are marked CANCELLED without a lease holder, so
a worker still running one finds its next write refused (LeaseLost), rolls that chunk back and stops; on
PostgreSQL that update also waits for a chunk being written to commit, so its entries are deleted with the rest.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.services.actor import Actor
from matchscope.services.errors import NotFound
from matchscope.services.evaluation.status import ACTIVE, JobStatus
from matchscope.store import entry_partitions
from matchscope.store.db import transaction
from matchscope.store.tables import (
    BoxAnnotation,
    BoxPrediction,
    Dataset,
    DatasetItem,
    Evaluation,
    EvaluationChunk,
    EvaluationClass,
    Job,
    MatchReview,
    Model,
    PredictionSet,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class Deleted:
    """What a delete removed: the number of rows, and the jobs it cancelled as they were last (for their final
    events)."""

    rows: int
    cancelled: tuple[Job, ...] = ()


async def _delete(session: AsyncSession, table: Any, where: ColumnElement[bool]) -> int:
    result: Any = await session.execute(delete(table).where(where))
    return int(result.rowcount or 0)


async def _delete_evaluations(session: AsyncSession, evaluation_ids: Select[Any]) -> int:
    """The evaluations `evaluation_ids` selects, with their entries and class rows; jobs forget them."""
    ids = evaluation_ids.scalar_subquery()
    await _delete(session, EvaluationChunk, col(EvaluationChunk.evaluation_id).in_(ids))
    # An evaluation's entries are a table of its own.
    rows = await entry_partitions.drop(session, (await session.execute(evaluation_ids)).scalars().all())
    rows += await _delete(session, EvaluationClass, col(EvaluationClass.evaluation_id).in_(ids))
    await session.execute(update(Job).where(col(Job.evaluation_id).in_(ids)).values(evaluation_id=None))
    return rows + await _delete(session, Evaluation, col(Evaluation.id).in_(ids))


async def _cancel_jobs(session: AsyncSession, where: ColumnElement[bool], reason: str) -> tuple[Job, ...]:
    active = where & col(Job.status).in_([status.value for status in ACTIVE])
    cancelled = (
        update(Job)
        .where(active)
        .values(
            status=JobStatus.CANCELLED.value,
            cancel_requested=True,
            lease_owner=None,
            lease_expires_at=None,
            finished_at=utcnow(),
            message=reason,
            evaluation_id=None,
        )
        .returning(col(Job.id))
    )
    job_ids = [job_id for job_id in (await session.execute(cancelled)).scalars() if job_id is not None]
    if not job_ids:
        return ()
    rows = (await session.execute(select(Job).where(col(Job.id).in_(job_ids)))).scalars()
    return tuple(rows)


async def delete_evaluation(session: AsyncSession, *, account_id: int, evaluation_id: int) -> Deleted:
    """A completed evaluation of the account (the current one included: its pair then has none current)."""
    evaluation = await session.get(Evaluation, evaluation_id)
    if evaluation is None or evaluation.account_id != account_id or not evaluation.is_complete:
        raise NotFound("Evaluation", evaluation_id)
    rows = await _delete_evaluations(session, select(col(Evaluation.id)).where(col(Evaluation.id) == evaluation_id))
    return Deleted(rows=rows)


async def delete_dataset(session: AsyncSession, *, account_id: int, dataset_id: int) -> Deleted:
    dataset = await session.get(Dataset, dataset_id)
    if dataset is None or dataset.account_id != account_id:
        raise NotFound("Dataset", dataset_id)
    cancelled = await _cancel_jobs(session, col(Job.dataset_id) == dataset_id, "cancelled: its dataset was deleted")
    rows = await _delete_evaluations(
        session, select(col(Evaluation.id)).where(col(Evaluation.dataset_id) == dataset_id)
    )
    rows += await _delete(session, Job, col(Job.dataset_id) == dataset_id)
    rows += await _delete(session, MatchReview, col(MatchReview.dataset_id) == dataset_id)
    rows += await _delete(session, BoxPrediction, col(BoxPrediction.dataset_id) == dataset_id)
    rows += await _delete(session, BoxAnnotation, col(BoxAnnotation.dataset_id) == dataset_id)
    rows += await _delete(session, PredictionSet, col(PredictionSet.dataset_id) == dataset_id)
    rows += await _delete(session, DatasetItem, col(DatasetItem.dataset_id) == dataset_id)
    rows += await _delete(session, Dataset, col(Dataset.id) == dataset_id)
    return Deleted(rows=rows, cancelled=cancelled)


async def delete_model(session: AsyncSession, *, account_id: int, model_id: int) -> Deleted:
    model = await session.get(Model, model_id)
    if model is None or model.account_id != account_id:
        raise NotFound("Model", model_id)
    cancelled = await _cancel_jobs(session, col(Job.model_id) == model_id, "cancelled: its model was deleted")
    rows = await _delete_evaluations(session, select(col(Evaluation.id)).where(col(Evaluation.model_id) == model_id))
    rows += await _delete(session, Job, col(Job.model_id) == model_id)
    rows += await _delete(session, MatchReview, col(MatchReview.model_id) == model_id)
    rows += await _delete(session, BoxPrediction, col(BoxPrediction.model_id) == model_id)
    rows += await _delete(session, PredictionSet, col(PredictionSet.model_id) == model_id)
    rows += await _delete(session, Model, col(Model.id) == model_id)
    return Deleted(rows=rows, cancelled=cancelled)


_DELETES: dict[str, Callable[[AsyncSession, int, int], Awaitable[Deleted]]] = {
    "Dataset": lambda session, account_id, pk: delete_dataset(session, account_id=account_id, dataset_id=pk),
    "Model": lambda session, account_id, pk: delete_model(session, account_id=account_id, model_id=pk),
    "Evaluation": lambda session, account_id, pk: delete_evaluation(session, account_id=account_id, evaluation_id=pk),
}


async def delete_owned(actor: Actor, kind: Literal["Dataset", "Model", "Evaluation"], object_id: int) -> Deleted:
    """Delete the actor's dataset, model or evaluation with everything under it, in one transaction; the jobs it
    cancelled are announced with their last state, CANCELLED (their rows are gone). NotFound unless it is the
    actor's."""
    async with transaction(actor.app.sessions) as session:
        deleted = await _DELETES[kind](session, actor.account_id, object_id)
    if deleted.cancelled:
        jobs = await actor.app.jobs()
        for job in deleted.cancelled:
            await jobs.publish(job)
    return deleted


async def apply_retention(session: AsyncSession, *, dataset_id: int, model_id: int, keep: int) -> int:
    """Delete the pair's superseded evaluations beyond the newest `keep` (the current one is never counted or
    deleted; nor are evaluations still being computed). Returns the rows deleted."""
    superseded = (
        select(col(Evaluation.id))
        .where(
            col(Evaluation.dataset_id) == dataset_id,
            col(Evaluation.model_id) == model_id,
            col(Evaluation.is_complete).is_(True),
            col(Evaluation.is_current).is_(False),
        )
        .order_by(col(Evaluation.id).desc())
        .offset(max(0, keep))
    )
    expired = [found for found in (await session.execute(superseded)).scalars() if found is not None]
    if not expired:
        return 0
    return await _delete_evaluations(session, select(col(Evaluation.id)).where(col(Evaluation.id).in_(expired)))

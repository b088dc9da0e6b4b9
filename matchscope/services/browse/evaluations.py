"""An evaluation's row without its COCO results: the current one of a dataset and model, one by id, its COCO
results apart."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.services.actor import Actor
from matchscope.services.browse.sql import integer_param
from matchscope.store.changes import RowCache
from matchscope.store.reads import Reads, fetch_all
from matchscope.store.tables import Evaluation


class EvaluationRow(NamedTuple):
    """An evaluation's columns but its COCO results, tens of thousands of floats that only `coco` reads (named
    as on the table class)."""

    id: int
    account_id: int
    dataset_id: int
    model_id: int
    class_agnostic: bool
    allowed_label_matches: list[list[str]] | None
    is_current: bool
    is_complete: bool
    annotation_version: int
    prediction_version: int
    created_at: datetime
    completed_at: datetime | None
    job_id: int | None
    error_evidence: bool


EVALUATION = Evaluation.__table__.c  # type: ignore[attr-defined]
_EVALUATION_SELECT = select(*(EVALUATION[name] for name in EvaluationRow._fields))
# Built once: these run on every request that reads an evaluation.
_CURRENT_EVALUATION = (
    _EVALUATION_SELECT.where(
        EVALUATION.account_id == integer_param("account_id"),
        EVALUATION.dataset_id == integer_param("dataset_id"),
        EVALUATION.model_id == integer_param("model_id"),
        EVALUATION.is_current.is_(True),
    )
    .order_by(EVALUATION.id.desc())
    .limit(1)
)
_EVALUATION_BY_ID = _EVALUATION_SELECT.where(EVALUATION.id == integer_param("evaluation_id"))


async def current_evaluation(
    db: AsyncSession | Reads,
    *,
    account_id: int,
    dataset_id: int,
    model_id: int,
    known: RowCache[tuple[int, int, int], EvaluationRow | None] | None = None,
) -> EvaluationRow | None:
    """The account's current evaluation of the model on the dataset; `known` keeps what it read."""

    async def load() -> EvaluationRow | None:
        parameters = {"account_id": account_id, "dataset_id": dataset_id, "model_id": model_id}
        records = await fetch_all(db, _CURRENT_EVALUATION, parameters)
        return EvaluationRow._make(records[0]) if records else None

    return await load() if known is None else await known.read((account_id, dataset_id, model_id), load)


async def visible_evaluation(db: AsyncSession | Reads, *, account_id: int, evaluation_id: int) -> EvaluationRow | None:
    records = await fetch_all(db, _EVALUATION_BY_ID, {"evaluation_id": evaluation_id})
    row = EvaluationRow._make(records[0]) if records else None
    return row if row is not None and row.account_id == account_id else None


async def evaluation_coco(session: AsyncSession, *, evaluation_id: int) -> dict[str, Any] | None:
    statement = select(col(Evaluation.coco)).where(col(Evaluation.id) == evaluation_id)
    coco: dict[str, Any] | None = (await session.execute(statement)).scalar()
    return coco


async def find_evaluation(actor: Actor, *, evaluation_id: int) -> EvaluationRow | None:
    """The evaluation, when it is the actor's."""
    return await visible_evaluation(actor.app.reads, account_id=actor.account_id, evaluation_id=evaluation_id)


async def find_current_evaluation(actor: Actor, *, dataset_id: int, model_id: int) -> EvaluationRow | None:
    """The actor's current evaluation of the model on the dataset, through the process's cache of them."""
    app = actor.app
    return await current_evaluation(
        app.reads,
        account_id=actor.account_id,
        dataset_id=dataset_id,
        model_id=model_id,
        known=app.current_evaluations,
    )

"""An evaluation's row without its COCO results: the current one of a dataset and model, one by id, its COCO
results apart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.services.actor import Actor
from matchscope.services.browse.sql import integer_param
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
) -> EvaluationRow | None:
    """The account's current evaluation of the model on the dataset."""
    parameters = {"account_id": account_id, "dataset_id": dataset_id, "model_id": model_id}
    records = await fetch_all(db, _CURRENT_EVALUATION, parameters)
    return EvaluationRow._make(records[0]) if records else None


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


class CurrentEvaluations:
    """The current evaluations this process read, per account, kept with the account's `evaluations_version`
    (counted up in the transaction of every change to its evaluations) as the requests that read them had read it
    with their key. A row read after a request saw version v is at least as new as v: requests that saw v may use
    it, a request that saw a newer version drops the account's rows."""

    def __init__(self, max_accounts: int = 10_000, max_pairs: int = 1_000) -> None:
        self._max_accounts = max_accounts
        self._max_pairs = max_pairs
        self._kept: dict[int, tuple[int, dict[tuple[int, int], EvaluationRow | None]]] = {}

    async def read(
        self,
        account_id: int,
        version: int | None,
        pair: tuple[int, int],
        load: Callable[[], Awaitable[EvaluationRow | None]],
    ) -> EvaluationRow | None:
        """The kept row of the account's (dataset, model) pair at `version`, or what `load` reads (kept unless a
        request has seen a newer version meanwhile). No version: `load`, nothing kept."""
        if version is None:
            return await load()
        kept = self._kept.get(account_id)
        if kept is not None and kept[0] == version and pair in kept[1]:
            return kept[1][pair]
        row = await load()
        kept = self._kept.get(account_id)
        if kept is None or kept[0] < version:
            if len(self._kept) >= self._max_accounts:
                self._kept.clear()
            kept = self._kept[account_id] = (version, {})
        if kept[0] == version:
            if len(kept[1]) >= self._max_pairs:
                kept[1].clear()
            kept[1][pair] = row
        return row


async def find_current_evaluation(actor: Actor, *, dataset_id: int, model_id: int) -> EvaluationRow | None:
    """The actor's current evaluation of the model on the dataset as of the request's key, through the process's
    `CurrentEvaluations`."""
    reads = actor.app.reads

    async def load() -> EvaluationRow | None:
        return await current_evaluation(reads, account_id=actor.account_id, dataset_id=dataset_id, model_id=model_id)

    kept = actor.app.services.current_evaluations
    return await kept.read(actor.account_id, actor.evaluations_version, (dataset_id, model_id), load)

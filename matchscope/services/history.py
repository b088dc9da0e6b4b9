"""An account's history, newest first: its evaluations (the current ones and the superseded ones retention keeps)
and its jobs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from matchscope.services.actor import Actor
from matchscope.services.browse import EvaluationRow
from matchscope.services.errors import ValidationFailed
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size
from matchscope.store.tables import Evaluation, Job

_COLUMNS = Evaluation.__table__.c  # type: ignore[attr-defined]
_JOB = Job.__table__.c  # type: ignore[attr-defined]


def _visible(account_id: int, dataset_id: int | None, model_id: int | None) -> list[Any]:
    """Completed evaluations of the account (a running job's rows are not an evaluation yet)."""
    conditions = [_COLUMNS.account_id == account_id, _COLUMNS.is_complete.is_(True)]
    if dataset_id is not None:
        conditions.append(_COLUMNS.dataset_id == dataset_id)
    if model_id is not None:
        conditions.append(_COLUMNS.model_id == model_id)
    return conditions


async def evaluations_page(
    actor: Actor,
    *,
    dataset_id: int | None = None,
    model_id: int | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[EvaluationRow]:
    """Newest first (ids grow with time); the cursor is the last id seen."""
    size = page_size(first)
    statement = select(*(_COLUMNS[name] for name in EvaluationRow._fields)).where(
        *_visible(actor.account_id, dataset_id, model_id)
    )
    if after is not None:
        statement = statement.where(_COLUMNS.id < _last_id(after))
    async with actor.app.sessions() as session:
        records = (await session.execute(statement.order_by(_COLUMNS.id.desc()).limit(size + 1))).all()
    rows = [EvaluationRow._make(record) for record in records[:size]]
    return Page(
        rows=rows,
        cursors=[encode_cursor((row.id,)) for row in rows],
        has_next_page=len(records) > size,
        has_previous_page=after is not None,
    )


async def count_evaluations(actor: Actor, *, dataset_id: int | None = None, model_id: int | None = None) -> int:
    statement = select(func.count()).select_from(Evaluation).where(*_visible(actor.account_id, dataset_id, model_id))
    return await _count(actor, statement)


async def _count(actor: Actor, statement: Any) -> int:
    async with actor.app.sessions() as session:
        return int((await session.execute(statement)).scalar_one())


def _last_id(after: str) -> int:
    """The id a newest-first cursor names."""
    (last_id,) = decode_cursor(after, 1)
    if not isinstance(last_id, int) or isinstance(last_id, bool):
        raise ValidationFailed.single("after", after, "not a cursor from this API")
    return last_id


def _jobs_of(account_id: int, statuses: frozenset[str] | None) -> list[Any]:
    conditions = [_JOB.account_id == account_id]
    if statuses is not None:
        conditions.append(_JOB.status.in_(sorted(statuses)))
    return conditions


async def jobs_page(
    actor: Actor,
    *,
    statuses: frozenset[str] | None = None,
    first: int | None = None,
    after: str | None = None,
) -> Page[Job]:
    """The account's jobs in any of `statuses` (None: all), newest first (ids grow with time); the cursor is the
    last id seen."""
    size = page_size(first)
    if statuses == frozenset():
        return Page(rows=[], cursors=[], has_next_page=False, has_previous_page=after is not None)
    statement = select(Job).where(*_jobs_of(actor.account_id, statuses))
    if after is not None:
        statement = statement.where(_JOB.id < _last_id(after))
    async with actor.app.sessions() as session:
        jobs = list((await session.execute(statement.order_by(_JOB.id.desc()).limit(size + 1))).scalars())
    rows = jobs[:size]
    return Page(
        rows=rows,
        cursors=[encode_cursor((job.id,)) for job in rows],
        has_next_page=len(jobs) > size,
        has_previous_page=after is not None,
    )


async def count_jobs(actor: Actor, *, statuses: frozenset[str] | None = None) -> int:
    if statuses == frozenset():
        return 0
    return await _count(actor, select(func.count()).select_from(Job).where(*_jobs_of(actor.account_id, statuses)))

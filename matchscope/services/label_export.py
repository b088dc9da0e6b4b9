"""The LABEL_ERROR export of the command line: the evaluation found by names, every label error read through
:func:`matchscope.services.reviews.label_errors_page` (the pages behind `Evaluation.labelErrors`), so that the file
holds exactly what the API lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.services import browse, catalog, reviews
from matchscope.services.errors import NotFound
from matchscope.services.pagination import MAX_PAGE
from matchscope.store.tables import Account


async def current_evaluation(
    session: AsyncSession, *, account_name: str, dataset_name: str, model_reference_id: str
) -> browse.EvaluationRow:
    """The account's current evaluation of the model on the dataset; NotFound naming the first that is missing."""
    account = (await session.execute(select(Account).where(col(Account.name) == account_name))).scalars().first()
    if account is None or account.id is None:
        raise NotFound("Account", account_name)
    dataset = await catalog.dataset_by_name(session, account_id=account.id, name=dataset_name)
    if dataset is None or dataset.id is None:
        raise NotFound("Dataset", dataset_name)
    model = await catalog.model_by_reference_id(session, account_id=account.id, reference_id=model_reference_id)
    if model is None or model.id is None:
        raise NotFound("Model", model_reference_id)
    evaluation = await browse.current_evaluation(
        session, account_id=account.id, dataset_id=dataset.id, model_id=model.id
    )
    if evaluation is None:
        raise NotFound("Evaluation", f"{model_reference_id} on {dataset_name}")
    return evaluation


async def label_errors(
    session: AsyncSession, *, evaluation: browse.EvaluationRow, page_size: int = MAX_PAGE
) -> list[dict[str, Any]]:
    """Every LABEL_ERROR review of the evaluation's dataset and model as a COCO-style annotation, oldest first,
    read `page_size` at a time."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = await reviews.label_errors_page(session, evaluation=evaluation, first=page_size, after=after)
        found.extend(error.coco for error in page.rows)
        if not page.has_next_page or not page.cursors:
            return found
        after = page.cursors[-1]

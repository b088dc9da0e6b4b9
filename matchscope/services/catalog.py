"""Read models for datasets, items, boxes and models: keyset pages and batched lookups for DataLoaders.

The functions that take an `Actor` are the API's use cases: each opens its own session. Those of an account's own
lists read only the actor's rows; those under a dataset, item or model take the id of one the API has shown the
actor already (its rows are that account's). The ones taking a session are building blocks of other services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from matchscope.services.actor import Actor
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size
from matchscope.store.tables import BoxAnnotation, BoxPrediction, Dataset, DatasetItem, Model

# The rows the API maps to its types.
__all__ = ["BoxAnnotation", "BoxPrediction", "Dataset", "DatasetItem", "Model"]

Row = TypeVar("Row", Dataset, Model, DatasetItem, BoxAnnotation, BoxPrediction)
Box = TypeVar("Box", BoxAnnotation, BoxPrediction)


async def _id_page(
    session: AsyncSession, statement: Select[Any], id_column: Any, first: int | None, after: str | None
) -> Page[Any]:
    size = page_size(first)
    if after is not None:
        (last_id,) = decode_cursor(after, 1)
        statement = statement.where(id_column > int(last_id))
    rows = list((await session.execute(statement.order_by(id_column).limit(size + 1))).scalars().all())
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        cursors=[encode_cursor((row.id,)) for row in rows],
        has_next_page=has_next,
        has_previous_page=after is not None,
    )


async def datasets_page(actor: Actor, *, first: int | None, after: str | None) -> Page[Dataset]:
    statement = select(Dataset).where(col(Dataset.account_id) == actor.account_id)
    async with actor.app.sessions() as session:
        return await _id_page(session, statement, Dataset.id, first, after)


async def models_page(actor: Actor, *, first: int | None, after: str | None) -> Page[Model]:
    statement = select(Model).where(col(Model.account_id) == actor.account_id)
    async with actor.app.sessions() as session:
        return await _id_page(session, statement, Model.id, first, after)


async def count_datasets(actor: Actor) -> int:
    return await _count(actor, Dataset, account_id=actor.account_id)


async def count_models(actor: Actor) -> int:
    return await _count(actor, Model, account_id=actor.account_id)


async def count_items(actor: Actor, *, dataset_id: int) -> int:
    return await _count(actor, DatasetItem, dataset_id=dataset_id)


async def count_annotations(actor: Actor, *, dataset_id: int) -> int:
    return await _count(actor, BoxAnnotation, dataset_id=dataset_id)


async def count_item_annotations(actor: Actor, *, item_id: int) -> int:
    return await _count(actor, BoxAnnotation, item_id=item_id)


async def count_item_predictions(actor: Actor, *, item_id: int, model_id: int) -> int:
    return await _count(actor, BoxPrediction, item_id=item_id, model_id=model_id)


async def find_dataset(actor: Actor, *, name: str) -> Dataset | None:
    async with actor.app.sessions() as session:
        return await dataset_by_name(session, account_id=actor.account_id, name=name)


async def find_model(actor: Actor, *, reference_id: str) -> Model | None:
    async with actor.app.sessions() as session:
        return await model_by_reference_id(session, account_id=actor.account_id, reference_id=reference_id)


async def dataset_by_name(session: AsyncSession, *, account_id: int, name: str) -> Dataset | None:
    """The caller's oldest dataset of that name (names are meant to be unique per account)."""
    statement = (
        select(Dataset)
        .where(col(Dataset.account_id) == account_id, col(Dataset.name) == name)
        .order_by(col(Dataset.id))
        .limit(1)
    )
    return (await session.execute(statement)).scalars().first()


async def model_by_reference_id(session: AsyncSession, *, account_id: int, reference_id: str) -> Model | None:
    statement = (
        select(Model)
        .where(col(Model.account_id) == account_id, col(Model.reference_id) == reference_id)
        .order_by(col(Model.id))
        .limit(1)
    )
    return (await session.execute(statement)).scalars().first()


async def items_page(actor: Actor, *, dataset_id: int, first: int | None, after: str | None) -> Page[DatasetItem]:
    statement = select(DatasetItem).where(col(DatasetItem.dataset_id) == dataset_id)
    async with actor.app.sessions() as session:
        return await _id_page(session, statement, DatasetItem.id, first, after)


async def _count(actor: Actor, model: type[Row], **where: int) -> int:
    table = model.__table__  # type: ignore[attr-defined]
    statement = select(func.count()).select_from(table)
    for name, value in where.items():
        statement = statement.where(getattr(table.c, name) == value)
    async with actor.app.sessions() as session:
        return int((await session.execute(statement)).scalar_one())


async def dataset_labels(actor: Actor, *, dataset_id: int) -> list[str]:
    statement = (
        select(col(BoxAnnotation.label))
        .where(col(BoxAnnotation.dataset_id) == dataset_id)
        .distinct()
        .order_by(col(BoxAnnotation.label))
    )
    async with actor.app.sessions() as session:
        return [label for (label,) in (await session.execute(statement)).all()]


def _owned_by(model: type[Row], account_id: int) -> Any:
    """The rows of `model` the account owns: its datasets and models, and what lies in its datasets."""
    columns = model.__table__.c  # type: ignore[attr-defined]
    if "account_id" in columns:
        return columns.account_id == account_id
    return columns.dataset_id.in_(select(col(Dataset.id)).where(col(Dataset.account_id) == account_id))


async def rows_by_id(actor: Actor, model: type[Row], ids: Sequence[int]) -> dict[int, Row]:
    """The actor's rows among these ids (another account's are not found), in one query."""
    if not ids:
        return {}
    statement = select(model).where(
        model.id.in_(sorted(set(ids))),  # type: ignore[union-attr]
        _owned_by(model, actor.account_id),
    )
    async with actor.app.sessions() as session:
        return {row.id: row for row in (await session.execute(statement)).scalars().all()}  # type: ignore[misc]


def _first_per_item(model: type[Box], where: list[Any], limit: int) -> Select[Any]:
    """The boxes matching `where`, at most `limit` per item (the first by id), ordered by id."""
    ranked = (
        select(model, func.row_number().over(partition_by=col(model.item_id), order_by=col(model.id)).label("rank"))
        .where(*where)
        .subquery()
    )
    boxes = aliased(model, ranked)
    return select(boxes).where(ranked.c.rank <= limit).order_by(ranked.c.id)


async def annotations_by_item(actor: Actor, item_ids: Sequence[int], *, limit: int) -> dict[int, list[BoxAnnotation]]:
    """Each item's first `limit` annotations by id: a list over its cap is refused, never read whole."""
    grouped: dict[int, list[BoxAnnotation]] = defaultdict(list)
    statement = _first_per_item(BoxAnnotation, [col(BoxAnnotation.item_id).in_(sorted(set(item_ids)))], limit)
    async with actor.app.sessions() as session:
        for row in (await session.execute(statement)).scalars().all():
            grouped[row.item_id].append(row)
    return grouped


async def predictions_by_item(
    actor: Actor, keys: Sequence[tuple[int, int]], *, limit: int
) -> dict[tuple[int, int], list[BoxPrediction]]:
    """Predictions grouped by (item id, model id), the first `limit` of each by id."""
    grouped: dict[tuple[int, int], list[BoxPrediction]] = defaultdict(list)
    by_model: dict[int, set[int]] = defaultdict(set)
    for item_id, model_id in keys:
        by_model[model_id].add(item_id)
    async with actor.app.sessions() as session:
        for model_id, item_ids in by_model.items():
            where = [col(BoxPrediction.model_id) == model_id, col(BoxPrediction.item_id).in_(sorted(item_ids))]
            for row in (await session.execute(_first_per_item(BoxPrediction, where, limit))).scalars().all():
                grouped[(row.item_id, model_id)].append(row)
    return grouped


async def item_annotations_page(
    actor: Actor, *, item_id: int, first: int | None, after: str | None
) -> Page[BoxAnnotation]:
    statement = select(BoxAnnotation).where(col(BoxAnnotation.item_id) == item_id)
    async with actor.app.sessions() as session:
        return await _id_page(session, statement, BoxAnnotation.id, first, after)


async def item_predictions_page(
    actor: Actor, *, item_id: int, model_id: int, first: int | None, after: str | None
) -> Page[BoxPrediction]:
    statement = select(BoxPrediction).where(
        col(BoxPrediction.item_id) == item_id, col(BoxPrediction.model_id) == model_id
    )
    async with actor.app.sessions() as session:
        return await _id_page(session, statement, BoxPrediction.id, first, after)

"""Read queries of the catalog, and `node` dispatch for catalog types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from matchscope.schema.catalog import BoxAnnotation, BoxPrediction, Dataset, DatasetItem, Model
from matchscope.schema.common import Connection, Node
from matchscope.schema.context import Info
from matchscope.schema.ids import from_global_id
from matchscope.schema.nodes import NODE_LOADERS, register_node
from matchscope.services import catalog
from matchscope.services.errors import NotFound
from matchscope.store import tables


async def visible_dataset(info: Info, pk: int) -> tables.Dataset | None:
    row = await info.context.loaders.dataset.load(pk)
    return row if row is not None and row.account_id == info.context.account_id else None


async def visible_model(info: Info, pk: int) -> tables.Model | None:
    row = await info.context.loaders.model.load(pk)
    return row if row is not None and row.account_id == info.context.account_id else None


@register_node("Dataset")
async def _dataset_node(info: Info, pk: int) -> Node | None:
    row = await visible_dataset(info, pk)
    return None if row is None else Dataset.from_row(row)


@register_node("Model")
async def _model_node(info: Info, pk: int) -> Node | None:
    row = await visible_model(info, pk)
    return None if row is None else Model.from_row(row)


@register_node("DatasetItem")
async def _item_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.item.load(pk)
    if row is None or await visible_dataset(info, row.dataset_id) is None:
        return None
    return DatasetItem.from_row(row)


@register_node("BoxAnnotation")
async def _annotation_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.annotation.load(pk)
    if row is None or await visible_dataset(info, row.dataset_id) is None:
        return None
    return BoxAnnotation.from_row(row)


@register_node("BoxPrediction")
async def _prediction_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.prediction.load(pk)
    if row is None or await visible_dataset(info, row.dataset_id) is None:
        return None
    return BoxPrediction.from_row(row)


def _account_rows(info: Info, table: Any) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        async with info.context.sessions() as session:
            return await catalog.count_rows(session, table, account_id=info.context.account_id)

    return count


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Any object by its global ID; null when it does not exist or is not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] not in NODE_LOADERS:
            return None
        type_name, pk = decoded
        return await NODE_LOADERS[type_name](info, pk)

    @strawberry.field(description="Your datasets, oldest first; `first` ≤ 100.")
    async def datasets(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Dataset]:
        async with info.context.sessions() as session:
            page = await catalog.datasets_page(session, account_id=info.context.account_id, first=first, after=after)
        return Connection.from_page(page, Dataset.from_row, _account_rows(info, tables.Dataset.__table__))  # type: ignore[attr-defined]

    @strawberry.field
    async def dataset(self, info: Info, id: strawberry.ID) -> Dataset | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] != "Dataset":
            return None
        row = await visible_dataset(info, decoded[1])
        return None if row is None else Dataset.from_row(row)

    @strawberry.field(description="Your dataset of that name; null when you have none.")
    async def dataset_by_name(self, info: Info, name: str) -> Dataset | None:
        async with info.context.sessions() as session:
            row = await catalog.dataset_by_name(session, account_id=info.context.account_id, name=name)
        return None if row is None else Dataset.from_row(row)

    @strawberry.field(description="Your model with that referenceId; null when you have none.")
    async def model_by_reference_id(self, info: Info, reference_id: str) -> Model | None:
        async with info.context.sessions() as session:
            row = await catalog.model_by_reference_id(
                session, account_id=info.context.account_id, reference_id=reference_id
            )
        return None if row is None else Model.from_row(row)

    @strawberry.field(description="Your models, oldest first; `first` ≤ 100.")
    async def models(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Model]:
        async with info.context.sessions() as session:
            page = await catalog.models_page(session, account_id=info.context.account_id, first=first, after=after)
        return Connection.from_page(page, Model.from_row, _account_rows(info, tables.Model.__table__))  # type: ignore[attr-defined]


__all__ = ["CatalogQuery", "NotFound"]

"""Read queries of the catalog, and `node` dispatch for catalog types."""

from __future__ import annotations

from functools import partial

import strawberry

from matchscope.schema.catalog import BoxAnnotation, BoxPrediction, Dataset, DatasetItem, Model
from matchscope.schema.common import Connection, Node
from matchscope.schema.context import Info
from matchscope.schema.ids import from_global_id
from matchscope.schema.nodes import NODE_LOADERS, register_node
from matchscope.services import catalog
from matchscope.services.errors import NotFound

# The loaders read the actor's rows only (services/catalog.py:rows_by_id): another account's id is not found.


@register_node("Dataset")
async def _dataset_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.dataset.load(pk)
    return None if row is None else Dataset.from_row(row)


@register_node("Model")
async def _model_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.model.load(pk)
    return None if row is None else Model.from_row(row)


@register_node("DatasetItem")
async def _item_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.item.load(pk)
    return None if row is None else DatasetItem.from_row(row)


@register_node("BoxAnnotation")
async def _annotation_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.annotation.load(pk)
    return None if row is None else BoxAnnotation.from_row(row)


@register_node("BoxPrediction")
async def _prediction_node(info: Info, pk: int) -> Node | None:
    row = await info.context.loaders.prediction.load(pk)
    return None if row is None else BoxPrediction.from_row(row)


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
        actor = info.context.actor
        page = await catalog.datasets_page(actor, first=first, after=after)
        return Connection.from_page(page, Dataset.from_row, partial(catalog.count_datasets, actor))

    @strawberry.field
    async def dataset(self, info: Info, id: strawberry.ID) -> Dataset | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] != "Dataset":
            return None
        row = await info.context.loaders.dataset.load(decoded[1])
        return None if row is None else Dataset.from_row(row)

    @strawberry.field(description="Your dataset of that name; null when you have none.")
    async def dataset_by_name(self, info: Info, name: str) -> Dataset | None:
        row = await catalog.find_dataset(info.context.actor, name=name)
        return None if row is None else Dataset.from_row(row)

    @strawberry.field(description="Your model with that referenceId; null when you have none.")
    async def model_by_reference_id(self, info: Info, reference_id: str) -> Model | None:
        row = await catalog.find_model(info.context.actor, reference_id=reference_id)
        return None if row is None else Model.from_row(row)

    @strawberry.field(description="Your models, oldest first; `first` ≤ 100.")
    async def models(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Model]:
        actor = info.context.actor
        page = await catalog.models_page(actor, first=first, after=after)
        return Connection.from_page(page, Model.from_row, partial(catalog.count_models, actor))


__all__ = ["CatalogQuery", "NotFound"]

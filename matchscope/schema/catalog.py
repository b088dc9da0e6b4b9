"""GraphQL types of the catalog: datasets, items, boxes and models, mapped from table rows."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from matchscope.schema.common import JSON, Connection, Node, assemble
from matchscope.schema.context import Info
from matchscope.schema.cost import ITEM_ENTRIES_CAP, PLAIN_LIST_CAP, ListOverCap
from matchscope.schema.ids import expect_id, to_global_id
from matchscope.services import browse, catalog, images
from matchscope.services.catalog import BoxAnnotation as AnnotationRow
from matchscope.services.catalog import BoxPrediction as PredictionRow
from matchscope.services.catalog import Dataset as DatasetRow
from matchscope.services.catalog import DatasetItem as ItemRow
from matchscope.services.catalog import Model as ModelRow

if TYPE_CHECKING:
    from matchscope.schema.browse import Match


@strawberry.type
class Dataset(Node):
    pk: strawberry.Private[int]
    name: str
    metadata: JSON | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: DatasetRow) -> Dataset:
        assert row.id is not None
        return cls(
            id=to_global_id("Dataset", row.id),
            pk=row.id,
            name=row.name,
            metadata=row.meta,
            created_at=row.created_at,
        )

    @strawberry.field(description="Items in upload order; `first` ≤ 100.")
    async def items(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[DatasetItem]:
        actor = info.context.actor
        page = await catalog.items_page(actor, dataset_id=self.pk, first=first, after=after)
        return Connection.from_page(page, DatasetItem.from_row, partial(catalog.count_items, actor, dataset_id=self.pk))

    @strawberry.field(description="Distinct ground-truth labels, sorted.")
    async def labels(self, info: Info) -> list[str]:
        return await catalog.dataset_labels(info.context.actor, dataset_id=self.pk)

    @strawberry.field
    async def item_count(self, info: Info) -> int:
        return await catalog.count_items(info.context.actor, dataset_id=self.pk)

    @strawberry.field
    async def annotation_count(self, info: Info) -> int:
        return await catalog.count_annotations(info.context.actor, dataset_id=self.pk)


@strawberry.type
class DatasetItem(Node):
    pk: strawberry.Private[int]
    dataset_pk: strawberry.Private[int]
    reference_id: str
    image_location: str | None
    width: int | None
    height: int | None
    metadata: JSON | None

    @classmethod
    def from_row(cls, row: ItemRow | browse.ItemRow) -> DatasetItem:
        assert row.id is not None
        return cls.of(row.id, row.dataset_id, row.reference_id, row.image_location, row.width, row.height, row.meta)

    @classmethod
    def of(
        cls,
        pk: int,
        dataset_pk: int,
        reference_id: str,
        image_location: str | None,
        width: int | None,
        height: int | None,
        metadata: dict[str, Any] | None,
    ) -> DatasetItem:
        return assemble(
            cls,
            {
                "id": to_global_id("DatasetItem", pk),
                "pk": pk,
                "dataset_pk": dataset_pk,
                "reference_id": reference_id,
                "image_location": image_location,
                "width": width,
                "height": height,
                "metadata": metadata,
            },
        )

    @strawberry.field(
        description="Where the browser loads the image: the http(s) URL itself, or the same-origin route of a file "
        "under the image root (fetched with the API key); null without an image or outside the root."
    )
    def image_url(self, info: Info) -> str | None:
        return images.image_url(self.id, self.image_location, info.context.settings.images_dir())

    @strawberry.field(
        description="A thumbnail that fits in `size` pixels (128, 256 or 512): the same-origin route for a file "
        "under the image root, the URL itself for an http(s) image; null as for imageUrl."
    )
    def thumbnail_url(self, info: Info, size: int = images.DEFAULT_THUMBNAIL_SIZE) -> str | None:
        return images.thumbnail_url(self.id, self.image_location, info.context.settings.images_dir(), size)

    @strawberry.field(
        description=f"Ground-truth boxes on this item, by id; at most {PLAIN_LIST_CAP:,} "
        "(more: `annotationsConnection`)."
    )
    async def annotations(self, info: Info) -> list[BoxAnnotation]:
        rows = await info.context.loaders.item_annotations.load(self.pk)
        if len(rows) > PLAIN_LIST_CAP:
            raise ListOverCap(
                "DatasetItem.annotations", self._name(), f"more than {PLAIN_LIST_CAP:,}", PLAIN_LIST_CAP,
                "annotationsConnection(first, after)",
            )  # fmt: skip
        info.context.charge(len(rows))
        return [BoxAnnotation.from_row(row) for row in rows]

    @strawberry.field(description="Ground-truth boxes on this item, by id; `first` ≤ 100.")
    async def annotations_connection(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BoxAnnotation]:
        actor = info.context.actor
        page = await catalog.item_annotations_page(actor, item_id=self.pk, first=first, after=after)
        info.context.charge(len(page.rows))
        count = partial(catalog.count_item_annotations, actor, item_id=self.pk)
        return Connection.from_page(page, BoxAnnotation.from_row, count)

    @strawberry.field(
        description=f"One model's predictions on this item, by id; at most {PLAIN_LIST_CAP:,} "
        "(more: `predictionsConnection`)."
    )
    async def predictions(self, info: Info, model_id: strawberry.ID) -> list[BoxPrediction]:
        model_pk = await self._visible_model(info, model_id)
        if model_pk is None:
            return []
        rows = await info.context.loaders.item_predictions.load((self.pk, model_pk))
        if len(rows) > PLAIN_LIST_CAP:
            raise ListOverCap(
                "DatasetItem.predictions", self._name(), f"more than {PLAIN_LIST_CAP:,}", PLAIN_LIST_CAP,
                "predictionsConnection(modelId, first, after)",
            )  # fmt: skip
        info.context.charge(len(rows))
        return [BoxPrediction.from_row(row) for row in rows]

    @strawberry.field(description="One model's predictions on this item, by id; `first` ≤ 100.")
    async def predictions_connection(
        self, info: Info, model_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[BoxPrediction]:
        model_pk = await self._visible_model(info, model_id) or 0
        actor = info.context.actor
        page = await catalog.item_predictions_page(actor, item_id=self.pk, model_id=model_pk, first=first, after=after)
        info.context.charge(len(page.rows))
        count = partial(catalog.count_item_predictions, actor, item_id=self.pk, model_id=model_pk)
        return Connection.from_page(page, BoxPrediction.from_row, count)

    @strawberry.field(
        description="This item's entries in an evaluation at the given thresholds, by IoU descending; at most "
        f"{ITEM_ENTRIES_CAP:,} (more: `Evaluation.matches` with `filter: {{itemId}}`)."
    )
    async def entries(
        self, info: Info, evaluation_id: strawberry.ID, iou_threshold: float = 0.5, confidence_threshold: float = 0.0
    ) -> list[Annotated[Match, strawberry.lazy("matchscope.schema.browse")]]:
        from matchscope.schema.browse import item_entries

        entries = await item_entries(info, self.pk, evaluation_id, iou_threshold, confidence_threshold)
        if len(entries) > ITEM_ENTRIES_CAP:
            raise ListOverCap(
                "DatasetItem.entries", self._name(), f"{len(entries):,}", ITEM_ENTRIES_CAP,
                "Evaluation.matches(filter: {itemId}, first, after)",
            )  # fmt: skip
        info.context.charge(len(entries))
        return entries

    def _name(self) -> str:
        return f"item {self.reference_id!r}"

    @staticmethod
    async def _visible_model(info: Info, model_id: strawberry.ID) -> int | None:
        model_pk = expect_id(model_id, "Model")
        return None if await info.context.loaders.model.load(model_pk) is None else model_pk


def _box_fields(
    type_name: str,
    pk: int,
    item_pk: int,
    annotation_id: str,
    label: str,
    x: float,
    y: float,
    width: float,
    height: float,
    metadata: dict[str, Any] | None,
) -> dict[str, Any]:
    """The fields every box type has."""
    return {
        "id": to_global_id(type_name, pk),
        "pk": pk,
        "item_pk": item_pk,
        "annotation_id": annotation_id,
        "label": label,
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "metadata": metadata,
    }


@strawberry.interface(description="A box on an item, x/y being its left/top corner, in pixels.")
class Box(Node):
    pk: strawberry.Private[int]
    item_pk: strawberry.Private[int]
    annotation_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    metadata: JSON | None

    @strawberry.field
    async def item(self, info: Info) -> DatasetItem:
        return await related_item(info, self.item_pk)


@strawberry.type(description="A ground-truth box.")
class BoxAnnotation(Box):
    iscrowd: bool

    @classmethod
    def from_row(cls, row: AnnotationRow) -> BoxAnnotation:
        assert row.id is not None
        return cls.of(
            row.id, row.item_id, row.annotation_id, row.label, row.x, row.y, row.width, row.height, row.iscrowd,
            row.meta,
        )  # fmt: skip

    @classmethod
    def of(
        cls,
        pk: int,
        item_pk: int,
        annotation_id: str,
        label: str,
        x: float,
        y: float,
        width: float,
        height: float,
        iscrowd: bool | None,
        metadata: dict[str, Any] | None,
    ) -> BoxAnnotation:
        """From its values (positional: a page of matches builds 50 of these); `iscrowd` None: not read."""
        fields = _box_fields("BoxAnnotation", pk, item_pk, annotation_id, label, x, y, width, height, metadata)
        fields["iscrowd"] = iscrowd
        return assemble(cls, fields)


@strawberry.type(description="A model's predicted box.")
class BoxPrediction(Box):
    model_pk: strawberry.Private[int]
    confidence: float | None
    class_pdf: JSON | None

    @classmethod
    def from_row(cls, row: PredictionRow) -> BoxPrediction:
        assert row.id is not None
        return cls.of(
            row.id,
            row.item_id,
            row.model_id,
            row.annotation_id,
            row.label,
            row.x,
            row.y,
            row.width,
            row.height,
            row.confidence,
            row.class_pdf,
            row.meta,
        )

    @classmethod
    def of(
        cls,
        pk: int,
        item_pk: int,
        model_pk: int,
        annotation_id: str,
        label: str,
        x: float,
        y: float,
        width: float,
        height: float,
        confidence: float | None,
        class_pdf: dict[str, Any] | None,
        metadata: dict[str, Any] | None,
    ) -> BoxPrediction:
        """From its values (positional: a page of matches builds 50 of these)."""
        fields = _box_fields("BoxPrediction", pk, item_pk, annotation_id, label, x, y, width, height, metadata)
        fields["model_pk"], fields["confidence"], fields["class_pdf"] = model_pk, confidence, class_pdf
        return assemble(cls, fields)

    @strawberry.field
    async def model(self, info: Info) -> Model:
        return await related_model(info, self.model_pk)


@strawberry.type
class Model(Node):
    pk: strawberry.Private[int]
    name: str
    reference_id: str
    metadata: JSON | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: ModelRow) -> Model:
        assert row.id is not None
        return cls(
            id=to_global_id("Model", row.id),
            pk=row.id,
            name=row.name,
            reference_id=row.reference_id,
            metadata=row.meta,
            created_at=row.created_at,
        )


async def related_dataset(info: Info, pk: int) -> Dataset:
    """A dataset some visible object points at, through the request's DataLoader."""
    row = await info.context.loaders.dataset.load(pk)
    assert row is not None
    return Dataset.from_row(row)


async def related_model(info: Info, pk: int) -> Model:
    row = await info.context.loaders.model.load(pk)
    assert row is not None
    return Model.from_row(row)


async def related_item(info: Info, pk: int) -> DatasetItem:
    known = info.context.known_items.get(pk)
    if known is not None:
        return DatasetItem.from_row(known)
    row = await info.context.loaders.item.load(pk)
    assert row is not None
    return DatasetItem.from_row(row)

"""Inputs and payloads of the upload mutations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.types import get_object_definition

from matchscope.schema.catalog import Dataset, Model
from matchscope.schema.common import JSON, NotFoundError, ValidationError, assemble
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord, UploadCounts


@strawberry.input
class CreateDatasetInput:
    name: str
    metadata: JSON | None = None


@strawberry.input
class CreateModelInput:
    name: str
    reference_id: str
    metadata: JSON | None = None


@strawberry.input
class DatasetItemInput:
    reference_id: str
    image_location: str | None = None
    width: int | None = None
    height: int | None = None
    metadata: JSON | None = None

    def to_record(self) -> ItemRecord:
        return ItemRecord(
            reference_id=self.reference_id,
            image_location=self.image_location,
            width=self.width,
            height=self.height,
            metadata=self.metadata,
        )


@strawberry.input
class BoxAnnotationInput:
    item_reference_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: str | None = None
    iscrowd: bool = False
    metadata: JSON | None = None
    area: float | None = strawberry.field(
        default=None, description="COCO's segment area, for the size ranges of COCO metrics; null: width * height."
    )

    def to_record(self) -> AnnotationRecord:
        return AnnotationRecord(
            item_reference_id=self.item_reference_id,
            annotation_id=self.annotation_id,
            label=self.label,
            x=self.x,
            y=self.y,
            width=self.width,
            height=self.height,
            iscrowd=self.iscrowd,
            metadata=self.metadata,
            area=self.area,
        )


@strawberry.input
class BoxPredictionInput:
    item_reference_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: str | None = None
    confidence: float | None = None
    class_pdf: JSON | None = None
    metadata: JSON | None = None

    def to_record(self) -> PredictionRecord:
        return PredictionRecord(
            item_reference_id=self.item_reference_id,
            annotation_id=self.annotation_id,
            label=self.label,
            x=self.x,
            y=self.y,
            width=self.width,
            height=self.height,
            confidence=self.confidence,
            class_pdf=self.class_pdf,
            metadata=self.metadata,
        )


def _item_from_input(cls: type[DatasetItemInput], value: Mapping[str, Any], _context: object) -> DatasetItemInput:
    return assemble(
        cls,
        {
            "reference_id": value["referenceId"],
            "image_location": value.get("imageLocation"),
            "width": value.get("width"),
            "height": value.get("height"),
            "metadata": value.get("metadata"),
        },
    )


def _annotation_from_input(
    cls: type[BoxAnnotationInput], value: Mapping[str, Any], _context: object
) -> BoxAnnotationInput:
    return assemble(
        cls,
        {
            "item_reference_id": value["itemReferenceId"],
            "label": value["label"],
            "x": value["x"],
            "y": value["y"],
            "width": value["width"],
            "height": value["height"],
            "annotation_id": value.get("annotationId"),
            "iscrowd": value.get("iscrowd", False),
            "metadata": value.get("metadata"),
            "area": value.get("area"),
        },
    )


def _prediction_from_input(
    cls: type[BoxPredictionInput], value: Mapping[str, Any], _context: object
) -> BoxPredictionInput:
    return assemble(
        cls,
        {
            "item_reference_id": value["itemReferenceId"],
            "label": value["label"],
            "x": value["x"],
            "y": value["y"],
            "width": value["width"],
            "height": value["height"],
            "annotation_id": value.get("annotationId"),
            "confidence": value.get("confidence"),
            "class_pdf": value.get("classPdf"),
            "metadata": value.get("metadata"),
        },
    )


# Strawberry builds an input object field by field (resolving each field's type per value): 5,000 predictions took
# ~1.8 s of a 2.5 s upload request. Every field of these inputs is a scalar that graphql-core has already coerced,
# so each row is built straight from its mapping with the definition's `from_input`, the hook strawberry gives
# integrations that build their own inputs (a version without it builds them the slow way, with the same result).
_BUILDERS: tuple[tuple[type[Any], Any], ...] = (
    (DatasetItemInput, _item_from_input),
    (BoxAnnotationInput, _annotation_from_input),
    (BoxPredictionInput, _prediction_from_input),
)
for _input, _build in _BUILDERS:
    get_object_definition(_input, strict=True).from_input = _build


@strawberry.type(description="What an upload did: new keys written, existing keys replaced, existing keys left.")
class UploadResult:
    new: int
    updated: int
    ignored: int

    @classmethod
    def from_counts(cls, counts: UploadCounts) -> UploadResult:
        return cls(new=counts.new, updated=counts.updated, ignored=counts.ignored)


UploadPayload = Annotated[UploadResult | ValidationError | NotFoundError, strawberry.union("UploadPayload")]
CreateDatasetPayload = Annotated[Dataset | ValidationError, strawberry.union("CreateDatasetPayload")]
CreateModelPayload = Annotated[Model | ValidationError, strawberry.union("CreateModelPayload")]

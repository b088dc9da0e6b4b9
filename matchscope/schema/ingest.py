"""Inputs and payloads of the upload mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from matchscope.schema.catalog import Dataset, Model
from matchscope.schema.common import JSON, NotFoundError, ValidationError
from matchscope.schema.upload_inputs import built_from_mapping
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


@built_from_mapping
@strawberry.input
class DatasetItemInput:
    reference_id: str
    image_location: str | None = None
    width: int | None = None
    height: int | None = None
    metadata: JSON | None = None

    def to_record(self) -> ItemRecord:
        return ItemRecord(**vars(self))


@strawberry.input
class _BoxInput:
    """The fields both box inputs start with (services/records.py:BoxRecord's); not a type of the schema itself."""

    item_reference_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: str | None = None


@built_from_mapping
@strawberry.input
class BoxAnnotationInput(_BoxInput):
    iscrowd: bool = False
    metadata: JSON | None = None
    area: float | None = strawberry.field(
        default=None, description="COCO's segment area, for the size ranges of COCO metrics; null: width * height."
    )

    def to_record(self) -> AnnotationRecord:
        return AnnotationRecord(**vars(self))


@built_from_mapping
@strawberry.input
class BoxPredictionInput(_BoxInput):
    confidence: float | None = None
    class_pdf: JSON | None = None
    metadata: JSON | None = None

    def to_record(self) -> PredictionRecord:
        return PredictionRecord(**vars(self))


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

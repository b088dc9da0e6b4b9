from typing import Any, Optional

from pydantic import Field

from matchscope.client._column_types import (
    BooleanColumn,
    FloatColumn,
    JSONColumn,
    StringColumn,
)

from .base_model import BaseModel
from .enums import (
    ErrorType,
    MatchOrderField,
    MatchOutcome,
    OrderDirection,
    ReviewStatus,
)


class AllowedLabelMatchInput(BaseModel):
    ground_truth_label: str = Field(alias="groundTruthLabel")
    model_prediction_label: str = Field(alias="modelPredictionLabel")


class BoxAnnotationColumnsInput(BaseModel):
    """Ground-truth boxes as columns (the fields of BoxAnnotationInput). Every column given holds one entry per row; a refused row is named by its index and its field's row name."""

    item_reference_ids: StringColumn = Field(alias="itemReferenceIds")
    labels: StringColumn
    x: FloatColumn
    y: FloatColumn
    width: FloatColumn
    height: FloatColumn
    annotation_ids: Optional[StringColumn] = Field(alias="annotationIds", default=None)
    "null, or a null entry: the key derived from label and box."
    iscrowd: Optional[BooleanColumn] = None
    "null: false for every row."
    metadata: Optional[JSONColumn] = None
    areas: Optional[FloatColumn] = None
    "COCO's segment areas; null, or a null entry: width * height."


class BoxAnnotationInput(BaseModel):
    item_reference_id: str = Field(alias="itemReferenceId")
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: Optional[str] = Field(alias="annotationId", default=None)
    iscrowd: bool = False
    metadata: Optional[Any] = None
    area: Optional[float] = None
    "COCO's segment area, for the size ranges of COCO metrics; null: width * height."


class BoxPredictionColumnsInput(BaseModel):
    """A model's predictions as columns (the fields of BoxPredictionInput). Every column given holds one entry per row; a refused row is named by its index and its field's row name."""

    item_reference_ids: StringColumn = Field(alias="itemReferenceIds")
    labels: StringColumn
    x: FloatColumn
    y: FloatColumn
    width: FloatColumn
    height: FloatColumn
    annotation_ids: Optional[StringColumn] = Field(alias="annotationIds", default=None)
    "null, or a null entry: the key derived from label, box and confidence."
    confidences: Optional[FloatColumn] = None
    "null, or a null entry: none."
    class_pdfs: Optional[JSONColumn] = Field(alias="classPdfs", default=None)
    metadata: Optional[JSONColumn] = None


class BoxPredictionInput(BaseModel):
    item_reference_id: str = Field(alias="itemReferenceId")
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: Optional[str] = Field(alias="annotationId", default=None)
    confidence: Optional[float] = None
    class_pdf: Optional[Any] = Field(alias="classPdf", default=None)
    metadata: Optional[Any] = None


class CreateDatasetInput(BaseModel):
    name: str
    metadata: Optional[Any] = None


class CreateModelInput(BaseModel):
    name: str
    reference_id: str = Field(alias="referenceId")
    metadata: Optional[Any] = None


class DatasetItemInput(BaseModel):
    reference_id: str = Field(alias="referenceId")
    image_location: Optional[str] = Field(alias="imageLocation", default=None)
    width: Optional[int] = None
    height: Optional[int] = None
    metadata: Optional[Any] = None


class EvaluationOptionsInput(BaseModel):
    """Omitted classAgnostic means true, unless allowedLabelMatches is given."""

    class_agnostic: Optional[bool] = Field(alias="classAgnostic", default=None)
    allowed_label_matches: Optional[list["AllowedLabelMatchInput"]] = Field(
        alias="allowedLabelMatches", default=None
    )


class MatchFilter(BaseModel):
    """Every condition given must hold. Confidence bounds read null as 1."""

    outcomes: Optional[list[MatchOutcome]] = None
    ground_truth_labels: Optional[list[str]] = Field(
        alias="groundTruthLabels", default=None
    )
    prediction_labels: Optional[list[str]] = Field(
        alias="predictionLabels", default=None
    )
    min_iou: Optional[float] = Field(alias="minIou", default=None)
    max_iou: Optional[float] = Field(alias="maxIou", default=None)
    min_confidence: Optional[float] = Field(alias="minConfidence", default=None)
    max_confidence: Optional[float] = Field(alias="maxConfidence", default=None)
    item_id: Optional[str] = Field(alias="itemId", default=None)
    review_statuses: Optional[list[ReviewStatus]] = Field(
        alias="reviewStatuses", default=None
    )
    "UNREVIEWED: entries without a review."
    item_metadata: Optional[Any] = Field(alias="itemMetadata", default=None)
    'A slice: entries of items whose metadata has each of these keys with that value, e.g. {"weather": "rain", "camera": 2} (JSON scalars, compared with their type; null: present and null).'
    error_types: Optional[list[ErrorType]] = Field(alias="errorTypes", default=None)
    "Entries of these error types at the query's thresholds (none of an evaluation computed before error types existed)."


class MatchOrder(BaseModel):
    """Sort key; ids break ties in the same direction. CONFIDENCE reads null as 1."""

    field: MatchOrderField = MatchOrderField.IOU
    direction: OrderDirection = OrderDirection.DESC


EvaluationOptionsInput.model_rebuild()

from datetime import datetime
from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorType, JobStatus, JobType, MatchOutcome, ReviewStatus


class CocoStatsFields(BaseModel):
    stats: list[float]


class CountsFields(BaseModel):
    true_positives: int = Field(alias="truePositives")
    false_positives: int = Field(alias="falsePositives")
    false_negatives: int = Field(alias="falseNegatives")
    precision: float
    recall: float
    f_1: float = Field(alias="f1")


class ComparedSideFields(BaseModel):
    ground_truth_count: int = Field(alias="groundTruthCount")
    prediction_count: int = Field(alias="predictionCount")
    counts: "ComparedSideFieldsCounts"
    ap: Optional[float]
    ap_50: Optional[float] = Field(alias="ap50")


class ComparedSideFieldsCounts(CountsFields):
    pass


class DatasetFields(BaseModel):
    id: str
    name: str
    metadata: Optional[Any]
    created_at: datetime = Field(alias="createdAt")
    item_count: int = Field(alias="itemCount")
    annotation_count: int = Field(alias="annotationCount")


class JobFields(BaseModel):
    id: str
    type_: JobType = Field(alias="type")
    status: JobStatus
    progress: float
    completed_steps: int = Field(alias="completedSteps")
    total_steps: int = Field(alias="totalSteps")
    status_message: Optional[str] = Field(alias="statusMessage")
    job_errors: list[str] = Field(alias="jobErrors")
    created_at: datetime = Field(alias="createdAt")
    started_at: Optional[datetime] = Field(alias="startedAt")
    finished_at: Optional[datetime] = Field(alias="finishedAt")
    evaluation: Optional["JobFieldsEvaluation"]


class JobFieldsEvaluation(BaseModel):
    id: str


class EvaluationFields(BaseModel):
    id: str
    class_agnostic: bool = Field(alias="classAgnostic")
    allowed_label_matches: list["EvaluationFieldsAllowedLabelMatches"] = Field(
        alias="allowedLabelMatches"
    )
    is_current: bool = Field(alias="isCurrent")
    is_stale: bool = Field(alias="isStale")
    created_at: datetime = Field(alias="createdAt")
    completed_at: Optional[datetime] = Field(alias="completedAt")
    dataset: "EvaluationFieldsDataset"
    model: "EvaluationFieldsModel"
    job: Optional["EvaluationFieldsJob"]


class EvaluationFieldsAllowedLabelMatches(BaseModel):
    ground_truth_label: str = Field(alias="groundTruthLabel")
    model_prediction_label: str = Field(alias="modelPredictionLabel")


class EvaluationFieldsDataset(BaseModel):
    id: str


class EvaluationFieldsModel(BaseModel):
    id: str


class EvaluationFieldsJob(JobFields):
    pass


class HistogramFields(BaseModel):
    bin_edges: list[float] = Field(alias="binEdges")
    counts: list[int]


class ItemFields(BaseModel):
    id: str
    reference_id: str = Field(alias="referenceId")
    image_location: Optional[str] = Field(alias="imageLocation")
    width: Optional[int]
    height: Optional[int]
    metadata: Optional[Any]


class MatchFields(BaseModel):
    id: str
    outcome: MatchOutcome
    iou: float
    ground_truth_label: Optional[str] = Field(alias="groundTruthLabel")
    prediction_label: Optional[str] = Field(alias="predictionLabel")
    confidence: Optional[float]
    item: "MatchFieldsItem"
    ground_truth: Optional["MatchFieldsGroundTruth"] = Field(alias="groundTruth")
    prediction: Optional["MatchFieldsPrediction"]
    error_type: Optional[ErrorType] = Field(alias="errorType")
    nearest_ground_truth: Optional["MatchFieldsNearestGroundTruth"] = Field(
        alias="nearestGroundTruth"
    )
    review: Optional["MatchFieldsReview"]


class MatchFieldsItem(BaseModel):
    id: str
    reference_id: str = Field(alias="referenceId")


class MatchFieldsGroundTruth(BaseModel):
    id: str
    annotation_id: str = Field(alias="annotationId")
    label: str
    x: float
    y: float
    width: float
    height: float


class MatchFieldsPrediction(BaseModel):
    id: str
    annotation_id: str = Field(alias="annotationId")
    label: str
    x: float
    y: float
    width: float
    height: float


class MatchFieldsNearestGroundTruth(BaseModel):
    iou: float
    ground_truth: "MatchFieldsNearestGroundTruthGroundTruth" = Field(
        alias="groundTruth"
    )


class MatchFieldsNearestGroundTruthGroundTruth(BaseModel):
    id: str
    annotation_id: str = Field(alias="annotationId")
    label: str
    x: float
    y: float
    width: float
    height: float


class MatchFieldsReview(BaseModel):
    status: ReviewStatus
    note: Optional[str]
    updated_at: datetime = Field(alias="updatedAt")


class ModelFields(BaseModel):
    id: str
    name: str
    reference_id: str = Field(alias="referenceId")
    metadata: Optional[Any]
    created_at: datetime = Field(alias="createdAt")


class NotFoundErrorFields(BaseModel):
    message: str
    kind: str
    missing_id: str = Field(alias="missingId")


class PageFields(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class ValidationErrorFields(BaseModel):
    message: str
    field: Optional[str]
    errors: list["ValidationErrorFieldsErrors"]


class ValidationErrorFieldsErrors(BaseModel):
    row: Optional[int]
    field: str
    value: str
    message: str


CocoStatsFields.model_rebuild()
CountsFields.model_rebuild()
ComparedSideFields.model_rebuild()
DatasetFields.model_rebuild()
JobFields.model_rebuild()
EvaluationFields.model_rebuild()
HistogramFields.model_rebuild()
ItemFields.model_rebuild()
MatchFields.model_rebuild()
ModelFields.model_rebuild()
NotFoundErrorFields.model_rebuild()
PageFields.model_rebuild()
ValidationErrorFields.model_rebuild()

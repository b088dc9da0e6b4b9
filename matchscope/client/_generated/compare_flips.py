from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import FlipKind
from .fragments import (
    MatchFields,
    NotFoundErrorFields,
    PageFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class CompareFlips(BaseModel):
    compare_evaluations: Union[
        "CompareFlipsCompareEvaluationsEvaluationComparison",
        "CompareFlipsCompareEvaluationsValidationError",
        "CompareFlipsCompareEvaluationsNotFoundError",
    ] = Field(alias="compareEvaluations", discriminator="typename__")


class CompareFlipsCompareEvaluationsEvaluationComparison(BaseModel):
    typename__: Literal["EvaluationComparison"] = Field(alias="__typename")
    flips: "CompareFlipsCompareEvaluationsEvaluationComparisonFlips"


class CompareFlipsCompareEvaluationsEvaluationComparisonFlips(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "CompareFlipsCompareEvaluationsEvaluationComparisonFlipsPageInfo" = (
        Field(alias="pageInfo")
    )
    edges: list["CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdges"]


CompareFlipsCompareEvaluationsEvaluationComparisonFlipsPageInfo = PageFields


class CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdges(BaseModel):
    node: "CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNode"


class CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNode(BaseModel):
    kind: FlipKind
    ground_truth: "CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeGroundTruth" = Field(
        alias="groundTruth"
    )
    item: "CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeItem"
    base: "CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeBase"
    other: "CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeOther"


class CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeGroundTruth(
    BaseModel
):
    id: str
    annotation_id: str = Field(alias="annotationId")
    label: str
    x: float
    y: float
    width: float
    height: float


class CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeItem(BaseModel):
    id: str
    reference_id: str = Field(alias="referenceId")


CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeBase = MatchFields
CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNodeOther = MatchFields


class CompareFlipsCompareEvaluationsValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class CompareFlipsCompareEvaluationsNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


CompareFlips.model_rebuild()
CompareFlipsCompareEvaluationsEvaluationComparison.model_rebuild()
CompareFlipsCompareEvaluationsEvaluationComparisonFlips.model_rebuild()
CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdges.model_rebuild()
CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNode.model_rebuild()

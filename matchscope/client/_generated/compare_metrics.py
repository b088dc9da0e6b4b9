from typing import Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    ComparedSideFields,
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class CompareMetrics(BaseModel):
    compare_evaluations: Union[
        "CompareMetricsCompareEvaluationsEvaluationComparison",
        "CompareMetricsCompareEvaluationsValidationError",
        "CompareMetricsCompareEvaluationsNotFoundError",
    ] = Field(alias="compareEvaluations", discriminator="typename__")


class CompareMetricsCompareEvaluationsEvaluationComparison(BaseModel):
    typename__: Literal["EvaluationComparison"] = Field(alias="__typename")
    metrics: list["CompareMetricsCompareEvaluationsEvaluationComparisonMetrics"]


class CompareMetricsCompareEvaluationsEvaluationComparisonMetrics(BaseModel):
    label: Optional[str]
    base: "CompareMetricsCompareEvaluationsEvaluationComparisonMetricsBase"
    other: "CompareMetricsCompareEvaluationsEvaluationComparisonMetricsOther"
    delta: "CompareMetricsCompareEvaluationsEvaluationComparisonMetricsDelta"


CompareMetricsCompareEvaluationsEvaluationComparisonMetricsBase = ComparedSideFields
CompareMetricsCompareEvaluationsEvaluationComparisonMetricsOther = ComparedSideFields


class CompareMetricsCompareEvaluationsEvaluationComparisonMetricsDelta(BaseModel):
    true_positives: int = Field(alias="truePositives")
    false_positives: int = Field(alias="falsePositives")
    false_negatives: int = Field(alias="falseNegatives")
    precision: float
    recall: float
    f_1: float = Field(alias="f1")
    ap: Optional[float]
    ap_50: Optional[float] = Field(alias="ap50")


class CompareMetricsCompareEvaluationsValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class CompareMetricsCompareEvaluationsNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


CompareMetrics.model_rebuild()
CompareMetricsCompareEvaluationsEvaluationComparison.model_rebuild()
CompareMetricsCompareEvaluationsEvaluationComparisonMetrics.model_rebuild()

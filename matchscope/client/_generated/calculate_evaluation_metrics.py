from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (  # noqa: F401
    JobFields,
    JobFieldsEvaluation,
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,
)


class CalculateEvaluationMetrics(BaseModel):
    calculate_evaluation_metrics: Union[
        "CalculateEvaluationMetricsCalculateEvaluationMetricsAsyncJob",
        "CalculateEvaluationMetricsCalculateEvaluationMetricsValidationError",
        "CalculateEvaluationMetricsCalculateEvaluationMetricsNotFoundError",
    ] = Field(alias="calculateEvaluationMetrics", discriminator="typename__")


class CalculateEvaluationMetricsCalculateEvaluationMetricsAsyncJob(JobFields):
    typename__: Literal["AsyncJob"] = Field(alias="__typename")


class CalculateEvaluationMetricsCalculateEvaluationMetricsValidationError(
    ValidationErrorFields
):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class CalculateEvaluationMetricsCalculateEvaluationMetricsNotFoundError(
    NotFoundErrorFields
):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


CalculateEvaluationMetrics.model_rebuild()

from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class UploadPredictionColumns(BaseModel):
    upload_prediction_columns: Union[
        "UploadPredictionColumnsUploadPredictionColumnsUploadResult",
        "UploadPredictionColumnsUploadPredictionColumnsValidationError",
        "UploadPredictionColumnsUploadPredictionColumnsNotFoundError",
    ] = Field(alias="uploadPredictionColumns", discriminator="typename__")


class UploadPredictionColumnsUploadPredictionColumnsUploadResult(BaseModel):
    typename__: Literal["UploadResult"] = Field(alias="__typename")
    new: int
    updated: int
    ignored: int


class UploadPredictionColumnsUploadPredictionColumnsValidationError(
    ValidationErrorFields
):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class UploadPredictionColumnsUploadPredictionColumnsNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


UploadPredictionColumns.model_rebuild()

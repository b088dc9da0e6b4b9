from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class UploadPredictions(BaseModel):
    upload_predictions: Union[
        "UploadPredictionsUploadPredictionsUploadResult",
        "UploadPredictionsUploadPredictionsValidationError",
        "UploadPredictionsUploadPredictionsNotFoundError",
    ] = Field(alias="uploadPredictions", discriminator="typename__")


class UploadPredictionsUploadPredictionsUploadResult(BaseModel):
    typename__: Literal["UploadResult"] = Field(alias="__typename")
    new: int
    updated: int
    ignored: int


class UploadPredictionsUploadPredictionsValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class UploadPredictionsUploadPredictionsNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


UploadPredictions.model_rebuild()

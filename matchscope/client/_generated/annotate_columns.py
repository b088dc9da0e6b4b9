from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class AnnotateColumns(BaseModel):
    annotate_columns: Union[
        "AnnotateColumnsAnnotateColumnsUploadResult",
        "AnnotateColumnsAnnotateColumnsValidationError",
        "AnnotateColumnsAnnotateColumnsNotFoundError",
    ] = Field(alias="annotateColumns", discriminator="typename__")


class AnnotateColumnsAnnotateColumnsUploadResult(BaseModel):
    typename__: Literal["UploadResult"] = Field(alias="__typename")
    new: int
    updated: int
    ignored: int


class AnnotateColumnsAnnotateColumnsValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class AnnotateColumnsAnnotateColumnsNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


AnnotateColumns.model_rebuild()

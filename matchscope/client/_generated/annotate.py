from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class Annotate(BaseModel):
    annotate: Union[
        "AnnotateAnnotateUploadResult",
        "AnnotateAnnotateValidationError",
        "AnnotateAnnotateNotFoundError",
    ] = Field(discriminator="typename__")


class AnnotateAnnotateUploadResult(BaseModel):
    typename__: Literal["UploadResult"] = Field(alias="__typename")
    new: int
    updated: int
    ignored: int


class AnnotateAnnotateValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class AnnotateAnnotateNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


Annotate.model_rebuild()

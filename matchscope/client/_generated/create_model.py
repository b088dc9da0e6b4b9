from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    ModelFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class CreateModel(BaseModel):
    create_model: Union[
        "CreateModelCreateModelModel", "CreateModelCreateModelValidationError"
    ] = Field(alias="createModel", discriminator="typename__")


class CreateModelCreateModelModel(ModelFields):
    typename__: Literal["Model"] = Field(alias="__typename")


class CreateModelCreateModelValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


CreateModel.model_rebuild()

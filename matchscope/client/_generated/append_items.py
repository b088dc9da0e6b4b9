from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class AppendItems(BaseModel):
    append_items: Union[
        "AppendItemsAppendItemsUploadResult",
        "AppendItemsAppendItemsValidationError",
        "AppendItemsAppendItemsNotFoundError",
    ] = Field(alias="appendItems", discriminator="typename__")


class AppendItemsAppendItemsUploadResult(BaseModel):
    typename__: Literal["UploadResult"] = Field(alias="__typename")
    new: int
    updated: int
    ignored: int


class AppendItemsAppendItemsValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class AppendItemsAppendItemsNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


AppendItems.model_rebuild()

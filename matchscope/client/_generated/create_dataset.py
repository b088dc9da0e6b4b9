from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (
    DatasetFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,  # noqa: F401
)


class CreateDataset(BaseModel):
    create_dataset: Union[
        "CreateDatasetCreateDatasetDataset", "CreateDatasetCreateDatasetValidationError"
    ] = Field(alias="createDataset", discriminator="typename__")


class CreateDatasetCreateDatasetDataset(DatasetFields):
    typename__: Literal["Dataset"] = Field(alias="__typename")


class CreateDatasetCreateDatasetValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


CreateDataset.model_rebuild()

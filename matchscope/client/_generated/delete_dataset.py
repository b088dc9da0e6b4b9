from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import NotFoundErrorFields


class DeleteDataset(BaseModel):
    delete_dataset: Union[
        "DeleteDatasetDeleteDatasetDeleteResult",
        "DeleteDatasetDeleteDatasetNotFoundError",
    ] = Field(alias="deleteDataset", discriminator="typename__")


class DeleteDatasetDeleteDatasetDeleteResult(BaseModel):
    typename__: Literal["DeleteResult"] = Field(alias="__typename")
    deleted_id: str = Field(alias="deletedId")
    deleted_rows: int = Field(alias="deletedRows")


class DeleteDatasetDeleteDatasetNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


DeleteDataset.model_rebuild()

from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import NotFoundErrorFields


class DeleteModel(BaseModel):
    delete_model: Union[
        "DeleteModelDeleteModelDeleteResult", "DeleteModelDeleteModelNotFoundError"
    ] = Field(alias="deleteModel", discriminator="typename__")


class DeleteModelDeleteModelDeleteResult(BaseModel):
    typename__: Literal["DeleteResult"] = Field(alias="__typename")
    deleted_id: str = Field(alias="deletedId")
    deleted_rows: int = Field(alias="deletedRows")


class DeleteModelDeleteModelNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


DeleteModel.model_rebuild()

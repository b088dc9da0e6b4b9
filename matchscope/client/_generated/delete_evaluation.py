from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import NotFoundErrorFields


class DeleteEvaluation(BaseModel):
    delete_evaluation: Union[
        "DeleteEvaluationDeleteEvaluationDeleteResult",
        "DeleteEvaluationDeleteEvaluationNotFoundError",
    ] = Field(alias="deleteEvaluation", discriminator="typename__")


class DeleteEvaluationDeleteEvaluationDeleteResult(BaseModel):
    typename__: Literal["DeleteResult"] = Field(alias="__typename")
    deleted_id: str = Field(alias="deletedId")
    deleted_rows: int = Field(alias="deletedRows")


class DeleteEvaluationDeleteEvaluationNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


DeleteEvaluation.model_rebuild()

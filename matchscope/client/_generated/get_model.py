from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import ModelFields


class GetModel(BaseModel):
    node: Optional[
        Annotated[
            Union["GetModelNodeNode", "GetModelNodeModel"],
            Field(discriminator="typename__"),
        ]
    ]


class GetModelNodeNode(BaseModel):
    typename__: Literal[
        "AsyncJob",
        "BoxAnnotation",
        "BoxPrediction",
        "Dataset",
        "DatasetItem",
        "Evaluation",
        "Match",
        "Node",
    ] = Field(alias="__typename")


class GetModelNodeModel(ModelFields):
    typename__: Literal["Model"] = Field(alias="__typename")


GetModel.model_rebuild()

from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorType


class EvaluationTide(BaseModel):
    node: Optional[
        Annotated[
            Union["EvaluationTideNodeNode", "EvaluationTideNodeEvaluation"],
            Field(discriminator="typename__"),
        ]
    ]


class EvaluationTideNodeNode(BaseModel):
    typename__: Literal[
        "AsyncJob",
        "BoxAnnotation",
        "BoxPrediction",
        "Dataset",
        "DatasetItem",
        "Match",
        "Model",
        "Node",
    ] = Field(alias="__typename")


class EvaluationTideNodeEvaluation(BaseModel):
    typename__: Literal["Evaluation"] = Field(alias="__typename")
    tide: "EvaluationTideNodeEvaluationTide"


class EvaluationTideNodeEvaluationTide(BaseModel):
    ap_50: float = Field(alias="ap50")
    errors: list["EvaluationTideNodeEvaluationTideErrors"]
    per_class: list["EvaluationTideNodeEvaluationTidePerClass"] = Field(
        alias="perClass"
    )


class EvaluationTideNodeEvaluationTideErrors(BaseModel):
    type_: ErrorType = Field(alias="type")
    count: int
    delta_ap: float = Field(alias="deltaAp")


class EvaluationTideNodeEvaluationTidePerClass(BaseModel):
    label: str
    ap_50: float = Field(alias="ap50")
    errors: list["EvaluationTideNodeEvaluationTidePerClassErrors"]


class EvaluationTideNodeEvaluationTidePerClassErrors(BaseModel):
    type_: ErrorType = Field(alias="type")
    count: int
    delta_ap: float = Field(alias="deltaAp")


EvaluationTide.model_rebuild()
EvaluationTideNodeEvaluation.model_rebuild()
EvaluationTideNodeEvaluationTide.model_rebuild()
EvaluationTideNodeEvaluationTidePerClass.model_rebuild()

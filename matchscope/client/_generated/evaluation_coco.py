from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import CocoStatsFields


class EvaluationCoco(BaseModel):
    node: Optional[
        Annotated[
            Union["EvaluationCocoNodeNode", "EvaluationCocoNodeEvaluation"],
            Field(discriminator="typename__"),
        ]
    ]


class EvaluationCocoNodeNode(BaseModel):
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


class EvaluationCocoNodeEvaluation(BaseModel):
    typename__: Literal["Evaluation"] = Field(alias="__typename")
    coco: "EvaluationCocoNodeEvaluationCoco"


class EvaluationCocoNodeEvaluationCoco(BaseModel):
    overall: "EvaluationCocoNodeEvaluationCocoOverall"
    per_class: list["EvaluationCocoNodeEvaluationCocoPerClass"] = Field(
        alias="perClass"
    )
    pr_curves: list["EvaluationCocoNodeEvaluationCocoPrCurves"] = Field(
        alias="prCurves"
    )


EvaluationCocoNodeEvaluationCocoOverall = CocoStatsFields


class EvaluationCocoNodeEvaluationCocoPerClass(BaseModel):
    label: str
    stats: "EvaluationCocoNodeEvaluationCocoPerClassStats"


EvaluationCocoNodeEvaluationCocoPerClassStats = CocoStatsFields


class EvaluationCocoNodeEvaluationCocoPrCurves(BaseModel):
    label: str
    recall: list[float]
    iou_50: list[float] = Field(alias="iou50")
    iou_75: list[float] = Field(alias="iou75")
    mean: list[float]


EvaluationCoco.model_rebuild()
EvaluationCocoNodeEvaluation.model_rebuild()
EvaluationCocoNodeEvaluationCoco.model_rebuild()
EvaluationCocoNodeEvaluationCocoPerClass.model_rebuild()

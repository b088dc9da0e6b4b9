from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import MatchOutcome
from .fragments import PageFields


class EvaluationMatches(BaseModel):
    node: Optional[
        Annotated[
            Union["EvaluationMatchesNodeNode", "EvaluationMatchesNodeEvaluation"],
            Field(discriminator="typename__"),
        ]
    ]


class EvaluationMatchesNodeNode(BaseModel):
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


class EvaluationMatchesNodeEvaluation(BaseModel):
    typename__: Literal["Evaluation"] = Field(alias="__typename")
    matches: "EvaluationMatchesNodeEvaluationMatches"


class EvaluationMatchesNodeEvaluationMatches(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "EvaluationMatchesNodeEvaluationMatchesPageInfo" = Field(
        alias="pageInfo"
    )
    edges: list["EvaluationMatchesNodeEvaluationMatchesEdges"]


EvaluationMatchesNodeEvaluationMatchesPageInfo = PageFields


class EvaluationMatchesNodeEvaluationMatchesEdges(BaseModel):
    node: "EvaluationMatchesNodeEvaluationMatchesEdgesNode"


class EvaluationMatchesNodeEvaluationMatchesEdgesNode(BaseModel):
    id: str
    outcome: MatchOutcome
    iou: float
    ground_truth_label: Optional[str] = Field(alias="groundTruthLabel")
    prediction_label: Optional[str] = Field(alias="predictionLabel")
    confidence: Optional[float]
    item: "EvaluationMatchesNodeEvaluationMatchesEdgesNodeItem"
    ground_truth: Optional[
        "EvaluationMatchesNodeEvaluationMatchesEdgesNodeGroundTruth"
    ] = Field(alias="groundTruth")
    prediction: Optional["EvaluationMatchesNodeEvaluationMatchesEdgesNodePrediction"]


class EvaluationMatchesNodeEvaluationMatchesEdgesNodeItem(BaseModel):
    id: str
    reference_id: str = Field(alias="referenceId")


class EvaluationMatchesNodeEvaluationMatchesEdgesNodeGroundTruth(BaseModel):
    id: str
    annotation_id: str = Field(alias="annotationId")
    label: str
    x: float
    y: float
    width: float
    height: float


class EvaluationMatchesNodeEvaluationMatchesEdgesNodePrediction(BaseModel):
    id: str
    annotation_id: str = Field(alias="annotationId")
    label: str
    x: float
    y: float
    width: float
    height: float


EvaluationMatches.model_rebuild()
EvaluationMatchesNodeEvaluation.model_rebuild()
EvaluationMatchesNodeEvaluationMatches.model_rebuild()
EvaluationMatchesNodeEvaluationMatchesEdges.model_rebuild()
EvaluationMatchesNodeEvaluationMatchesEdgesNode.model_rebuild()

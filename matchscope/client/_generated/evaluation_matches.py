from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import MatchFields, PageFields


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


EvaluationMatchesNodeEvaluationMatchesEdgesNode = MatchFields
EvaluationMatches.model_rebuild()
EvaluationMatchesNodeEvaluation.model_rebuild()
EvaluationMatchesNodeEvaluationMatches.model_rebuild()
EvaluationMatchesNodeEvaluationMatchesEdges.model_rebuild()

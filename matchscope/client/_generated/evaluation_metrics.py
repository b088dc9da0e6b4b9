from typing import Annotated, Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import CountsFields, HistogramFields


class EvaluationMetrics(BaseModel):
    node: Optional[
        Annotated[
            Union["EvaluationMetricsNodeNode", "EvaluationMetricsNodeEvaluation"],
            Field(discriminator="typename__"),
        ]
    ]


class EvaluationMetricsNodeNode(BaseModel):
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


class EvaluationMetricsNodeEvaluation(BaseModel):
    typename__: Literal["Evaluation"] = Field(alias="__typename")
    metrics: "EvaluationMetricsNodeEvaluationMetrics"


class EvaluationMetricsNodeEvaluationMetrics(BaseModel):
    iou_threshold: float = Field(alias="iouThreshold")
    confidence_threshold: float = Field(alias="confidenceThreshold")
    overall: "EvaluationMetricsNodeEvaluationMetricsOverall"
    per_class: list["EvaluationMetricsNodeEvaluationMetricsPerClass"] = Field(
        alias="perClass"
    )
    confusion_matrix: "EvaluationMetricsNodeEvaluationMetricsConfusionMatrix" = Field(
        alias="confusionMatrix"
    )
    matched_iou_histogram: "EvaluationMetricsNodeEvaluationMetricsMatchedIouHistogram" = Field(
        alias="matchedIouHistogram"
    )
    true_positive_confidence_histogram: "EvaluationMetricsNodeEvaluationMetricsTruePositiveConfidenceHistogram" = Field(
        alias="truePositiveConfidenceHistogram"
    )
    false_positive_confidence_histogram: "EvaluationMetricsNodeEvaluationMetricsFalsePositiveConfidenceHistogram" = Field(
        alias="falsePositiveConfidenceHistogram"
    )


EvaluationMetricsNodeEvaluationMetricsOverall = CountsFields


class EvaluationMetricsNodeEvaluationMetricsPerClass(BaseModel):
    label: str
    ground_truth_count: int = Field(alias="groundTruthCount")
    prediction_count: int = Field(alias="predictionCount")
    counts: "EvaluationMetricsNodeEvaluationMetricsPerClassCounts"


EvaluationMetricsNodeEvaluationMetricsPerClassCounts = CountsFields


class EvaluationMetricsNodeEvaluationMetricsConfusionMatrix(BaseModel):
    row_labels: list[str] = Field(alias="rowLabels")
    column_labels: list[str] = Field(alias="columnLabels")
    counts: list[list[int]]


EvaluationMetricsNodeEvaluationMetricsMatchedIouHistogram = HistogramFields
EvaluationMetricsNodeEvaluationMetricsTruePositiveConfidenceHistogram = HistogramFields
EvaluationMetricsNodeEvaluationMetricsFalsePositiveConfidenceHistogram = HistogramFields
EvaluationMetrics.model_rebuild()
EvaluationMetricsNodeEvaluation.model_rebuild()
EvaluationMetricsNodeEvaluationMetrics.model_rebuild()
EvaluationMetricsNodeEvaluationMetricsPerClass.model_rebuild()

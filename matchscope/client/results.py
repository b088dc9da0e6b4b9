"""Reading an evaluation's metrics and COCO results."""

from __future__ import annotations

from typing import Any

from matchscope.client._connection import Connection
from matchscope.client._generated.evaluation_metrics import EvaluationMetricsNodeEvaluationMetrics
from matchscope.client._generated.evaluation_tide import EvaluationTideNodeEvaluationTide
from matchscope.client.errors import NotFoundError
from matchscope.client.records import CocoMetrics

EvaluationMetrics = EvaluationMetricsNodeEvaluationMetrics
"""`overall` and `per_class` counts (true/false positives, false negatives, precision, recall, f1),
`confusion_matrix` and histograms, at `iou_threshold` and `confidence_threshold`."""

TideSummary = EvaluationTideNodeEvaluationTide
"""tidecv 1.0.1's TIDE summary: `ap50` and `errors` (`type`, `count`, `delta_ap` in AP points), and `per_class`
(`label`, `ap50`, `errors`)."""


def _evaluation(node: Any, evaluation_id: str) -> Any:
    if node is None or node.typename__ != "Evaluation":
        raise NotFoundError(f"Evaluation {evaluation_id!r} not found", "Evaluation", evaluation_id)
    return node


async def evaluation_metrics(
    connection: Connection,
    evaluation_id: str,
    iou_threshold: float,
    confidence_threshold: float,
    item_metadata: dict[str, Any] | None = None,
) -> EvaluationMetrics:
    """The evaluation's counts at the thresholds, of a slice's items when `item_metadata` is given."""
    result = await connection.call(
        lambda: connection.graphql.evaluation_metrics(
            evaluation_id,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
            item_metadata=item_metadata,
        )
    )
    metrics: EvaluationMetrics = _evaluation(result.node, evaluation_id).metrics
    return metrics


async def tide_summary(
    connection: Connection, evaluation_id: str, item_metadata: dict[str, Any] | None = None
) -> TideSummary:
    """The evaluation's TIDE summary, of a slice's items when `item_metadata` is given."""
    result = await connection.call(
        lambda: connection.graphql.evaluation_tide(evaluation_id, item_metadata=item_metadata)
    )
    tide: TideSummary = _evaluation(result.node, evaluation_id).tide
    return tide


async def coco_metrics(
    connection: Connection, evaluation_id: str, item_metadata: dict[str, Any] | None = None
) -> CocoMetrics:
    """The evaluation's COCO results, of a slice's items when `item_metadata` is given."""
    result = await connection.call(
        lambda: connection.graphql.evaluation_coco(evaluation_id, item_metadata=item_metadata)
    )
    coco = _evaluation(result.node, evaluation_id).coco
    return CocoMetrics(
        stats=list(coco.overall.stats),
        per_class={entry.label: list(entry.stats.stats) for entry in coco.per_class},
        pr_curves={
            curve.label: {"recall": curve.recall, "iou50": curve.iou_50, "iou75": curve.iou_75, "mean": curve.mean}
            for curve in coco.pr_curves
        },
    )

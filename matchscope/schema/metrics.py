"""GraphQL types of an evaluation's numbers: counts and metrics at query-time thresholds, COCO results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from matchscope.schema.catalog import DatasetItem, related_item
from matchscope.schema.common import Connection, Edge, PageInfo
from matchscope.schema.context import Info
from matchscope.schema.reviews import ReviewCount
from matchscope.services import metrics
from matchscope.services.reviews import ReviewCounts


@strawberry.type
class Counts:
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, counts: metrics.Counts) -> Counts:
        return cls(
            true_positives=counts.true_positives,
            false_positives=counts.false_positives,
            false_negatives=counts.false_negatives,
            precision=counts.precision,
            recall=counts.recall,
            f1=counts.f1,
        )


@strawberry.type(
    description="TP for the shared class (the ground truth's), FP for the prediction's, FN for the ground truth's."
)
class ClassMetrics:
    label: str
    ground_truth_count: int
    prediction_count: int = strawberry.field(description="Predictions kept at the confidence threshold.")
    counts: Counts


@strawberry.type(description='Rows: ground-truth labels then "background"; columns: prediction labels then "missed".')
class ConfusionMatrix:
    row_labels: list[str]
    column_labels: list[str]
    counts: list[list[int]]


@strawberry.type(description="`binEdges` has one more value than `counts`; the last bin includes its upper edge.")
class Histogram:
    bin_edges: list[float]
    counts: list[int]

    @classmethod
    def from_histogram(cls, histogram: metrics.Histogram) -> Histogram:
        return cls(bin_edges=histogram.bin_edges, counts=histogram.counts)


@strawberry.type
class ItemErrors:
    item_pk: strawberry.Private[int]
    false_positives: int
    false_negatives: int
    errors: int = strawberry.field(description="falsePositives + falseNegatives")

    @strawberry.field
    async def item(self, info: Info) -> DatasetItem:
        return await related_item(info, self.item_pk)


@strawberry.type(name="ItemErrorsConnection")
class ItemErrorsConnection:
    edges: list[Edge[ItemErrors]]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="Counts and scores at the query's thresholds.")
class EvaluationMetrics:
    computed: strawberry.Private[metrics.Metrics]
    iou_threshold: float
    confidence_threshold: float
    overall: Counts
    per_class: list[ClassMetrics]
    confusion_matrix: ConfusionMatrix
    matched_iou_histogram: Histogram = strawberry.field(description="IoU of the kept pairs.")
    true_positive_confidence_histogram: Histogram
    false_positive_confidence_histogram: Histogram
    # Set by the evaluation that computed these: the counts of its reviewed entries at the same thresholds.
    review_counts: strawberry.Private[Callable[[], Awaitable[list[ReviewCounts]]] | None] = None

    @strawberry.field(
        description="Entries per review status (UNREVIEWED first: the entries without a review) and outcome, at "
        "these thresholds; a kept pair's two entries share a review and count once per outcome shown."
    )
    async def reviews(self) -> list[ReviewCount]:
        assert self.review_counts is not None, "metrics are read through their evaluation"
        return [ReviewCount.from_counts(counts) for counts in await self.review_counts()]

    @classmethod
    def from_metrics(cls, computed: metrics.Metrics) -> EvaluationMetrics:
        return cls(
            computed=computed,
            iou_threshold=computed.thresholds.iou,
            confidence_threshold=computed.thresholds.confidence,
            overall=Counts.from_counts(computed.overall),
            per_class=[
                ClassMetrics(
                    label=item.label,
                    ground_truth_count=item.ground_truth_count,
                    prediction_count=item.prediction_count,
                    counts=Counts.from_counts(item.counts),
                )
                for item in computed.per_class
            ],
            confusion_matrix=ConfusionMatrix(
                row_labels=computed.confusion.row_labels,
                column_labels=computed.confusion.column_labels,
                counts=computed.confusion.counts,
            ),
            matched_iou_histogram=Histogram.from_histogram(computed.matched_iou),
            true_positive_confidence_histogram=Histogram.from_histogram(computed.true_positive_confidence),
            false_positive_confidence_histogram=Histogram.from_histogram(computed.false_positive_confidence),
        )

    @strawberry.field(description="Items with at least one error, by falsePositives + falseNegatives descending.")
    def items_with_most_errors(self, first: int | None = None, after: str | None = None) -> ItemErrorsConnection:
        page = metrics.error_items_page(self.computed, first=first, after=after)
        total = page.total_count or 0

        async def count() -> int:
            return total

        connection = Connection.from_page(
            page,
            lambda row: ItemErrors(
                item_pk=row.item_id,
                false_positives=row.false_positives,
                false_negatives=row.false_negatives,
                errors=row.errors,
            ),
            count,
        )
        return ItemErrorsConnection(edges=connection.edges, page_info=connection.page_info, total_count=total)


_STAT_NAMES = (
    "ap", "ap50", "ap75", "ap_small", "ap_medium", "ap_large",
    "ar1", "ar10", "ar100", "ar_small", "ar_medium", "ar_large",
)  # fmt: skip


@strawberry.type(description="The 12 COCO summary numbers, as pycocotools prints them (-1: no data).")
class CocoStats:
    ap: float
    ap50: float
    ap75: float
    ap_small: float
    ap_medium: float
    ap_large: float
    ar1: float
    ar10: float
    ar100: float
    ar_small: float
    ar_medium: float
    ar_large: float
    stats: list[float]

    @classmethod
    def from_list(cls, values: list[Any]) -> CocoStats:
        numbers = [float(value) if value is not None else -1.0 for value in values]
        numbers += [-1.0] * (len(_STAT_NAMES) - len(numbers))
        return cls(**dict(zip(_STAT_NAMES, numbers, strict=False)), stats=numbers[: len(_STAT_NAMES)])


@strawberry.type
class ClassCocoStats:
    label: str
    stats: CocoStats


@strawberry.type(description="Precision at the 101 recall points 0, 0.01, …, 1 (-1: no data).")
class PrCurve:
    label: str
    recall: list[float]
    iou50: list[float]
    iou75: list[float]
    mean: list[float] = strawberry.field(description="Averaged over IoU 0.50:0.05:0.95.")


@strawberry.type
class CocoMetrics:
    overall: CocoStats
    per_class: list[ClassCocoStats]
    pr_curves: list[PrCurve]

    @classmethod
    def from_json(cls, coco: dict[str, Any] | None) -> CocoMetrics:
        coco = coco or {}
        recall = [round(index / 100, 2) for index in range(101)]
        curves = coco.get("pr_curves") or {}
        return cls(
            overall=CocoStats.from_list(list(coco.get("stats") or [])),
            per_class=[
                ClassCocoStats(label=label, stats=CocoStats.from_list(list(values)))
                for label, values in sorted((coco.get("per_class") or {}).items())
            ],
            pr_curves=[
                PrCurve(
                    label=label,
                    recall=recall,
                    iou50=[float(v) for v in curve.get("iou50", [])],
                    iou75=[float(v) for v in curve.get("iou75", [])],
                    mean=[float(v) for v in curve.get("mean", [])],
                )
                for label, curve in sorted(curves.items())
            ],
        )

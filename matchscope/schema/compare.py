"""GraphQL types of `compareEvaluations`: metrics side by side with deltas, and FIXED/BROKEN flips."""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry

from matchscope.schema.browse import Match, asks_error_type, remember_items
from matchscope.schema.catalog import BoxAnnotation, DatasetItem
from matchscope.schema.common import Connection, NotFoundError, ValidationError
from matchscope.schema.context import Info
from matchscope.schema.evaluation import Evaluation
from matchscope.schema.metrics import Counts
from matchscope.services import compare
from matchscope.services.browse import Thresholds


@strawberry.enum(
    description="Per ground truth: FIXED = a false negative in base, a true positive in other; BROKEN = the reverse."
)
class FlipKind(enum.Enum):
    FIXED = "FIXED"
    BROKEN = "BROKEN"


@strawberry.type(description="One evaluation's numbers for a class (or overall).")
class ComparedSide:
    ground_truth_count: int
    prediction_count: int = strawberry.field(description="Predictions kept at the confidence threshold.")
    counts: Counts = strawberry.field(description="TP/FP/FN, precision, recall and F1 at the query's thresholds.")
    ap: float | None = strawberry.field(
        description="Stored COCO AP (IoU 0.50:0.95), whatever the thresholds; null: no data."
    )
    ap50: float | None = strawberry.field(
        description="Stored COCO AP at IoU 0.5, whatever the thresholds; null: no data."
    )

    @classmethod
    def from_side(cls, side: compare.Side) -> ComparedSide:
        return cls(
            ground_truth_count=side.ground_truth_count,
            prediction_count=side.prediction_count,
            counts=Counts.from_counts(side.counts),
            ap=side.ap,
            ap50=side.ap50,
        )


@strawberry.type(description="other - base.")
class MetricDeltas:
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    f1: float
    ap: float | None = strawberry.field(description="Null when either side has no AP.")
    ap50: float | None


def _difference(base: float | None, other: float | None) -> float | None:
    return None if base is None or other is None else other - base


@strawberry.type(description="A class (label null: every class together) on both sides, with the deltas.")
class ClassComparison:
    label: str | None
    base: ComparedSide
    other: ComparedSide
    delta: MetricDeltas

    @classmethod
    def from_comparison(cls, item: compare.ClassComparison) -> ClassComparison:
        base, other = item.base, item.other
        return cls(
            label=item.label,
            base=ComparedSide.from_side(base),
            other=ComparedSide.from_side(other),
            delta=MetricDeltas(
                true_positives=other.counts.true_positives - base.counts.true_positives,
                false_positives=other.counts.false_positives - base.counts.false_positives,
                false_negatives=other.counts.false_negatives - base.counts.false_negatives,
                precision=other.counts.precision - base.counts.precision,
                recall=other.counts.recall - base.counts.recall,
                f1=other.counts.f1 - base.counts.f1,
                ap=_difference(base.ap, other.ap),
                ap50=_difference(base.ap50, other.ap50),
            ),
        )


@strawberry.type(description="A ground truth whose outcome differs between the two evaluations.")
class Flip:
    kind: FlipKind
    ground_truth: BoxAnnotation
    item: DatasetItem
    base: Match = strawberry.field(
        description="The base's entry for it: the true positive, or the false negative (its `errorType` at the "
        "flips' thresholds, as the base's `matches` give it)."
    )
    other: Match = strawberry.field(description="The other's entry for it, likewise.")

    @classmethod
    def from_row(cls, row: compare.FlipRow) -> Flip:
        base, other = Match.from_row(row.base), Match.from_row(row.other)
        assert other.ground_truth is not None, "either side's entry names the ground truth"
        return cls(kind=FlipKind(row.kind.value), ground_truth=other.ground_truth, item=other.item, base=base,
                   other=other)  # fmt: skip


@strawberry.type(description="Two evaluations of one dataset, side by side.")
class EvaluationComparison:
    comparison: strawberry.Private[compare.Comparison]
    base: Evaluation
    other: Evaluation

    @classmethod
    def of(cls, comparison: compare.Comparison) -> EvaluationComparison:
        return cls(
            comparison=comparison,
            base=Evaluation.from_row(comparison.base),
            other=Evaluation.from_row(comparison.other),
        )

    @strawberry.field(
        description="Overall first (label null), then every label either side has: counts, precision, recall and "
        "F1 at the thresholds, the stored COCO AP and AP50, and other - base."
    )
    async def metrics(
        self, info: Info, iou_threshold: float = 0.5, confidence_threshold: float = 0.0
    ) -> list[ClassComparison]:
        thresholds = Thresholds(iou=iou_threshold, confidence=confidence_threshold)
        rows = await compare.compare_metrics(info.context.actor, self.comparison, thresholds)
        info.context.charge(len(rows))
        return [ClassComparison.from_comparison(row) for row in rows]

    @strawberry.field(
        description="Ground truths found by one side and missed by the other at the thresholds, by the other's "
        "IoU descending (ground-truth ids break ties); keyset cursors, `first` ≤ 100."
    )
    async def flips(
        self,
        info: Info,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        kinds: list[FlipKind] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Flip]:
        page = await compare.flips_page(
            info.context.actor,
            self.comparison,
            thresholds=Thresholds(iou=iou_threshold, confidence=confidence_threshold),
            kinds=None if kinds is None else [compare.FlipKind(kind.value) for kind in kinds],
            first=first,
            after=after,
            typed=asks_error_type(info),
        )
        remember_items(info, [side for row in page.rows for side in (row.base, row.other)])
        total = page.total_count or 0

        async def count() -> int:
            return total

        return Connection.from_page(page, Flip.from_row, count)


ComparePayload = Annotated[EvaluationComparison | ValidationError | NotFoundError, strawberry.union("ComparePayload")]

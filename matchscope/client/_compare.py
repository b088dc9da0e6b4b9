"""Two evaluations of one dataset side by side: per-class metrics with deltas, and FIXED/BROKEN flips."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matchscope.client._connection import Connection, not_found_error, validation_error
from matchscope.client._generated import FlipKind
from matchscope.client._generated.compare_flips import CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNode
from matchscope.client._generated.compare_metrics import CompareMetricsCompareEvaluationsEvaluationComparisonMetrics
from matchscope.client._matches import enum_value
from matchscope.client._paging import MAX_PAGE, Paged, page_size_error

ClassComparison = CompareMetricsCompareEvaluationsEvaluationComparisonMetrics
"""A class (`label` None: every class together): `base` and `other` (`ground_truth_count`, `prediction_count`,
`counts` with TP/FP/FN, precision, recall, f1, and the stored COCO `ap`, `ap_50`) and `delta` (other - base)."""

Flip = CompareFlipsCompareEvaluationsEvaluationComparisonFlipsEdgesNode
"""A ground truth whose outcome differs: `kind` (FIXED: missed by base, found by other; BROKEN: the reverse),
`ground_truth`, `item` (id, reference_id), and both sides' entries `base` and `other` (as `matches()` gives them)."""


@dataclass(frozen=True, slots=True)
class MetricsComparison:
    """`overall` and `per_class` (in label order, every label either side has) at the thresholds."""

    iou_threshold: float
    confidence_threshold: float
    overall: ClassComparison
    per_class: list[ClassComparison]


def _comparison(payload: Any) -> Any:
    if payload.typename__ == "ValidationError":
        raise validation_error(payload, what="compare evaluations")
    if payload.typename__ == "NotFoundError":
        raise not_found_error(payload)
    return payload


async def compare_metrics(
    connection: Connection, base_id: str, other_id: str, iou_threshold: float, confidence_threshold: float
) -> MetricsComparison:
    """Both evaluations' counts at the thresholds, class by class, with the deltas."""
    result = await connection.call(
        lambda: connection.graphql.compare_metrics(
            base_id, other_id, iou_threshold=iou_threshold, confidence_threshold=confidence_threshold
        )
    )
    overall, *per_class = _comparison(result.compare_evaluations).metrics
    return MetricsComparison(iou_threshold, confidence_threshold, overall, per_class)


class Flips(Paged[Flip]):
    """The flips of one `flips(...)` call: `async for flip in flips`, read lazily page by page."""

    def __init__(
        self,
        connection: Connection,
        base_id: str,
        other_id: str,
        *,
        kinds: Sequence[str] | None,
        iou_threshold: float,
        confidence_threshold: float,
        page_size: int,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE:
            raise page_size_error("flips", page_size)
        self._connection = connection
        self._ids = (base_id, other_id)
        self._kinds = None if kinds is None else [enum_value(FlipKind, "flips", "kinds", kind) for kind in kinds]
        self._thresholds = (iou_threshold, confidence_threshold)
        self._page_size = page_size

    async def _page(self, after: str | None) -> Any:
        (base_id, other_id), (iou, confidence) = self._ids, self._thresholds
        result = await self._connection.call(
            lambda: self._connection.graphql.compare_flips(
                base_id,
                other_id,
                iou_threshold=iou,
                confidence_threshold=confidence,
                kinds=self._kinds,
                first=self._page_size,
                after=after,
            )
        )
        return _comparison(result.compare_evaluations).flips

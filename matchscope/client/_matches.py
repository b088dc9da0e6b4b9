"""An evaluation's entries, read lazily page by page over the keyset cursors."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matchscope.client._connection import Connection, not_found_error, validation_error
from matchscope.client._generated import (
    ErrorType,
    MatchFilter,
    MatchOrder,
    MatchOrderField,
    MatchOutcome,
    OrderDirection,
    ReviewStatus,
)
from matchscope.client._generated.base_model import UNSET, UnsetType
from matchscope.client._generated.fragments import MatchFields
from matchscope.client._paging import MAX_PAGE, Paged, page_size_error
from matchscope.client.errors import FieldError, NotFoundError, ValidationError

Match = MatchFields
"""One entry: `outcome`, `iou`, labels, `confidence`, `item` (id, reference_id), `ground_truth` and `prediction`
(id, annotation_id, label, box) — either may be None —, `error_type` and, on a false positive,
`nearest_ground_truth` (`iou`, `ground_truth`) or None, and `review` (`status`, `note`, `updated_at`) or None when
unreviewed."""


def enum_value(kind: type[Any], what: str, field: str, value: Any) -> Any:
    """`value` (a member or its name) as a member of the generated enum `kind`; ValidationError naming `field`."""
    try:
        return kind(value.value if hasattr(value, "value") else value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        error = FieldError(row=None, field=field, value=repr(value), message=f"must be one of {choices}")
        raise ValidationError(f"{what}: {error.describe()}", [error]) from None


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """The arguments of one `matches` read, checked once."""

    filter: MatchFilter
    order: MatchOrder
    iou_threshold: float
    confidence_threshold: float
    page_size: int

    @classmethod
    def build(
        cls,
        *,
        outcomes: Sequence[str] | None,
        ground_truth_labels: Sequence[str] | None,
        prediction_labels: Sequence[str] | None,
        min_iou: float | None,
        max_iou: float | None,
        min_confidence: float | None,
        max_confidence: float | None,
        item_id: str | None,
        item_metadata: dict[str, Any] | None,
        review_statuses: Sequence[str] | None = None,
        error_types: Sequence[str] | None = None,
        iou_threshold: float,
        confidence_threshold: float,
        order_by: str,
        direction: str,
        page_size: int,
    ) -> MatchQuery:
        if not 1 <= page_size <= MAX_PAGE:
            raise page_size_error("matches", page_size)
        match_filter = MatchFilter(
            outcomes=None
            if outcomes is None
            else [enum_value(MatchOutcome, "matches", "outcomes", o) for o in outcomes],
            groundTruthLabels=None if ground_truth_labels is None else list(ground_truth_labels),
            predictionLabels=None if prediction_labels is None else list(prediction_labels),
            minIou=min_iou,
            maxIou=max_iou,
            minConfidence=min_confidence,
            maxConfidence=max_confidence,
            itemId=item_id,
            reviewStatuses=None
            if review_statuses is None
            else [enum_value(ReviewStatus, "matches", "review_statuses", status) for status in review_statuses],
            itemMetadata=item_metadata,
            errorTypes=None
            if error_types is None
            else [enum_value(ErrorType, "matches", "error_types", kind) for kind in error_types],
        )
        order = MatchOrder(
            field=enum_value(MatchOrderField, "matches", "order_by", order_by),
            direction=enum_value(OrderDirection, "matches", "direction", direction),
        )
        return cls(match_filter, order, iou_threshold, confidence_threshold, page_size)


class Matches(Paged[Match]):
    """The entries of one `matches(...)` call: `async for match in matches`, or `await matches.to_pandas()`."""

    def __init__(self, connection: Connection, evaluation_id: str, query: MatchQuery) -> None:
        self._connection = connection
        self._evaluation_id = evaluation_id
        self._query = query

    async def _page(self, after: str | None) -> Any:
        query = self._query
        result = await self._connection.call(
            lambda: self._connection.graphql.evaluation_matches(
                self._evaluation_id,
                iou_threshold=query.iou_threshold,
                confidence_threshold=query.confidence_threshold,
                filter_=query.filter,
                order_by=query.order,
                first=query.page_size,
                after=after,
            )
        )
        node = result.node
        if node is None or node.typename__ != "Evaluation":
            raise NotFoundError(f"Evaluation {self._evaluation_id!r} not found", "Evaluation", self._evaluation_id)
        return node.matches

    async def to_pandas(self) -> Any:
        """Every entry as a pandas DataFrame, one row per entry (needs pandas: `pip install matchscope[pandas]`)."""
        rows = [match_row(match) async for match in self]
        return data_frame(rows)


async def review_match(
    connection: Connection,
    match: Match | str,
    status: str,
    note: str | UnsetType | None = UNSET,
    *,
    iou_threshold: float = 0.5,
    confidence_threshold: float = 0.0,
) -> Match:
    """Set, change or clear (UNREVIEWED) the review of an entry; the entry as it now reads at the thresholds."""
    match_id = match if isinstance(match, str) else match.id
    verdict = enum_value(ReviewStatus, "review", "status", status)
    result = await connection.call(
        lambda: connection.graphql.review_match(
            match_id, verdict, iou_threshold=iou_threshold, confidence_threshold=confidence_threshold, note=note
        )
    )
    payload = result.review_match
    if payload.typename__ == "ValidationError":
        raise validation_error(payload, what=f"review of entry {match_id} refused")
    if payload.typename__ == "NotFoundError":
        raise not_found_error(payload)
    return payload


_COLUMNS = (
    "id", "outcome", "iou", "ground_truth_label", "prediction_label", "confidence", "item_id", "reference_id",
    "ground_truth_id", "ground_truth_annotation_id", "prediction_id", "prediction_annotation_id", "error_type",
    "nearest_ground_truth_id", "nearest_iou", "review_status", "review_note",
)  # fmt: skip


def match_row(match: Match) -> dict[str, Any]:
    """One entry as a flat record (the columns of `to_pandas`)."""
    truth, prediction, nearest = match.ground_truth, match.prediction, match.nearest_ground_truth
    return {
        "id": match.id,
        "outcome": match.outcome.value,
        "iou": match.iou,
        "ground_truth_label": match.ground_truth_label,
        "prediction_label": match.prediction_label,
        "confidence": match.confidence,
        "item_id": match.item.id,
        "reference_id": match.item.reference_id,
        "ground_truth_id": None if truth is None else truth.id,
        "ground_truth_annotation_id": None if truth is None else truth.annotation_id,
        "prediction_id": None if prediction is None else prediction.id,
        "prediction_annotation_id": None if prediction is None else prediction.annotation_id,
        "error_type": None if match.error_type is None else match.error_type.value,
        "nearest_ground_truth_id": None if nearest is None else nearest.ground_truth.id,
        "nearest_iou": None if nearest is None else nearest.iou,
        "review_status": None if match.review is None else match.review.status.value,
        "review_note": None if match.review is None else match.review.note,
    }


def data_frame(rows: list[dict[str, Any]]) -> Any:
    """A DataFrame of `match_row` records."""
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise ImportError("to_pandas() needs pandas: pip install 'matchscope[pandas]'") from None
    return pandas.DataFrame(rows, columns=list(_COLUMNS))

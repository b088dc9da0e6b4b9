"""An evaluation read from the server (`Evaluation`: entries, metrics, COCO, TIDE, reviews) and two evaluations side
by side (`Comparison`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matchscope.client._compare import Flips, MetricsComparison, compare_metrics
from matchscope.client._connection import Connection
from matchscope.client._generated import EvaluationFields
from matchscope.client._generated.base_model import UNSET, UnsetType
from matchscope.client._jobs import AsyncJob
from matchscope.client._matches import Match, Matches, MatchQuery, review_match
from matchscope.client._references import id_of
from matchscope.client.records import CocoMetrics
from matchscope.client.results import EvaluationMetrics, TideSummary, coco_metrics, evaluation_metrics, tide_summary


class Comparison:
    """Two complete evaluations of one dataset side by side (`base`, then `other`): `metrics()` class by class
    with the deltas, and `flips()`, the ground truths one side finds and the other misses. A ValidationError naming
    `otherId` when they evaluate different datasets; NotFoundError for an unknown id."""

    def __init__(self, connection: Connection, base_id: str, other_id: str) -> None:
        self._connection = connection
        self.base_id = base_id
        self.other_id = other_id

    async def metrics(self, iou_threshold: float = 0.5, confidence_threshold: float = 0.0) -> MetricsComparison:
        """`overall` and `per_class` rows: both sides' counts (TP/FP/FN, precision, recall, F1) at the thresholds,
        their stored COCO AP and AP50, and `delta` (other - base)."""
        return await compare_metrics(self._connection, self.base_id, self.other_id, iou_threshold, confidence_threshold)

    def flips(
        self,
        *,
        kinds: Sequence[str] | None = None,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        page_size: int = 100,
    ) -> Flips:
        """Every ground truth whose outcome differs at the thresholds (`kinds`: FIXED, BROKEN; both when None), by
        the other's IoU descending, read lazily page by page. Iterate it with `async for`."""
        return Flips(
            self._connection,
            self.base_id,
            self.other_id,
            kinds=kinds,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
            page_size=page_size,
        )


class Evaluation:
    """An evaluation of a model on a dataset: its entries (`matches`), `metrics` and `coco` metrics."""

    def __init__(self, connection: Connection, info: EvaluationFields) -> None:
        self._connection = connection
        self.info = info
        self.id = info.id

    def matches(
        self,
        *,
        outcomes: Sequence[str] | None = None,
        ground_truth_labels: Sequence[str] | None = None,
        prediction_labels: Sequence[str] | None = None,
        min_iou: float | None = None,
        max_iou: float | None = None,
        min_confidence: float | None = None,
        max_confidence: float | None = None,
        item_id: str | None = None,
        review_statuses: Sequence[str] | None = None,
        item_metadata: dict[str, Any] | None = None,
        error_types: Sequence[str] | None = None,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        order_by: str = "IOU",
        direction: str = "DESC",
        page_size: int = 100,
    ) -> Matches:
        """Every entry at the thresholds that passes the filter (each given condition must hold), read lazily page
        by page (keyset cursors); `outcomes` are TRUE_POSITIVE, FALSE_POSITIVE, FALSE_NEGATIVE; `review_statuses`
        UNREVIEWED, CONFIRMED, LABEL_ERROR, IGNORED; `item_metadata` a slice, {key: value} equalities on the items'
        metadata; `error_types` CLASSIFICATION, LOCALIZATION, BOTH, DUPLICATE, BACKGROUND, MISSED (TIDE's, at the
        thresholds); `order_by` IOU or CONFIDENCE, `direction` DESC or ASC. Iterate it with `async for`;
        `to_pandas()` reads it into a frame."""
        query = MatchQuery.build(
            outcomes=outcomes,
            ground_truth_labels=ground_truth_labels,
            prediction_labels=prediction_labels,
            min_iou=min_iou,
            max_iou=max_iou,
            min_confidence=min_confidence,
            max_confidence=max_confidence,
            item_id=item_id,
            review_statuses=review_statuses,
            item_metadata=item_metadata,
            error_types=error_types,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
            order_by=order_by,
            direction=direction,
            page_size=page_size,
        )
        return Matches(self._connection, self.id, query)

    async def metrics(
        self,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        item_metadata: dict[str, Any] | None = None,
    ) -> EvaluationMetrics:
        """Overall and per-class counts (TP/FP/FN, precision, recall, F1), the confusion matrix and histograms; with
        `item_metadata`, of a slice: the items whose metadata has those values."""
        return await evaluation_metrics(self._connection, self.id, iou_threshold, confidence_threshold, item_metadata)

    async def coco(self, item_metadata: dict[str, Any] | None = None) -> CocoMetrics:
        """COCO metrics as pycocotools computes them: `stats` (12 numbers), per class, PR curves; with
        `item_metadata`, of a slice: what an evaluation of those items alone gives."""
        return await coco_metrics(self._connection, self.id, item_metadata)

    async def tide(self, item_metadata: dict[str, Any] | None = None) -> TideSummary:
        """The TIDE summary as tidecv 1.0.1 computes it: AP50, count and ΔAP per error type, overall and per class;
        with `item_metadata`, of a slice: what an evaluation of those items alone gives."""
        return await tide_summary(self._connection, self.id, item_metadata)

    def compare(self, other: Evaluation | str) -> Comparison:
        """This evaluation (the base) beside `other`, an evaluation of the same dataset."""
        return Comparison(self._connection, self.id, id_of(other))

    def job(self) -> AsyncJob | None:
        """The job that computed this evaluation (its state when the evaluation was read), or None when the job is
        gone (deleted with its model or dataset, or by retention)."""
        return None if self.info.job is None else AsyncJob(self._connection, self.info.job)

    async def review(
        self,
        match: Match | str,
        status: str,
        note: str | UnsetType | None = UNSET,
        *,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
    ) -> Match:
        """Review an entry of this evaluation (a `Match` or its id): `status` CONFIRMED, LABEL_ERROR, IGNORED, or
        UNREVIEWED to remove the review; `note` omitted keeps the current note, None or "" clears it. The review
        belongs to the entry's ground truth and prediction, so later evaluations of the same dataset and model keep
        it. Returns the entry as it reads at the thresholds, `review` set; NotFoundError for an unknown entry."""
        return await review_match(
            self._connection,
            match,
            status,
            note,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
        )

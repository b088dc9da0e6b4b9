"""The Evaluation type: options, currency, staleness, and browsing: matches, metrics, COCO results and TIDE."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from matchscope.schema.browse import (
    MatchConnection,
    MatchFilter,
    MatchOrder,
    match_connection,
    row_details,
)
from matchscope.schema.catalog import Dataset, Model, related_dataset, related_model
from matchscope.schema.common import JSON, Connection, Node
from matchscope.schema.context import Info
from matchscope.schema.ids import to_global_id
from matchscope.schema.metrics import CocoMetrics, EvaluationMetrics
from matchscope.schema.reviews import LabelError
from matchscope.schema.tide import TideSummary
from matchscope.services import browse, error_pages, evaluate, metrics, results, reviews, slices

if TYPE_CHECKING:
    from matchscope.schema.jobs import AsyncJob

DEFAULT_ORDER = MatchOrder()


@strawberry.type
class AllowedLabelMatch:
    ground_truth_label: str
    model_prediction_label: str


@strawberry.type
class Evaluation(Node):
    pk: strawberry.Private[int]
    dataset_pk: strawberry.Private[int]
    model_pk: strawberry.Private[int]
    annotation_version: strawberry.Private[int]
    prediction_version: strawberry.Private[int]
    row: strawberry.Private[browse.EvaluationRow]
    class_agnostic: bool
    allowed_label_matches: list[AllowedLabelMatch]
    is_current: bool
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: browse.EvaluationRow) -> Evaluation:
        return cls(
            id=to_global_id("Evaluation", row.id),
            pk=row.id,
            dataset_pk=row.dataset_id,
            model_pk=row.model_id,
            annotation_version=row.annotation_version,
            prediction_version=row.prediction_version,
            row=row,
            class_agnostic=row.class_agnostic,
            allowed_label_matches=[
                AllowedLabelMatch(ground_truth_label=gt, model_prediction_label=pred)
                for gt, pred in (row.allowed_label_matches or [])
            ],
            is_current=row.is_current,
            created_at=row.created_at,
            completed_at=row.completed_at,
        )

    @strawberry.field
    async def dataset(self, info: Info) -> Dataset:
        return await related_dataset(info, self.dataset_pk)

    @strawberry.field
    async def model(self, info: Info) -> Model:
        return await related_model(info, self.model_pk)

    @strawberry.field(description="The job that computed this evaluation; null once that job is deleted.")
    async def job(self, info: Info) -> Annotated[AsyncJob, strawberry.lazy("matchscope.schema.jobs")] | None:
        from matchscope.schema.jobs import AsyncJob

        if self.row.job_id is None:
            return None
        row = await evaluate.visible_job(info.context.actor, self.row.job_id)
        return None if row is None else AsyncJob.from_row(row)

    @strawberry.field(description="Annotations or predictions changed after this evaluation was computed.")
    async def is_stale(self, info: Info) -> bool:
        return await results.is_stale(info.context.actor, self.row)

    @strawberry.field(description="Entries at the given thresholds, sorted and filtered; keyset cursors, `first` ≤ 100")
    async def matches(
        self,
        info: Info,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        filter: MatchFilter | None = None,
        order_by: MatchOrder = DEFAULT_ORDER,
        first: int | None = None,
        after: str | None = None,
    ) -> MatchConnection:
        thresholds = browse.Thresholds(iou=iou_threshold, confidence=confidence_threshold)
        query = filter.to_query() if filter is not None else browse.MatchFilter()
        details = row_details(info)
        actor = info.context.actor
        page = await error_pages.matches_page(
            actor,
            evaluation=self.row,
            thresholds=thresholds,
            query=query,
            order=order_by.to_order(),
            first=first,
            after=after,
            details=details,
        )

        async def count() -> int:
            typed = query.error_types is not None and self.row.error_evidence
            columns = await results.entry_columns(actor, self.row, query.item_metadata, evidence=typed)
            if query.review_statuses is None:
                return metrics.count_matches(columns, thresholds, query, error_evidence=self.row.error_evidence)
            return await reviews.count_matches(
                actor, evaluation=self.row, columns=columns, thresholds=thresholds, query=query
            )

        return match_connection(info, page, count, details)

    @strawberry.field(
        description="Overall and per-class counts, confusion matrix and histograms at the thresholds; with "
        "`itemMetadata`, of a slice: the entries of items whose metadata has those values (as `MatchFilter`'s)."
    )
    async def metrics(
        self,
        info: Info,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        item_metadata: JSON | None = None,
    ) -> EvaluationMetrics:
        thresholds = browse.Thresholds(iou=iou_threshold, confidence=confidence_threshold)
        metadata = _slice(item_metadata)
        actor = info.context.actor
        columns = await results.entry_columns(actor, self.row, metadata)
        computed = metrics.compute_metrics(columns, thresholds)
        result = EvaluationMetrics.from_metrics(computed)
        within = None if metadata is None else columns

        async def review_counts() -> list[reviews.ReviewCounts]:
            return await reviews.review_counts(
                actor, evaluation=self.row, overall=computed.overall, thresholds=thresholds, within=within
            )

        result.review_counts = review_counts
        return result

    @strawberry.field(
        description="The LABEL_ERROR reviews of this evaluation's dataset and model (of this evaluation's entries "
        "and of earlier ones'), oldest first, as COCO-style annotations; `first` ≤ 100."
    )
    async def label_errors(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[LabelError]:
        actor = info.context.actor
        page = await reviews.label_errors(actor, evaluation=self.row, first=first, after=after)

        async def count() -> int:
            return await reviews.count_label_errors(actor, evaluation=self.row)

        return Connection.from_page(page, LabelError.from_label_error, count)

    @strawberry.field(
        description="COCO detection metrics, as pycocotools computes them. With `itemMetadata`, of a slice (as "
        "`metrics`'): what an evaluation of those items alone gives, computed from their boxes (an error once the "
        "boxes changed since this evaluation)."
    )
    async def coco(self, info: Info, item_metadata: JSON | None = None) -> CocoMetrics:
        metadata = _slice(item_metadata)
        return CocoMetrics.from_json(await results.coco(info.context.actor, self.row, metadata))

    @strawberry.field(
        description="TIDE summary: count and ΔAP per error type, overall and per class, as tidecv 1.0.1 computes "
        "them. An evaluation from before TIDE summaries were stored gets one on first read, unless its boxes changed "
        "since (then an error says to re-run it). With `itemMetadata`, of a slice (as `metrics`'): what an "
        "evaluation of those items alone gives, computed from their boxes (an error once they changed)."
    )
    async def tide(self, info: Info, item_metadata: JSON | None = None) -> TideSummary:
        metadata = _slice(item_metadata)
        return TideSummary.from_json(await results.tide(info.context.actor, self.row, metadata))


def _slice(item_metadata: JSON | None) -> slices.ItemMetadata | None:
    return None if item_metadata is None else slices.ItemMetadata.parse(item_metadata, "itemMetadata")

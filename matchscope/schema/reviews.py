"""GraphQL types of reviews: the status, an entry's review, the counts per status and outcome, the LABEL_ERROR
export (services/reviews.py)."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from matchscope.schema.common import JSON
from matchscope.services import reviews
from matchscope.services.reviewed import ReviewStatus as Status


@strawberry.enum(
    description="A reviewer's verdict on an entry, kept across re-evaluations of the same dataset and model: it "
    "belongs to the entry's ground truth and prediction (by annotationId), so a kept pair's two entries share it. "
    "UNREVIEWED is no review: `Match.review` is null."
)
class ReviewStatus(enum.Enum):
    UNREVIEWED = "UNREVIEWED"
    CONFIRMED = "CONFIRMED"
    LABEL_ERROR = "LABEL_ERROR"
    IGNORED = "IGNORED"


def to_statuses(values: list[ReviewStatus] | None) -> frozenset[Status] | None:
    return None if values is None else frozenset(Status(value.value) for value in values)


@strawberry.type
class Review:
    status: ReviewStatus
    note: str | None
    updated_at: datetime

    @classmethod
    def from_review(cls, review: reviews.Review) -> Review:
        return cls(status=ReviewStatus(review.status.value), note=review.note, updated_at=review.updated_at)


@strawberry.type(description="Entries shown at the metrics' thresholds with one review status, by outcome.")
class ReviewCount:
    status: ReviewStatus
    true_positives: int
    false_positives: int
    false_negatives: int
    total: int

    @classmethod
    def from_counts(cls, counts: reviews.ReviewCounts) -> ReviewCount:
        return cls(
            status=ReviewStatus(counts.status.value),
            true_positives=counts.true_positives,
            false_positives=counts.false_positives,
            false_negatives=counts.false_negatives,
            total=counts.total,
        )


@strawberry.type(
    description="A LABEL_ERROR review of the evaluation's dataset and model. `coco` is a COCO-style annotation: "
    '{"id": the ground truth\'s annotationId or null, "image_id": the item\'s referenceId, "category", "bbox": '
    '[x, y, width, height] or null, "iscrowd", "prediction": {"id", "category", "bbox", "score"} or null, "note"}.'
)
class LabelError:
    coco: JSON
    note: str | None
    updated_at: datetime

    @classmethod
    def from_label_error(cls, error: reviews.LabelError) -> LabelError:
        return cls(coco=error.coco, note=error.note, updated_at=error.updated_at)

"""`reviewMatch`: set, change or clear the review of an entry (services/reviews.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from matchscope.schema.browse import Match, remember_items
from matchscope.schema.common import NotFoundError, ValidationError
from matchscope.schema.context import Info
from matchscope.schema.ids import expect_id
from matchscope.schema.reviews import ReviewStatus
from matchscope.services import browse, reviews
from matchscope.services.errors import NotFound, ValidationFailed
from matchscope.services.reviewed import ReviewStatus as Status

ReviewMatchPayload = Annotated[Match | ValidationError | NotFoundError, strawberry.union("ReviewMatchPayload")]


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(
        description="Review an entry: the status is kept for its ground truth and prediction (by annotationId) in "
        "later evaluations of the same dataset and model. UNREVIEWED removes the review. `note` not given keeps "
        f'the current note; null or "" clears it; at most {reviews.MAX_NOTE:,} characters. Returns the entry at '
        "the thresholds given (a true positive's hidden ground truth: that true positive, which shares the review)."
    )
    async def review_match(
        self,
        info: Info,
        id: strawberry.ID,
        status: ReviewStatus,
        note: str | None = strawberry.UNSET,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
    ) -> ReviewMatchPayload:
        try:
            thresholds = browse.Thresholds(iou=iou_threshold, confidence=confidence_threshold)
            entry_id = expect_id(id, "Match")
            row = await reviews.review_match(
                info.context.actor,
                entry_id=entry_id,
                status=Status(status.value),
                note=reviews.KEEP_NOTE if note is strawberry.UNSET else note,
                thresholds=thresholds,
            )
        except ValidationFailed as error:
            return ValidationError.from_error(error)
        except NotFound:
            return NotFoundError.from_error(NotFound("Match", id))
        remember_items(info, [row])
        return Match.from_row(row)

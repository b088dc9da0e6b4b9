"""Review statuses and how an entry finds its review in SQL (`match_review`, migration 0012).

An entry's review is the row of its evaluation's dataset and model whose two boxes are the entry's (0 for a missing
box). A kept pair's two entries (a prediction's false positive and a ground truth's false negative below the IoU
threshold, or a true positive and the ground truth it hides) are one pair of boxes, so they share one review.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, exists, func, literal_column, select

from matchscope.store.tables import Evaluation, MatchEntry, MatchReview


class ReviewStatus(enum.StrEnum):
    UNREVIEWED = "UNREVIEWED"  # no review row: never stored
    CONFIRMED = "CONFIRMED"
    LABEL_ERROR = "LABEL_ERROR"
    IGNORED = "IGNORED"


STORED_STATUSES = frozenset(ReviewStatus) - {ReviewStatus.UNREVIEWED}

_ENTRY = MatchEntry.__table__.c  # type: ignore[attr-defined]
_REVIEW = MatchReview.__table__.c  # type: ignore[attr-defined]
_EVALUATION = Evaluation.__table__.c  # type: ignore[attr-defined]
_ZERO = literal_column("0", Integer())


def entry_key(entry: Any) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(ground truth, prediction) of `match_entry` columns `entry`, 0 for none, spelt as `ix_entry_review_key`
    indexes them (a literal 0: a bound one is another expression to the planners)."""
    return func.coalesce(entry.ground_truth_id, _ZERO), func.coalesce(entry.prediction_id, _ZERO)


def reviewed_entry_join(entry: Any, review: Any) -> ColumnElement[bool]:
    """`entry` rows of the review `review` (the caller fixes the entry's evaluation). The review's side is `+ 0`:
    SQLite compares an indexed expression with a column only when the column brings no affinity."""
    ground_truth, prediction = entry_key(entry)
    same: ColumnElement[bool] = (ground_truth == review.ground_truth_id + _ZERO) & (
        prediction == review.prediction_id + _ZERO
    )
    return same


class ReviewFilter(enum.Enum):
    """How a set of statuses is asked of entries: entries with a review of one of them (few: driven by the
    reviews' own index), or entries without a review of the others (most: checked on the entries' index order)."""

    REVIEWED = "reviewed"
    NOT_REVIEWED = "not_reviewed"


def review_filter(statuses: frozenset[ReviewStatus] | None) -> tuple[ReviewFilter | None, tuple[ReviewStatus, ...]]:
    """The filter for `statuses` (None: no condition) and the stored statuses its SQL names."""
    if statuses is None or statuses >= frozenset(ReviewStatus):
        return None, ()
    if ReviewStatus.UNREVIEWED in statuses:
        return ReviewFilter.NOT_REVIEWED, tuple(sorted(STORED_STATUSES - statuses))
    return ReviewFilter.REVIEWED, tuple(sorted(statuses))


def _of_evaluation(column: str) -> Any:
    # A constant subquery (evaluated once per statement): the page statement knows its evaluation by id only.
    return (
        select(_EVALUATION[column]).where(_EVALUATION.id == bindparam("evaluation_id", type_=Integer()))
    ).scalar_subquery()


def _having(statuses: tuple[ReviewStatus, ...]) -> ColumnElement[bool]:
    # Written into the statement (enum values): a list parameter would make the page statement compiled anew on
    # every request (store/reads.py), ~30 ms for a page's UNION.
    condition: ColumnElement[bool] = _REVIEW.status.in_(
        [literal_column(f"'{status.value}'", String()) for status in statuses]
    )
    return condition


def entry_review_condition(kind: ReviewFilter, statuses: tuple[ReviewStatus, ...]) -> ColumnElement[bool]:
    """A condition on `match_entry` rows of the evaluation bound as `evaluation_id`: their review has one of
    `statuses` (REVIEWED), or none of them (NOT_REVIEWED)."""
    ground_truth, prediction = entry_key(_ENTRY)
    pair = (
        (_REVIEW.dataset_id == _of_evaluation("dataset_id"))
        & (_REVIEW.model_id == _of_evaluation("model_id"))
        & (_REVIEW.ground_truth_id == ground_truth)
        & (_REVIEW.prediction_id == prediction)
    )
    if kind is ReviewFilter.NOT_REVIEWED:
        return ~exists().where(pair, _having(statuses))
    # The few reviewed entries, found from the reviews through `ix_entry_review_key`, not by a scan of the branch.
    reviewed = MatchEntry.__table__.alias("reviewed")  # type: ignore[attr-defined]
    reviewed_ids = (
        select(reviewed.c.id)
        .select_from(MatchReview)
        .join(reviewed, reviewed_entry_join(reviewed.c, _REVIEW))
        .where(
            reviewed.c.evaluation_id == bindparam("evaluation_id", type_=Integer()),
            _REVIEW.dataset_id == _of_evaluation("dataset_id"),
            _REVIEW.model_id == _of_evaluation("model_id"),
            _having(statuses),
        )
    )
    condition: ColumnElement[bool] = _ENTRY.id.in_(reviewed_ids)
    return condition

"""The values of browsing: outcomes, thresholds, filters and orders, and the rows a page returns."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NamedTuple

from matchscope.services.error_types import ERROR_TYPE_BY_CODE, ErrorType
from matchscope.services.errors import ValidationFailed
from matchscope.services.reviewed import ReviewStatus
from matchscope.services.slices import ItemMetadata


class Outcome(enum.StrEnum):
    TRUE_POSITIVE = "TRUE_POSITIVE"
    FALSE_POSITIVE = "FALSE_POSITIVE"
    FALSE_NEGATIVE = "FALSE_NEGATIVE"


OUTCOME_CODES = {Outcome.TRUE_POSITIVE: 0, Outcome.FALSE_POSITIVE: 1, Outcome.FALSE_NEGATIVE: 2}
OUTCOME_BY_CODE = {code: outcome for outcome, code in OUTCOME_CODES.items()}
FALSE_NEGATIVE_CODE = OUTCOME_CODES[Outcome.FALSE_NEGATIVE]


class SortField(enum.StrEnum):
    IOU = "IOU"
    CONFIDENCE = "CONFIDENCE"


@dataclass(frozen=True, slots=True)
class Thresholds:
    iou: float = 0.5
    confidence: float = 0.0

    def __post_init__(self) -> None:
        for name, value in (("iouThreshold", self.iou), ("confidenceThreshold", self.confidence)):
            if not 0.0 <= value <= 1.0:  # also refuses NaN
                raise ValidationFailed.single(name, value, "must be within [0, 1]")


# The thresholds at which entries' error types are stored (`match_entry.default_error_type`).
DEFAULT_THRESHOLDS = Thresholds(iou=0.5, confidence=0.0)


@dataclass(frozen=True, slots=True)
class MatchFilter:
    """Every condition given must hold; labels match the row's label columns (a pair carries both labels)."""

    outcomes: frozenset[Outcome] | None = None
    ground_truth_labels: tuple[str, ...] | None = None
    prediction_labels: tuple[str, ...] | None = None
    min_iou: float | None = None
    max_iou: float | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    item_id: int | None = None
    # Reviews (services/reviewed.py): UNREVIEWED stands for entries without a review.
    review_statuses: frozenset[ReviewStatus] | None = None
    item_metadata: ItemMetadata | None = None  # a slice: the entries of items with these metadata values
    error_types: frozenset[ErrorType] | None = None


@dataclass(frozen=True, slots=True)
class MatchOrder:
    field: SortField = SortField.IOU
    descending: bool = True


class ItemRow(NamedTuple):
    """The columns of a `dataset_item` row that a page shows (named as on the table class)."""

    id: int
    dataset_id: int
    reference_id: str
    image_location: str | None
    width: int | None
    height: int | None
    meta: dict[str, Any] | None


class MatchRow(NamedTuple):
    """One entry at the query's thresholds with the item and boxes it names, flat, as a page's statement reads it
    (a page is the statement's rows themselves: no object per row besides this one). Fields of a box the entry
    does not name, and seldom-shown columns not read (RowDetails), are None; so are `prediction_id` and the
    prediction's fields of a ground truth's entry whose partner is dropped by c."""

    id: int
    item_id: int
    ground_truth_id: int | None
    prediction_id: int | None
    ground_truth_label: str | None  # the entry's, as evaluated (the box's own may have changed since)
    prediction_label: str | None
    iou: float
    confidence: float | None
    outcome_code: int
    sort_value: float
    error_type_code: int | None  # None: no type (true positive, covered false negative, not read, no evidence)
    nearest_ground_truth_id: int | None  # a false positive's; None elsewhere and when no ground truth overlaps
    nearest_iou: float | None
    item_reference_id: str | None
    ground_truth_annotation_id: str | None
    ground_truth_box_label: str | None
    ground_truth_x: float | None
    ground_truth_y: float | None
    ground_truth_width: float | None
    ground_truth_height: float | None
    prediction_annotation_id: str | None
    prediction_box_label: str | None
    prediction_x: float | None
    prediction_y: float | None
    prediction_width: float | None
    prediction_height: float | None
    prediction_confidence: float | None
    # Seldom shown: read as RowDetails says.
    item_image_location: str | None
    item_width: int | None
    item_height: int | None
    item_metadata: dict[str, Any] | None
    ground_truth_iscrowd: bool | None
    ground_truth_metadata: dict[str, Any] | None
    prediction_class_pdf: dict[str, Any] | None
    prediction_metadata: dict[str, Any] | None
    # The evaluation's.
    dataset_id: int
    model_id: int

    @property
    def outcome(self) -> Outcome:
        return OUTCOME_BY_CODE[self.outcome_code]

    @property
    def error_type(self) -> ErrorType | None:
        return None if self.error_type_code is None else ERROR_TYPE_BY_CODE[self.error_type_code]

    @property
    def item(self) -> ItemRow:
        """The item's row (its seldom-shown fields None unless read)."""
        assert self.item_reference_id is not None, "entries are read with their item"
        return ItemRow(
            self.item_id,
            self.dataset_id,
            self.item_reference_id,
            self.item_image_location,
            self.item_width,
            self.item_height,
            self.item_metadata,
        )


# The fields of the prediction a ground truth's entry names, all None when c drops it (the entry's own
# prediction_label stays).
PREDICTION_FIELDS = tuple(
    index
    for index, name in enumerate(MatchRow._fields)
    if name.startswith("prediction_") and name != "prediction_label"
)

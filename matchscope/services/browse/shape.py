"""A page's shape: its outcome branches, conditions and label splits, with the values of its bound parameters.

A page statement is built once per shape (order, outcomes, which conditions are present, how labels split, whether
thresholds are above 0, the page size) with every other value a named bound parameter: building the UNION of up to
six ordered, limited branches costs more than running it, and the same object also hits SQLAlchemy's compiled cache
and the drivers' prepared statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, false, select, true

from matchscope.engine.error_types import BACKGROUND_THRESHOLD
from matchscope.services.browse.evaluations import EVALUATION
from matchscope.services.browse.records import (
    DEFAULT_THRESHOLDS,
    MatchFilter,
    MatchOrder,
    Outcome,
    SortField,
    Thresholds,
)
from matchscope.services.browse.rows import RowDetails
from matchscope.services.browse.sql import (
    CONFIDENCE_OR_ONE,
    ENTRY,
    as_filter,
    float_param,
    integer_param,
    string_param,
    unindexed,
)
from matchscope.services.error_types import ErrorType
from matchscope.services.reviewed import ReviewFilter, ReviewStatus, entry_review_condition, review_filter
from matchscope.services.slices import ItemMetadata, items_statement

# Above this many labels in a filter, the labels are one IN list instead of one index range each.
SPLIT_LABELS = 8


@dataclass(frozen=True, slots=True)
class Branch:
    outcome: Outcome
    is_prediction: bool
    compatible: bool
    reaches_iou: bool | None  # iou >= t (True), iou < t (False), either (None)
    confidence_kept: bool | None  # coalesce(confidence, 1) >= c (True), < c (False), either (None)


# The rows of engine/outcomes.py:OUTCOME_RULES that show an outcome, each once (tests/services/test_outcome_rules.py).
BRANCHES = (
    Branch(Outcome.TRUE_POSITIVE, True, True, True, True),
    Branch(Outcome.FALSE_POSITIVE, True, False, None, True),
    Branch(Outcome.FALSE_POSITIVE, True, True, False, True),
    Branch(Outcome.FALSE_NEGATIVE, False, False, None, None),
    Branch(Outcome.FALSE_NEGATIVE, False, True, False, None),
    Branch(Outcome.FALSE_NEGATIVE, False, True, True, False),
)


def sort_column(order: MatchOrder) -> ColumnElement[float]:
    return ENTRY.iou if order.field is SortField.IOU else CONFIDENCE_OR_ONE


def by_item_on_sqlite(shape: Shape) -> bool:
    """One item's entries are a few hundred rows of the (evaluation, item) index; without statistics, SQLite
    prefers a browsing index that serves the order and scans a whole branch for them instead (~150 ms on the
    browsing benchmark's evaluation, against well under 1 ms). PostgreSQL's statistics choose right."""
    return (shape.item_id or shape.review is ReviewFilter.REVIEWED) and not shape.lateral


def columns_for(order: MatchOrder) -> tuple[ColumnElement[float], ColumnElement[float]]:
    """(iou, confidence-or-one) as conditions on them should be spelt under ``order``."""
    if order.field is SortField.IOU:
        return ENTRY.iou, as_filter(CONFIDENCE_OR_ONE)
    return as_filter(ENTRY.iou), CONFIDENCE_OR_ONE


@dataclass(frozen=True, slots=True)
class Shape:
    order: MatchOrder
    outcomes: frozenset[Outcome]
    iou_above_zero: bool
    confidence_above_zero: bool
    min_iou: bool
    max_iou: bool
    min_confidence: bool
    max_confidence: bool
    item_id: bool
    after: bool
    # Labels: one index range per label of `split_column` ("gt" or "pred"), the rest as IN lists.
    split_column: str | None
    split_count: int
    ground_truth_in: bool
    prediction_in: bool
    limit: int
    lateral: bool  # the item and boxes as LATERAL lookups (PostgreSQL)
    details: RowDetails
    error_types: frozenset[ErrorType] | None
    typed: bool  # the evaluation's entries carry error evidence
    default_types: bool  # typed, at the thresholds whose types are stored
    review: ReviewFilter | None = None
    review_statuses: tuple[ReviewStatus, ...] = ()
    slice_kinds: tuple[str, ...] = ()  # the JSON types of a slice's values (services.slices), in key order


def shape_and_parameters(
    evaluation_id: int,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    after: tuple[float, int] | None,
    limit: int,
    lateral: bool,
    details: RowDetails,
    typed: bool,
) -> tuple[Shape, dict[str, Any]]:
    parameters: dict[str, Any] = {
        "evaluation_id": evaluation_id,
        "t": thresholds.iou,
        "c": thresholds.confidence,
        "b": BACKGROUND_THRESHOLD,
    }
    for name in ("min_iou", "max_iou", "min_confidence", "max_confidence", "item_id"):
        value = getattr(query, name)
        if value is not None:
            parameters[name] = value
    if after is not None:
        parameters["after_value"], parameters["after_id"] = after
    gt, pred = query.ground_truth_labels, query.prediction_labels
    split_column: str | None = None
    split_values: list[str] = []
    ground_truth_in = prediction_in = False
    if gt is not None and len(gt) <= SPLIT_LABELS:
        split_column, split_values = "gt", sorted(set(gt))
    elif gt is not None:
        ground_truth_in, parameters["gt_in"] = True, sorted(set(gt))
    if pred is not None and split_column is None and len(pred) <= SPLIT_LABELS:
        split_column, split_values = "pred", sorted(set(pred))
    elif pred is not None:
        prediction_in, parameters["pred_in"] = True, sorted(set(pred))
    for index, value in enumerate(split_values):
        parameters[f"label_{index}"] = value
    review, review_statuses = review_filter(query.review_statuses)
    shape = Shape(
        order=order,
        outcomes=query.outcomes if query.outcomes is not None else frozenset(Outcome),
        iou_above_zero=thresholds.iou > 0.0,
        confidence_above_zero=thresholds.confidence > 0.0,
        min_iou=query.min_iou is not None,
        max_iou=query.max_iou is not None,
        min_confidence=query.min_confidence is not None,
        max_confidence=query.max_confidence is not None,
        item_id=query.item_id is not None,
        after=after is not None,
        split_column=split_column,
        split_count=len(split_values),
        ground_truth_in=ground_truth_in,
        prediction_in=prediction_in,
        limit=limit,
        lateral=lateral,
        details=details,
        review=review,
        review_statuses=review_statuses,
        slice_kinds=with_slice(parameters, query.item_metadata, lateral),
        error_types=query.error_types,
        typed=typed,
        default_types=typed and thresholds == DEFAULT_THRESHOLDS,
    )
    return shape, parameters


def with_slice(parameters: dict[str, Any], metadata: ItemMetadata | None, lateral: bool) -> tuple[str, ...]:
    """The slice's shape; its values added to `parameters`."""
    if metadata is None:
        return ()
    parameters.update(metadata.parameters(postgresql=lateral))
    return metadata.kinds


def branch_conditions(branch: Branch, shape: Shape) -> list[ColumnElement[bool]] | None:
    """The branch's conditions; None when no entry can satisfy them (iou < 0, confidence < 0)."""
    iou, confidence = columns_for(shape.order)
    is_prediction, compatible = ENTRY.is_prediction, ENTRY.compatible
    if by_item_on_sqlite(shape):
        is_prediction, compatible = unindexed(is_prediction), unindexed(compatible)
    on_iou = _threshold_conditions(iou, branch.reaches_iou, shape.iou_above_zero, "t")
    on_confidence = _threshold_conditions(confidence, branch.confidence_kept, shape.confidence_above_zero, "c")
    if on_iou is None or on_confidence is None:
        return None
    return [
        # `= true`, not `IS TRUE`: only equality is an index condition on PostgreSQL.
        is_prediction == (true() if branch.is_prediction else false()),
        compatible == (true() if branch.compatible else false()),
        *on_iou,
        *on_confidence,
    ]


def _threshold_conditions(
    column: ColumnElement[float], reaches: bool | None, above_zero: bool, threshold: str
) -> list[ColumnElement[bool]] | None:
    """A branch's condition on one threshold: at or above it (reaches), below it (not reaches) or none (None: either);
    None when no entry can be below a threshold of 0."""
    if reaches is False and not above_zero:
        return None
    if reaches is True and above_zero:
        return [column >= float_param(threshold)]
    if reaches is False:
        return [column < float_param(threshold)]
    return []


def filter_conditions(shape: Shape) -> list[ColumnElement[bool]]:
    iou, confidence = columns_for(shape.order)
    conditions: list[ColumnElement[bool]] = []
    if shape.min_iou:
        conditions.append(iou >= float_param("min_iou"))
    if shape.max_iou:
        conditions.append(iou <= float_param("max_iou"))
    if shape.min_confidence:
        conditions.append(confidence >= float_param("min_confidence"))
    if shape.max_confidence:
        conditions.append(confidence <= float_param("max_confidence"))
    if shape.item_id:
        conditions.append(ENTRY.item_id == integer_param("item_id"))
    if shape.ground_truth_in:
        conditions.append(ENTRY.ground_truth_label.in_(bindparam("gt_in", expanding=True, type_=String())))
    if shape.prediction_in:
        conditions.append(ENTRY.prediction_label.in_(bindparam("pred_in", expanding=True, type_=String())))
    if shape.review is not None:
        conditions.append(entry_review_condition(shape.review, shape.review_statuses))
    if shape.slice_kinds:
        conditions.append(ENTRY.item_id.in_(slice_items(shape)))
    return conditions


def slice_items(shape: Shape) -> Select[Any]:
    """The ids of the slice's items. SQLite: one common table, read once per page and shared by every branch.
    PostgreSQL: each branch looks its entries' items up by primary key (a nested loop keeps the branch's order);
    a common table there is scanned whole for every entry (66 ms for a page of the browsing benchmark's night
    slice, against a few)."""
    dataset_id = select(EVALUATION.dataset_id).where(EVALUATION.id == integer_param("evaluation_id")).scalar_subquery()
    if shape.lateral:
        return items_statement(shape.slice_kinds, dataset_id, postgresql=True)
    statement = items_statement(shape.slice_kinds, dataset_id, postgresql=False)
    items = statement.cte("slice_items").prefix_with("MATERIALIZED")
    return select(items.c.id)


def label_splits(shape: Shape) -> list[list[ColumnElement[bool]]]:
    """Label conditions split into one alternative per label, where an index range can serve each."""
    if shape.split_column is None:
        return [[]]
    column = ENTRY.ground_truth_label if shape.split_column == "gt" else ENTRY.prediction_label
    return [[column == string_param(f"label_{index}")] for index in range(shape.split_count)]

"""Browsing an evaluation's entries at query-time thresholds (DESIGN §3): keyset pages and one item's entries.

A `match_entry` row stands for one box. At IoU threshold t and confidence threshold c:

- a prediction row is dropped when its confidence (null = 1) < c; otherwise it is a TRUE_POSITIVE when its
  pair reaches t with compatible labels, else a FALSE_POSITIVE;
- a ground-truth row is hidden when its pair is a TRUE_POSITIVE (the prediction row stands for it);
  otherwise it is a FALSE_NEGATIVE.

Each outcome is a union of a few disjoint *branches*, each an equality on (is_prediction, compatible) plus
ranges on iou and confidence, so every branch is one range scan of a composite index ordered by
(sort value, id). A page is the UNION ALL of the branches' own ordered, limited pages, merged and cut again:
page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    false,
    literal,
    literal_column,
    null,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.engine.error_types import BACKGROUND_THRESHOLD
from matchscope.services import error_types
from matchscope.services.error_types import ERROR_TYPE_BY_CODE, ErrorType
from matchscope.services.errors import ValidationFailed
from matchscope.services.pagination import MAX_PAGE, Page, decode_cursor, encode_cursor, page_size
from matchscope.services.reviewed import ReviewFilter, ReviewStatus, entry_review_condition, review_filter
from matchscope.services.slices import ItemMetadata, items_statement
from matchscope.store.changes import RowCache
from matchscope.store.dialect import is_postgresql
from matchscope.store.reads import Reads, fetch_all
from matchscope.store.tables import BoxAnnotation, BoxPrediction, DatasetItem, Evaluation, MatchEntry

# Above this many labels in a filter, the labels are one IN list instead of one index range each.
_SPLIT_LABELS = 8
_ENTRY = MatchEntry.__table__.c  # type: ignore[attr-defined]
# Spelt exactly as in the expression index of migration 0002 so both backends can use it.
CONFIDENCE_OR_ONE: ColumnElement[float] = literal_column("coalesce(match_entry.confidence, 1.0)")


class Outcome(enum.StrEnum):
    TRUE_POSITIVE = "TRUE_POSITIVE"
    FALSE_POSITIVE = "FALSE_POSITIVE"
    FALSE_NEGATIVE = "FALSE_NEGATIVE"


_OUTCOME_CODES = {Outcome.TRUE_POSITIVE: 0, Outcome.FALSE_POSITIVE: 1, Outcome.FALSE_NEGATIVE: 2}
OUTCOME_BY_CODE = {code: outcome for outcome, code in _OUTCOME_CODES.items()}
_FALSE_NEGATIVE_CODE = _OUTCOME_CODES[Outcome.FALSE_NEGATIVE]


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
_PREDICTION_FIELDS = tuple(
    index
    for index, name in enumerate(MatchRow._fields)
    if name.startswith("prediction_") and name != "prediction_label"
)


@dataclass(frozen=True, slots=True)
class _Branch:
    outcome: Outcome
    is_prediction: bool
    compatible: bool
    reaches_iou: bool | None  # iou >= t (True), iou < t (False), either (None)
    confidence_kept: bool | None  # coalesce(confidence, 1) >= c (True), < c (False), either (None)


_BRANCHES = (
    _Branch(Outcome.TRUE_POSITIVE, True, True, True, True),
    _Branch(Outcome.FALSE_POSITIVE, True, False, None, True),
    _Branch(Outcome.FALSE_POSITIVE, True, True, False, True),
    _Branch(Outcome.FALSE_NEGATIVE, False, False, None, None),
    _Branch(Outcome.FALSE_NEGATIVE, False, True, False, None),
    _Branch(Outcome.FALSE_NEGATIVE, False, True, True, False),
)


def _sort_column(order: MatchOrder) -> ColumnElement[float]:
    return _ENTRY.iou if order.field is SortField.IOU else CONFIDENCE_OR_ONE


def _as_filter(column: ColumnElement[float]) -> ColumnElement[float]:
    """The same value, spelt so that no index matches it: SQLite's planner would otherwise pick the index of a
    range condition over the one that serves the ORDER BY, and sort the whole range."""
    return column + 0


_unindexed = error_types.unindexed


def _by_item_on_sqlite(shape: _Shape) -> bool:
    """One item's entries are a few hundred rows of the (evaluation, item) index; without statistics, SQLite
    prefers a browsing index that serves the order and scans a whole branch for them instead (~150 ms on the
    browsing benchmark's evaluation, against well under 1 ms). PostgreSQL's statistics choose right."""
    return (shape.item_id or shape.review is ReviewFilter.REVIEWED) and not shape.lateral


def _columns_for(order: MatchOrder) -> tuple[ColumnElement[float], ColumnElement[float]]:
    """(iou, confidence-or-one) as conditions on them should be spelt under ``order``."""
    if order.field is SortField.IOU:
        return _ENTRY.iou, _as_filter(CONFIDENCE_OR_ONE)
    return _as_filter(_ENTRY.iou), CONFIDENCE_OR_ONE


# A page statement is built once per *shape* (order, outcomes, which conditions are present, how labels split,
# whether thresholds are above 0, the page size) with every other value a named bound parameter: building the
# UNION of up to six ordered, limited branches costs more than running it, and the same object also hits
# SQLAlchemy's compiled cache and the drivers' prepared statements.


def _literal_limit(rows: int) -> Any:
    """A LIMIT written into the statement: with a parameter there, PostgreSQL's generic plan for the prepared
    statement assumes a tenth of the table and is 15x slower than a custom one, so it plans every execution anew
    (~0.3 ms); with the number written, the generic plan is as good and is kept."""
    return literal_column(str(int(rows)), Integer())


def _float(name: str) -> Any:
    return bindparam(name, type_=Float())


def _integer(name: str) -> Any:
    return bindparam(name, type_=Integer())


def _string(name: str) -> Any:
    return bindparam(name, type_=String())


@dataclass(frozen=True, slots=True)
class _Shape:
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


def _shape_and_parameters(
    evaluation_id: int,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    after: tuple[float, int] | None,
    limit: int,
    lateral: bool,
    details: RowDetails,
    typed: bool,
) -> tuple[_Shape, dict[str, Any]]:
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
    if gt is not None and len(gt) <= _SPLIT_LABELS:
        split_column, split_values = "gt", sorted(set(gt))
    elif gt is not None:
        ground_truth_in, parameters["gt_in"] = True, sorted(set(gt))
    if pred is not None and split_column is None and len(pred) <= _SPLIT_LABELS:
        split_column, split_values = "pred", sorted(set(pred))
    elif pred is not None:
        prediction_in, parameters["pred_in"] = True, sorted(set(pred))
    for index, value in enumerate(split_values):
        parameters[f"label_{index}"] = value
    review, review_statuses = review_filter(query.review_statuses)
    shape = _Shape(
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
        slice_kinds=_with_slice(parameters, query.item_metadata, lateral),
        error_types=query.error_types,
        typed=typed,
        default_types=typed and thresholds == DEFAULT_THRESHOLDS,
    )
    return shape, parameters


def _with_slice(parameters: dict[str, Any], metadata: ItemMetadata | None, lateral: bool) -> tuple[str, ...]:
    """The slice's shape; its values added to `parameters`."""
    if metadata is None:
        return ()
    parameters.update(metadata.parameters(postgresql=lateral))
    return metadata.kinds


def _branch_conditions(branch: _Branch, shape: _Shape) -> list[ColumnElement[bool]] | None:
    """The branch's conditions; None when no entry can satisfy them (iou < 0, confidence < 0)."""
    iou, confidence = _columns_for(shape.order)
    is_prediction, compatible = _ENTRY.is_prediction, _ENTRY.compatible
    if _by_item_on_sqlite(shape):
        is_prediction, compatible = _unindexed(is_prediction), _unindexed(compatible)
    conditions: list[ColumnElement[bool]] = [
        # `= true`, not `IS TRUE`: only equality is an index condition on PostgreSQL.
        is_prediction == (true() if branch.is_prediction else false()),
        compatible == (true() if branch.compatible else false()),
    ]
    if branch.reaches_iou is False and not shape.iou_above_zero:
        return None
    if branch.reaches_iou is True and shape.iou_above_zero:
        conditions.append(iou >= _float("t"))
    elif branch.reaches_iou is False:
        conditions.append(iou < _float("t"))
    if branch.confidence_kept is False and not shape.confidence_above_zero:
        return None
    if branch.confidence_kept is True and shape.confidence_above_zero:
        conditions.append(confidence >= _float("c"))
    elif branch.confidence_kept is False:
        conditions.append(confidence < _float("c"))
    return conditions


def _filter_conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    iou, confidence = _columns_for(shape.order)
    conditions: list[ColumnElement[bool]] = []
    if shape.min_iou:
        conditions.append(iou >= _float("min_iou"))
    if shape.max_iou:
        conditions.append(iou <= _float("max_iou"))
    if shape.min_confidence:
        conditions.append(confidence >= _float("min_confidence"))
    if shape.max_confidence:
        conditions.append(confidence <= _float("max_confidence"))
    if shape.item_id:
        conditions.append(_ENTRY.item_id == _integer("item_id"))
    if shape.ground_truth_in:
        conditions.append(_ENTRY.ground_truth_label.in_(bindparam("gt_in", expanding=True, type_=String())))
    if shape.prediction_in:
        conditions.append(_ENTRY.prediction_label.in_(bindparam("pred_in", expanding=True, type_=String())))
    if shape.review is not None:
        conditions.append(entry_review_condition(shape.review, shape.review_statuses))
    if shape.slice_kinds:
        conditions.append(_ENTRY.item_id.in_(_slice_items(shape)))
    return conditions


def _slice_items(shape: _Shape) -> Select[Any]:
    """The ids of the slice's items. SQLite: one common table, read once per page and shared by every branch.
    PostgreSQL: each branch looks its entries' items up by primary key (a nested loop keeps the branch's order);
    a common table there is scanned whole for every entry (66 ms for a page of the browsing benchmark's night
    slice, against a few)."""
    dataset_id = select(_EVALUATION.dataset_id).where(_EVALUATION.id == _integer("evaluation_id")).scalar_subquery()
    if shape.lateral:
        return items_statement(shape.slice_kinds, dataset_id, postgresql=True)
    statement = items_statement(shape.slice_kinds, dataset_id, postgresql=False)
    items = statement.cte("slice_items").prefix_with("MATERIALIZED")
    return select(items.c.id)


def _label_splits(shape: _Shape) -> list[list[ColumnElement[bool]]]:
    """Label conditions split into one alternative per label, where an index range can serve each."""
    if shape.split_column is None:
        return [[]]
    column = _ENTRY.ground_truth_label if shape.split_column == "gt" else _ENTRY.prediction_label
    return [[column == _string(f"label_{index}")] for index in range(shape.split_count)]


_ITEM = DatasetItem.__table__.c  # type: ignore[attr-defined]
_ANNOTATION = BoxAnnotation.__table__.c  # type: ignore[attr-defined]
_PREDICTION = BoxPrediction.__table__.c  # type: ignore[attr-defined]
# Only what the entry and its evaluation do not already say (the rows' own ids, item, dataset and model are the
# entry's and the evaluation's), in MatchRow's order: each relation's columns always read, then the seldom-shown
# ones of each relation. The first column of each relation is NOT NULL, so None there means no row was joined.
_BOX = ("annotation_id", "label", "x", "y", "width", "height")
_ALWAYS = (
    [_ITEM["reference_id"]],
    [_ANNOTATION[name] for name in _BOX],
    [_PREDICTION[name] for name in (*_BOX, "confidence")],
)
_DETAILS = (
    [_ITEM[name] for name in ("image_location", "width", "height", "metadata")],
    [_ANNOTATION["iscrowd"], _ANNOTATION["metadata"]],
    [_PREDICTION["class_pdf"], _PREDICTION["metadata"]],
)
_PAGE_ORDER = itemgetter(9, 0)  # (sort value, id)
# What a record lacks of a MatchRow: the seldom-shown columns after the last relation that reads them, then the
# evaluation's dataset and model.
_ROW_FIELDS = len(MatchRow._fields) - 2


@dataclass(frozen=True, slots=True)
class RowDetails:
    """Whether a page reads the seldom-shown columns of the rows its entries name: the item's image location, size
    and metadata; the ground truth's crowd flag and metadata; the prediction's class PDF and metadata. Each left
    out spares a page 50 to 200 values (a page reads 32 columns a row with all of them, 24 without); the row then
    holds None there."""

    item: bool = True
    ground_truth: bool = True
    prediction: bool = True
    # Whether false negatives are typed (MISSED or not): a lookup of the item's predictions per row. A false
    # positive's type is read from its own row whatever this says.
    error_type: bool = True

    def columns(self, relations: tuple[Any, ...]) -> list[Any]:
        """The columns a page reads after the entry's, from the item, ground truth and prediction given as
        tables or subqueries: those always read, then the seldom-shown ones, as NULL where not wanted but a later
        relation's are (a row is the record plus the missing tail)."""
        columns = [
            relation.c[column.name] for relation, group in zip(relations, _ALWAYS, strict=True) for column in group
        ]
        wanted = self._wanted()
        last = max((index for index, flag in enumerate(wanted) if flag), default=-1)
        for index in range(last + 1):
            group = _DETAILS[index]
            if wanted[index]:
                columns.extend(relations[index].c[column.name] for column in group)
            else:
                columns.extend(null().label(f"no_{index}_{column.name}") for column in group)
        return columns

    def lookup_columns(self, index: int) -> list[Any]:
        """What the lookup of relation `index` (item, ground truth, prediction) selects."""
        return [*_ALWAYS[index], *(_DETAILS[index] if self._wanted()[index] else [])]

    def _wanted(self) -> tuple[bool, bool, bool]:
        return self.item, self.ground_truth, self.prediction


EVERY_DETAIL = RowDetails()


@lru_cache(maxsize=512)
def _shape_statement(shape: _Shape) -> Select[Any]:
    order = shape.order
    sort = _sort_column(order)
    if _by_item_on_sqlite(shape):
        sort = _as_filter(sort)
    evaluation_id = _ENTRY.evaluation_id
    if shape.review is ReviewFilter.REVIEWED and not shape.lateral:
        # Reviewed entries are a few ids, each a rowid lookup; through an index of the evaluation SQLite scans it.
        evaluation_id = _as_filter(evaluation_id)
    common = [evaluation_id == _integer("evaluation_id"), *_filter_conditions(shape)]
    if shape.after:
        key = tuple_(sort, _ENTRY.id)
        bound = tuple_(_float("after_value"), _integer("after_id"))
        common.append(key < bound if order.descending else key > bound)
    ordering = _keyset_order(sort, _ENTRY.id, order.descending)
    limit = _literal_limit(shape.limit)
    parts = _type_ranges(shape, common, sort) if _types_by_index(shape) else _branches(shape, common, sort)
    assert parts, "matches_page reads nothing when no branch can hold entries"
    page = _merged_page(parts, ordering, order.descending, limit, shape.lateral)
    return _with_rows_named(page, shape.lateral, shape.details)


def _arm(outcome: Outcome, sort: Any, type_code: Any, conditions: list[Any]) -> Select[Any]:
    return select(
        _ENTRY.id,
        _ENTRY.item_id,
        _ENTRY.ground_truth_id,
        _ENTRY.prediction_id,
        _ENTRY.ground_truth_label,
        _ENTRY.prediction_label,
        _ENTRY.iou,
        _ENTRY.confidence,
        literal(_OUTCOME_CODES[outcome]).label("outcome_code"),
        sort.label("sort_value"),
        type_code.label("error_type_code"),
        *_nearest_columns(outcome),
    ).where(and_(*conditions))


def _branches(shape: _Shape, common: list[Any], sort: Any) -> list[Select[Any]]:
    """One arm per outcome branch (and label); an error type filter is a condition on each."""
    parts: list[Select[Any]] = []
    for branch in _BRANCHES:
        conditions = _branch_conditions(branch, shape)
        if branch.outcome not in shape.outcomes or conditions is None:
            continue
        typing = _error_typing(branch, shape)
        if typing is None:
            continue
        type_code, type_conditions = typing
        for labels in _label_splits(shape):
            parts.append(_arm(branch.outcome, sort, type_code, [*common, *conditions, *type_conditions, *labels]))
    return parts


def _types_by_index(shape: _Shape) -> bool:
    """At the default thresholds every entry's type is stored: pages of error types by IoU are ranges of
    ix_entry_error_type. Elsewhere (other thresholds, confidence order) the false-positive or false-negative
    branches are read in order with the type as a condition."""
    return (
        shape.error_types is not None
        and shape.default_types
        and shape.order.field is SortField.IOU
        and not shape.item_id  # one item's entries: its branches through the item index
        and shape.review is not ReviewFilter.REVIEWED  # a few entries, each read by id
    )


def _type_ranges(shape: _Shape, common: list[Any], sort: Any) -> list[Select[Any]]:
    """One arm per error type (and label): its range of ix_entry_error_type."""
    assert shape.error_types is not None
    parts: list[Select[Any]] = []
    for kind in sorted(shape.error_types):
        outcome = Outcome.FALSE_NEGATIVE if kind is ErrorType.MISSED else Outcome.FALSE_POSITIVE
        if outcome not in shape.outcomes:
            continue
        code = literal_column(str(error_types.CODES[kind]), Integer())  # written: SQLite then sees the partial index
        for labels in _label_splits(shape):
            parts.append(_arm(outcome, sort, code, [*common, _ENTRY.default_error_type == code, *labels]))
    return parts


def _error_typing(branch: _Branch, shape: _Shape) -> tuple[Any, list[ColumnElement[bool]]] | None:
    """A branch's error type code column and the conditions of an `errorTypes` filter on it; None when the filter
    leaves the branch nothing (a filter also leaves nothing of an evaluation without evidence, which pages check
    before they get here)."""
    kinds = shape.error_types
    if not shape.typed:  # pages of an error type filter stop before
        return error_types.null_code(), []
    if shape.default_types:
        return _stored_typing(branch, kinds)
    if branch.outcome is Outcome.TRUE_POSITIVE:
        return (error_types.null_code(), []) if kinds is None else None
    if branch.outcome is Outcome.FALSE_POSITIVE:
        if kinds is None:
            return error_types.false_positive_type(), []
        if not kinds & error_types.FALSE_POSITIVE_TYPES:
            return None
        condition = error_types.type_condition(kinds)
        return error_types.false_positive_type(), [] if condition is None else [condition]
    if kinds is not None:
        if ErrorType.MISSED not in kinds:
            return None
        missed = literal(error_types.CODES[ErrorType.MISSED])
        return missed, [error_types.missed(shape.confidence_above_zero, not shape.lateral)]
    if shape.details.error_type:
        return error_types.missed_code(shape.confidence_above_zero, not shape.lateral), []
    return error_types.null_code(), []


def _stored_typing(branch: _Branch, kinds: frozenset[ErrorType] | None) -> tuple[Any, list[Any]] | None:
    """`_error_typing` at the default thresholds: the stored type, and the filter as a condition on it."""
    stored = _ENTRY.default_error_type
    if branch.outcome is Outcome.TRUE_POSITIVE:
        return (error_types.null_code(), []) if kinds is None else None
    if kinds is None:
        return stored, []
    outcome_kinds = {ErrorType.MISSED} if branch.outcome is Outcome.FALSE_NEGATIVE else error_types.FALSE_POSITIVE_TYPES
    wanted = sorted(error_types.CODES[kind] for kind in kinds & outcome_kinds)
    return (stored, [stored.in_([literal_column(str(code), Integer()) for code in wanted])]) if wanted else None


def _nearest_columns(outcome: Outcome) -> list[Any]:
    """A false positive's nearest ground truth and its IoU; null for other outcomes."""
    if outcome is Outcome.FALSE_POSITIVE:
        nearest_iou = case((_ENTRY.nearest_ground_truth_id.is_(None), null()), else_=error_types.nearest_iou(_ENTRY))
        return [_ENTRY.nearest_ground_truth_id, nearest_iou.label("nearest_iou")]
    return [null().cast(Integer()).label("nearest_ground_truth_id"), null().cast(Float()).label("nearest_iou")]


def _keyset_order(sort: Any, entry_id: Any, descending: bool) -> tuple[Any, Any]:
    """ORDER BY (sort value, id), both in the page's direction."""
    return (sort.desc(), entry_id.desc()) if descending else (sort.asc(), entry_id.asc())


def _merged_page(
    parts: list[Select[Any]], ordering: tuple[Any, ...], descending: bool, limit: Any, lateral: bool
) -> Subquery:
    """The first `limit` entries of the branches' union in page order, cut before the joins: otherwise SQLite
    pushes the joins into every branch and joins up to six times the rows it returns."""

    def page_order(columns: Any) -> tuple[Any, ...]:
        return _keyset_order(columns.sort_value, columns.id, descending)

    if not lateral:
        # SQLite merges a compound SELECT's arms, each read lazily in index order, and stops after `limit` rows.
        # Arms with an ORDER BY and LIMIT of their own were each sorted again into a temporary B-tree before the
        # merge: the page of (a) cost 3.26 M instructions of SQLite and its driver that way, 2.52 M merged.
        compound: Any = parts[0] if len(parts) == 1 else union_all(*parts)
        return compound.order_by(*page_order(compound.selected_columns)).limit(limit).subquery()  # type: ignore[no-any-return]
    # PostgreSQL runs each arm as an ordered, limited index scan and appends them in order (Merge Append).
    limited = [select(part.order_by(*ordering).limit(limit).subquery()) for part in parts]
    merged = limited[0].subquery() if len(limited) == 1 else union_all(*limited).subquery()
    return select(merged).order_by(*page_order(merged.c)).limit(limit).subquery()


def _with_rows_named(page: Subquery, lateral: bool, details: RowDetails) -> Select[Any]:
    """The page's entries with the item and boxes each names, in no particular order: `_to_rows` sorts them, which
    costs less than SQLite's sorter. On PostgreSQL each is a LATERAL lookup by primary key: with plain joins the
    planner hashes the whole item table for a page's 50 rows when its statistics are small or stale (1.8 ms instead
    of 1.1 ms for a page, measured on the browsing benchmark's database)."""
    keys = (
        (_ITEM.id, page.c.item_id),
        (_ANNOTATION.id, page.c.ground_truth_id),
        (_PREDICTION.id, page.c.prediction_id),
    )
    if not lateral:
        tables = (DatasetItem.__table__, BoxAnnotation.__table__, BoxPrediction.__table__)  # type: ignore[attr-defined]
        statement = select(page, *details.columns(tables))
        for (key, reference), table in zip(keys, tables, strict=True):
            statement = statement.outerjoin(table, key == reference)
        return statement
    lookups = tuple(
        select(*details.lookup_columns(index)).where(key == reference).limit(_literal_limit(1)).lateral()
        for index, (key, reference) in enumerate(keys)
    )
    joined: Any = page
    for lookup in lookups:
        joined = joined.outerjoin(lookup, true())
    return select(page, *details.columns(lookups)).select_from(joined)


def _page_statement(
    db: AsyncSession | Reads,
    evaluation: EvaluationRow,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    after: tuple[float, int] | None,
    limit: int,
    details: RowDetails = EVERY_DETAIL,
) -> tuple[Select[Any], dict[str, Any]]:
    """The statement of a page (shared by every page of its shape) and the values of its parameters."""
    lateral = is_postgresql(db)
    shape, parameters = _shape_and_parameters(
        evaluation.id, thresholds, query, order, after, limit, lateral, details, evaluation.error_evidence
    )
    return _shape_statement(shape), parameters


def _to_rows(
    evaluation: EvaluationRow, records: list[Any], order: MatchOrder, thresholds: Thresholds, limit: int | None = None
) -> list[MatchRow]:
    """The page's records in order, the first `limit` of them as entries."""
    records.sort(key=_PAGE_ORDER, reverse=order.descending)
    return _as_rows(evaluation, records[:limit], thresholds)


def _as_rows(evaluation: EvaluationRow, records: list[Any], thresholds: Thresholds) -> list[MatchRow]:
    """Records of one evaluation's entries as MatchRows, in their order."""
    if not records:
        return []
    tail = (None,) * (_ROW_FIELDS - len(records[0])) + (evaluation.dataset_id, evaluation.model_id)
    make = MatchRow._make
    rows = [make(record + tail) for record in records]
    minimum = thresholds.confidence
    if minimum > 0.0:
        for index, row in enumerate(rows):
            # Only a ground truth's entry is a false negative (every branch fixes is_prediction: no page reads it).
            confidence = 1.0 if row.confidence is None else row.confidence
            if row.outcome_code == _FALSE_NEGATIVE_CODE and confidence < minimum:
                values = list(row)
                for position in _PREDICTION_FIELDS:  # not part of the outcome set at this threshold
                    values[position] = None
                rows[index] = make(values)
    return rows


# Entries read by id name their ids in a fixed number of parameters (the unused repeat the last id): an expanding
# IN list is compiled again on every execution: two thirds of a page of flips (36 of 55 ms, profiled under load).
_BY_ID_SLOTS = 2 * MAX_PAGE


@lru_cache(maxsize=2)
def _by_id_statement(lateral: bool) -> Select[Any]:
    picked = (
        select(
            _ENTRY.id,
            _ENTRY.item_id,
            _ENTRY.ground_truth_id,
            _ENTRY.prediction_id,
            _ENTRY.ground_truth_label,
            _ENTRY.prediction_label,
            _ENTRY.iou,
            _ENTRY.confidence,
            case(
                (_ENTRY.is_prediction == true(), literal(_OUTCOME_CODES[Outcome.TRUE_POSITIVE])),
                else_=literal(_FALSE_NEGATIVE_CODE),
            ).label("outcome_code"),
            _ENTRY.iou.label("sort_value"),
            error_types.null_code().label("error_type_code"),  # a row standing for a TP or FN: no type read
            *_nearest_columns(Outcome.TRUE_POSITIVE),
        )
        .where(_ENTRY.id.in_([_integer(f"entry_{slot}") for slot in range(_BY_ID_SLOTS)]))
        .subquery()
    )
    return _with_rows_named(picked, lateral, EVERY_DETAIL)


async def entries_by_id(
    db: AsyncSession | Reads, *, sides: Sequence[tuple[EvaluationRow, Sequence[int]]], thresholds: Thresholds
) -> dict[int, MatchRow]:
    """Entries of several evaluations by id, with the item and boxes each names: one SQL statement for up to
    two pages' worth. The caller names the row that stands for each outcome at ``thresholds``: a prediction's row
    reads as its TRUE_POSITIVE, a ground truth's as its FALSE_NEGATIVE (its partner's fields None when
    ``thresholds`` drops the partner)."""
    owner = {entry_id: evaluation for evaluation, ids in sides for entry_id in ids}
    ids = sorted(owner)
    statement = _by_id_statement(is_postgresql(db))
    rows: dict[int, MatchRow] = {}
    for start in range(0, len(ids), _BY_ID_SLOTS):
        chunk = ids[start : start + _BY_ID_SLOTS]
        chunk += [chunk[-1]] * (_BY_ID_SLOTS - len(chunk))
        records = await fetch_all(db, statement, {f"entry_{slot}": value for slot, value in enumerate(chunk)})
        for record in records:
            (row,) = _as_rows(owner[record[0]], [record], thresholds)
            rows[row.id] = row
    return rows


def _decode_after(after: str | None) -> tuple[float, int] | None:
    if after is None:
        return None
    value, entry_id = decode_cursor(after, 2)
    if not isinstance(value, int | float) or not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise ValidationFailed.single("after", after, "not a cursor from this API")
    return float(value), entry_id


async def matches_page(
    db: AsyncSession | Reads,
    *,
    evaluation: EvaluationRow,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    first: int | None,
    after: str | None,
    details: RowDetails = EVERY_DETAIL,
) -> Page[MatchRow]:
    """One page of entries, ordered by (sort value, id) in `order`'s direction, with the item and boxes each
    names (their seldom-shown columns as `details` says); one SQL statement."""
    size = page_size(first)
    cursor = _decode_after(after)
    if (
        size == 0
        or frozenset() in (query.outcomes, query.review_statuses)
        or ()
        in (
            query.ground_truth_labels,
            query.prediction_labels,
        )
    ):
        return Page(rows=[], cursors=[], has_next_page=False, has_previous_page=cursor is not None)
    if query.error_types is not None and not _typed_outcomes(query.error_types, evaluation) & (
        query.outcomes if query.outcomes is not None else frozenset(Outcome)
    ):
        return Page(rows=[], cursors=[], has_next_page=False, has_previous_page=cursor is not None)
    statement, parameters = _page_statement(db, evaluation, thresholds, query, order, cursor, size + 1, details)
    records = await fetch_all(db, statement, parameters)
    rows = _to_rows(evaluation, records, order, thresholds, size)
    return Page(
        rows=rows,
        cursors=[encode_cursor((float(row.sort_value), row.id)) for row in rows],
        has_next_page=len(records) > size,
        has_previous_page=cursor is not None,
    )


def _typed_outcomes(kinds: frozenset[ErrorType], evaluation: EvaluationRow) -> frozenset[Outcome]:
    """The outcomes entries of these types can have (none without error evidence)."""
    if not evaluation.error_evidence:
        return frozenset()
    fp = {Outcome.FALSE_POSITIVE} if kinds & error_types.FALSE_POSITIVE_TYPES else set()
    return frozenset(fp | ({Outcome.FALSE_NEGATIVE} if ErrorType.MISSED in kinds else set()))


async def item_entries(
    session: AsyncSession, *, evaluation: EvaluationRow, item_id: int, thresholds: Thresholds
) -> list[MatchRow]:
    """Every entry on one item at the thresholds, by IoU descending (ids break ties)."""
    order = MatchOrder()
    statement, parameters = _page_statement(
        session, evaluation, thresholds, MatchFilter(item_id=item_id), order, None, 1_000_000
    )
    return _to_rows(evaluation, await fetch_all(session, statement, parameters), order, thresholds)


async def entry_by_id(
    session: AsyncSession, *, account_id: int, entry_id: int, thresholds: Thresholds
) -> MatchRow | None:
    """One entry of the account's at the thresholds; None when there is none or it is hidden there (a ground
    truth of a true positive)."""
    entry = (await session.execute(select(MatchEntry).where(_ENTRY.id == entry_id))).scalar_one_or_none()
    if entry is None:
        return None
    evaluation = await visible_evaluation(session, account_id=account_id, evaluation_id=entry.evaluation_id)
    if evaluation is None:
        return None
    on_item = await item_entries(session, evaluation=evaluation, item_id=entry.item_id, thresholds=thresholds)
    return next((row for row in on_item if row.id == entry_id), None)


class EvaluationRow(NamedTuple):
    """An evaluation's columns but its COCO results, tens of thousands of floats that only `coco` reads (named
    as on the table class)."""

    id: int
    account_id: int
    dataset_id: int
    model_id: int
    class_agnostic: bool
    allowed_label_matches: list[list[str]] | None
    is_current: bool
    is_complete: bool
    annotation_version: int
    prediction_version: int
    created_at: datetime
    completed_at: datetime | None
    job_id: int | None
    error_evidence: bool


_EVALUATION = Evaluation.__table__.c  # type: ignore[attr-defined]
_EVALUATION_SELECT = select(*(_EVALUATION[name] for name in EvaluationRow._fields))
# Built once: these run on every request that reads an evaluation.
_CURRENT_EVALUATION = (
    _EVALUATION_SELECT.where(
        _EVALUATION.account_id == _integer("account_id"),
        _EVALUATION.dataset_id == _integer("dataset_id"),
        _EVALUATION.model_id == _integer("model_id"),
        _EVALUATION.is_current.is_(True),
    )
    .order_by(_EVALUATION.id.desc())
    .limit(1)
)
_EVALUATION_BY_ID = _EVALUATION_SELECT.where(_EVALUATION.id == _integer("evaluation_id"))


async def current_evaluation(
    db: AsyncSession | Reads,
    *,
    account_id: int,
    dataset_id: int,
    model_id: int,
    known: RowCache[tuple[int, int, int], EvaluationRow | None] | None = None,
) -> EvaluationRow | None:
    """The account's current evaluation of the model on the dataset; `known` keeps what it read."""

    async def load() -> EvaluationRow | None:
        parameters = {"account_id": account_id, "dataset_id": dataset_id, "model_id": model_id}
        records = await fetch_all(db, _CURRENT_EVALUATION, parameters)
        return EvaluationRow._make(records[0]) if records else None

    return await load() if known is None else await known.read((account_id, dataset_id, model_id), load)


async def visible_evaluation(db: AsyncSession | Reads, *, account_id: int, evaluation_id: int) -> EvaluationRow | None:
    records = await fetch_all(db, _EVALUATION_BY_ID, {"evaluation_id": evaluation_id})
    row = EvaluationRow._make(records[0]) if records else None
    return row if row is not None and row.account_id == account_id else None


async def evaluation_coco(session: AsyncSession, *, evaluation_id: int) -> dict[str, Any] | None:
    statement = select(col(Evaluation.coco)).where(col(Evaluation.id) == evaluation_id)
    coco: dict[str, Any] | None = (await session.execute(statement)).scalar()
    return coco


__all__ = [
    "ERROR_TYPE_BY_CODE",
    "EVERY_DETAIL",
    "ErrorType",
    "EvaluationRow",
    "MatchFilter",
    "MatchOrder",
    "MatchRow",
    "Outcome",
    "RowDetails",
    "SortField",
    "Thresholds",
    "current_evaluation",
    "entries_by_id",
    "entry_by_id",
    "evaluation_coco",
    "item_entries",
    "matches_page",
    "visible_evaluation",
]

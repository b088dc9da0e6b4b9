"""The SQL statements of pages of entries and of entries by id, built once per shape."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    literal,
    literal_column,
    null,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services import error_types
from matchscope.services.browse.evaluations import EvaluationRow
from matchscope.services.browse.records import (
    FALSE_NEGATIVE_CODE,
    OUTCOME_CODES,
    MatchFilter,
    MatchOrder,
    Outcome,
    SortField,
    Thresholds,
)
from matchscope.services.browse.rows import EVERY_DETAIL, RowDetails, with_rows_named
from matchscope.services.browse.shape import (
    BRANCHES,
    Branch,
    Shape,
    branch_conditions,
    by_item_on_sqlite,
    filter_conditions,
    label_splits,
    shape_and_parameters,
    sort_column,
)
from matchscope.services.browse.sql import ENTRY, ENTRY_COLUMNS, as_filter, float_param, integer_param, literal_limit
from matchscope.services.error_types import ErrorType
from matchscope.services.pagination import MAX_PAGE
from matchscope.services.reviewed import ReviewFilter
from matchscope.store.dialect import is_postgresql
from matchscope.store.reads import Reads


@lru_cache(maxsize=512)
def _shape_statement(shape: Shape) -> Select[Any]:
    order = shape.order
    sort = sort_column(order)
    if by_item_on_sqlite(shape):
        sort = as_filter(sort)
    evaluation_id = ENTRY.evaluation_id
    if shape.review is ReviewFilter.REVIEWED and not shape.lateral:
        # Reviewed entries are a few ids, each a rowid lookup; through an index of the evaluation SQLite scans it.
        evaluation_id = as_filter(evaluation_id)
    common = [evaluation_id == integer_param("evaluation_id"), *filter_conditions(shape)]
    if shape.after:
        key = tuple_(sort, ENTRY.id)
        bound = tuple_(float_param("after_value"), integer_param("after_id"))
        common.append(key < bound if order.descending else key > bound)
    ordering = _keyset_order(sort, ENTRY.id, order.descending)
    limit = literal_limit(shape.limit)
    parts = _type_ranges(shape, common, sort) if _types_by_index(shape) else _branches(shape, common, sort)
    assert parts, "matches_page reads nothing when no branch can hold entries"
    page = _merged_page(parts, ordering, order.descending, limit, shape.lateral)
    return with_rows_named(page, shape.lateral, shape.details)


def _arm(outcome: Outcome, sort: Any, type_code: Any, conditions: list[Any]) -> Select[Any]:
    return select(
        *ENTRY_COLUMNS,
        literal(OUTCOME_CODES[outcome]).label("outcome_code"),
        sort.label("sort_value"),
        type_code.label("error_type_code"),
        *_nearest_columns(outcome),
    ).where(and_(*conditions))


def _branches(shape: Shape, common: list[Any], sort: Any) -> list[Select[Any]]:
    """One arm per outcome branch (and label); an error type filter is a condition on each."""
    parts: list[Select[Any]] = []
    for branch in BRANCHES:
        conditions = branch_conditions(branch, shape)
        if branch.outcome not in shape.outcomes or conditions is None:
            continue
        typing = _error_typing(branch, shape)
        if typing is None:
            continue
        type_code, type_conditions = typing
        for labels in label_splits(shape):
            parts.append(_arm(branch.outcome, sort, type_code, [*common, *conditions, *type_conditions, *labels]))
    return parts


def _types_by_index(shape: Shape) -> bool:
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


def _type_ranges(shape: Shape, common: list[Any], sort: Any) -> list[Select[Any]]:
    """One arm per error type (and label): its range of ix_entry_error_type."""
    assert shape.error_types is not None
    parts: list[Select[Any]] = []
    for kind in sorted(shape.error_types):
        outcome = Outcome.FALSE_NEGATIVE if kind is ErrorType.MISSED else Outcome.FALSE_POSITIVE
        if outcome not in shape.outcomes:
            continue
        code = literal_column(str(error_types.CODES[kind]), Integer())  # written: SQLite then sees the partial index
        for labels in label_splits(shape):
            parts.append(_arm(outcome, sort, code, [*common, ENTRY.default_error_type == code, *labels]))
    return parts


def _error_typing(branch: Branch, shape: Shape) -> tuple[Any, list[ColumnElement[bool]]] | None:
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


def _stored_typing(branch: Branch, kinds: frozenset[ErrorType] | None) -> tuple[Any, list[Any]] | None:
    """`_error_typing` at the default thresholds: the stored type, and the filter as a condition on it."""
    stored = ENTRY.default_error_type
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
        nearest_iou = case((ENTRY.nearest_ground_truth_id.is_(None), null()), else_=error_types.nearest_iou(ENTRY))
        return [ENTRY.nearest_ground_truth_id, nearest_iou.label("nearest_iou")]
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


def page_statement(
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
    shape, parameters = shape_and_parameters(
        evaluation.id, thresholds, query, order, after, limit, lateral, details, evaluation.error_evidence
    )
    return _shape_statement(shape), parameters


# Entries read by id name their ids in a fixed number of parameters (the unused repeat the last id): an expanding
# IN list is compiled again on every execution: two thirds of a page of flips (36 of 55 ms, profiled under load).
BY_ID_SLOTS = 2 * MAX_PAGE


def by_id_slots(count: int) -> int:
    """The slots of a statement reading `count` ids (at most BY_ID_SLOTS): the next power of two, so that a page of
    50 binds 64 values and not 200 (a tenth of the by-id read on SQLite), from a handful of statements."""
    return min(BY_ID_SLOTS, max(8, 1 << (count - 1).bit_length()))


@lru_cache(maxsize=64)
def by_id_statement(lateral: bool, slots: int = BY_ID_SLOTS, details: RowDetails = EVERY_DETAIL) -> Select[Any]:
    picked = (
        select(
            *ENTRY_COLUMNS,
            case(
                (ENTRY.is_prediction == true(), literal(OUTCOME_CODES[Outcome.TRUE_POSITIVE])),
                else_=literal(FALSE_NEGATIVE_CODE),
            ).label("outcome_code"),
            ENTRY.iou.label("sort_value"),
            error_types.null_code().label("error_type_code"),  # a row standing for a TP or FN: no type read
            *_nearest_columns(Outcome.TRUE_POSITIVE),
        )
        .where(ENTRY.id.in_([integer_param(f"entry_{slot}") for slot in range(slots)]))
        .subquery()
    )
    return with_rows_named(picked, lateral, details)

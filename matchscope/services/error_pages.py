"""Pages of entries filtered by error type at thresholds whose types are not stored, served from the evaluation's
cached entry columns.

At the default thresholds (IoU order) a type filter is a range of the stored-type index. Anywhere else the SQL
path computes every candidate's type per row (a false negative's through a lookup of its item's predictions) until a
page is full: 3-10x a plain page. Here the types at the query's thresholds are computed once in numpy over the
evaluation's entries and kept; so is the order of the typed entries by (sort value, id). A page is then a mask of
that order, a binary search for the cursor, and one statement that reads the page's rows by id.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.engine.error_types import NO_ERROR
from matchscope.services import browse, error_types, results, slices
from matchscope.services.actor import Actor
from matchscope.services.browse import (
    DEFAULT_THRESHOLDS,
    EvaluationRow,
    MatchFilter,
    MatchOrder,
    MatchRow,
    Outcome,
    SortField,
    Thresholds,
    entries_by_id,
)
from matchscope.services.browse.pages import decode_after, empty_page, rows_page
from matchscope.services.browse.records import OUTCOME_CODES
from matchscope.services.browse.rows import EVERY_DETAIL, RowDetails
from matchscope.services.metrics import EntryColumns, keep, type_codes
from matchscope.services.pagination import Page, page_size
from matchscope.store.reads import Reads

_FALSE_POSITIVE = OUTCOME_CODES[Outcome.FALSE_POSITIVE]
_FALSE_NEGATIVE = OUTCOME_CODES[Outcome.FALSE_NEGATIVE]


def serves(evaluation: EvaluationRow, thresholds: Thresholds, query: MatchFilter, order: MatchOrder) -> bool:
    """Whether a page is served from the columns: a type filter where the stored types do not serve it, on a
    complete evaluation with evidence. One item's entries and review filters stay with SQL (a few rows, through
    their indexes; reviews change and are not held in the columns)."""
    return (
        query.error_types is not None
        and evaluation.is_complete
        and evaluation.error_evidence
        and query.item_id is None
        and query.review_statuses is None
        and not (thresholds == DEFAULT_THRESHOLDS and order.field is SortField.IOU)
    )


def _sort_values(columns: EntryColumns, field: SortField) -> NDArray[np.float64]:
    return columns.iou if field is SortField.IOU else columns.confidence


def typed_order(columns: EntryColumns, thresholds: Thresholds, field: SortField) -> NDArray[np.intp]:
    """Positions of the entries that have a type at ``thresholds``, by (sort value, id) ascending; kept."""
    key = (thresholds.iou, thresholds.confidence, field)
    order = columns.page_memo.get(key)
    if order is None:
        codes = type_codes(columns, thresholds)
        typed = np.flatnonzero(codes != NO_ERROR)
        order = typed[np.lexsort((columns.entry_id[typed], _sort_values(columns, field)[typed]))]
        keep(columns.page_memo, key, order)
    return order  # type: ignore[no-any-return]


def selected(
    columns: EntryColumns,
    thresholds: Thresholds,
    query: MatchFilter,
    field: SortField,
    slice_items: NDArray[np.int64] | None,
) -> NDArray[np.intp]:
    """Positions of the entries the page's filter selects (``slice_items``: the slice's items, when it names one),
    by (sort value, id) ascending; the last few filters' kept, so that the next page of one costs a binary search."""
    key = (
        thresholds.iou,
        thresholds.confidence,
        field,
        replace(query, item_metadata=None),
        None if slice_items is None else slice_items.tobytes(),
    )
    positions = columns.page_memo.get(key)
    if positions is None:
        positions = _selected(columns, thresholds, query, field, slice_items)
        keep(columns.page_memo, key, positions)
    return positions  # type: ignore[no-any-return]


def _selected(
    columns: EntryColumns,
    thresholds: Thresholds,
    query: MatchFilter,
    field: SortField,
    slice_items: NDArray[np.int64] | None,
) -> NDArray[np.intp]:
    assert query.error_types is not None
    order = typed_order(columns, thresholds, field)
    outcomes = query.outcomes if query.outcomes is not None else frozenset(Outcome)
    wanted = np.zeros(len(error_types.CODES) + 1, dtype=np.bool_)  # by code + 1 (NO_ERROR = -1 at 0)
    for kind in query.error_types:
        outcome = Outcome.FALSE_NEGATIVE if kind is error_types.ErrorType.MISSED else Outcome.FALSE_POSITIVE
        wanted[error_types.CODES[kind] + 1] = outcome in outcomes
    kept = wanted[type_codes(columns, thresholds)[order] + 1]
    for labels, column in (
        (query.ground_truth_labels, columns.ground_truth_label),
        (query.prediction_labels, columns.prediction_label),
    ):
        if labels is not None:
            kept &= np.isin(column[order], _label_codes(columns, labels))
    for values, low, high in (
        (columns.iou, query.min_iou, query.max_iou),
        (columns.confidence, query.min_confidence, query.max_confidence),
    ):
        if low is not None:
            kept &= values[order] >= low
        if high is not None:
            kept &= values[order] <= high
    if slice_items is not None:
        kept &= np.isin(columns.item_ids, slice_items)[columns.item_index[order]]
    return order[kept]


def _label_codes(columns: EntryColumns, labels: tuple[str, ...]) -> NDArray[np.int32]:
    codes = {label: code for code, label in enumerate(columns.labels)}
    return np.array([codes[label] for label in set(labels) if label in codes], dtype=np.int32)


def _window(
    keys: NDArray[np.float64], ids: NDArray[np.int64], after: tuple[float, int] | None, size: int, descending: bool
) -> tuple[slice, bool]:
    """The slice of (keys, ids) — ascending by (key, id) — that holds the page after the cursor, in ascending order,
    and whether more follow it in the page's direction."""
    if after is None:
        start, stop = 0, len(keys)
    else:
        value, entry_id = after
        low, high = np.searchsorted(keys, value, "left"), np.searchsorted(keys, value, "right")
        side: Any = "left" if descending else "right"
        bound = int(low + np.searchsorted(ids[low:high], entry_id, side))
        start, stop = (0, bound) if descending else (bound, len(keys))
    if descending:
        return slice(max(start, stop - size), stop), stop - start > size
    return slice(start, min(stop, start + size)), stop - start > size


async def matches_page(
    actor: Actor,
    *,
    evaluation: EvaluationRow,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    first: int | None,
    after: str | None,
    details: RowDetails = EVERY_DETAIL,
) -> Page[MatchRow]:
    """A page of entries of an evaluation the actor was shown, as `browse.matches_page` gives it: from the
    evaluation's entry columns (with evidence; loaded only then) where `serves` says, else from SQL."""
    reads = actor.app.reads
    if serves(evaluation, thresholds, query, order):
        return await columns_page(
            reads,
            columns=await results.entry_columns(actor, evaluation, evidence=True),
            evaluation=evaluation,
            thresholds=thresholds,
            query=query,
            order=order,
            first=first,
            after=after,
        )
    return await browse.matches_page(
        reads,
        evaluation=evaluation,
        thresholds=thresholds,
        query=query,
        order=order,
        first=first,
        after=after,
        details=details,
    )


async def columns_page(
    reads: AsyncSession | Reads,
    *,
    columns: EntryColumns,
    evaluation: EvaluationRow,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    first: int | None,
    after: str | None,
) -> Page[MatchRow]:
    """A page of error types from ``columns`` (the evaluation's, with evidence): the rows, order and cursors of
    `browse.matches_page`."""
    size = page_size(first)
    cursor = decode_after(after)
    empty = empty_page(evaluation, query, size, cursor)
    if empty is not None:
        return empty
    items = None
    if query.item_metadata is not None and query.item_metadata.pairs:
        items = await slices.item_ids(reads, dataset_id=evaluation.dataset_id, metadata=query.item_metadata)
    positions = selected(columns, thresholds, query, order.field, items)
    keys = _sort_values(columns, order.field)[positions]
    window, has_next = _window(keys, columns.entry_id[positions], cursor, size, order.descending)
    step = -1 if order.descending else 1
    picked, picked_keys = positions[window][::step], keys[window][::step]
    ids = [int(entry_id) for entry_id in columns.entry_id[picked]]
    read = await entries_by_id(reads, sides=[(evaluation, ids)], thresholds=thresholds)
    codes = type_codes(columns, thresholds)
    rows = [
        _typed_row(read[entry_id], columns, position, int(codes[position]), sort_value)
        for position, entry_id, sort_value in zip(picked.tolist(), ids, picked_keys.tolist(), strict=True)
        if entry_id in read  # deleted since the columns were read
    ]
    return rows_page(rows, has_next, cursor)


def _typed_row(row: MatchRow, columns: EntryColumns, position: int, code: int, sort_value: float) -> MatchRow:
    """A row read by id (standing as TP or FN) as the page shows it: its outcome, type and sort value, and a false
    positive's nearest ground truth."""
    if code == error_types.CODES[error_types.ErrorType.MISSED]:
        return row._replace(outcome_code=_FALSE_NEGATIVE, sort_value=sort_value, error_type_code=code)
    evidence = columns.evidence
    nearest = int(evidence["nearest_ground_truth_id"][position])
    compatible, incompatible = evidence["compatible_iou"][position], evidence["incompatible_iou"][position]
    return row._replace(
        outcome_code=_FALSE_POSITIVE,
        sort_value=sort_value,
        error_type_code=code,
        nearest_ground_truth_id=None if nearest < 0 else nearest,
        nearest_iou=None if nearest < 0 else float(compatible if compatible >= incompatible else incompatible),
    )

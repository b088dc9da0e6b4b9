"""Pages of entries filtered by error type at thresholds whose types are not stored, served from the evaluation's
cached entry columns.

At the default thresholds (IoU order) a type filter is a range of the stored-type index. Anywhere else the SQL
path computes every candidate's type per row (a false negative's through a lookup of its item's predictions) until a
page is full: 3-10x a plain page. Here the types at the query's thresholds are computed once in numpy over the
evaluation's entries and kept; so is the order of the typed entries by (sort value, id). A page is then a mask of
that order, a binary search for the cursor, and one statement that reads the page's rows by id.
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import partial

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
)
from matchscope.services.browse.pages import decode_after, empty_page, records_by_id, rows_page
from matchscope.services.browse.records import OUTCOME_CODES
from matchscope.services.browse.rows import EVERY_DETAIL, RowDetails, as_rows
from matchscope.services.browse.sql import ENTRY_COLUMNS
from matchscope.services.entry_columns import EntryColumns, keep, recall
from matchscope.services.metrics import filter_mask, type_codes
from matchscope.services.pagination import Page, page_size
from matchscope.store.reads import Reads, Row

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


@dataclass(frozen=True, slots=True)
class Selection:
    """The entries a page's filter selects, ascending by (sort value, id): their positions in the columns, and
    what a page reads of them besides, gathered once so that a page costs a binary search and a slice."""

    positions: NDArray[np.intp]
    keys: NDArray[np.float64]  # sort values
    codes: NDArray[np.int8]  # error type codes at the selection's thresholds


def typed_order(columns: EntryColumns, thresholds: Thresholds, field: SortField) -> NDArray[np.intp]:
    """Positions of the entries that have a type at ``thresholds``, by (sort value, id) ascending; kept."""
    key = (thresholds.iou, thresholds.confidence, field)
    order = recall(columns.page_memo, key)
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
) -> Selection:
    """The entries the page's filter selects (``slice_items``: the slice's items, when it names one), by (sort
    value, id) ascending; the last few filters' kept, so that the next page of one costs a binary search."""
    key = (
        thresholds.iou,
        thresholds.confidence,
        field,
        replace(query, item_metadata=None),
        None if slice_items is None else slice_items.tobytes(),
    )
    selection = recall(columns.page_memo, key)
    if selection is not None:
        return selection  # type: ignore[no-any-return]
    assert query.error_types is not None
    order = typed_order(columns, thresholds, field)
    outcomes = query.outcomes if query.outcomes is not None else frozenset(Outcome)
    wanted = np.zeros(len(error_types.CODES) + 1, dtype=np.bool_)  # by code + 1 (NO_ERROR = -1 at 0)
    for kind in query.error_types:
        outcome = Outcome.FALSE_NEGATIVE if kind is error_types.ErrorType.MISSED else Outcome.FALSE_POSITIVE
        wanted[error_types.CODES[kind] + 1] = outcome in outcomes
    codes = type_codes(columns, thresholds)
    kept = wanted[codes[order] + 1] & filter_mask(columns, query, order)
    if slice_items is not None:
        kept &= np.isin(columns.item_ids, slice_items)[columns.item_index[order]]
    positions = order[kept]
    selection = Selection(positions=positions, keys=_sort_values(columns, field)[positions], codes=codes[positions])
    keep(columns.page_memo, key, selection)
    return selection


def _window(
    selection: Selection, entry_ids: NDArray[np.int64], after: tuple[float, int] | None, size: int, descending: bool
) -> tuple[slice, bool]:
    """The slice of the selection that holds the page after the cursor, in ascending order, and whether more follow
    it in the page's direction: binary searches, the ids (``entry_ids``, the columns') read only at the steps of
    the search among the cursor's equal sort values."""
    keys = selection.keys
    if after is None:
        start, stop = 0, len(keys)
    else:
        value, entry_id = after
        low, high = int(np.searchsorted(keys, value, "left")), int(np.searchsorted(keys, value, "right"))
        search = bisect.bisect_left if descending else bisect.bisect_right
        bound = search(selection.positions, entry_id, low, high, key=entry_ids.__getitem__)
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
    read_page: Callable[..., Awaitable[Page[MatchRow]]] = partial(browse.matches_page, actor.app.reads)
    if serves(evaluation, thresholds, query, order):
        columns = await results.entry_columns(actor, evaluation, evidence=True)
        read_page = partial(columns_page, actor.app.reads, columns)
    return await read_page(
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
    columns: EntryColumns,
    *,
    evaluation: EvaluationRow,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    first: int | None,
    after: str | None,
    details: RowDetails = EVERY_DETAIL,
) -> Page[MatchRow]:
    """A page of error types from ``columns`` (the evaluation's, with evidence): the rows, order and cursors of
    `browse.matches_page`, the seldom-shown columns read as ``details`` says."""
    size = page_size(first)
    cursor = decode_after(after)
    empty = empty_page(evaluation, query, size, cursor)
    if empty is not None:
        return empty
    items = None
    if query.item_metadata is not None and query.item_metadata.pairs:
        items = await slices.item_ids(reads, dataset_id=evaluation.dataset_id, metadata=query.item_metadata)
    selection = selected(columns, thresholds, query, order.field, items)
    window, has_next = _window(selection, columns.entry_id, cursor, size, order.descending)
    step = -1 if order.descending else 1
    picked = selection.positions[window][::step]
    ids = columns.entry_id[picked].tolist()
    records = {record[0]: record for record in await records_by_id(reads, ids, details)}
    typed = [
        _typed_record(records[entry_id], *values)
        for entry_id, *values in zip(
            ids,
            selection.keys[window][::step].tolist(),
            selection.codes[window][::step].tolist(),
            *_nearest(columns, picked),
            strict=True,
        )
        if entry_id in records  # deleted since the columns were read
    ]
    return rows_page(as_rows(evaluation, typed, thresholds), has_next, cursor)


def _nearest(columns: EntryColumns, positions: NDArray[np.intp]) -> tuple[list[int], list[float]]:
    """The nearest ground truth's id (-1: none) and IoU of each entry at ``positions`` (a false positive's)."""
    evidence = columns.evidence
    compatible, incompatible = evidence["compatible_iou"][positions], evidence["incompatible_iou"][positions]
    nearest_iou = np.where(compatible >= incompatible, compatible, incompatible)
    return evidence["nearest_ground_truth_id"][positions].tolist(), nearest_iou.tolist()


_MISSED = error_types.CODES[error_types.ErrorType.MISSED]
_HEAD = len(ENTRY_COLUMNS)  # a record's entry columns; then outcome, sort value, type, nearest ground truth and IoU


def _typed_record(record: Row, sort_value: float, code: int, nearest: int, nearest_iou: float) -> Row:
    """A record read by id (standing as TP or FN) as the page shows it: its outcome, sort value and type, and a
    false positive's nearest ground truth."""
    if code == _MISSED:
        typed: Row = (_FALSE_NEGATIVE, sort_value, code, None, None)
    elif nearest < 0:
        typed = (_FALSE_POSITIVE, sort_value, code, None, None)
    else:
        typed = (_FALSE_POSITIVE, sort_value, code, nearest, nearest_iou)
    return record[:_HEAD] + typed + record[_HEAD + len(typed) :]

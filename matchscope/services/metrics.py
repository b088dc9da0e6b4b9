"""Counts and metrics of an evaluation at query-time thresholds, from its entry columns held as numpy arrays.

A complete evaluation never changes, so its entry columns are loaded once into a bounded LRU cache (keyed by
evaluation id and creation time) and every later question — metrics at any (t, c), a filter's total count,
the items with the most errors — is a few vectorised passes over them.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services import error_types
from matchscope.services.browse import EvaluationRow, MatchFilter, Outcome, Thresholds
from matchscope.services.errors import NotFound
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size
from matchscope.services.shared_loads import shared_load
from matchscope.services.tokens import global_id
from matchscope.store.bulk import bulk_select
from matchscope.store.tables import Evaluation

HISTOGRAM_BINS = 20
_SLICES_KEPT = 8
_TYPED_KEPT = 8  # thresholds whose type codes (and typed orders, services.error_pages) columns keep
_NO_LABEL = -1


@dataclass(frozen=True, slots=True)
class EntryColumns:
    """``E`` entries of one evaluation; every array has shape ``(E,)``.

    ``confidence`` is the prediction's (on a ground-truth row, its partner's) with null read as 1;
    label codes index ``labels`` (-1: none); ``item_index`` indexes ``item_ids``.
    """

    is_prediction: NDArray[np.bool_]
    compatible: NDArray[np.bool_]
    has_partner: NDArray[np.bool_]
    iou: NDArray[np.float64]
    confidence: NDArray[np.float64]
    ground_truth_label: NDArray[np.int32]
    prediction_label: NDArray[np.int32]
    item_index: NDArray[np.int64]
    labels: tuple[str, ...]
    item_ids: NDArray[np.int64]
    # The row's ground truth's id (-1: none), the entry's id, and the evidence columns of prediction rows (0 or -1
    # elsewhere): empty until an error type filter asks for them (`EntryCache.columns(..., evidence=True)`).
    ground_truth_id: NDArray[np.int64]
    entry_id: NDArray[np.int64]
    evidence: dict[str, NDArray[Any]]
    memo: dict[tuple[float, float], Metrics] = field(default_factory=dict)
    # Slices of these columns by their items' ids (`on_items`), most recent last.
    slices: dict[bytes, EntryColumns] = field(default_factory=dict)
    # Type codes per (t, c) (`type_codes`); what services.error_pages keeps: typed entries' orders, recent filters'
    # selections (each a few MB at a million entries: bounded by `keep`).
    error_codes: dict[tuple[float, float], NDArray[np.int8]] = field(default_factory=dict)
    page_memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    sorters: dict[str, NDArray[np.intp]] = field(default_factory=dict)  # "id": the entries by id (`positions`)

    def __len__(self) -> int:
        return len(self.iou)

    def positions(self, entry_ids: NDArray[np.int64]) -> NDArray[np.intp]:
        """Where entries of these columns sit, by their ids (the id order is sorted once and kept)."""
        if "id" not in self.sorters:
            self.sorters["id"] = np.argsort(self.entry_id, kind="stable")
        by_id = self.sorters["id"]
        return by_id[np.searchsorted(self.entry_id, entry_ids, sorter=by_id)]  # type: ignore[no-any-return]

    def masked(self, kept: NDArray[np.bool_]) -> EntryColumns:
        """The entries where `kept` holds (same labels and item ids), the evidence too when it is read."""
        return EntryColumns(
            is_prediction=self.is_prediction[kept],
            compatible=self.compatible[kept],
            has_partner=self.has_partner[kept],
            iou=self.iou[kept],
            confidence=self.confidence[kept],
            ground_truth_label=self.ground_truth_label[kept],
            prediction_label=self.prediction_label[kept],
            item_index=self.item_index[kept],
            labels=self.labels,
            item_ids=self.item_ids,
            ground_truth_id=self.ground_truth_id[kept],
            entry_id=self.entry_id[kept],
            evidence={name: values[kept] for name, values in self.evidence.items()},
        )

    def on_items(self, item_ids: NDArray[np.int64]) -> EntryColumns:
        """The entries on these items only (a slice), with the same labels and item ids; memoised on the ids, so
        a slice's metrics at other thresholds cost no new pass over every entry."""
        key = np.unique(item_ids).astype(np.int64).tobytes()
        cached = self.slices.pop(key, None)
        if cached is None:
            in_slice = np.isin(self.item_ids, item_ids)
            kept = in_slice[self.item_index]
            cached = self.masked(kept)
            while len(self.slices) >= _SLICES_KEPT:
                self.slices.pop(next(iter(self.slices)))
        self.slices[key] = cached
        return cached


@dataclass(frozen=True, slots=True)
class OutcomeMasks:
    """``(E,)`` masks of the entries that are TP, FP and FN at some thresholds (hidden rows in none)."""

    true_positive: NDArray[np.bool_]
    false_positive: NDArray[np.bool_]
    false_negative: NDArray[np.bool_]
    confidence_kept: NDArray[np.bool_]


def outcome_masks(columns: EntryColumns, thresholds: Thresholds) -> OutcomeMasks:
    kept = columns.confidence >= thresholds.confidence
    pair_reaches = columns.compatible & (columns.iou >= thresholds.iou)
    prediction = columns.is_prediction & kept
    return OutcomeMasks(
        true_positive=prediction & pair_reaches,
        false_positive=prediction & ~pair_reaches,
        false_negative=~columns.is_prediction & ~(pair_reaches & kept),
        confidence_kept=kept,
    )


@dataclass(frozen=True, slots=True)
class Counts:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        return _ratio(2 * precision * recall, precision + recall)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / denominator if denominator > 0 else 0.0


@dataclass(frozen=True, slots=True)
class ClassMetrics:
    label: str
    counts: Counts
    ground_truth_count: int
    prediction_count: int


@dataclass(frozen=True, slots=True)
class Histogram:
    """``bin_edges`` has one more value than ``counts``; the last bin includes its upper edge."""

    bin_edges: list[float]
    counts: list[int]


@dataclass(frozen=True, slots=True)
class ConfusionMatrix:
    """Rows: ground-truth labels then "background"; columns: prediction labels then "missed" (DESIGN §3)."""

    row_labels: list[str]
    column_labels: list[str]
    counts: list[list[int]]


@dataclass(frozen=True, slots=True)
class ItemErrors:
    item_id: int
    false_positives: int
    false_negatives: int

    @property
    def errors(self) -> int:
        return self.false_positives + self.false_negatives


@dataclass(frozen=True, slots=True)
class Metrics:
    thresholds: Thresholds
    overall: Counts
    per_class: list[ClassMetrics]
    confusion: ConfusionMatrix
    matched_iou: Histogram
    true_positive_confidence: Histogram
    false_positive_confidence: Histogram
    # Items with at least one error, most errors first (ties: item id ascending).
    error_item_ids: NDArray[np.int64]
    error_false_positives: NDArray[np.int64]
    error_false_negatives: NDArray[np.int64]


def _histogram(values: NDArray[np.float64]) -> Histogram:
    counts, edges = np.histogram(values, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    return Histogram(bin_edges=[round(float(edge), 10) for edge in edges], counts=[int(c) for c in counts])


def _bincount(codes: NDArray[np.int32], mask: NDArray[np.bool_], size: int) -> NDArray[np.int64]:
    picked = codes[mask]
    return np.bincount(picked[picked >= 0], minlength=size)[:size].astype(np.int64)


def _confusion(columns: EntryColumns, masks: OutcomeMasks, thresholds: Thresholds) -> ConfusionMatrix:
    size = len(columns.labels)
    gt_codes = np.unique(columns.ground_truth_label[~columns.is_prediction])
    pred_codes = np.unique(columns.prediction_label[columns.is_prediction])
    gt_codes, pred_codes = gt_codes[gt_codes >= 0], pred_codes[pred_codes >= 0]
    reaches = columns.has_partner & (columns.iou >= thresholds.iou)
    # A kept prediction whose pair reaches t sits at (gt label, pred label): a TP or a label confusion.
    prediction = columns.is_prediction & masks.confidence_kept
    paired = prediction & reaches
    background = prediction & ~reaches
    # A ground truth's FN goes to "missed" unless it is the FN half of a label confusion (counted above).
    missed = masks.false_negative & ~(reaches & masks.confidence_kept)
    full = np.zeros((size + 1, size + 1), dtype=np.int64)
    np.add.at(full, (columns.ground_truth_label[paired], columns.prediction_label[paired]), 1)
    np.add.at(full, (np.full(int(background.sum()), size), columns.prediction_label[background]), 1)
    np.add.at(full, (columns.ground_truth_label[missed], np.full(int(missed.sum()), size)), 1)
    rows = np.append(gt_codes, size)
    cols = np.append(pred_codes, size)
    return ConfusionMatrix(
        row_labels=[columns.labels[code] for code in gt_codes] + ["background"],
        column_labels=[columns.labels[code] for code in pred_codes] + ["missed"],
        counts=full[np.ix_(rows, cols)].tolist(),
    )


def _error_items(columns: EntryColumns, masks: OutcomeMasks) -> tuple[NDArray[np.int64], ...]:
    items = len(columns.item_ids)
    fp = np.bincount(columns.item_index[masks.false_positive], minlength=items)
    fn = np.bincount(columns.item_index[masks.false_negative], minlength=items)
    errors = fp + fn
    with_errors = np.flatnonzero(errors > 0)
    order = with_errors[np.lexsort((columns.item_ids[with_errors], -errors[with_errors]))]
    return columns.item_ids[order], fp[order].astype(np.int64), fn[order].astype(np.int64)


def compute_metrics(columns: EntryColumns, thresholds: Thresholds) -> Metrics:
    """Everything `Evaluation.metrics` shows at ``thresholds``; memoised on the columns."""
    key = (thresholds.iou, thresholds.confidence)
    if key in columns.memo:
        return columns.memo[key]
    masks = outcome_masks(columns, thresholds)
    size = len(columns.labels)
    tp = _bincount(columns.ground_truth_label, masks.true_positive, size)
    fp = _bincount(columns.prediction_label, masks.false_positive, size)
    fn = _bincount(columns.ground_truth_label, masks.false_negative, size)
    gt_total = _bincount(columns.ground_truth_label, ~columns.is_prediction, size)
    pred_total = _bincount(columns.prediction_label, columns.is_prediction & masks.confidence_kept, size)
    per_class = [
        ClassMetrics(
            label=label,
            counts=Counts(int(tp[code]), int(fp[code]), int(fn[code])),
            ground_truth_count=int(gt_total[code]),
            prediction_count=int(pred_total[code]),
        )
        for code, label in enumerate(columns.labels)
    ]
    matched = columns.is_prediction & masks.confidence_kept & columns.has_partner
    error_ids, error_fp, error_fn = _error_items(columns, masks)
    metrics = Metrics(
        thresholds=thresholds,
        overall=Counts(
            int(masks.true_positive.sum()), int(masks.false_positive.sum()), int(masks.false_negative.sum())
        ),
        per_class=per_class,
        confusion=_confusion(columns, masks, thresholds),
        # pycocotools' arithmetic can put an identical box a few ulps above 1: it belongs in the last bin.
        matched_iou=_histogram(np.minimum(columns.iou[matched], 1.0)),
        true_positive_confidence=_histogram(columns.confidence[masks.true_positive]),
        false_positive_confidence=_histogram(columns.confidence[masks.false_positive]),
        error_item_ids=error_ids,
        error_false_positives=error_fp,
        error_false_negatives=error_fn,
    )
    if len(columns.memo) >= 32:
        columns.memo.pop(next(iter(columns.memo)))
    columns.memo[key] = metrics
    return metrics


def error_items_page(metrics: Metrics, *, first: int | None, after: str | None) -> Page[ItemErrors]:
    """Items by FP + FN descending, then item id; keyset cursors on (errors, item id)."""
    size = page_size(first)
    errors = metrics.error_false_positives + metrics.error_false_negatives
    start = 0
    if after is not None:
        last_errors, last_item = decode_cursor(after, 2)
        if not isinstance(last_errors, int) or not isinstance(last_item, int):
            from matchscope.services.errors import ValidationFailed

            raise ValidationFailed.single("after", after, "not a cursor from this API")
        later = (errors < last_errors) | ((errors == last_errors) & (metrics.error_item_ids > last_item))
        start = int(np.argmax(later)) if later.any() else len(errors)
    stop = start + size
    rows = [
        ItemErrors(int(item), int(fp), int(fn))
        for item, fp, fn in zip(
            metrics.error_item_ids[start:stop],
            metrics.error_false_positives[start:stop],
            metrics.error_false_negatives[start:stop],
            strict=True,
        )
    ]
    return Page(
        rows=rows,
        cursors=[encode_cursor((row.errors, row.item_id)) for row in rows],
        has_next_page=stop < len(errors),
        has_previous_page=after is not None,
        total_count=len(errors),
    )


def count_matches(
    columns: EntryColumns,
    thresholds: Thresholds,
    query: MatchFilter,
    *,
    error_evidence: bool = True,
    evaluation_columns: EntryColumns | None = None,
) -> int:
    """How many entries `matches` returns for ``query`` (what its SQL branches select, counted in numpy);
    ``error_evidence``: the evaluation's entries carry it (else an error type filter selects nothing);
    ``evaluation_columns``: all of the evaluation's entries when ``columns`` are some of them (whose false positives
    decide which false negatives are MISSED)."""
    masks = outcome_masks(columns, thresholds)
    outcomes = query.outcomes if query.outcomes is not None else frozenset(Outcome)
    selected = np.zeros(len(columns), dtype=np.bool_)
    for outcome, mask in (
        (Outcome.TRUE_POSITIVE, masks.true_positive),
        (Outcome.FALSE_POSITIVE, masks.false_positive),
        (Outcome.FALSE_NEGATIVE, masks.false_negative),
    ):
        if outcome in outcomes:
            selected |= mask
    codes = {label: code for code, label in enumerate(columns.labels)}
    for labels, column in (
        (query.ground_truth_labels, columns.ground_truth_label),
        (query.prediction_labels, columns.prediction_label),
    ):
        if labels is not None:
            wanted = np.array([codes[label] for label in set(labels) if label in codes], dtype=np.int32)
            selected &= np.isin(column, wanted)
    selected &= _in_ranges(columns, query)
    if query.item_id is not None:
        position = np.searchsorted(columns.item_ids, query.item_id)
        if position >= len(columns.item_ids) or columns.item_ids[position] != query.item_id:
            return 0
        selected &= columns.item_index == position
    if query.error_types is not None:
        if not error_evidence:
            return 0
        selected &= _of_error_types(columns, masks, thresholds, query.error_types, evaluation_columns)
    return int(selected.sum())


def _in_ranges(columns: EntryColumns, query: MatchFilter) -> NDArray[np.bool_]:
    """The entries within the filter's IoU and confidence bounds."""
    kept = np.ones(len(columns), dtype=np.bool_)
    for values, low, high in (
        (columns.iou, query.min_iou, query.max_iou),
        (columns.confidence, query.min_confidence, query.max_confidence),
    ):
        if low is not None:
            kept &= values >= low
        if high is not None:
            kept &= values <= high
    return kept


def _of_error_types(
    columns: EntryColumns,
    masks: OutcomeMasks,
    thresholds: Thresholds,
    kinds: frozenset[error_types.ErrorType],
    evaluation_columns: EntryColumns | None,
) -> NDArray[np.bool_]:
    if evaluation_columns is None:
        codes = type_codes(columns, thresholds)
    else:
        best_match = error_types.fixed_ground_truths(
            outcome_masks(evaluation_columns, thresholds).false_positive,
            evaluation_columns.evidence,
            iou_threshold=thresholds.iou,
            confidence_threshold=thresholds.confidence,
        )
        codes = _type_codes(columns, masks, thresholds, best_match)
    return np.isin(codes, np.array([error_types.CODES[kind] for kind in kinds], dtype=np.int8))


def type_codes(columns: EntryColumns, thresholds: Thresholds) -> NDArray[np.int8]:
    """``(E,)`` the error type code of every entry of an evaluation's columns at ``thresholds`` (``NO_ERROR`` where
    none); kept on the columns for a few thresholds."""
    key = (thresholds.iou, thresholds.confidence)
    codes: NDArray[np.int8] | None = recall(columns.error_codes, key)
    if codes is None:
        codes = _type_codes(columns, outcome_masks(columns, thresholds), thresholds, None)
        keep(columns.error_codes, key, codes)
    return codes


def recall(memo: dict[Any, Any], key: Any) -> Any:
    """``memo[key]`` (None when absent), made the newest: `keep` drops the least recently used first."""
    value = memo.pop(key, None)
    if value is not None:
        memo[key] = value
    return value


def keep(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """``memo[key] = value``, the oldest of a full memo of per-threshold values dropped first."""
    while len(memo) >= _TYPED_KEPT:
        memo.pop(next(iter(memo)))
    memo[key] = value


def _type_codes(
    columns: EntryColumns, masks: OutcomeMasks, thresholds: Thresholds, best_match: NDArray[np.int64] | None
) -> NDArray[np.int8]:
    return error_types.entry_codes(
        false_positive=masks.false_positive,
        false_negative=masks.false_negative,
        evidence=columns.evidence,
        ground_truth_id=columns.ground_truth_id,
        iou_threshold=thresholds.iou,
        confidence_threshold=thresholds.confidence,
        best_match=best_match,
    )


_EVIDENCE_FLOATS = ("compatible_iou", "incompatible_iou", "duplicate_iou", "duplicate_confidence")
_EVIDENCE_IDS = ("compatible_ground_truth_id", "incompatible_ground_truth_id", "nearest_ground_truth_id")


def entry_columns_sql(table: str, *, evidence: bool = True) -> str:
    """The select list of `EntryColumns`' values from `table`, a `match_entry` row's name in the query; the
    evidence columns last, when asked for."""
    base = (
        f"{table}.is_prediction, {table}.compatible, "
        f"{table}.ground_truth_id IS NOT NULL AND {table}.prediction_id IS NOT NULL, {table}.iou, "
        f"coalesce({table}.confidence, 1.0), {table}.ground_truth_label, {table}.prediction_label, {table}.item_id, "
        f"coalesce({table}.ground_truth_id, -1), {table}.id"
    )
    return f"{base}, {_evidence_sql(table)}" if evidence else base


def _evidence_sql(table: str) -> str:
    return ", ".join(
        [
            *(f"coalesce({table}.{name}, 0.0)" for name in _EVIDENCE_FLOATS),
            *(f"coalesce({table}.{name}, -1)" for name in _EVIDENCE_IDS),
        ]
    )


# The evidence doubles what the first read of an evaluation costs, and only error type filters use it.
_OF_EVALUATION = "FROM match_entry WHERE evaluation_id = :evaluation_id"
_COLUMNS_SQL = text(f"SELECT {entry_columns_sql('match_entry', evidence=False)} {_OF_EVALUATION}")
_WITH_EVIDENCE_SQL = text(f"SELECT {entry_columns_sql('match_entry')} {_OF_EVALUATION}")
_EVIDENCE_SQL = text(f"SELECT id, {_evidence_sql('match_entry')} {_OF_EVALUATION}")
_EVIDENCE_AT = 10  # where the evidence starts in a record of entry_columns_sql


def _column(records: Sequence[Sequence[Any]], index: int, dtype: type[np.generic]) -> NDArray[Any]:
    # Column by column through C iterators: transposing with `zip(*records)` took a quarter of the load.
    return np.fromiter(map(itemgetter(index), records), dtype=dtype, count=len(records))


def _evidence_from(records: Sequence[Sequence[Any]], start: int) -> dict[str, NDArray[Any]]:
    return {
        **{name: _column(records, start + index, np.float64) for index, name in enumerate(_EVIDENCE_FLOATS)},
        **{
            name: _column(records, start + len(_EVIDENCE_FLOATS) + index, np.int64)
            for index, name in enumerate(_EVIDENCE_IDS)
        },
    }


async def load_columns(session: AsyncSession, evaluation_id: int, *, evidence: bool) -> EntryColumns:
    records = await bulk_select(
        session, _WITH_EVIDENCE_SQL if evidence else _COLUMNS_SQL, {"evaluation_id": evaluation_id}
    )
    return columns_from_records(records, evidence=evidence)


async def load_evidence(session: AsyncSession, columns: EntryColumns, evaluation_id: int) -> dict[str, NDArray[Any]]:
    """The evidence of `columns`' entries, in their order (a second read need not return rows in the first's)."""
    records = await bulk_select(session, _EVIDENCE_SQL, {"evaluation_id": evaluation_id})
    ids = _column(records, 0, np.int64)
    evidence = _evidence_from(records, 1)
    if np.array_equal(ids, columns.entry_id):
        return evidence
    if len(ids) != len(columns.entry_id):  # deleted (retention, a delete) since the first read
        raise NotFound("Evaluation", global_id("Evaluation", evaluation_id))
    order = np.argsort(ids, kind="stable")
    position = order[np.minimum(np.searchsorted(ids, columns.entry_id, sorter=order), len(ids) - 1)]
    if len(ids) and not np.array_equal(ids[position], columns.entry_id):
        raise NotFound("Evaluation", global_id("Evaluation", evaluation_id))
    return {name: values[position] for name, values in evidence.items()}


def columns_from_records(records: Sequence[Sequence[Any]], *, evidence: bool = True) -> EntryColumns:
    """Columns from records whose first values are `entry_columns_sql`'s, evidence as it says (later ones are the
    caller's)."""
    gt_label, pred_label = list(map(itemgetter(5), records)), list(map(itemgetter(6), records))
    labels = tuple(sorted(label for label in {*gt_label, *pred_label} if label is not None))
    codes: dict[Any, int] = {label: code for code, label in enumerate(labels)}
    codes[None] = _NO_LABEL
    item_ids, item_index = np.unique(_column(records, 7, np.int64), return_inverse=True)
    count = len(records)
    return EntryColumns(
        is_prediction=_column(records, 0, np.bool_),
        compatible=_column(records, 1, np.bool_),
        has_partner=_column(records, 2, np.bool_),
        iou=_column(records, 3, np.float64),
        confidence=_column(records, 4, np.float64),
        ground_truth_label=np.fromiter(map(codes.__getitem__, gt_label), dtype=np.int32, count=count),
        prediction_label=np.fromiter(map(codes.__getitem__, pred_label), dtype=np.int32, count=count),
        item_index=item_index.astype(np.int64).reshape(-1),
        labels=labels,
        item_ids=item_ids.astype(np.int64),
        ground_truth_id=_column(records, 8, np.int64),
        entry_id=_column(records, 9, np.int64),
        evidence=_evidence_from(records, _EVIDENCE_AT) if evidence else {},
    )


class EntryCache:
    """Bounded LRU of complete evaluations' entry columns; concurrent first readers share one load."""

    def __init__(self, capacity: int = 4) -> None:
        self.capacity = capacity
        self._columns: OrderedDict[tuple[int, datetime], EntryColumns] = OrderedDict()
        self._loading: dict[tuple[Any, ...], asyncio.Future[Any]] = {}

    def cached(self, evaluation: Evaluation | EvaluationRow, *, evidence: bool = False) -> EntryColumns | None:
        """The columns when they are already held (a complete evaluation never changes), without a query;
        `evidence`: with the evidence columns too."""
        if not evaluation.is_complete or evaluation.id is None:
            return None
        key = (evaluation.id, evaluation.created_at)
        columns = self._columns.get(key)
        if columns is None:
            return None
        self._columns.move_to_end(key)
        return None if evidence and not columns.evidence else columns

    async def columns(
        self, session: AsyncSession, evaluation: Evaluation | EvaluationRow, *, evidence: bool = False
    ) -> EntryColumns:
        evaluation_id = evaluation.id
        assert evaluation_id is not None
        if not evaluation.is_complete:  # still being written: never cached
            return await load_columns(session, evaluation_id, evidence=evidence)
        key = (evaluation_id, evaluation.created_at)
        columns = self._columns.get(key)
        if columns is None:
            columns = await self._once(key, lambda: load_columns(session, evaluation_id, evidence=False))
            self._columns[key] = columns
            while len(self._columns) > self.capacity:
                self._columns.popitem(last=False)
        self._columns.move_to_end(key)
        if evidence and not columns.evidence:
            held = columns
            loaded = await self._once((*key, "evidence"), lambda: load_evidence(session, held, evaluation_id))
            if not columns.evidence:
                columns.evidence.update(loaded)
                columns.slices.clear()  # taken without the evidence
        return columns

    async def _once(self, key: tuple[Any, ...], load: Callable[[], Awaitable[Any]]) -> Any:
        """`load()`, shared by the callers that ask for `key` while it runs."""
        return await shared_load(self._loading, key, load)

"""Counts and metrics of an evaluation at query-time thresholds, from its entry columns held as numpy arrays
(`services/entry_columns.py`): metrics at any (t, c), a filter's total count, the items with the most errors, the
entries' error types — each a few vectorised passes over the columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matchscope.services import error_types
from matchscope.services.browse import MatchFilter, Outcome, Thresholds
from matchscope.services.entry_columns import EntryColumns, keep, recall
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size

HISTOGRAM_BINS = 20
_EVERY = slice(None)


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
    selected &= filter_mask(columns, query)
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


def filter_mask(columns: EntryColumns, query: MatchFilter, at: slice | NDArray[np.intp] = _EVERY) -> NDArray[np.bool_]:
    """Which of the entries at positions ``at`` (every entry by default) the filter's labels and IoU and confidence
    bounds keep: a mask of ``at``'s shape."""
    kept = np.ones(len(columns.iou[at]), dtype=np.bool_)
    codes = {label: code for code, label in enumerate(columns.labels)}
    for labels, column in (
        (query.ground_truth_labels, columns.ground_truth_label),
        (query.prediction_labels, columns.prediction_label),
    ):
        if labels is not None:
            wanted = np.array([codes[label] for label in set(labels) if label in codes], dtype=np.int32)
            kept &= np.isin(column[at], wanted)
    for values, low, high in (
        (columns.iou, query.min_iou, query.max_iou),
        (columns.confidence, query.min_confidence, query.max_confidence),
    ):
        if low is not None:
            kept &= values[at] >= low
        if high is not None:
            kept &= values[at] <= high
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

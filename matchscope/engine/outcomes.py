"""Outcomes of a matching at an IoU threshold and a confidence threshold (DESIGN §3), and what they add up to.

Nothing here re-runs matching: thresholds are applied to the kept pairs of a :class:`Matching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.matching import GroundTruthBoxes, Matching, PredictionBoxes, confidence_or_one

__all__ = [
    "FALSE_NEGATIVE",
    "FALSE_POSITIVE",
    "TRUE_POSITIVE",
    "ClassCounts",
    "Entries",
    "Outcome",
    "class_counts",
    "confusion_matrix",
    "entries_at",
]


class Outcome(IntEnum):
    """Outcome codes, stored as int8 in :attr:`Entries.outcome`."""

    TRUE_POSITIVE = 0
    FALSE_POSITIVE = 1
    FALSE_NEGATIVE = 2


TRUE_POSITIVE = int(Outcome.TRUE_POSITIVE)
FALSE_POSITIVE = int(Outcome.FALSE_POSITIVE)
FALSE_NEGATIVE = int(Outcome.FALSE_NEGATIVE)


@dataclass(frozen=True, slots=True)
class Entries:
    """``E`` outcome entries.

    Attributes:
        outcome: ``(E,)`` int8 :class:`Outcome` code.
        gt_index: ``(E,)`` index into the ground truth, -1 if none.
        pred_index: ``(E,)`` index into the predictions, -1 if none.
        iou: ``(E,)`` IoU of the pair the entry stands for, 0 if none.
        iou_threshold: the IoU threshold the entries were made at (read by :func:`confusion_matrix`).
        confidence_threshold: the confidence threshold the entries were made at.
    """

    outcome: NDArray[np.int8]
    gt_index: NDArray[np.int64]
    pred_index: NDArray[np.int64]
    iou: NDArray[np.float64]
    iou_threshold: float = 0.5
    confidence_threshold: float = 0.0

    def __len__(self) -> int:
        return len(self.outcome)


def entries_at(
    matching: Matching,
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    *,
    iou_threshold: float = 0.5,
    confidence_threshold: float = 0.0,
) -> Entries:
    """Outcome entries at IoU threshold ``iou_threshold`` and confidence threshold ``confidence_threshold``.

    - Predictions with confidence < ``confidence_threshold`` are dropped first (NaN counts as 1); they appear
      in no entry.
    - A kept pair with IoU >= ``iou_threshold`` and compatible labels: one TRUE_POSITIVE entry (both indices).
    - Any other kept pair: a FALSE_POSITIVE entry and a FALSE_NEGATIVE entry, each with both indices and the
      pair's IoU.
    - An unmatched prediction: FALSE_POSITIVE, ``gt_index`` -1, IoU 0. An unmatched ground truth:
      FALSE_NEGATIVE, ``pred_index`` -1, IoU 0.
    - A ground truth whose partner was dropped by the confidence threshold: FALSE_NEGATIVE with the pair's
      IoU (it was a near miss of a low-confidence box) but ``pred_index`` -1, since that prediction is not
      part of the outcome set.

    Every ground truth appears in exactly one entry, every kept prediction in exactly one entry (its
    TRUE_POSITIVE or FALSE_POSITIVE; the FALSE_NEGATIVE of a pair also names it). Order: by item key, then,
    within an item, entries naming a prediction in prediction index order (a pair's FALSE_POSITIVE right
    before its FALSE_NEGATIVE), then the remaining FALSE_NEGATIVE entries in ground-truth index order.
    """
    pred_partner = matching.pred_partner
    gt_partner = matching.gt_partner
    kept = confidence_or_one(predictions.confidence) >= confidence_threshold
    matched = pred_partner >= 0
    true_pos = kept & matched & (matching.pred_iou >= iou_threshold) & matching.pred_compatible
    split = kept & matched & ~true_pos

    # Pass 1, in prediction order: one entry per kept prediction, plus the FN right after a split pair's FP.
    per_pred = kept.astype(np.int64) + split
    first = np.cumsum(per_pred) - per_pred
    n_pred_entries = int(per_pred.sum())
    kept_index = np.flatnonzero(kept)
    split_index = np.flatnonzero(split)

    # Pass 2, in ground-truth order: unmatched ground truth and ground truth whose partner was dropped.
    gt_matched = gt_partner >= 0
    partner_dropped = np.zeros(len(gt_partner), dtype=np.bool_)
    partner_dropped[gt_matched] = ~kept[gt_partner[gt_matched]]
    lone_gt = np.flatnonzero(~gt_matched | partner_dropped)

    total = n_pred_entries + len(lone_gt)
    outcome = np.empty(total, dtype=np.int8)
    gt_index = np.empty(total, dtype=np.int64)
    pred_index = np.empty(total, dtype=np.int64)
    iou = np.empty(total, dtype=np.float64)

    at = first[kept_index]
    outcome[at] = np.where(true_pos[kept_index], TRUE_POSITIVE, FALSE_POSITIVE)
    gt_index[at] = pred_partner[kept_index]
    pred_index[at] = kept_index
    iou[at] = matching.pred_iou[kept_index]

    at = first[split_index] + 1
    outcome[at] = FALSE_NEGATIVE
    gt_index[at] = pred_partner[split_index]
    pred_index[at] = split_index
    iou[at] = matching.pred_iou[split_index]

    tail = slice(n_pred_entries, total)
    outcome[tail] = FALSE_NEGATIVE
    gt_index[tail] = lone_gt
    pred_index[tail] = -1
    iou[tail] = matching.gt_iou[lone_gt]

    # A pair's boxes share their item, so the prediction's item stands for the whole head.
    item = np.empty(total, dtype=np.int64)
    item[:n_pred_entries] = np.asarray(predictions.item, dtype=np.int64)[pred_index[:n_pred_entries]]
    item[tail] = np.asarray(ground_truth.item, dtype=np.int64)[lone_gt]
    order = np.argsort(item, kind="stable")
    return Entries(
        outcome=outcome[order],
        gt_index=gt_index[order],
        pred_index=pred_index[order],
        iou=iou[order],
        iou_threshold=float(iou_threshold),
        confidence_threshold=float(confidence_threshold),
    )


@dataclass(frozen=True, slots=True)
class ClassCounts:
    """Per-label counts and scores; every array has shape ``(L,)``.

    ``precision``, ``recall`` and ``f1`` are 0 where their denominator is 0.
    """

    tp: NDArray[np.int64]
    fp: NDArray[np.int64]
    fn: NDArray[np.int64]
    precision: NDArray[np.float64]
    recall: NDArray[np.float64]
    f1: NDArray[np.float64]


def _ratio(numerator: NDArray[np.float64], denominator: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def class_counts(
    entries: Entries, ground_truth: GroundTruthBoxes, predictions: PredictionBoxes, num_labels: int
) -> ClassCounts:
    """TP, FP, FN, precision, recall and F1 per label code ``0..num_labels-1``.

    A TRUE_POSITIVE counts for the ground truth's label (the shared class; with allowed label pairs the
    prediction's label may differ), a FALSE_POSITIVE for the prediction's label, a FALSE_NEGATIVE for the
    ground truth's label.
    """
    gt_label = np.asarray(ground_truth.label, dtype=np.int64)
    pred_label = np.asarray(predictions.label, dtype=np.int64)
    outcome = entries.outcome
    tp = np.bincount(gt_label[entries.gt_index[outcome == TRUE_POSITIVE]], minlength=num_labels)
    fp = np.bincount(pred_label[entries.pred_index[outcome == FALSE_POSITIVE]], minlength=num_labels)
    fn = np.bincount(gt_label[entries.gt_index[outcome == FALSE_NEGATIVE]], minlength=num_labels)
    tp, fp, fn = (counts[:num_labels].astype(np.int64) for counts in (tp, fp, fn))
    precision = _ratio(tp.astype(np.float64), (tp + fp).astype(np.float64))
    recall = _ratio(tp.astype(np.float64), (tp + fn).astype(np.float64))
    f1 = _ratio(2.0 * precision * recall, precision + recall)
    return ClassCounts(tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1)


def confusion_matrix(
    entries: Entries, ground_truth: GroundTruthBoxes, predictions: PredictionBoxes, num_labels: int
) -> NDArray[np.int64]:
    """``(L+1, L+1)`` int64 confusion matrix at ``entries.iou_threshold`` (``L = num_labels``).

    Rows are ground-truth labels plus a last "background" row; columns are prediction labels plus a last
    "missed" column. A kept pair is counted once at ``(gt label, pred label)`` when its IoU reaches the IoU
    threshold: that is every TRUE_POSITIVE and every label confusion (a pair whose labels are not compatible).
    A pair below the IoU threshold did not localise its ground truth, so, like unmatched boxes, its prediction
    is counted in the background row and its ground truth in the missed column. Hence the diagonal holds
    the true positives (plus allowed-pair TPs off the diagonal), row ``g`` sums to the number of ground truth
    with label ``g`` and column ``p`` to the number of kept predictions with label ``p``.
    """
    gt_label = np.asarray(ground_truth.label, dtype=np.int64)
    pred_label = np.asarray(predictions.label, dtype=np.int64)
    outcome = entries.outcome
    has_gt = entries.gt_index >= 0
    has_pred = entries.pred_index >= 0
    # A label confusion at IoU >= t shows up as an FP/FN pair; the pair's IoU tells it from a near miss.
    iou_threshold = entries.iou_threshold
    both = has_gt & has_pred
    confused = both & (entries.iou >= iou_threshold)
    paired = (outcome == TRUE_POSITIVE) | (confused & (outcome == FALSE_POSITIVE))
    row = np.full(len(outcome), num_labels, dtype=np.int64)
    col = np.full(len(outcome), num_labels, dtype=np.int64)
    row[paired] = gt_label[entries.gt_index[paired]]
    col[paired] = pred_label[entries.pred_index[paired]]
    lone_fp = (outcome == FALSE_POSITIVE) & ~paired
    col[lone_fp] = pred_label[entries.pred_index[lone_fp]]
    # Every FALSE_NEGATIVE lands in the missed column except the FN half of a label confusion (counted above).
    fn = outcome == FALSE_NEGATIVE
    lone_fn = fn & ~confused
    row[lone_fn] = gt_label[entries.gt_index[lone_fn]]
    keep = paired | lone_fp | lone_fn
    size = num_labels + 1
    flat = np.bincount(row[keep] * size + col[keep], minlength=size * size)
    return flat[: size * size].astype(np.int64).reshape(size, size)

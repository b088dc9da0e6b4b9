"""Outcomes of a matching at an IoU threshold and a confidence threshold (DESIGN §3), and what they add up to.

Nothing here re-runs matching: thresholds are applied to the kept pairs of a :class:`Matching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from matchscope.engine._kernels_outcomes import entries_kernel, tally_kernel
from matchscope.engine.matching import GroundTruthBoxes, ItemOrder, Matching, PredictionBoxes

__all__ = [
    "FALSE_NEGATIVE",
    "FALSE_POSITIVE",
    "OUTCOME_RULES",
    "TRUE_POSITIVE",
    "ClassCounts",
    "Entries",
    "Outcome",
    "OutcomeRule",
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
class OutcomeRule:
    """What one stored entry row shows at thresholds (t, c) (DESIGN §3). A kept pair has a prediction row and a
    ground-truth row; a box without a partner has its own row (not compatible, IoU 0).

    Attributes:
        is_prediction: the row of a prediction (else of a ground truth).
        compatible: the pair's labels are compatible (False without a partner).
        reaches_iou: the pair's IoU >= t.
        confidence_kept: the pair's prediction has confidence (NaN or null: 1) >= c (a lone ground truth: True).
        outcome: what the row shows; None: nothing (a prediction dropped by c, or a ground truth whose pair's
            TRUE_POSITIVE row stands for it).
    """

    is_prediction: bool
    compatible: bool
    reaches_iou: bool
    confidence_kept: bool
    outcome: Outcome | None


_TP, _FP, _FN = Outcome.TRUE_POSITIVE, Outcome.FALSE_POSITIVE, Outcome.FALSE_NEGATIVE

# The outcome rules, every combination once. Their three implementations are tested against this table on every
# row (tests/services/test_outcome_rules.py): the SQL branches of a page (services/browse/shape.py:BRANCHES),
# the masks behind counts and metrics (services/metrics.py:outcome_masks) and the entries kernel (entries_at).
OUTCOME_RULES = (
    #           prediction compatible reaches kept   shows
    OutcomeRule(True, True, True, True, _TP),
    OutcomeRule(True, True, False, True, _FP),
    OutcomeRule(True, False, True, True, _FP),
    OutcomeRule(True, False, False, True, _FP),
    OutcomeRule(True, True, True, False, None),
    OutcomeRule(True, True, False, False, None),
    OutcomeRule(True, False, True, False, None),
    OutcomeRule(True, False, False, False, None),
    OutcomeRule(False, True, True, True, None),
    OutcomeRule(False, True, False, True, _FN),
    OutcomeRule(False, False, True, True, _FN),
    OutcomeRule(False, False, False, True, _FN),
    OutcomeRule(False, True, True, False, _FN),
    OutcomeRule(False, True, False, False, _FN),
    OutcomeRule(False, False, True, False, _FN),
    OutcomeRule(False, False, False, False, _FN),
)


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
    gt_item = np.asarray(ground_truth.item, dtype=np.int64)
    pred_item = np.asarray(predictions.item, dtype=np.int64)
    gt_order = ItemOrder.of(gt_item)
    pred_order = ItemOrder.of(pred_item)
    # The kernel works in item order: partners are mapped into it, the entries' indices out of it.
    outcome, gt_index, pred_index, iou = entries_kernel(
        gt_order.identity(),
        gt_order.gather(gt_item),
        gt_order.gather(pred_order.sorted_index(matching.gt_partner)),
        gt_order.gather(matching.gt_iou),
        pred_order.identity(),
        pred_order.gather(pred_item),
        pred_order.gather(gt_order.sorted_index(matching.pred_partner)),
        pred_order.gather(matching.pred_iou),
        pred_order.gather(matching.pred_compatible),
        pred_order.gather(np.asarray(predictions.confidence, dtype=np.float64)),
        float(iou_threshold),
        float(confidence_threshold),
    )
    gt_index = gt_order.original_index(gt_index)
    pred_index = pred_order.original_index(pred_index)
    return Entries(
        outcome=outcome,
        gt_index=gt_index,
        pred_index=pred_index,
        iou=iou,
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


def _tally(
    entries: Entries, ground_truth: GroundTruthBoxes, predictions: PredictionBoxes, num_labels: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    gt_label = np.ascontiguousarray(ground_truth.label, dtype=np.int32)
    pred_label = np.ascontiguousarray(predictions.label, dtype=np.int32)
    for side, labels in (("ground truth", gt_label), ("prediction", pred_label)):
        if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= num_labels):
            raise ValueError(
                f"{side} label codes span {int(labels.min())}..{int(labels.max())}; "
                f"expected 0..{num_labels - 1} (num_labels={num_labels})"
            )
    result: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]] = tally_kernel(
        np.ascontiguousarray(entries.outcome, dtype=np.int8),
        np.ascontiguousarray(entries.gt_index, dtype=np.int64),
        np.ascontiguousarray(entries.pred_index, dtype=np.int64),
        np.ascontiguousarray(entries.iou, dtype=np.float64),
        gt_label,
        pred_label,
        int(num_labels),
        float(entries.iou_threshold),
    )
    return result


def class_counts(
    entries: Entries, ground_truth: GroundTruthBoxes, predictions: PredictionBoxes, num_labels: int
) -> ClassCounts:
    """TP, FP, FN, precision, recall and F1 per label code ``0..num_labels-1``.

    A TRUE_POSITIVE counts for the ground truth's label (the shared class; with allowed label pairs the
    prediction's label may differ), a FALSE_POSITIVE for the prediction's label, a FALSE_NEGATIVE for the
    ground truth's label.

    Raises:
        ValueError: a label code outside ``0..num_labels-1``.
    """
    tp, fp, fn, _ = _tally(entries, ground_truth, predictions, num_labels)
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
    is counted in the background row and its ground truth in the missed column; so is a ground truth whose
    partner was dropped by the confidence threshold. Hence, without allowed label pairs, the diagonal holds
    exactly the true positives; always, row ``g`` sums to the number of ground truths with label ``g`` and
    column ``p`` to the number of kept predictions with label ``p``.

    Raises:
        ValueError: a label code outside ``0..num_labels-1``.
    """
    return _tally(entries, ground_truth, predictions, num_labels)[3]

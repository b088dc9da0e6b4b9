"""Numba kernels for the outcomes of a matching at thresholds (DESIGN §3); use
:func:`matchscope.engine.outcomes.entries_at` and :func:`matchscope.engine.outcomes.class_counts`.

The matching itself is thresholds-free (``_kernels_matching.greedy_kernel``); these kernels read its partners and
IoUs at an IoU and a confidence threshold: ``entries_kernel`` the outcome entries, ``tally_kernel`` their counts
per label and the confusion matrix. Kernels release the GIL (``nogil``) and do not check bounds: callers validate
label codes and shapes first.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["entries_kernel", "tally_kernel"]


@njit(cache=True, nogil=True)
def _kept(confidence: float, confidence_threshold: float) -> bool:
    """A prediction survives the confidence threshold; NaN ("no confidence") counts as 1."""
    if np.isnan(confidence):
        return confidence_threshold <= 1.0
    return confidence >= confidence_threshold


@njit(cache=True, nogil=True)
def _count_entries(
    gt_partner: NDArray[np.int64],
    pred_partner: NDArray[np.int64],
    pred_iou: NDArray[np.float64],
    pred_compatible: NDArray[np.bool_],
    pred_confidence: NDArray[np.float64],
    iou_threshold: float,
    confidence_threshold: float,
) -> tuple[NDArray[np.bool_], int]:
    """Which predictions survive the confidence threshold, and how many entries there will be."""
    kept = np.empty(pred_partner.size, dtype=np.bool_)
    total = 0
    for p in range(pred_partner.size):
        kept[p] = _kept(pred_confidence[p], confidence_threshold)
        if kept[p]:
            total += 1
            if pred_partner[p] >= 0 and not (pred_iou[p] >= iou_threshold and pred_compatible[p]):
                total += 1
    for g in range(gt_partner.size):
        if gt_partner[g] < 0 or not kept[gt_partner[g]]:
            total += 1
    return kept, total


@njit(cache=True, nogil=True)
def _next_key(
    gt_order: NDArray[np.int64],
    gt_item: NDArray[np.int64],
    g: int,
    pred_order: NDArray[np.int64],
    pred_item: NDArray[np.int64],
    p: int,
) -> int:
    """The smallest item key not yet walked by either side."""
    if g == gt_order.size:
        key: int = pred_item[pred_order[p]]
    elif p == pred_order.size:
        key = gt_item[gt_order[g]]
    else:
        key = min(gt_item[gt_order[g]], pred_item[pred_order[p]])
    return key


@njit(cache=True, nogil=True)
def entries_kernel(
    gt_order: NDArray[np.int64],
    gt_item: NDArray[np.int64],
    gt_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    pred_order: NDArray[np.int64],
    pred_item: NDArray[np.int64],
    pred_partner: NDArray[np.int64],
    pred_iou: NDArray[np.float64],
    pred_compatible: NDArray[np.bool_],
    pred_confidence: NDArray[np.float64],
    iou_threshold: float,
    confidence_threshold: float,
) -> tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Outcome entries (see :func:`matchscope.engine.outcomes.entries_at`) in their final order.

    Walks the items in key order (``*_order`` are stable argsorts of ``*_item``); within an item it emits
    the entries of kept predictions in prediction index order (TP, or FP followed by the pair's FN), then
    the FN of ground truth without a kept partner in ground-truth index order. Codes: 0 TP, 1 FP, 2 FN.
    """
    n_gt = gt_order.size
    n_pred = pred_order.size
    kept, total = _count_entries(
        gt_partner, pred_partner, pred_iou, pred_compatible, pred_confidence, iou_threshold, confidence_threshold
    )
    outcome = np.empty(total, dtype=np.int8)
    gt_index = np.empty(total, dtype=np.int64)
    pred_index = np.empty(total, dtype=np.int64)
    iou = np.empty(total, dtype=np.float64)

    at = 0
    g = 0
    p = 0
    while g < n_gt or p < n_pred:
        key = _next_key(gt_order, gt_item, g, pred_order, pred_item, p)
        while p < n_pred and pred_item[pred_order[p]] == key:
            row = pred_order[p]
            p += 1
            if not kept[row]:
                continue
            partner = pred_partner[row]
            hit = partner >= 0 and pred_iou[row] >= iou_threshold and pred_compatible[row]
            outcome[at] = 0 if hit else 1
            gt_index[at] = partner
            pred_index[at] = row
            iou[at] = pred_iou[row]
            at += 1
            if partner >= 0 and not hit:
                outcome[at] = 2
                gt_index[at] = partner
                pred_index[at] = row
                iou[at] = pred_iou[row]
                at += 1
        while g < n_gt and gt_item[gt_order[g]] == key:
            row = gt_order[g]
            g += 1
            if gt_partner[row] >= 0 and kept[gt_partner[row]]:
                continue
            outcome[at] = 2
            gt_index[at] = row
            pred_index[at] = -1
            iou[at] = gt_iou[row]
            at += 1
    return outcome, gt_index, pred_index, iou


@njit(cache=True, nogil=True)
def tally_kernel(
    outcome: NDArray[np.int8],
    gt_index: NDArray[np.int64],
    pred_index: NDArray[np.int64],
    iou: NDArray[np.float64],
    gt_label: NDArray[np.int32],
    pred_label: NDArray[np.int32],
    num_labels: int,
    iou_threshold: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Per-label TP, FP, FN ``(L,)`` and the ``(L+1, L+1)`` confusion matrix of outcome entries, in one pass.

    Labels must be in ``0..num_labels-1`` (checked by the caller). The cell rules are those documented on
    :func:`matchscope.engine.outcomes.confusion_matrix`.
    """
    tp = np.zeros(num_labels, dtype=np.int64)
    fp = np.zeros(num_labels, dtype=np.int64)
    fn = np.zeros(num_labels, dtype=np.int64)
    matrix = np.zeros((num_labels + 1, num_labels + 1), dtype=np.int64)
    for e in range(outcome.size):
        g = gt_index[e]
        p = pred_index[e]
        localised = g >= 0 and p >= 0 and iou[e] >= iou_threshold
        if outcome[e] == 0:
            tp[gt_label[g]] += 1
            matrix[gt_label[g], pred_label[p]] += 1
        elif outcome[e] == 1:
            fp[pred_label[p]] += 1
            matrix[gt_label[g] if localised else num_labels, pred_label[p]] += 1
        else:
            fn[gt_label[g]] += 1
            if not localised:  # the FN half of a localised label confusion is counted with its FP half
                matrix[gt_label[g], num_labels] += 1
    return tp, fp, fn, matrix

"""Numba kernels of the TIDE summary; use :func:`matchscope.engine.tide.tide_summary`.

``tide_kernel`` walks the items in order and does, per item, what tidecv 1.0.1 does per image: its greedy
matching (predictions by score, each taking the same-class ground truth of highest IoU still free, if that
IoU is at least the foreground threshold), its crowd ignore regions, its error tests in its order and its
"best prediction per ground truth" bookkeeping. ``class_ap_kernel`` is tidecv's per-class AP (101-point
interpolation of the score-ordered precision-recall curve). Both release the GIL.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from matchscope.engine._kernels_iou import pair_iou

__all__ = [
    "BACKGROUND",
    "BOTH",
    "CLASSIFICATION",
    "DUPLICATE",
    "FALSE",
    "IGNORED",
    "LOCALIZATION",
    "MISSED",
    "TRUE",
    "class_ap_kernel",
    "tide_kernel",
]

# Error codes, in tidecv's order (ClassError, BoxError, OtherError, DuplicateError, BackgroundError, MissedError).
CLASSIFICATION, LOCALIZATION, BOTH, DUPLICATE, BACKGROUND, MISSED = 0, 1, 2, 3, 4, 5
# Prediction states: a false positive, a true positive, or ignored (inside a crowd region of its class).
FALSE, TRUE, IGNORED = 0, 1, 2


@njit(cache=True, nogil=True, inline="always")
def _box_iou(gt_boxes: NDArray[np.float64], g: int, pred_boxes: NDArray[np.float64], p: int, crowd: bool) -> float:
    gx, gy, gw, gh = gt_boxes[g, 0], gt_boxes[g, 1], gt_boxes[g, 2], gt_boxes[g, 3]
    px, py, pw, ph = pred_boxes[p, 0], pred_boxes[p, 1], pred_boxes[p, 2], pred_boxes[p, 3]
    return pair_iou(gx, gy, gx + gw, gy + gh, gw * gh, px, py, px + pw, py + ph, pw * ph, crowd)


@njit(cache=True, nogil=True)
def _iou_block(
    plain: NDArray[np.int64], gt_boxes: NDArray[np.float64], p0: int, p1: int, pred_boxes: NDArray[np.float64]
) -> NDArray[np.float64]:
    """IoU of each of an item's predictions (rows) with each of its plain (not crowd) ground truths."""
    iou = np.zeros((p1 - p0, plain.size), dtype=np.float64)
    for i in range(p1 - p0):
        for j in range(plain.size):
            iou[i, j] = _box_iou(gt_boxes, plain[j], pred_boxes, p0 + i, False)
    return iou


@njit(cache=True, nogil=True)
def _match(
    iou: NDArray[np.float64],
    plain: NDArray[np.int64],
    gt_label: NDArray[np.int64],
    p0: int,
    pred_label: NDArray[np.int64],
    pos_threshold: float,
    state: NDArray[np.int8],
    gt_used: NDArray[np.bool_],
) -> None:
    """Each prediction by score takes the first same-class free ground truth of highest IoU (np.argmax's
    tie rule) when that IoU reaches the threshold."""
    for i in range(iou.shape[0]):
        best_j = 0
        best = -1.0
        for j in range(plain.size):
            free = not gt_used[plain[j]] and gt_label[plain[j]] == pred_label[p0 + i]
            value = iou[i, j] if free else 0.0
            if value > best:
                best, best_j = value, j
        if plain.size > 0 and best >= pos_threshold:
            state[p0 + i] = TRUE
            gt_used[plain[best_j]] = True


@njit(cache=True, nogil=True)
def _ignore_in_crowds(
    crowd: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int64],
    p0: int,
    p1: int,
    pred_boxes: NDArray[np.float64],
    pred_label: NDArray[np.int64],
    pos_threshold: float,
    state: NDArray[np.int8],
) -> None:
    """An unmatched prediction of a crowd region's class that it covers beyond the threshold is ignored."""
    for g in crowd:
        for p in range(p0, p1):
            if state[p] == TRUE or gt_label[g] != pred_label[p]:
                continue
            covered = _box_iou(gt_boxes, g, pred_boxes, p, True)
            if covered > pos_threshold:
                state[p] = IGNORED


@njit(cache=True, nogil=True)
def _error_of(
    row: NDArray[np.float64],
    plain: NDArray[np.int64],
    gt_label: NDArray[np.int64],
    gt_used: NDArray[np.bool_],
    label: int,
    pos_threshold: float,
    bg_threshold: float,
) -> tuple[int, int]:
    """tidecv's tests in its order on one prediction's IoU row: (error code, ground truth it points at or -1)."""
    same_j = other_j = used_j = 0
    same = other = used = anything = -1.0
    for j in range(plain.size):
        g = plain[j]
        value = row[j]
        is_same = gt_label[g] == label
        v_same = value if is_same else 0.0
        v_other = 0.0 if is_same else value
        v_used = v_same if gt_used[g] else 0.0
        if v_same > same:
            same, same_j = v_same, j
        if v_other > other:
            other, other_j = v_other, j
        if v_used > used:
            used, used_j = v_used, j
        anything = max(anything, value)
    if bg_threshold <= same <= pos_threshold:
        return LOCALIZATION, plain[same_j]
    if other >= pos_threshold:
        return CLASSIFICATION, plain[other_j]
    if used >= pos_threshold:
        return DUPLICATE, plain[used_j]
    if anything <= bg_threshold:
        return BACKGROUND, -1
    return BOTH, -1


@njit(cache=True, nogil=True)
def _split_crowd(g0: int, g1: int, gt_crowd: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    rows = np.arange(g0, g1)
    return rows[~gt_crowd[g0:g1]], rows[gt_crowd[g0:g1]]


@njit(cache=True, nogil=True)
def tide_kernel(
    gt_start: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int64],
    gt_crowd: NDArray[np.bool_],
    pred_start: NDArray[np.int64],
    pred_boxes: NDArray[np.float64],
    pred_label: NDArray[np.int64],
    pos_threshold: float,
    bg_threshold: float,
) -> tuple[NDArray[np.int8], NDArray[np.int8], NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Per prediction: state, error code (-1 for a true positive), the ground truth its error points at (-1 if
    none) and whether fixing that error makes it a true positive; per ground truth: whether it is missed.

    Ground truths and predictions are grouped by item (``*_start`` (items + 1,) delimit the groups); within an
    item, ground truths in tidecv's order and predictions already sorted by score, at most max_dets of them.
    """
    state = np.zeros(pred_label.size, dtype=np.int8)
    error = np.full(pred_label.size, -1, dtype=np.int8)
    target = np.full(pred_label.size, -1, dtype=np.int64)
    fixable = np.zeros(pred_label.size, dtype=np.bool_)
    gt_used = np.zeros(gt_label.size, dtype=np.bool_)
    gt_usable = np.zeros(gt_label.size, dtype=np.bool_)
    gt_best = np.full(gt_label.size, -1, dtype=np.int64)
    for item in range(gt_start.size - 1):
        p0, p1 = pred_start[item], pred_start[item + 1]
        plain, crowd = _split_crowd(gt_start[item], gt_start[item + 1], gt_crowd)
        iou = _iou_block(plain, gt_boxes, p0, p1, pred_boxes)
        _match(iou, plain, gt_label, p0, pred_label, pos_threshold, state, gt_used)
        _ignore_in_crowds(crowd, gt_boxes, gt_label, p0, p1, pred_boxes, pred_label, pos_threshold, state)
        # Every prediction that is not a true positive gets an error, ignored ones included (as in tidecv).
        for p in range(p0, p1):
            if state[p] == TRUE:
                continue
            if plain.size == 0:
                error[p] = BACKGROUND
                continue
            code, g = _error_of(iou[p - p0], plain, gt_label, gt_used, pred_label[p], pos_threshold, bg_threshold)
            error[p], target[p] = code, g
            if code <= LOCALIZATION and not gt_used[g]:  # CLASSIFICATION or LOCALIZATION: fixable kinds
                gt_usable[g] = True
                if gt_best[g] < 0:  # predictions come by score descending: the first one scores highest
                    gt_best[g] = p
                    fixable[p] = True
    gt_missed = ~gt_used & ~gt_usable & ~gt_crowd
    return state, error, target, fixable, gt_missed


@njit(cache=True, nogil=True)
def class_ap_kernel(
    label: NDArray[np.int64], positive: NDArray[np.bool_], num_gt: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """tidecv's AP (in points) of each class from its data points, given in tidecv's sorted order.

    Returns (AP per class, whether the class has any data point); a class without ground truth scores 0.
    """
    n_classes = num_gt.size
    # A stable counting sort by class keeps each class's points in the given order.
    start = np.zeros(n_classes + 1, dtype=np.int64)
    for cls in label:
        start[cls + 1] += 1
    has_points = start[1:] > 0
    for cls in range(n_classes):
        start[cls + 1] += start[cls]
    fill = start[:-1].copy()
    by_class = np.empty(label.size, dtype=np.bool_)
    for k in range(label.size):
        by_class[fill[label[k]]] = positive[k]
        fill[label[k]] += 1
    ap = np.zeros(n_classes, dtype=np.float64)
    precision = np.empty(label.size, dtype=np.float64)
    recall = np.empty(label.size, dtype=np.float64)
    for cls in range(n_classes):
        if num_gt[cls] > 0:
            ap[cls] = _ap(by_class[start[cls] : start[cls + 1]], num_gt[cls], precision, recall)
    return ap, has_points


@njit(cache=True, nogil=True)
def _ap(positive: NDArray[np.bool_], n_gt: int, precision: NDArray[np.float64], recall: NDArray[np.float64]) -> float:
    """tidecv's ``APDataObject.get_ap``: the precision envelope read at recall 0, 0.01, ..., 1, averaged."""
    n = positive.size
    true = false = 0
    for k in range(n):
        if positive[k]:
            true += 1
        else:
            false += 1
        precision[k] = true / (true + false)
        recall[k] = true / n_gt
    for k in range(n - 1, 0, -1):
        if precision[k] > precision[k - 1]:
            precision[k - 1] = precision[k]
    total = 0.0
    q = 0
    for r in range(101):
        x = r / 100
        while q < n and recall[q] < x:
            q += 1
        if q < n:
            total += precision[q]
    return total / 101 * 100

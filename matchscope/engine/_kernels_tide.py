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
) -> tuple[
    NDArray[np.int8], NDArray[np.int8], NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]
]:
    """Per prediction: state, error code (-1 for a true positive), the ground truth its error points at (-1 if
    none) and whether fixing that error makes it a true positive; per ground truth: matched, missed.

    Ground truths and predictions are grouped by item (``*_start`` (items + 1,) delimit the groups); within an
    item, ground truths in tidecv's order and predictions already sorted by score, at most max_dets of them.
    """
    n_pred = pred_label.size
    n_gt = gt_label.size
    state = np.zeros(n_pred, dtype=np.int8)
    error = np.full(n_pred, -1, dtype=np.int8)
    target = np.full(n_pred, -1, dtype=np.int64)
    fixable = np.zeros(n_pred, dtype=np.bool_)
    gt_used = np.zeros(n_gt, dtype=np.bool_)
    gt_missed = np.zeros(n_gt, dtype=np.bool_)
    gt_usable = np.zeros(n_gt, dtype=np.bool_)
    gt_best = np.full(n_gt, -1, dtype=np.int64)

    for item in range(gt_start.size - 1):
        g0, g1 = gt_start[item], gt_start[item + 1]
        p0, p1 = pred_start[item], pred_start[item + 1]
        plain = np.empty(g1 - g0, dtype=np.int64)
        crowd = np.empty(g1 - g0, dtype=np.int64)
        n_plain = n_crowd = 0
        for g in range(g0, g1):
            if gt_crowd[g]:
                crowd[n_crowd] = g
                n_crowd += 1
            else:
                plain[n_plain] = g
                n_plain += 1
        if p1 == p0:
            for k in range(n_plain):
                gt_missed[plain[k]] = True
            continue
        n_p = p1 - p0
        iou = np.zeros((n_p, n_plain), dtype=np.float64)
        for i in range(n_p):
            p = p0 + i
            px, py, pw, ph = pred_boxes[p, 0], pred_boxes[p, 1], pred_boxes[p, 2], pred_boxes[p, 3]
            for k in range(n_plain):
                g = plain[k]
                gx, gy, gw, gh = gt_boxes[g, 0], gt_boxes[g, 1], gt_boxes[g, 2], gt_boxes[g, 3]
                iou[i, k] = pair_iou(gx, gy, gx + gw, gy + gh, gw * gh, px, py, px + pw, py + ph, pw * ph, False)

        # Matching: the first same-class ground truth of highest IoU among the free ones (np.argmax's tie rule).
        for i in range(n_p):
            p = p0 + i
            best_k = 0
            best = -1.0
            for k in range(n_plain):
                value = iou[i, k] if (not gt_used[plain[k]] and gt_label[plain[k]] == pred_label[p]) else 0.0
                if value > best:
                    best = value
                    best_k = k
            if n_plain > 0 and best >= pos_threshold:
                state[p] = TRUE
                gt_used[plain[best_k]] = True

        # Crowd regions: an unmatched prediction of the region's class covered more than the threshold is ignored.
        for c in range(n_crowd):
            g = crowd[c]
            gx, gy, gw, gh = gt_boxes[g, 0], gt_boxes[g, 1], gt_boxes[g, 2], gt_boxes[g, 3]
            for i in range(n_p):
                p = p0 + i
                if state[p] == TRUE or gt_label[g] != pred_label[p]:
                    continue
                px, py, pw, ph = pred_boxes[p, 0], pred_boxes[p, 1], pred_boxes[p, 2], pred_boxes[p, 3]
                covered = pair_iou(gx, gy, gx + gw, gy + gh, gw * gh, px, py, px + pw, py + ph, pw * ph, True)
                if covered > pos_threshold:
                    state[p] = IGNORED

        # Errors of every prediction that is not a true positive (ignored ones included, as tidecv does).
        for i in range(n_p):
            p = p0 + i
            if state[p] == TRUE:
                continue
            if n_plain == 0:
                error[p] = BACKGROUND
                continue
            same_k = other_k = used_k = any_k = 0
            same = other = used = anything = -1.0
            for k in range(n_plain):
                g = plain[k]
                value = iou[i, k]
                is_same = gt_label[g] == pred_label[p]
                v_same = value if is_same else 0.0
                v_other = 0.0 if is_same else value
                v_used = v_same if gt_used[g] else 0.0
                if v_same > same:
                    same, same_k = v_same, k
                if v_other > other:
                    other, other_k = v_other, k
                if v_used > used:
                    used, used_k = v_used, k
                if value > anything:
                    anything, any_k = value, k
            if bg_threshold <= same <= pos_threshold:
                error[p] = LOCALIZATION
                target[p] = plain[same_k]
            elif other >= pos_threshold:
                error[p] = CLASSIFICATION
                target[p] = plain[other_k]
            elif used >= pos_threshold:
                error[p] = DUPLICATE
                target[p] = plain[used_k]
            elif anything <= bg_threshold:
                error[p] = BACKGROUND
            else:
                error[p] = BOTH
            g = target[p]
            if (error[p] == LOCALIZATION or error[p] == CLASSIFICATION) and not gt_used[g]:
                gt_usable[g] = True
                if gt_best[g] < 0:  # predictions come by score descending: the first one scores highest
                    gt_best[g] = p
        for i in range(n_p):
            p = p0 + i
            g = target[p]
            if (error[p] == LOCALIZATION or error[p] == CLASSIFICATION) and not gt_used[g] and gt_best[g] == p:
                fixable[p] = True
        for k in range(n_plain):
            g = plain[k]
            gt_missed[g] = not gt_used[g] and not gt_usable[g]
    return state, error, target, fixable, gt_used, gt_missed


@njit(cache=True, nogil=True)
def class_ap_kernel(
    label: NDArray[np.int64], positive: NDArray[np.bool_], num_gt: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """tidecv's AP (in points) of each class from its data points, sorted by class then in tidecv's order.

    Returns (AP per class, whether the class has any data point); a class without ground truth scores 0.
    """
    n_classes = num_gt.size
    ap = np.zeros(n_classes, dtype=np.float64)
    has_points = np.zeros(n_classes, dtype=np.bool_)
    precision = np.empty(label.size, dtype=np.float64)
    recall = np.empty(label.size, dtype=np.float64)
    start = 0
    while start < label.size:
        cls = label[start]
        end = start
        while end < label.size and label[end] == cls:
            end += 1
        has_points[cls] = True
        n_gt = num_gt[cls]
        if n_gt > 0:
            n = end - start
            true = false = 0
            for k in range(n):
                if positive[start + k]:
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
            ap[cls] = total / 101 * 100
        start = end
    return ap, has_points

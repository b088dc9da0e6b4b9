"""Numba kernels for greedy matching (DESIGN §3); use :func:`matchscope.engine.matching.greedy_match`.

Inputs are grouped by item through stable ``order`` arrays (positions into the original arrays, sorted by
item key, original order kept within an item), so the kernels never copy the box arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["greedy_kernel"]


@njit(cache=True)
def _group_end(order: NDArray[np.int64], item: NDArray[np.int64], start: int) -> int:
    key = item[order[start]]
    end = start + 1
    while end < order.size and item[order[end]] == key:
        end += 1
    return end


@njit(cache=True)
def _prediction_block(
    pred_rows: NDArray[np.int64], pred_boxes: NDArray[np.float64], pred_confidence: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """One item's predictions by confidence descending, insertion order within a tie (stable mergesort).

    Returns the original rows ``(P,)``, their negated confidences ``(P,)`` and ``(P, 5)`` columns
    ``x1, y1, x2, y2, area`` computed as in :func:`matchscope.engine.geometry.box_iou`.
    """
    n_pred = pred_rows.size
    neg_conf = np.empty(n_pred, dtype=np.float64)
    for k in range(n_pred):
        neg_conf[k] = -pred_confidence[pred_rows[k]]
    by_conf = np.argsort(neg_conf, kind="mergesort")
    rows = np.empty(n_pred, dtype=np.int64)
    conf = np.empty(n_pred, dtype=np.float64)
    geometry = np.empty((n_pred, 5), dtype=np.float64)
    for k in range(n_pred):
        row = pred_rows[by_conf[k]]
        rows[k] = row
        conf[k] = neg_conf[by_conf[k]]
        geometry[k, 0] = pred_boxes[row, 0]
        geometry[k, 1] = pred_boxes[row, 1]
        geometry[k, 2] = pred_boxes[row, 0] + pred_boxes[row, 2]
        geometry[k, 3] = pred_boxes[row, 1] + pred_boxes[row, 3]
        geometry[k, 4] = pred_boxes[row, 2] * pred_boxes[row, 3]
    return rows, conf, geometry


@njit(cache=True)
def _pair_iou(
    gx1: float, gy1: float, gx2: float, gy2: float, garea: float, pred: NDArray[np.float64]
) -> float:
    """IoU of one ground truth (corners and area) with one prediction row of :func:`_prediction_block`."""
    inter_w = min(gx2, pred[2]) - max(gx1, pred[0])
    inter_h = min(gy2, pred[3]) - max(gy1, pred[1])
    if inter_w <= 0.0 or inter_h <= 0.0:
        return 0.0
    inter: float = inter_w * inter_h
    union: float = garea + pred[4] - inter
    if union <= 0.0:
        return 0.0
    return inter / union


@njit(cache=True)
def _candidates(
    gt_rows: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int32],
    pred_rows: NDArray[np.int64],
    pred_boxes: NDArray[np.float64],
    pred_label: NDArray[np.int32],
    pred_confidence: NDArray[np.float64],
    class_agnostic: bool,
    allowed: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """One item's candidate pairs as ``(-iou, gt row, pred row)``, in tie-break order.

    They are enumerated by confidence descending, then gt index, then pred index, so a stable sort on
    ``-iou`` alone yields the full DESIGN §3 order.
    """
    rows, conf, geometry = _prediction_block(pred_rows, pred_boxes, pred_confidence)
    n_gt = gt_rows.size
    n_pred = rows.size
    neg_iou = np.empty(n_gt * n_pred)
    cand_gt = np.empty(n_gt * n_pred, dtype=np.int64)
    cand_pred = np.empty(n_gt * n_pred, dtype=np.int64)
    n_cand = 0
    start = 0
    while start < n_pred:
        stop = start + 1
        while stop < n_pred and conf[stop] == conf[start]:
            stop += 1
        for grow in gt_rows:
            gx1 = gt_boxes[grow, 0]
            gy1 = gt_boxes[grow, 1]
            gx2 = gt_boxes[grow, 0] + gt_boxes[grow, 2]
            gy2 = gt_boxes[grow, 1] + gt_boxes[grow, 3]
            garea = gt_boxes[grow, 2] * gt_boxes[grow, 3]
            for k in range(start, stop):
                if not class_agnostic and not allowed[gt_label[grow], pred_label[rows[k]]]:
                    continue
                iou = _pair_iou(gx1, gy1, gx2, gy2, garea, geometry[k])
                if iou > 0.0:
                    neg_iou[n_cand] = -iou
                    cand_gt[n_cand] = grow
                    cand_pred[n_cand] = rows[k]
                    n_cand += 1
        start = stop
    return neg_iou[:n_cand], cand_gt[:n_cand], cand_pred[:n_cand]


@njit(cache=True)
def _greedy_pass(
    neg_iou: NDArray[np.float64],
    cand_gt: NDArray[np.int64],
    cand_pred: NDArray[np.int64],
    pairs_left: int,
    gt_partner: NDArray[np.int64],
    pred_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    pred_iou: NDArray[np.float64],
) -> None:
    """Keep candidates by IoU descending (stable: earlier enumeration wins ties) while both boxes are free."""
    for c in np.argsort(neg_iou, kind="mergesort"):
        if pairs_left == 0:
            break
        grow = cand_gt[c]
        prow = cand_pred[c]
        if gt_partner[grow] >= 0 or pred_partner[prow] >= 0:
            continue
        gt_partner[grow] = prow
        pred_partner[prow] = grow
        gt_iou[grow] = -neg_iou[c]
        pred_iou[prow] = -neg_iou[c]
        pairs_left -= 1


@njit(cache=True)
def greedy_kernel(
    gt_order: NDArray[np.int64],
    gt_item: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int32],
    pred_order: NDArray[np.int64],
    pred_item: NDArray[np.int64],
    pred_boxes: NDArray[np.float64],
    pred_label: NDArray[np.int32],
    pred_confidence: NDArray[np.float64],
    class_agnostic: bool,
    allowed: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Greedy matching over all items; returns ``gt_partner, pred_partner, gt_iou, pred_iou``.

    ``*_order`` are stable argsorts of ``*_item``; ``pred_confidence`` has NaN already replaced by 1;
    ``allowed[gt_label, pred_label]`` is only read when ``class_agnostic`` is false.
    """
    n_gt = gt_order.size
    n_pred = pred_order.size
    gt_partner = np.full(n_gt, -1, dtype=np.int64)
    pred_partner = np.full(n_pred, -1, dtype=np.int64)
    gt_iou = np.zeros(n_gt, dtype=np.float64)
    pred_iou = np.zeros(n_pred, dtype=np.float64)
    g = 0
    p = 0
    while g < n_gt and p < n_pred:
        g_key = gt_item[gt_order[g]]
        p_key = pred_item[pred_order[p]]
        if g_key < p_key:
            g = _group_end(gt_order, gt_item, g)
        elif p_key < g_key:
            p = _group_end(pred_order, pred_item, p)
        else:
            g_end = _group_end(gt_order, gt_item, g)
            p_end = _group_end(pred_order, pred_item, p)
            neg_iou, cand_gt, cand_pred = _candidates(
                gt_order[g:g_end],
                gt_boxes,
                gt_label,
                pred_order[p:p_end],
                pred_boxes,
                pred_label,
                pred_confidence,
                class_agnostic,
                allowed,
            )
            pairs_left = min(g_end - g, p_end - p)
            _greedy_pass(neg_iou, cand_gt, cand_pred, pairs_left, gt_partner, pred_partner, gt_iou, pred_iou)
            g = g_end
            p = p_end
    return gt_partner, pred_partner, gt_iou, pred_iou

"""Numba kernels for greedy matching (DESIGN §3); use :func:`matchscope.engine.matching.greedy_match`.

Inputs are grouped by item through stable ``order`` arrays (positions into the original arrays, sorted by
item key, original order kept within an item), so the kernels never copy the box arrays.

Per item, the IoU block is computed once; the greedy pass then either scans it (items with few ground
truths: keep a best free prediction per ground truth, take the best of those, repeat) or sorts its
candidates (items with many ground truths, where rescanning would be quadratic). Both take pairs in exactly
the DESIGN §3 order, so they give identical matchings.

Kernels release the GIL (``nogil``), so a service can run them in a worker thread without stalling its
event loop. They do not check bounds: callers validate label codes and shapes first.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from matchscope.engine._kernels_iou import pair_iou

__all__ = ["counting_order", "greedy_kernel", "shared_item"]


@njit(cache=True, nogil=True)
def _group_end(order: NDArray[np.int64], item: NDArray[np.int64], start: int) -> int:
    key = item[order[start]]
    end = start + 1
    while end < order.size and item[order[end]] == key:
        end += 1
    return end


@njit(cache=True, nogil=True)
def shared_item(
    gt_order: NDArray[np.int64],
    gt_item: NDArray[np.int64],
    g: int,
    pred_order: NDArray[np.int64],
    pred_item: NDArray[np.int64],
    p: int,
) -> tuple[int, int, int, int]:
    """The next item that has both ground truths and predictions, from positions ``g`` and ``p`` of the stable
    item orders: ``(g, g_end, p, p_end)``, its ranges on each side; ``g == g_end`` when no such item is left."""
    while g < gt_order.size and p < pred_order.size:
        g_key = gt_item[gt_order[g]]
        p_key = pred_item[pred_order[p]]
        if g_key < p_key:
            g = _group_end(gt_order, gt_item, g)
        elif p_key < g_key:
            p = _group_end(pred_order, pred_item, p)
        else:
            return g, _group_end(gt_order, gt_item, g), p, _group_end(pred_order, pred_item, p)
    return g, g, p, p


@njit(cache=True, nogil=True)
def _prediction_block(
    pred_rows: NDArray[np.int64], pred_boxes: NDArray[np.float64], pred_confidence: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """One item's predictions by confidence descending, insertion order within a tie (stable mergesort).

    Returns the original rows ``(P,)``, their negated confidences ``(P,)`` and ``(5, P)`` rows
    ``x, y, x + width, y + height, width * height``, the operands of :func:`pair_iou` (one contiguous row
    per coordinate, so that :func:`_iou_block` vectorises).
    """
    n_pred = pred_rows.size
    neg_conf = np.empty(n_pred, dtype=np.float64)
    ordered = True
    for k in range(n_pred):
        neg_conf[k] = -pred_confidence[pred_rows[k]]
        if k > 0 and neg_conf[k] < neg_conf[k - 1]:
            ordered = False
    by_conf = np.arange(n_pred) if ordered else np.argsort(neg_conf, kind="mergesort")
    rows = np.empty(n_pred, dtype=np.int64)
    conf = np.empty(n_pred, dtype=np.float64)
    geometry = np.empty((5, n_pred), dtype=np.float64)
    for k in range(n_pred):
        row = pred_rows[by_conf[k]]
        rows[k] = row
        conf[k] = neg_conf[by_conf[k]]
        x = pred_boxes[row, 0]
        y = pred_boxes[row, 1]
        width = pred_boxes[row, 2]
        height = pred_boxes[row, 3]
        geometry[0, k] = x
        geometry[1, k] = y
        geometry[2, k] = x + width
        geometry[3, k] = y + height
        geometry[4, k] = width * height
    return rows, conf, geometry


@njit(cache=True, nogil=True)
def _iou_block(
    gt_rows: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int32],
    rows: NDArray[np.int64],
    geometry: NDArray[np.float64],
    pred_label: NDArray[np.int32],
    class_agnostic: bool,
    allowed: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """``(G, P)`` IoU of one item's ground truths with its predictions (in block order); 0 where the labels
    may not match. The IoU is :func:`pair_iou`'s, pycocotools' arithmetic."""
    n_pred = rows.size
    iou = np.empty((gt_rows.size, n_pred), dtype=np.float64)
    px = geometry[0]
    py = geometry[1]
    pright = geometry[2]
    pbottom = geometry[3]
    parea = geometry[4]
    for g in range(gt_rows.size):
        grow = gt_rows[g]
        gx = gt_boxes[grow, 0]
        gy = gt_boxes[grow, 1]
        gright = gx + gt_boxes[grow, 2]
        gbottom = gy + gt_boxes[grow, 3]
        garea = gt_boxes[grow, 2] * gt_boxes[grow, 3]
        out = iou[g]
        for k in range(n_pred):
            out[k] = pair_iou(gx, gy, gright, gbottom, garea, px[k], py[k], pright[k], pbottom[k], parea[k], False)
        if not class_agnostic:
            glabel = gt_label[grow]
            for k in range(n_pred):
                if not allowed[glabel, pred_label[rows[k]]]:
                    out[k] = 0.0
    return iou


@njit(cache=True, nogil=True)
def _keep(
    grow: int,
    prow: int,
    iou: float,
    gt_partner: NDArray[np.int64],
    pred_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    pred_iou: NDArray[np.float64],
) -> None:
    gt_partner[grow] = prow
    pred_partner[prow] = grow
    gt_iou[grow] = iou
    pred_iou[prow] = iou


@njit(cache=True, nogil=True)
def _match_by_sort(
    iou: NDArray[np.float64],
    conf: NDArray[np.float64],
    gt_rows: NDArray[np.int64],
    rows: NDArray[np.int64],
    gt_partner: NDArray[np.int64],
    pred_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    pred_iou: NDArray[np.float64],
) -> None:
    """Greedy pass by a stable sort on IoU of the candidates, enumerated in tie-break order (confidence
    descending, then gt index, then pred index)."""
    n_gt, n_pred = iou.shape
    n_cand = 0
    for g in range(n_gt):
        for k in range(n_pred):
            if iou[g, k] > 0.0:
                n_cand += 1
    neg_iou = np.empty(n_cand)
    cand_gt = np.empty(n_cand, dtype=np.int64)
    cand_pred = np.empty(n_cand, dtype=np.int64)
    n_cand = 0
    start = 0
    while start < n_pred:
        stop = start + 1
        while stop < n_pred and conf[stop] == conf[start]:
            stop += 1
        for g in range(n_gt):
            for k in range(start, stop):
                if iou[g, k] > 0.0:
                    neg_iou[n_cand] = -iou[g, k]
                    cand_gt[n_cand] = g
                    cand_pred[n_cand] = k
                    n_cand += 1
        start = stop
    gt_free = np.ones(n_gt, dtype=np.bool_)
    pred_free = np.ones(n_pred, dtype=np.bool_)
    pairs_left = min(n_gt, n_pred)
    for c in np.argsort(neg_iou, kind="mergesort"):
        if pairs_left == 0:
            break
        g = cand_gt[c]
        k = cand_pred[c]
        if gt_free[g] and pred_free[k]:
            gt_free[g] = False
            pred_free[k] = False
            _keep(gt_rows[g], rows[k], -neg_iou[c], gt_partner, pred_partner, gt_iou, pred_iou)
            pairs_left -= 1


@njit(cache=True, nogil=True)
def _row_best(iou: NDArray[np.float64], g: int, pred_free: NDArray[np.bool_]) -> int:
    """Column of the first free prediction with the highest IoU > 0 in row ``g``, -1 if none."""
    best = -1
    best_iou = 0.0
    for k in range(iou.shape[1]):
        if pred_free[k] and iou[g, k] > best_iou:
            best = k
            best_iou = iou[g, k]
    return best


@njit(cache=True, nogil=True)
def _match_by_scan(
    iou: NDArray[np.float64],
    conf: NDArray[np.float64],
    gt_rows: NDArray[np.int64],
    rows: NDArray[np.int64],
    gt_partner: NDArray[np.int64],
    pred_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    pred_iou: NDArray[np.float64],
) -> None:
    """Greedy pass without sorting: O(G * P) plus a rescan of a row each time its best column is taken."""
    n_gt, n_pred = iou.shape
    pred_free = np.ones(n_pred, dtype=np.bool_)
    best = np.empty(n_gt, dtype=np.int64)
    for g in range(n_gt):
        best[g] = _row_best(iou, g, pred_free)
    for _ in range(min(n_gt, n_pred)):
        pick = -1
        for g in range(n_gt):
            k = best[g]
            if k < 0:
                continue
            if pick < 0:
                pick = g
                continue
            top = best[pick]
            # Strictly better only: on a full tie the earlier ground truth (lower index) keeps the pick.
            if iou[g, k] > iou[pick, top] or (iou[g, k] == iou[pick, top] and conf[k] < conf[top]):
                pick = g
        if pick < 0:
            break
        taken = best[pick]
        _keep(gt_rows[pick], rows[taken], iou[pick, taken], gt_partner, pred_partner, gt_iou, pred_iou)
        pred_free[taken] = False
        best[pick] = -1
        for g in range(n_gt):
            if best[g] == taken:
                best[g] = _row_best(iou, g, pred_free)


@njit(cache=True, nogil=True)
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
    scan_limit: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Greedy matching over all items; returns ``gt_partner, pred_partner, gt_iou, pred_iou``.

    ``*_order`` are stable argsorts of ``*_item``; ``pred_confidence`` has NaN already replaced by 1;
    ``allowed[gt_label, pred_label]`` is only read when ``class_agnostic`` is false. Items with at most
    ``scan_limit`` ground truths use the scanning pass, the others the sorting pass.
    """
    n_gt = gt_order.size
    n_pred = pred_order.size
    gt_partner = np.full(n_gt, -1, dtype=np.int64)
    pred_partner = np.full(n_pred, -1, dtype=np.int64)
    gt_iou = np.zeros(n_gt, dtype=np.float64)
    pred_iou = np.zeros(n_pred, dtype=np.float64)
    g, g_end, p, p_end = shared_item(gt_order, gt_item, 0, pred_order, pred_item, 0)
    while g < g_end:
        gt_rows = gt_order[g:g_end]
        rows, conf, geometry = _prediction_block(pred_order[p:p_end], pred_boxes, pred_confidence)
        iou = _iou_block(gt_rows, gt_boxes, gt_label, rows, geometry, pred_label, class_agnostic, allowed)
        if gt_rows.size <= scan_limit:
            _match_by_scan(iou, conf, gt_rows, rows, gt_partner, pred_partner, gt_iou, pred_iou)
        else:
            _match_by_sort(iou, conf, gt_rows, rows, gt_partner, pred_partner, gt_iou, pred_iou)
        g, g_end, p, p_end = shared_item(gt_order, gt_item, g_end, pred_order, pred_item, p_end)
    return gt_partner, pred_partner, gt_iou, pred_iou


@njit(cache=True, nogil=True)
def counting_order(item: NDArray[np.int64], low: int, span: int) -> NDArray[np.int64]:
    """Stable argsort of ``item`` keys in ``low..low+span-1`` by counting sort: O(N + span)."""
    starts = np.zeros(span + 1, dtype=np.int64)
    for key in item:
        starts[key - low + 1] += 1
    for k in range(span):
        starts[k + 1] += starts[k]
    order = np.empty(item.size, dtype=np.int64)
    for i in range(item.size):
        slot = item[i] - low
        order[starts[slot]] = i
        starts[slot] += 1
    return order

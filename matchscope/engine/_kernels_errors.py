"""Numba kernel of the per-prediction evidence behind error types and nearest ground truth (DESIGN §3);
use :func:`matchscope.engine.error_types.error_evidence`.

Every IoU is :func:`pair_iou`'s, the arithmetic of greedy matching and COCO. Ties keep the earlier ground truth
(insertion order), as ``argmax`` does in tidecv.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from matchscope.engine._kernels_iou import pair_iou
from matchscope.engine._kernels_matching import shared_item

__all__ = ["evidence_kernel"]


@njit(cache=True, nogil=True)
def _one_prediction(
    row: int,
    gt_rows: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int32],
    gt_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    gt_compatible: NDArray[np.bool_],
    pred_boxes: NDArray[np.float64],
    pred_label: NDArray[np.int32],
    pred_confidence: NDArray[np.float64],
    class_agnostic: bool,
    allowed: NDArray[np.bool_],
    out: NDArray[np.float64],
) -> None:
    """The evidence of prediction ``row`` against its item's ground truths ``gt_rows``, written to ``out[:, row]``."""
    px = pred_boxes[row, 0]
    py = pred_boxes[row, 1]
    pright = px + pred_boxes[row, 2]
    pbottom = py + pred_boxes[row, 3]
    parea = pred_boxes[row, 2] * pred_boxes[row, 3]
    plabel = pred_label[row]
    nearest_iou = 0.0
    for grow in gt_rows:
        gx = gt_boxes[grow, 0]
        gy = gt_boxes[grow, 1]
        gwidth = gt_boxes[grow, 2]
        gheight = gt_boxes[grow, 3]
        iou = pair_iou(gx, gy, gx + gwidth, gy + gheight, gwidth * gheight, px, py, pright, pbottom, parea, False)
        if iou <= 0.0:
            continue
        if iou > nearest_iou:
            nearest_iou = iou
            out[4, row] = grow
        glabel = gt_label[grow]
        compatible = glabel == plabel if class_agnostic else allowed[glabel, plabel]
        if not compatible:
            if iou > out[2, row]:
                out[2, row] = iou
                out[3, row] = grow
            continue
        if iou > out[0, row]:
            out[0, row] = iou
            out[1, row] = grow
        partner = gt_partner[grow]
        if partner >= 0 and partner != row and gt_compatible[grow]:
            reach = min(iou, gt_iou[grow])
            confidence = pred_confidence[partner]
            if reach > out[5, row] or (reach == out[5, row] and confidence > out[6, row]):
                out[5, row] = reach
                out[6, row] = confidence


@njit(cache=True, nogil=True)
def evidence_kernel(
    gt_order: NDArray[np.int64],
    gt_item: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_label: NDArray[np.int32],
    gt_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    gt_compatible: NDArray[np.bool_],
    pred_order: NDArray[np.int64],
    pred_item: NDArray[np.int64],
    pred_boxes: NDArray[np.float64],
    pred_label: NDArray[np.int32],
    pred_confidence: NDArray[np.float64],
    class_agnostic: bool,
    allowed: NDArray[np.bool_],
) -> tuple[
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
]:
    """Per prediction ``(M,)``: best IoU with a compatible ground truth and its index, the same with an
    incompatible one, the nearest ground truth's index (any label), and the duplicate evidence: over compatible
    ground truths kept with a compatible partner other than this prediction, the largest ``min(IoU with this
    prediction, the pair's IoU)`` and that partner's confidence (larger confidence on a tie).

    ``*_order`` are stable argsorts of ``*_item``; ``pred_confidence`` has NaN replaced by 1; compatibility is
    label equality when ``class_agnostic``, else ``allowed[gt_label, pred_label]``. IoU 0 and index -1 mean none.
    """
    n_pred = pred_order.size
    # Rows: compatible IoU, compatible index, incompatible IoU, incompatible index, nearest index, duplicate reach,
    # duplicate confidence (indices as floats: exact below 2**53).
    out = np.zeros((7, n_pred), dtype=np.float64)
    out[1] = out[3] = out[4] = -1.0
    g, g_end, p, p_end = shared_item(gt_order, gt_item, 0, pred_order, pred_item, 0)
    while g < g_end:
        for k in range(p, p_end):
            _one_prediction(
                pred_order[k],
                gt_order[g:g_end],
                gt_boxes,
                gt_label,
                gt_partner,
                gt_iou,
                gt_compatible,
                pred_boxes,
                pred_label,
                pred_confidence,
                class_agnostic,
                allowed,
                out,
            )
        g, g_end, p, p_end = shared_item(gt_order, gt_item, g_end, pred_order, pred_item, p_end)
    return (
        out[0].copy(),
        out[1].astype(np.int64),
        out[2].copy(),
        out[3].astype(np.int64),
        out[4].astype(np.int64),
        out[5].copy(),
        out[6].copy(),
    )

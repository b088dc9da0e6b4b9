"""The compiled twin of :func:`matchscope.engine.geometry.box_iou`: one box pair, pycocotools' arithmetic.

Kernels pass each box as its left/top corner, its far edges ``x + width`` and ``y + height`` and its area
``width * height``, computed once per box: the same float64 operations as pycocotools' ``bbIou`` (maskApi.c),
which recomputes them per pair, so every IoU is bit-identical to pycocotools'.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, nogil=True, inline="always")
def pair_iou(
    gt_x: float,
    gt_y: float,
    gt_right: float,
    gt_bottom: float,
    gt_area: float,
    pred_x: float,
    pred_y: float,
    pred_right: float,
    pred_bottom: float,
    pred_area: float,
    crowd: bool,
) -> float:
    """IoU of a ground truth and a prediction; 0 when they do not overlap or the union is 0.

    With ``crowd`` the union is the prediction's area (pycocotools' iscrowd rule). Where the boxes overlap
    (``iw > 0`` and ``ih > 0``) the value is pycocotools' ``iw * ih / union`` exactly; elsewhere ``inter`` is
    0 and so is the IoU. No branch depends on the box values, so that loops over many pairs vectorise.
    """
    inter_w = min(gt_right, pred_right) - max(gt_x, pred_x)
    inter_h = min(gt_bottom, pred_bottom) - max(gt_y, pred_y)
    inter = max(inter_w, 0.0) * max(inter_h, 0.0)
    union = pred_area if crowd else gt_area + pred_area - inter
    return inter / union if union > 0.0 else 0.0

"""Box geometry: pairwise intersection over union of ``x, y, width, height`` boxes (DESIGN §3)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["box_iou"]


def box_iou(ground_truth: NDArray[np.float64], prediction: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pairwise IoU between two sets of boxes.

    Args:
        ground_truth: ``(N, 4)`` boxes ``x, y, width, height`` in pixels, ``x, y`` = left/top corner.
        prediction: ``(M, 4)`` boxes in the same layout.

    Returns:
        ``(N, M)`` float64 matrix; entry ``[i, j]`` is intersection area / union area of
        ``ground_truth[i]`` and ``prediction[j]`` in continuous coordinates (no +1), 0 where the union is 0.

    The arithmetic (``x + w`` for the far edge, areas ``(x2 - x1) * (y2 - y1)``, union
    ``(area_gt + area_pred) - inter``) is the same, operation for operation, as in the matching kernel, so
    both produce bit-identical IoUs. It differs from pycocotools' ``w * h`` areas by at most a few ulps.
    """
    ground_truth = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    prediction = np.asarray(prediction, dtype=np.float64).reshape(-1, 4)
    if ground_truth.shape[0] == 0 or prediction.shape[0] == 0:
        return np.zeros((ground_truth.shape[0], prediction.shape[0]), dtype=np.float64)

    gx1, gy1 = ground_truth[:, 0], ground_truth[:, 1]
    gx2, gy2 = gx1 + ground_truth[:, 2], gy1 + ground_truth[:, 3]
    px1, py1 = prediction[:, 0], prediction[:, 1]
    px2, py2 = px1 + prediction[:, 2], py1 + prediction[:, 3]
    inter_w = np.minimum(gx2[:, None], px2[None, :]) - np.maximum(gx1[:, None], px1[None, :])
    inter_h = np.minimum(gy2[:, None], py2[None, :]) - np.maximum(gy1[:, None], py1[None, :])
    inter = np.maximum(inter_w, 0.0) * np.maximum(inter_h, 0.0)
    # Areas from the rounded corners, not width * height: then inter <= each area in floating point, so the
    # IoU never exceeds 1 and an identical box gives exactly 1 (pycocotools' w * h can give 1 + 2e-16).
    union = ((gx2 - gx1) * (gy2 - gy1))[:, None] + ((px2 - px1) * (py2 - py1))[None, :] - inter
    iou: NDArray[np.float64] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0.0)
    return iou

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

    The arithmetic (``x + w`` for the far edge, ``(area_gt + area_pred) - inter`` for the union) is the same,
    operation for operation, as in the matching kernel, so both produce bit-identical IoUs.
    """
    ground_truth = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    prediction = np.asarray(prediction, dtype=np.float64).reshape(-1, 4)
    if ground_truth.shape[0] == 0 or prediction.shape[0] == 0:
        return np.zeros((ground_truth.shape[0], prediction.shape[0]), dtype=np.float64)

    gx, gy, gw, gh = ground_truth.T
    px, py, pw, ph = prediction.T
    inter_w = np.minimum((gx + gw)[:, None], (px + pw)[None, :]) - np.maximum(gx[:, None], px[None, :])
    inter_h = np.minimum((gy + gh)[:, None], (py + ph)[None, :]) - np.maximum(gy[:, None], py[None, :])
    inter = np.maximum(inter_w, 0.0) * np.maximum(inter_h, 0.0)
    union = (gw * gh)[:, None] + (pw * ph)[None, :] - inter
    iou: NDArray[np.float64] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0.0)
    return iou

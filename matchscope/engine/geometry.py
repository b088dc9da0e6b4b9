"""Box geometry: pairwise intersection over union of ``x, y, width, height`` boxes (DESIGN §3).

One arithmetic everywhere, pycocotools' own (``bbIou`` in maskApi.c), in float64::

    iw = min(x1 + w1, x2 + w2) - max(x1, x2)      (likewise ih; no overlap when iw <= 0 or ih <= 0)
    IoU = iw * ih / (w1 * h1 + w2 * h2 - iw * ih)

Areas come from ``w * h``, never from corner differences (``(x + w) - x`` is not ``w`` in floating point), so
a pair that is exactly 0.5 on paper falls on the same side of 0.5 in greedy matching and in COCO AP50. The
compiled twin used by the kernels is :func:`matchscope.engine._kernels_iou.pair_iou`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["box_iou"]


def box_iou(ground_truth: NDArray[np.float64], prediction: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pairwise IoU between two sets of boxes, bit-identical to pycocotools' ``maskUtils.iou`` (no crowd).

    Args:
        ground_truth: ``(N, 4)`` boxes ``x, y, width, height`` in pixels, ``x, y`` = left/top corner.
        prediction: ``(M, 4)`` boxes in the same layout.

    Returns:
        ``(N, M)`` float64 matrix; entry ``[i, j]`` is intersection area / union area of ``ground_truth[i]``
        and ``prediction[j]`` in continuous coordinates (no +1), 0 where they do not overlap. As in
        pycocotools, an identical box may give 1 ± 1 ulp.
    """
    ground_truth = np.asarray(ground_truth, dtype=np.float64).reshape(-1, 4)
    prediction = np.asarray(prediction, dtype=np.float64).reshape(-1, 4)
    if ground_truth.shape[0] == 0 or prediction.shape[0] == 0:
        return np.zeros((ground_truth.shape[0], prediction.shape[0]), dtype=np.float64)

    gx, gy, gw, gh = (ground_truth[:, i, None] for i in range(4))
    px, py, pw, ph = (prediction[None, :, i] for i in range(4))
    inter_w = np.minimum(gx + gw, px + pw) - np.maximum(gx, px)
    inter_h = np.minimum(gy + gh, py + ph) - np.maximum(gy, py)
    overlap = (inter_w > 0.0) & (inter_h > 0.0)
    inter = np.where(overlap, inter_w * inter_h, 0.0)
    union = gw * gh + pw * ph - inter
    iou: NDArray[np.float64] = np.divide(inter, union, out=np.zeros_like(inter), where=overlap & (union > 0.0))
    return iou

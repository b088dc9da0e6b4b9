"""TIDE error types of outcome entries and the nearest ground truth of every prediction (DESIGN §3).

Matching does not depend on any threshold, nor does the evidence here: per prediction, its best IoU with a
compatible ground truth, with an incompatible one, its nearest ground truth (any label) and how far it reaches a
ground truth that another prediction holds with compatible labels. The types at an IoU threshold ``t``, a
confidence threshold ``c`` and a background threshold ``b`` follow from the evidence by comparisons alone, so a
service can store it once and type entries at query time. A false positive gets the first type that fits, in
tidecv's order:

- ``LOCALIZATION``: ``b <= best compatible IoU < t``;
- ``CLASSIFICATION``: best incompatible IoU ``>= t``;
- ``DUPLICATE``: IoU ``>= t`` with a compatible ground truth that is another prediction's true positive at
  ``(t, c)``;
- ``BACKGROUND``: IoU with every ground truth ``<= b`` (or no ground truth on the item);
- ``BOTH``: the rest.

A false negative is ``MISSED`` unless its ground truth is the best match of a ``LOCALIZATION`` (best compatible),
``CLASSIFICATION`` (best incompatible) or ``BOTH`` (nearest) false positive. True positives have no type.

Where a prediction reaches several ground truths held by others, the duplicate evidence keeps the one it reaches
furthest (``min`` of its IoU and the pair's), the holder of higher confidence on a tie; with a confidence
threshold that drops that holder but not another's, such a prediction reads ``BOTH`` where ``DUPLICATE`` would be
exact (two true positives overlapping one box at IoU ``>= t`` each).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from matchscope.engine._kernels_errors import evidence_kernel
from matchscope.engine.matching import (
    GroundTruthBoxes,
    ItemOrder,
    Matching,
    PredictionBoxes,
    _allowed_table,
    confidence_or_one,
)
from matchscope.engine.outcomes import FALSE_NEGATIVE, FALSE_POSITIVE, Entries

__all__ = [
    "BACKGROUND_THRESHOLD",
    "NO_ERROR",
    "ErrorEvidence",
    "ErrorType",
    "box_error_types",
    "entry_error_types",
    "error_evidence",
    "false_positive_types",
    "missed",
]

BACKGROUND_THRESHOLD = 0.1
NO_ERROR = -1


class ErrorType(IntEnum):
    """Error type codes (``NO_ERROR`` = -1 for true positives and covered false negatives)."""

    CLASSIFICATION = 0
    LOCALIZATION = 1
    BOTH = 2
    DUPLICATE = 3
    BACKGROUND = 4
    MISSED = 5


@dataclass(frozen=True, slots=True)
class ErrorEvidence:
    """Per prediction, every array ``(M,)``; IoU 0 and index -1 mean "none".

    Attributes:
        compatible_iou / compatible_gt: best IoU with a ground truth whose label is compatible, and its index.
        incompatible_iou / incompatible_gt: the same over incompatible labels.
        nearest_gt: index of the ground truth of highest IoU, any label (-1: none overlaps).
        duplicate_iou: over compatible ground truths kept with a compatible partner other than this prediction,
            the largest ``min(IoU with this prediction, the pair's IoU)``.
        duplicate_confidence: that partner's confidence (NaN read as 1).
    """

    compatible_iou: NDArray[np.float64]
    compatible_gt: NDArray[np.int64]
    incompatible_iou: NDArray[np.float64]
    incompatible_gt: NDArray[np.int64]
    nearest_gt: NDArray[np.int64]
    duplicate_iou: NDArray[np.float64]
    duplicate_confidence: NDArray[np.float64]

    @property
    def nearest_iou(self) -> NDArray[np.float64]:
        """``(M,)`` IoU with the nearest ground truth (0: none overlaps)."""
        return np.maximum(self.compatible_iou, self.incompatible_iou)


def error_evidence(
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    matching: Matching,
    *,
    class_agnostic: bool = True,
    allowed_label_matches: NDArray[np.int32] | None = None,
) -> ErrorEvidence:
    """The evidence of every prediction, given the matching made with the same options.

    Labels are compatible when equal, or, with ``class_agnostic=False``, when ``(gt_label, pred_label)`` is in
    ``allowed_label_matches`` (as for :attr:`Matching.pred_compatible`).
    """
    if class_agnostic:
        table = np.ones((1, 1), dtype=np.bool_)  # not read in class-agnostic mode
    else:
        table = _allowed_table(ground_truth, predictions, allowed_label_matches)
    gt_item = np.asarray(ground_truth.item, dtype=np.int64)
    pred_item = np.asarray(predictions.item, dtype=np.int64)
    gt_order = ItemOrder.of(gt_item)
    pred_order = ItemOrder.of(pred_item)
    arrays = evidence_kernel(
        gt_order.order if gt_order.order is not None else gt_order.identity(),
        gt_item,
        np.ascontiguousarray(ground_truth.boxes, dtype=np.float64),
        np.asarray(ground_truth.label, dtype=np.int32),
        np.asarray(matching.gt_partner, dtype=np.int64),
        np.asarray(matching.gt_iou, dtype=np.float64),
        np.asarray(matching.gt_compatible, dtype=np.bool_),
        pred_order.order if pred_order.order is not None else pred_order.identity(),
        pred_item,
        np.ascontiguousarray(predictions.boxes, dtype=np.float64),
        np.asarray(predictions.label, dtype=np.int32),
        confidence_or_one(predictions.confidence),
        class_agnostic,
        table,
    )
    return ErrorEvidence(*arrays)


def false_positive_types(
    compatible_iou: NDArray[np.float64],
    incompatible_iou: NDArray[np.float64],
    duplicate_iou: NDArray[np.float64],
    duplicate_confidence: NDArray[np.float64],
    *,
    iou_threshold: float,
    confidence_threshold: float,
    background_threshold: float = BACKGROUND_THRESHOLD,
) -> NDArray[np.int8]:
    """``(F,)`` :class:`ErrorType` codes of false positives from their evidence (arrays ``(F,)``)."""
    t, b = float(iou_threshold), float(background_threshold)
    codes = np.full(len(compatible_iou), ErrorType.BOTH, dtype=np.int8)
    codes[np.maximum(compatible_iou, incompatible_iou) <= b] = ErrorType.BACKGROUND
    duplicate = (duplicate_iou > 0.0) & (duplicate_iou >= t) & (duplicate_confidence >= confidence_threshold)
    codes[duplicate] = ErrorType.DUPLICATE
    codes[(incompatible_iou > 0.0) & (incompatible_iou >= t)] = ErrorType.CLASSIFICATION
    codes[(compatible_iou > 0.0) & (compatible_iou >= b) & (compatible_iou < t)] = ErrorType.LOCALIZATION
    return codes


def best_matches(
    codes: NDArray[np.int8],
    compatible_gt: NDArray[np.int64],
    incompatible_gt: NDArray[np.int64],
    nearest_gt: NDArray[np.int64],
) -> NDArray[np.int64]:
    """``(F,)`` the ground truth (index or id; -1 none) each typed false positive would be fixed on: the best
    compatible one of a LOCALIZATION, the best incompatible one of a CLASSIFICATION, the nearest of a BOTH."""
    return np.select(
        [codes == ErrorType.LOCALIZATION, codes == ErrorType.CLASSIFICATION, codes == ErrorType.BOTH],
        [compatible_gt, incompatible_gt, nearest_gt],
        default=-1,
    ).astype(np.int64, copy=False)


def missed(false_negative_gt: NDArray[np.int64], best_match: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``(N,)`` which false negatives' ground truths (index or id) are no false positive's best match."""
    return ~np.isin(false_negative_gt, best_match[best_match >= 0])


def entry_error_types(
    entries: Entries,
    evidence: ErrorEvidence,
    *,
    background_threshold: float = BACKGROUND_THRESHOLD,
) -> NDArray[np.int8]:
    """``(E,)`` :class:`ErrorType` codes of entries at their thresholds (``NO_ERROR`` where none)."""
    codes = np.full(len(entries), NO_ERROR, dtype=np.int8)
    fp = np.flatnonzero(entries.outcome == FALSE_POSITIVE)
    fn = np.flatnonzero(entries.outcome == FALSE_NEGATIVE)
    rows = entries.pred_index[fp]
    fp_codes = false_positive_types(
        evidence.compatible_iou[rows],
        evidence.incompatible_iou[rows],
        evidence.duplicate_iou[rows],
        evidence.duplicate_confidence[rows],
        iou_threshold=entries.iou_threshold,
        confidence_threshold=entries.confidence_threshold,
        background_threshold=background_threshold,
    )
    codes[fp] = fp_codes
    targets = best_matches(
        fp_codes, evidence.compatible_gt[rows], evidence.incompatible_gt[rows], evidence.nearest_gt[rows]
    )
    codes[fn[missed(entries.gt_index[fn], targets)]] = ErrorType.MISSED
    return codes


def box_error_types(
    entries: Entries, codes: NDArray[np.int8], predictions: int, ground_truths: int
) -> tuple[NDArray[np.int8], NDArray[np.int8]]:
    """The entries' type codes per box: ``(M,)`` of each prediction's false positive and ``(N,)`` of each ground
    truth's false negative (``NO_ERROR`` where the box has no typed entry)."""
    by_prediction = np.full(predictions, NO_ERROR, dtype=np.int8)
    by_ground_truth = np.full(ground_truths, NO_ERROR, dtype=np.int8)
    fp = entries.outcome == FALSE_POSITIVE
    fn = entries.outcome == FALSE_NEGATIVE
    by_prediction[entries.pred_index[fp]] = codes[fp]
    by_ground_truth[entries.gt_index[fn]] = codes[fn]
    return by_prediction, by_ground_truth

"""Greedy one-to-one matching of predictions to ground truth, item by item (DESIGN §3).

Candidate pairs on an item are (ground truth, prediction) pairs with IoU > 0 whose labels may match. They are
taken by IoU descending, then prediction confidence descending (NaN counts as 1), then ground-truth index,
then prediction index; a pair is kept when neither box is kept yet. No IoU threshold is involved. IoUs are
:func:`matchscope.engine.geometry.box_iou`'s, pycocotools' arithmetic, bit for bit, so a kept pair reaches a
threshold t exactly when COCO's matching at t sees the same pair reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from matchscope.engine._kernels_matching import counting_order, greedy_kernel

__all__ = ["GroundTruthBoxes", "Matching", "PredictionBoxes", "greedy_match", "warmup"]

_Scalar = TypeVar("_Scalar", bound=np.generic)

# Items with at most this many ground truths are matched by rescanning their IoU block (fast for COCO-sized
# items); larger ones by sorting their candidates, which stays O(K log K). Both give the same matching.
SCAN_LIMIT = 48


def _check_rows(kind: str, rows: int, **columns: NDArray[np.generic]) -> None:
    for name, column in columns.items():
        expected = (rows, 4) if name == "boxes" else (rows,)
        if column.shape != expected:
            raise ValueError(f"{kind}.{name} has shape {column.shape}; expected {expected} (item has {rows} rows)")


@dataclass(frozen=True, slots=True)
class GroundTruthBoxes:
    """``N`` ground-truth boxes.

    Attributes:
        item: ``(N,)`` int64 item (image) key; boxes on different items never match.
        boxes: ``(N, 4)`` float64 ``x, y, width, height`` in pixels, ``x, y`` = left/top.
        label: ``(N,)`` int32 label codes ``0..L-1``.

    The index of a box in these arrays is its insertion order (the tie-break of DESIGN §3).
    """

    item: NDArray[np.int64]
    boxes: NDArray[np.float64]
    label: NDArray[np.int32]

    def __post_init__(self) -> None:
        _check_rows("GroundTruthBoxes", len(self.item), boxes=self.boxes, label=self.label)

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, slots=True)
class PredictionBoxes:
    """``M`` predicted boxes; same layout as :class:`GroundTruthBoxes` plus a confidence.

    Attributes:
        confidence: ``(M,)`` float64; NaN means "no confidence" and counts as 1 for tie-breaking and for
            confidence thresholds.
    """

    item: NDArray[np.int64]
    boxes: NDArray[np.float64]
    label: NDArray[np.int32]
    confidence: NDArray[np.float64]

    def __post_init__(self) -> None:
        _check_rows("PredictionBoxes", len(self.item), boxes=self.boxes, label=self.label, confidence=self.confidence)

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, slots=True)
class Matching:
    """Result of :func:`greedy_match`: the kept pairs, seen from both sides.

    Attributes:
        gt_partner: ``(N,)`` index into the predictions, -1 if unmatched.
        pred_partner: ``(M,)`` index into the ground truth, -1 if unmatched.
        gt_iou: ``(N,)`` IoU with the partner, 0 if none.
        pred_iou: ``(M,)`` IoU with the partner, 0 if none.
        pred_compatible: ``(M,)`` the partner's label is equal or an allowed (gt label, pred label) pair;
            False if unmatched.
        gt_compatible: ``(N,)`` the same, seen from the ground truth.
    """

    gt_partner: NDArray[np.int64]
    pred_partner: NDArray[np.int64]
    gt_iou: NDArray[np.float64]
    pred_iou: NDArray[np.float64]
    pred_compatible: NDArray[np.bool_]
    gt_compatible: NDArray[np.bool_]


def confidence_or_one(confidence: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(M,)`` confidences with NaN ("no confidence") replaced by 1."""
    confidence = np.asarray(confidence, dtype=np.float64)
    return np.where(np.isnan(confidence), 1.0, confidence)


@dataclass(frozen=True, slots=True)
class ItemOrder:
    """Stable order of one side's boxes by item key (insertion order kept within an item).

    The kernels walk items in key order; on unsorted input they would read the arrays at random, so the
    columns are gathered into item order first and results mapped back. ``order`` is None when the input is
    already sorted by item (then nothing is copied).
    """

    order: NDArray[np.int64] | None
    size: int

    @classmethod
    def of(cls, item: NDArray[np.int64]) -> ItemOrder:
        if item.size < 2 or bool(np.all(item[1:] >= item[:-1])):
            return cls(order=None, size=item.size)
        low, high = int(item.min()), int(item.max())
        if high - low < max(4 * item.size, 1 << 16):  # dense keys (item codes, image ids): counting sort
            return cls(order=counting_order(item, low, high - low + 1), size=item.size)
        return cls(order=np.argsort(item, kind="stable").astype(np.int64, copy=False), size=item.size)

    def identity(self) -> NDArray[np.int64]:
        return np.arange(self.size, dtype=np.int64)

    def gather(self, column: NDArray[_Scalar]) -> NDArray[_Scalar]:
        """``column`` (original order) in item order, C-contiguous."""
        if self.order is None:
            return np.ascontiguousarray(column)
        return np.take(column, self.order, axis=0)  # several times faster than column[order] for (N, 4)

    def scatter(self, column: NDArray[_Scalar]) -> NDArray[_Scalar]:
        """``column`` (item order) back in original order."""
        if self.order is None:
            return column
        out = np.empty_like(column)
        out[self.order] = column
        return out

    def sorted_index(self, index: NDArray[np.int64]) -> NDArray[np.int64]:
        """Indices into the original arrays (-1 = none) as positions in item order (-1 kept)."""
        if self.order is None:
            return index
        position = np.empty(self.size, dtype=np.int64)
        position[self.order] = np.arange(self.size, dtype=np.int64)
        out = index.copy()
        valid = index >= 0
        out[valid] = position[index[valid]]
        return out

    def original_index(self, index: NDArray[np.int64]) -> NDArray[np.int64]:
        """Positions in item order (-1 = none) as indices into the original arrays (-1 kept)."""
        if self.order is None:
            return index
        out = index.copy()
        valid = index >= 0
        out[valid] = self.order[index[valid]]
        return out


def _allowed_table(
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    allowed_label_matches: NDArray[np.int32] | None,
) -> NDArray[np.bool_]:
    """``(L, L)`` bool: ``table[gt_label, pred_label]`` is True for equal labels and allowed pairs."""
    pairs = np.zeros((0, 2), dtype=np.int64)
    if allowed_label_matches is not None:
        pairs = np.asarray(allowed_label_matches, dtype=np.int64)
        if pairs.ndim != 2 or pairs.shape[1] != 2:
            raise ValueError(
                f"allowed_label_matches has shape {pairs.shape}; expected (K, 2) (gt_label, pred_label) codes"
            )
    codes = np.concatenate([np.asarray(ground_truth.label), np.asarray(predictions.label), pairs.ravel()])
    if codes.size and codes.min() < 0:
        raise ValueError(f"label codes must be >= 0 for class-aware matching; got {int(codes.min())}")
    size = int(codes.max()) + 1 if codes.size else 1
    table = np.eye(size, dtype=np.bool_)
    table[pairs[:, 0], pairs[:, 1]] = True
    return table


def greedy_match(
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    *,
    class_agnostic: bool = True,
    allowed_label_matches: NDArray[np.int32] | None = None,
    _scan_limit: int = SCAN_LIMIT,
) -> Matching:
    """Match predictions to ground truth greedily, one-to-one, per item (DESIGN §3).

    Args:
        ground_truth: ``N`` boxes; need not be grouped or sorted by item.
        predictions: ``M`` boxes; need not be grouped or sorted by item.
        class_agnostic: every label pair may match (the default). When False, a pair may match when the
            labels are equal or ``(gt_label, pred_label)`` is in ``allowed_label_matches``.
        allowed_label_matches: ``(K, 2)`` label codes ``(gt_label, pred_label)``; only with
            ``class_agnostic=False``.

    ``_scan_limit`` is for tests: it chooses between two equivalent kernel passes.

    Raises:
        ValueError: ``allowed_label_matches`` given with ``class_agnostic=True``, or malformed inputs.
    """
    if class_agnostic and allowed_label_matches is not None:
        raise ValueError(
            "allowed_label_matches implies class-aware matching; it cannot be combined with "
            "class_agnostic=True (pass class_agnostic=False)"
        )
    if class_agnostic:
        table = np.ones((1, 1), dtype=np.bool_)  # never read by the kernel in class-agnostic mode
    else:
        table = _allowed_table(ground_truth, predictions, allowed_label_matches)

    gt_item = np.asarray(ground_truth.item, dtype=np.int64)
    pred_item = np.asarray(predictions.item, dtype=np.int64)
    gt_label = np.asarray(ground_truth.label, dtype=np.int32)
    pred_label = np.asarray(predictions.label, dtype=np.int32)
    gt_order = ItemOrder.of(gt_item)
    pred_order = ItemOrder.of(pred_item)

    gt_partner, pred_partner, gt_iou, pred_iou = greedy_kernel(
        gt_order.identity(),
        gt_order.gather(gt_item),
        gt_order.gather(np.asarray(ground_truth.boxes, dtype=np.float64)),
        gt_order.gather(gt_label),
        pred_order.identity(),
        pred_order.gather(pred_item),
        pred_order.gather(np.asarray(predictions.boxes, dtype=np.float64)),
        pred_order.gather(pred_label),
        pred_order.gather(confidence_or_one(predictions.confidence)),
        class_agnostic,
        table,
        _scan_limit,
    )
    gt_partner = gt_order.scatter(pred_order.original_index(gt_partner))
    pred_partner = pred_order.scatter(gt_order.original_index(pred_partner))
    gt_iou = gt_order.scatter(gt_iou)
    pred_iou = pred_order.scatter(pred_iou)

    pred_matched = pred_partner >= 0
    pred_compatible = np.zeros(len(pred_partner), dtype=np.bool_)
    partner_label = gt_label[pred_partner[pred_matched]]
    if class_agnostic:
        pred_compatible[pred_matched] = partner_label == pred_label[pred_matched]
    else:
        pred_compatible[pred_matched] = table[partner_label, pred_label[pred_matched]]
    gt_compatible = np.zeros(len(gt_partner), dtype=np.bool_)
    gt_matched = gt_partner >= 0
    gt_compatible[gt_matched] = pred_compatible[gt_partner[gt_matched]]
    return Matching(
        gt_partner=gt_partner,
        pred_partner=pred_partner,
        gt_iou=gt_iou,
        pred_iou=pred_iou,
        pred_compatible=pred_compatible,
        gt_compatible=gt_compatible,
    )


def warmup() -> None:
    """Compile (or load from cache) the numba kernels of matching and outcomes on tiny input.

    Call once at service start-up: a cold compile takes seconds, a load from numba's cache well under one.
    """
    ground_truth = GroundTruthBoxes(
        item=np.array([0, 1], dtype=np.int64),
        boxes=np.array([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 5.0, 5.0]]),
        label=np.array([0, 1], dtype=np.int32),
    )
    predictions = PredictionBoxes(
        item=np.array([1, 0, 0], dtype=np.int64),
        boxes=np.array([[1.0, 1.0, 5.0, 5.0], [0.0, 0.0, 9.0, 9.0], [2.0, 2.0, 9.0, 9.0]]),
        label=np.array([1, 0, 1], dtype=np.int32),
        confidence=np.array([0.5, np.nan, 0.9]),
    )
    greedy_match(ground_truth, predictions)
    greedy_match(ground_truth, predictions, class_agnostic=False)
    greedy_match(
        ground_truth,
        predictions,
        class_agnostic=False,
        allowed_label_matches=np.array([[0, 1]], dtype=np.int32),
    )
    matching = greedy_match(ground_truth, predictions, _scan_limit=0)
    ItemOrder.of(np.array([3, 1, 2], dtype=np.int64))
    # These modules import this one.
    from matchscope.engine.error_types import error_evidence
    from matchscope.engine.outcomes import class_counts, confusion_matrix, entries_at

    error_evidence(ground_truth, predictions, matching)
    error_evidence(ground_truth, predictions, matching, class_agnostic=False)

    entries = entries_at(matching, ground_truth, predictions)
    class_counts(entries, ground_truth, predictions, 2)
    confusion_matrix(entries, ground_truth, predictions, 2)

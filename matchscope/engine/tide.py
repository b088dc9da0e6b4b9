"""The TIDE summary (Bolya et al. 2020) exactly as tidecv 1.0.1 computes it, class-aware, on numpy arrays.

tidecv's quirks are kept on purpose, so that the numbers equal its own on the same files (DESIGN §3):

- each item keeps its ``max_dets`` (100) highest-scoring predictions, whatever their class;
- crowd ground truths are not boxes to find but ignore regions: an unmatched prediction of the same class
  covering one by more than the foreground threshold leaves the precision-recall curve, yet still gets an
  error type (and, fixed, may become a true positive);
- AP50 is the mean AP over every class with predictions or ground truth; a class with predictions and no
  ground truth scores 0;
- fixing an error type recomputes AP with every error of that type fixed (a ``CLASSIFICATION`` or
  ``LOCALIZATION`` error becomes a true positive only when its prediction is the highest-scoring one whose
  error points at that ground truth, and is dropped otherwise; ``DUPLICATE``, ``BACKGROUND`` and ``BOTH``
  errors are dropped; a ``MISSED`` ground truth is taken out of the count), and ΔAP is the gain, clamped at 0;
- tied scores keep tidecv's order: within a class, data points are sorted by score with Python's stable sort
  of the order tidecv inserted them in (items in order, each item's predictions by score); the fixed data
  lists the error-derived points before the true positives.

tidecv has no per-class breakdown; ours applies the same rules class by class: a class's ΔAP for a type is the
gain in that class's AP when that type is fixed everywhere, clamped at 0, and an error counts in the class of
its box (the prediction's, or the missed ground truth's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from matchscope.engine import _kernels_tide as k

if TYPE_CHECKING:
    from matchscope.engine.cocofile import DetectionColumns, GroundTruthFile

__all__ = ["ERROR_TYPES", "CocoTide", "TideSummary", "coco_tide", "tide_summary", "warmup"]

ERROR_TYPES: tuple[str, ...] = ("CLASSIFICATION", "LOCALIZATION", "BOTH", "DUPLICATE", "BACKGROUND", "MISSED")
_MAX_DETS = 100


@dataclass(frozen=True, slots=True)
class TideSummary:
    """AP50 and, per error type (``ERROR_TYPES`` order), count and ΔAP, in AP points; the same per class.

    ``classes`` (C,) are the label codes with predictions or ground truth, ascending; the ``class_*`` arrays
    are indexed like it: ``class_ap50`` (C,), ``class_counts`` and ``class_delta_ap`` (C, 6).
    """

    ap50: float
    counts: NDArray[np.int64]
    delta_ap: NDArray[np.float64]
    classes: NDArray[np.int64]
    class_ap50: NDArray[np.float64]
    class_counts: NDArray[np.int64]
    class_delta_ap: NDArray[np.float64]

    def to_dict(self, labels: list[str]) -> dict[str, Any]:
        """The summary as plain JSON values, ``labels[code]`` naming each class (the stored and printed form)."""

        def errors(counts: NDArray[np.int64], delta: NDArray[np.float64]) -> list[dict[str, Any]]:
            return [
                {"type": name, "count": int(count), "delta_ap": float(value)}
                for name, count, value in zip(ERROR_TYPES, counts.tolist(), delta.tolist(), strict=True)
            ]

        return {
            "ap50": float(self.ap50),
            "errors": errors(self.counts, self.delta_ap),
            "per_class": [
                {"label": labels[code], "ap50": float(ap), "errors": errors(counts, delta)}
                for code, ap, counts, delta in zip(
                    self.classes.tolist(), self.class_ap50.tolist(), self.class_counts, self.class_delta_ap, strict=True
                )
            ],
        }


def _starts(item: NDArray[np.int64], items: int) -> NDArray[np.int64]:
    return np.searchsorted(item, np.arange(items + 1), side="left").astype(np.int64)


def _mean_ap(ap: NDArray[np.float64], present: NDArray[np.bool_]) -> float:
    """The mean of the classes' APs, summed exactly (tidecv sums in the order it met the classes; an exact sum
    gives the same bits whatever the order, so the service, whose label codes are not the file's category order,
    and the command agree to the bit)."""
    values = ap[present]
    return math.fsum(values.tolist()) / values.size if values.size else 0.0


def tide_summary(
    gt_item: NDArray[np.int64],
    gt_label: NDArray[np.int64],
    gt_boxes: NDArray[np.float64],
    gt_crowd: NDArray[np.bool_],
    pred_item: NDArray[np.int64],
    pred_label: NDArray[np.int64],
    pred_boxes: NDArray[np.float64],
    pred_score: NDArray[np.float64],
    *,
    items: int,
    labels: int,
    pos_threshold: float = 0.5,
    background_threshold: float = 0.1,
) -> TideSummary:
    """tidecv 1.0.1's summary of one model on one dataset (``TIDE(pos, bg).evaluate(gt, preds, mode=BOX)``).

    Items are codes ``0..items-1`` visited in that order (tidecv's image order); labels codes ``0..labels-1``.
    Within an item, ground truths and predictions keep their order in the arrays (it breaks ties, as in
    tidecv's lists). Boxes are ``x, y, width, height``. With nothing to average (no box at all) AP50 is 0,
    where tidecv divides by zero.
    """
    gt_item = np.asarray(gt_item, dtype=np.int64)
    gt_label = np.asarray(gt_label, dtype=np.int64)
    gt_crowd = np.asarray(gt_crowd, dtype=np.bool_)
    pred_item = np.asarray(pred_item, dtype=np.int64)
    pred_label = np.asarray(pred_label, dtype=np.int64)
    pred_score = np.asarray(pred_score, dtype=np.float64)
    gt_boxes = np.asarray(gt_boxes, dtype=np.float64).reshape(-1, 4)
    pred_boxes = np.asarray(pred_boxes, dtype=np.float64).reshape(-1, 4)

    gt_order = np.argsort(gt_item, kind="stable")
    # Each item's predictions by score, ties in array order (Python's stable sort, as tidecv's ``preds.sort``).
    by_score = np.argsort(-pred_score, kind="stable")
    pred_order = by_score[np.argsort(pred_item[by_score], kind="stable")]
    sorted_item = pred_item[pred_order]
    pred_start = _starts(sorted_item, items)
    rank = np.arange(pred_order.size) - np.repeat(pred_start[:-1], np.diff(pred_start))
    kept = pred_order[rank < _MAX_DETS]
    kept_item = pred_item[kept]
    kept_label = pred_label[kept]
    kept_score = pred_score[kept]
    g_label = gt_label[gt_order]
    g_crowd = gt_crowd[gt_order]

    state, error, target, fixable, missed = k.tide_kernel(
        _starts(gt_item[gt_order], items),
        np.ascontiguousarray(gt_boxes[gt_order]),
        g_label,
        g_crowd,
        _starts(kept_item, items),
        np.ascontiguousarray(pred_boxes[kept]),
        kept_label,
        float(pos_threshold),
        float(background_threshold),
    )

    num_gt = np.bincount(g_label[~g_crowd], minlength=labels).astype(np.int64)
    true = state == k.TRUE
    false = state == k.FALSE
    # The order of tidecv's stable sort by score: of the points in insertion order (items, then score) for its
    # AP data; for fixed data, of the error-derived points (insertion order) followed by the true positives.
    base_order = np.argsort(-kept_score, kind="stable")
    inserted = np.concatenate([np.flatnonzero(~true), np.flatnonzero(true)])
    fixed_order = inserted[np.argsort(-kept_score[inserted], kind="stable")]

    def class_aps(
        order: NDArray[np.int64],
        positive: NDArray[np.bool_],
        present: NDArray[np.bool_],
        label: NDArray[np.int64],
        gt_count: NDArray[np.int64],
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        rows = order[present[order]]
        ap, has_points = k.class_ap_kernel(label[rows], positive[rows], gt_count)
        return ap, has_points | (gt_count > 0)

    base_ap, base_present = class_aps(base_order, true, true | false, kept_label, num_gt)
    ap50 = _mean_ap(base_ap, base_present)

    target_label = g_label[np.maximum(target, 0)] if g_label.size else kept_label
    missed_per_class = np.bincount(g_label[missed], minlength=labels).astype(np.int64)
    counts = np.zeros(len(ERROR_TYPES), dtype=np.int64)
    delta = np.zeros(len(ERROR_TYPES), dtype=np.float64)
    class_counts = np.zeros((labels, len(ERROR_TYPES)), dtype=np.int64)
    class_delta = np.zeros((labels, len(ERROR_TYPES)), dtype=np.float64)
    for code in range(len(ERROR_TYPES)):
        if code == k.MISSED:
            class_counts[:, code] = missed_per_class
            ap, present = class_aps(fixed_order, true, true | false, kept_label, num_gt - missed_per_class)
        else:
            of_type = error == code
            class_counts[:, code] = np.bincount(kept_label[of_type], minlength=labels)
            now_true = of_type & fixable
            label = np.where(now_true, target_label, kept_label)  # a fixed CLASSIFICATION joins the GT's class
            positive = true | now_true
            ap, present = class_aps(fixed_order, positive, positive | (false & ~of_type), label, num_gt)
        counts[code] = class_counts[:, code].sum()
        delta[code] = max(_mean_ap(ap, present) - ap50, 0.0)
        class_delta[:, code] = np.maximum(ap - base_ap, 0.0)

    classes = np.flatnonzero(base_present).astype(np.int64)
    return TideSummary(
        ap50=ap50,
        counts=counts,
        delta_ap=delta,
        classes=classes,
        class_ap50=base_ap[classes],
        class_counts=class_counts[classes],
        class_delta_ap=class_delta[classes],
    )


@dataclass(frozen=True, slots=True)
class CocoTide:
    """The TIDE summary of a COCO ground truth and results file, with the names of its classes and notes."""

    summary: TideSummary
    labels: list[str]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return self.summary.to_dict(self.labels)


def coco_tide(ground_truth: GroundTruthFile, detections: DetectionColumns) -> CocoTide:
    """tidecv's summary of COCO files read by :mod:`matchscope.engine.cocofile` (as ``matchscope evaluate`` reads them).

    As tidecv's loaders do: images in file order; annotations and results in file order; results of
    categories the ground truth does not list kept, each such category a class without ground truth (named
    by its id). Results on images the ground truth does not list are refused, as pycocotools refuses them.
    """
    from matchscope.engine.cocofile import category_index, image_index, match_detections

    checked = match_detections(detections, ground_truth)  # refuses unknown images, as `evaluate` does
    gt = ground_truth.ground_truth
    item_of_code = np.empty(gt.image_ids.size, dtype=np.int64)
    item_of_code[np.argsort(ground_truth.image_rows, kind="stable")] = np.arange(gt.image_ids.size)
    pred_code, _ = ground_truth.images.find(detections.image_ids())  # all on images: checked above
    category_code, known = ground_truth.categories.find(detections.category_ids())
    labels = list(gt.category_names)
    pred_label = np.zeros(detections.score.size, dtype=np.int64)
    pred_label[known] = category_index(gt, category_code[known])
    notes = tuple(note for note in checked.notes if "categories the ground truth does not list" not in note)
    unknown = np.flatnonzero(~known)
    if unknown.size:
        ids = detections.category_ids()
        extra: dict[Any, int] = {}
        for row in unknown.tolist():
            key = ids[row]
            key = key.item() if isinstance(key, np.generic) else key
            pred_label[row] = extra.setdefault(key, len(labels) + len(extra))
        labels += [str(key) for key in extra]
        notes += (
            f"results: {unknown.size} of categories the ground truth does not list, kept as classes without "
            "ground truth (tidecv counts them in AP50 with AP 0)",
        )
    summary = tide_summary(
        item_of_code[image_index(gt, gt.image_id)],
        category_index(gt, gt.category_id),
        gt.bbox,
        gt.iscrowd,
        item_of_code[image_index(gt, pred_code)],
        pred_label,
        detections.bbox,
        detections.score,
        items=gt.image_ids.size,
        labels=len(labels),
    )
    return CocoTide(summary, labels, notes)


def warmup() -> None:
    """Compile (or load from numba's cache) the TIDE kernels on a tiny input."""
    boxes = np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 10.0, 10.0]])
    tide_summary(
        np.array([0, 0]),
        np.array([0, 1]),
        boxes,
        np.array([False, True]),
        np.array([0, 0]),
        np.array([0, 1]),
        boxes,
        np.array([0.9, 0.4]),
        items=1,
        labels=2,
    )

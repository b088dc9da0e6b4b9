"""COCO bbox metrics, bit-identical to pycocotools' ``COCOeval(iouType="bbox")``.

pycocotools evaluates each (image, category) group, then accumulates per (category, area range, maxDets).
Here the groups come from one global sort, matching runs in a numba kernel for all ten IoU thresholds and four
area ranges at once, and accumulation walks each category's detections once, in the order pycocotools'
concatenate-then-mergesort gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matchscope.engine import _kernels_coco

IOU_THRESHOLDS: NDArray[np.float64] = np.linspace(0.5, 0.95, int(np.round((0.95 - 0.5) / 0.05)) + 1, endpoint=True)
RECALL_THRESHOLDS: NDArray[np.float64] = np.linspace(0.0, 1.00, int(np.round((1.00 - 0.0) / 0.01)) + 1, endpoint=True)
MAX_DETS: tuple[int, int, int] = (1, 10, 100)
AREA_RANGES: NDArray[np.float64] = np.array(
    [[0**2, 1e5**2], [0**2, 32**2], [32**2, 96**2], [96**2, 1e5**2]], dtype=np.float64
)
AREA_LABELS: tuple[str, ...] = ("all", "small", "medium", "large")
STAT_NAMES: tuple[str, ...] = (
    "AP",
    "AP50",
    "AP75",
    "APs",
    "APm",
    "APl",
    "AR1",
    "AR10",
    "AR100",
    "ARs",
    "ARm",
    "ARl",
)
# (average precision?, IoU threshold, area range, maxDets) of each summary stat, as _summarizeDets asks.
_STAT_SPECS: tuple[tuple[bool, float | None, str, int], ...] = (
    (True, None, "all", 100),
    (True, 0.5, "all", 100),
    (True, 0.75, "all", 100),
    (True, None, "small", 100),
    (True, None, "medium", 100),
    (True, None, "large", 100),
    (False, None, "all", 1),
    (False, None, "all", 10),
    (False, None, "all", 100),
    (False, None, "small", 100),
    (False, None, "medium", 100),
    (False, None, "large", 100),
)


@dataclass(frozen=True, slots=True)
class CocoGroundTruth:
    """A COCO instances file as arrays; one row per annotation, in file order (the order pycocotools keeps).

    ``image_ids`` (I,) are the dataset's images, sorted; ``category_ids`` (K,) its categories, sorted, named
    by ``category_names``. ``bbox`` (N, 4) is x, y, width, height in pixels; ``area`` (N,) is its area.
    """

    image_ids: NDArray[np.int64]
    category_ids: NDArray[np.int64]
    category_names: list[str]
    ann_id: NDArray[np.int64]
    image_id: NDArray[np.int64]
    category_id: NDArray[np.int64]
    bbox: NDArray[np.float64]
    area: NDArray[np.float64]
    iscrowd: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class CocoDetections:
    """A COCO results list as arrays (M rows, file order); detection ids are the 1-based positions.

    ``area`` (M,) is width * height, as ``COCO.loadRes`` computes it for bbox results.
    """

    image_id: NDArray[np.int64]
    category_id: NDArray[np.int64]
    bbox: NDArray[np.float64]
    score: NDArray[np.float64]
    area: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CocoResult:
    """COCOeval's accumulated arrays and summary stats.

    ``stats`` (12,) as ``COCOeval.stats``; ``per_class_stats`` (K, 12) the same stats restricted to one
    category (-1 where there is nothing to average). ``precision`` and ``scores`` are
    (T=10, R=101, K, A=4, M=3), ``recall`` (T, K, A, M), as ``COCOeval.eval``.
    """

    stats: NDArray[np.float64]
    per_class_stats: NDArray[np.float64]
    precision: NDArray[np.float64]
    recall: NDArray[np.float64]
    scores: NDArray[np.float64]
    category_ids: NDArray[np.int64]


def _index_in(values: NDArray[np.int64], sorted_ids: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Position of each value in ``sorted_ids`` (sorted, unique) and whether it is there at all.

    Positions of values that are not there are unspecified (in range). Dense ids (COCO image and category
    ids) are looked up in a table, several times faster than a binary search of half a million values.
    """
    values = np.asarray(values, dtype=np.int64)
    n = sorted_ids.size
    if n == 0:
        return np.zeros(values.shape, dtype=np.int64), np.zeros(values.shape, dtype=np.bool_)
    low = int(sorted_ids[0])
    span = int(sorted_ids[-1]) - low + 1
    if span <= 4 * n + (1 << 16):
        table = np.zeros(span, dtype=np.int64)
        table[sorted_ids - low] = np.arange(n, dtype=np.int64)
        # Far-off values may wrap around in the subtraction: the check below catches them all the same.
        index = table[np.clip(values - low, 0, span - 1)]
    else:
        index = np.minimum(np.searchsorted(sorted_ids, values), n - 1).astype(np.int64)
    return index, sorted_ids[index] == values


def _expand_allowed(
    category_index: NDArray[np.int64],
    allowed_label_matches: NDArray[np.int64],
    category_ids: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each detection followed by its copies in the ground-truth categories it may match (by category id).

    Returns (source detection, category index) of the expanded list.
    """
    pairs = np.asarray(allowed_label_matches, dtype=np.int64).reshape(-1, 2)
    gt_index, gt_known = _index_in(pairs[:, 0], category_ids)
    det_index, det_known = _index_in(pairs[:, 1], category_ids)
    unknown = np.flatnonzero(~(gt_known & det_known))
    if unknown.size:
        raise ValueError(f"allowed_label_matches[{unknown[0]}] = {pairs[unknown[0]].tolist()}: unknown category id")
    k = category_ids.size
    table = np.zeros((k, k), dtype=np.bool_)  # [det category, gt category]
    table[det_index, gt_index] = True
    table[np.arange(k), np.arange(k)] = False
    extra_count = table.sum(axis=1)
    copies = 1 + extra_count[category_index]
    source = np.repeat(np.arange(category_index.size, dtype=np.int64), copies)
    starts = np.cumsum(copies) - copies
    position = np.arange(source.size, dtype=np.int64) - np.repeat(starts, copies)
    # Copy p > 0 of a detection of category c goes to the (p-1)-th allowed gt category of c, by id.
    targets = [np.flatnonzero(row) for row in table]
    offset = np.zeros(k + 1, dtype=np.int64)
    offset[1:] = np.cumsum(extra_count)
    flat_targets = np.concatenate([*targets, np.zeros(0, dtype=np.int64)]).astype(np.int64)
    own = category_index[source]
    result = own.copy()
    is_copy = position > 0
    result[is_copy] = flat_targets[offset[own[is_copy]] + position[is_copy] - 1]
    return source, result


def evaluate_coco(
    ground_truth: CocoGroundTruth,
    detections: CocoDetections,
    *,
    allowed_label_matches: NDArray[np.int64] | None = None,
) -> CocoResult:
    """COCOeval(iouType="bbox") evaluate + accumulate + summarize, plus per-category stats.

    ``allowed_label_matches`` (P, 2) holds (gt category id, detection category id) pairs: a detection is then
    evaluated in its own category and in every gt category it may match.
    """
    category_ids = ground_truth.category_ids
    image_ids = ground_truth.image_ids
    k = category_ids.size
    gt_image, gt_image_known = _index_in(ground_truth.image_id, image_ids)
    gt_cat, gt_cat_known = _index_in(ground_truth.category_id, category_ids)
    gt_keep = np.flatnonzero(gt_image_known & gt_cat_known)
    det_image, det_image_known = _index_in(detections.image_id, image_ids)
    if not det_image_known.all():
        bad = int(np.flatnonzero(~det_image_known)[0])
        raise ValueError(
            f"detections[{bad}].image_id = {int(detections.image_id[bad])}: not an image of the ground truth"
        )
    det_cat, det_cat_known = _index_in(detections.category_id, category_ids)
    source = np.flatnonzero(det_cat_known)
    det_cat = det_cat[source]
    if allowed_label_matches is not None and len(allowed_label_matches):
        expanded, det_cat = _expand_allowed(det_cat, allowed_label_matches, category_ids)
        source = source[expanded]

    gt_key = gt_image[gt_keep] * k + gt_cat[gt_keep]
    gt_order = gt_keep[np.argsort(gt_key, kind="stable")]
    gt_key_sorted = gt_image[gt_order] * k + gt_cat[gt_order]

    det_score = detections.score[source]
    by_score = np.argsort(-det_score, kind="stable")
    score_rank = np.empty(by_score.size, dtype=np.int64)
    if by_score.size:
        sorted_scores = det_score[by_score]
        score_rank[by_score] = np.cumsum(np.append(False, sorted_scores[1:] != sorted_scores[:-1]))
    kept, rank, acc, slot = _kernels_coco.detection_orders(
        by_score, score_rank, det_cat, det_image[source], k, image_ids.size, MAX_DETS[-1]
    )
    det_rows = source[kept]
    codes = _match_in_parallel(
        gt_key_sorted,
        np.ascontiguousarray(ground_truth.bbox[gt_order]),
        ground_truth.area[gt_order],
        ground_truth.iscrowd[gt_order],
        ground_truth.ann_id[gt_order] != 0,
        det_image[det_rows] * k + det_cat[kept],
        np.ascontiguousarray(detections.bbox[det_rows]),
        detections.area[det_rows],
        slot,
    )
    acc_rows = kept[acc]
    cat_start = np.searchsorted(det_cat[acc_rows], np.arange(k + 1)).astype(np.int64)

    gt_area = ground_truth.area[gt_keep]
    regular = ~ground_truth.iscrowd[gt_keep]
    positives = np.stack(
        [
            np.bincount(gt_cat[gt_keep][regular & (gt_area >= low) & (gt_area <= high)], minlength=k)
            for low, high in AREA_RANGES
        ],
        axis=1,
    ).astype(np.int64)

    shape = (IOU_THRESHOLDS.size, RECALL_THRESHOLDS.size, k, AREA_RANGES.shape[0], len(MAX_DETS))
    precision = -np.ones(shape)
    recall = -np.ones((shape[0], k, shape[3], shape[4]))
    scores = -np.ones(shape)
    # Two halves of the categories (by detection count) accumulate in parallel; their outputs are disjoint.
    middle = int(np.clip(np.searchsorted(cat_start, cat_start[-1] // 2), 0, k))
    arguments = (
        cat_start,
        rank[acc],
        det_score[acc_rows],
        codes,
        positives,
        np.array(MAX_DETS, dtype=np.int64),
        RECALL_THRESHOLDS,
        precision,
        recall,
        scores,
    )
    _in_parallel(
        lambda: _kernels_coco.accumulate(0, middle, *arguments),
        lambda: _kernels_coco.accumulate(middle, k, *arguments),
    )
    stats = summarize(precision, recall)
    per_class = np.array(
        [summarize(precision[:, :, c : c + 1], recall[:, c : c + 1]) for c in range(k)], dtype=np.float64
    ).reshape(k, len(STAT_NAMES))
    return CocoResult(stats, per_class, precision, recall, scores, category_ids)


def _in_parallel(first: Callable[[], None], second: Callable[[], None]) -> None:
    """Runs two kernels that release the GIL on two threads."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(second)
        first()
        other.result()


def _match_in_parallel(
    gt_key: NDArray[np.int64],
    gt_bbox: NDArray[np.float64],
    gt_area: NDArray[np.float64],
    gt_crowd: NDArray[np.bool_],
    gt_id_nonzero: NDArray[np.bool_],
    det_key: NDArray[np.int64],
    det_bbox: NDArray[np.float64],
    det_area: NDArray[np.float64],
    det_slot: NDArray[np.int64],
) -> NDArray[np.uint8]:
    """``match_groups`` on the two halves of the (image, category) groups, in two threads."""
    codes = np.empty((det_key.size, AREA_RANGES.shape[0], IOU_THRESHOLDS.size), dtype=np.uint8)
    split_key = det_key[det_key.size // 2] if det_key.size else 0
    d = int(np.searchsorted(det_key, split_key))
    g = int(np.searchsorted(gt_key, split_key))

    def half(gts: slice, dets: slice) -> Callable[[], None]:
        return lambda: _kernels_coco.match_groups(
            gt_key[gts],
            gt_bbox[gts],
            gt_area[gts],
            gt_crowd[gts],
            gt_id_nonzero[gts],
            det_key[dets],
            det_bbox[dets],
            det_area[dets],
            det_slot[dets],
            IOU_THRESHOLDS,
            AREA_RANGES,
            codes,
        )

    _in_parallel(half(slice(0, g), slice(0, d)), half(slice(g, None), slice(d, None)))
    return codes


def _summarize_one(
    precision: NDArray[np.float64],
    recall: NDArray[np.float64],
    average_precision: bool,
    iou_threshold: float | None,
    area: str,
    max_dets: int,
) -> float:
    # The same indexing and np.mean as COCOeval.summarize._summarize, so the sums pair up identically.
    aind = [i for i, label in enumerate(AREA_LABELS) if label == area]
    mind = [i for i, m in enumerate(MAX_DETS) if m == max_dets]
    s: NDArray[np.float64]
    if average_precision:
        s = precision
        if iou_threshold is not None:
            s = s[np.where(iou_threshold == IOU_THRESHOLDS)[0]]
        s = s[:, :, :, aind, mind]
    else:
        s = recall
        if iou_threshold is not None:
            s = s[np.where(iou_threshold == IOU_THRESHOLDS)[0]]
        s = s[:, :, aind, mind]
    valid = s[s > -1]
    if len(valid) == 0:
        return -1.0
    return float(np.mean(valid))


def summarize(precision: NDArray[np.float64], recall: NDArray[np.float64]) -> NDArray[np.float64]:
    """The 12 stats of ``COCOeval.summarize`` from precision (T, R, K, A, M) and recall (T, K, A, M)."""
    return np.array([_summarize_one(precision, recall, *spec) for spec in _STAT_SPECS], dtype=np.float64)


def summary_lines(stats: NDArray[np.float64]) -> list[str]:
    """The 12 lines ``COCOeval.summarize()`` prints, for these stats."""
    template = " {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}"
    lines = []
    for value, (average_precision, iou_threshold, area, max_dets) in zip(stats, _STAT_SPECS, strict=True):
        title = "Average Precision" if average_precision else "Average Recall"
        kind = "(AP)" if average_precision else "(AR)"
        iou = (
            f"{IOU_THRESHOLDS[0]:0.2f}:{IOU_THRESHOLDS[-1]:0.2f}" if iou_threshold is None else f"{iou_threshold:0.2f}"
        )
        lines.append(template.format(title, kind, iou, area, max_dets, float(value)))
    return lines


def warmup() -> None:
    """Compile (or load from numba's cache) the COCO kernels on a tiny input."""
    ground_truth = CocoGroundTruth(
        image_ids=np.array([1], dtype=np.int64),
        category_ids=np.array([1], dtype=np.int64),
        category_names=["thing"],
        ann_id=np.array([1, 2], dtype=np.int64),
        image_id=np.array([1, 1], dtype=np.int64),
        category_id=np.array([1, 1], dtype=np.int64),
        bbox=np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 10.0, 10.0]]),
        area=np.array([100.0, 100.0]),
        iscrowd=np.array([False, True]),
    )
    detections = CocoDetections(
        image_id=np.array([1], dtype=np.int64),
        category_id=np.array([1], dtype=np.int64),
        bbox=np.array([[0.0, 0.0, 10.0, 9.0]]),
        score=np.array([0.5]),
        area=np.array([90.0]),
    )
    evaluate_coco(ground_truth, detections)

"""COCO-shaped synthetic ground truth and detections, for tests and benchmarks.

Everything is drawn with vectorised numpy from one seeded generator, so a seed fixes the output exactly.
The mix resembles a real detector's output on COCO: good detections (small jitter), shifted ones
(IoU about 0.3-0.7), wrong labels, duplicates, background boxes, tiny and huge boxes, rounded scores with
ties, a few empty images and a few images with detections but no ground truth.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

__all__ = ["COCO_CATEGORY_IDS", "generate_coco", "write_coco"]

# COCO 2014/2017 category ids: 1..90 with 10 gaps.
COCO_CATEGORY_IDS: tuple[int, ...] = tuple(i for i in range(1, 91) if i not in {12, 26, 29, 30, 45, 66, 68, 69, 71, 83})

_EMPTY_IMAGE_FRACTION = 0.01  # no ground truth and no detections
_NO_GT_FRACTION = 0.02  # detections but no ground truth
_GOOD_FRACTION = 0.75  # ground truths that get a well-localised detection
_WRONG_LABEL_FRACTION = 0.1  # of those, with another category
_DUPLICATE_FRACTION = 0.15  # second, slightly worse detection of the same object
_SHIFTED_FRACTION = 0.3  # detection shifted to IoU 0.3-0.7

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building ~10^6 small dicts triggers many useless cyclic-GC passes; pause the collector meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _category_ids(categories: int) -> IntArray:
    ids = list(COCO_CATEGORY_IDS[:categories])
    ids += range(91, 91 + categories - len(ids))
    return np.array(ids, dtype=np.int64)


def _gt_boxes(rng: np.random.Generator, width: FloatArray, height: FloatArray, crowd: NDArray[np.bool_]) -> FloatArray:
    """``(N, 4)`` boxes inside their images: log-uniform sizes from 1 px to the full image."""
    n = len(width)
    w = np.exp(rng.uniform(np.log(1.0), np.log(width)))
    h = np.exp(np.log(w) + rng.normal(0.0, 0.5, n))
    huge = rng.random(n) < 0.02
    w[huge] = width[huge] * rng.uniform(0.9, 1.0, huge.sum())
    h[huge] = height[huge] * rng.uniform(0.9, 1.0, huge.sum())
    w[crowd] = np.maximum(w[crowd], width[crowd] * 0.4)
    h[crowd] = np.maximum(h[crowd], height[crowd] * 0.4)
    w = np.clip(w, 1.0, width)
    h = np.clip(h, 1.0, height)
    x = rng.uniform(0.0, 1.0, n) * (width - w)
    y = rng.uniform(0.0, 1.0, n) * (height - h)
    return np.stack([x, y, w, h], axis=1)


def _clip_to_image(boxes: FloatArray, width: FloatArray, height: FloatArray) -> FloatArray:
    """Clip ``(K, 4)`` boxes to their images; keep at least 0.5 px of width and height, round to 0.01 px."""
    x1 = np.clip(boxes[:, 0], 0.0, width - 0.5)
    y1 = np.clip(boxes[:, 1], 0.0, height - 0.5)
    x2 = np.clip(boxes[:, 0] + boxes[:, 2], x1 + 0.5, width)
    y2 = np.clip(boxes[:, 1] + boxes[:, 3], y1 + 0.5, height)
    out: FloatArray = np.stack([x1, y1, x2 - x1, y2 - y1], axis=1).round(2)
    out[:, 2:] = np.maximum(out[:, 2:], 0.01)
    return out


def _jitter(rng: np.random.Generator, boxes: FloatArray, scale: float) -> FloatArray:
    size = np.repeat(boxes[:, 2:], 2, axis=1)
    moved = boxes + rng.normal(0.0, scale, boxes.shape) * size
    moved[:, 2:] = np.maximum(moved[:, 2:], boxes[:, 2:] * 0.5)
    return moved


def _shift(rng: np.random.Generator, boxes: FloatArray) -> FloatArray:
    """Shift along x or y so that IoU = (1-f)/(1+f) lands in 0.3-0.7 before clipping."""
    target = rng.uniform(0.3, 0.7, len(boxes))
    fraction = (1.0 - target) / (1.0 + target) * rng.choice([-1.0, 1.0], len(boxes))
    axis = rng.integers(0, 2, len(boxes))
    moved = boxes.copy()
    rows = np.arange(len(boxes))
    moved[rows, axis] += fraction * boxes[rows, axis + 2]
    return moved


def _other_category(rng: np.random.Generator, category: IntArray, category_ids: IntArray) -> IntArray:
    if len(category_ids) < 2:
        return category.copy()
    position = np.searchsorted(category_ids, category)
    offset = rng.integers(1, len(category_ids), len(category))
    other: IntArray = category_ids[(position + offset) % len(category_ids)]
    return other


def _detections(
    rng: np.random.Generator,
    gt_image: IntArray,
    gt_box: FloatArray,
    gt_category: IntArray,
    category_ids: IntArray,
) -> tuple[IntArray, FloatArray, IntArray, FloatArray]:
    """Detections derived from ground truth: good (some with a wrong label), duplicates, shifted."""
    n = len(gt_image)
    good = rng.random(n) < _GOOD_FRACTION
    duplicate = good & (rng.random(n) < _DUPLICATE_FRACTION)
    shifted = rng.random(n) < _SHIFTED_FRACTION
    parts = [
        (good, _jitter(rng, gt_box[good], 0.03), rng.beta(6.0, 1.5, good.sum())),
        (duplicate, _jitter(rng, gt_box[duplicate], 0.08), rng.beta(3.0, 2.0, duplicate.sum())),
        (shifted, _shift(rng, gt_box[shifted]), rng.beta(2.0, 2.0, shifted.sum())),
    ]
    image = np.concatenate([gt_image[mask] for mask, _, _ in parts])
    boxes = np.concatenate([b for _, b, _ in parts])
    score = np.concatenate([s for _, _, s in parts])
    category = np.concatenate([gt_category[mask] for mask, _, _ in parts])
    wrong = rng.random(len(category)) < _WRONG_LABEL_FRACTION
    category[wrong] = _other_category(rng, category[wrong], category_ids)
    return image, boxes, category, score


def _cap_per_image(image: IntArray, score: FloatArray, cap: int) -> IntArray:
    """Positions of the ``cap`` best-scoring detections of each image, ordered by image then score desc."""
    order = np.lexsort((-score, image))
    sorted_image = image[order]
    starts = np.flatnonzero(np.r_[True, sorted_image[1:] != sorted_image[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order[rank < cap]


def generate_coco(
    *,
    images: int = 5000,
    seed: int = 0,
    gt_per_image: float = 7.3,
    dets_per_image: int = 100,
    categories: int = 80,
    crowd_fraction: float = 0.01,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A COCO instances dict (``images``, ``annotations``, ``categories``) and a COCO results list.

    Args:
        images: number of images.
        seed: seed of the random generator; equal arguments give equal output.
        gt_per_image: mean ground-truth boxes per image (Poisson).
        dets_per_image: detections per non-empty image (the best-scoring ones are kept when more are made).
        categories: number of categories; ids follow COCO's (1..90 with gaps), then 91, 92, ...
        crowd_fraction: fraction of annotations with ``iscrowd`` 1.

    Annotation ids are increasing in list order but not contiguous; scores are in (0, 1] with 3 decimals.
    """
    rng = np.random.default_rng(seed)
    category_ids = _category_ids(categories)
    image_ids = np.sort(rng.choice(np.arange(1, 10 * images + 2), size=images, replace=False))
    width = rng.choice([320, 480, 500, 512, 612, 640], images).astype(np.float64)
    height = np.round(width * rng.choice([0.5, 0.75, 1.0, 1.33], images))
    kind = rng.random(images)
    empty = kind < _EMPTY_IMAGE_FRACTION
    no_gt = empty | (kind < _EMPTY_IMAGE_FRACTION + _NO_GT_FRACTION)

    gt_count = np.where(no_gt, 0, rng.poisson(gt_per_image, images))
    gt_owner = np.repeat(np.arange(images), gt_count)
    crowd = rng.random(len(gt_owner)) < crowd_fraction
    gt_box = np.round(_gt_boxes(rng, width[gt_owner], height[gt_owner], crowd), 2)
    gt_box[:, 2:] = np.maximum(gt_box[:, 2:], 0.01)
    gt_category = rng.choice(category_ids, len(gt_owner))
    segment_share = np.where(rng.random(len(gt_owner)) < 0.1, 1.0, rng.uniform(0.35, 0.95, len(gt_owner)))
    gt_area = np.round(np.maximum(gt_box[:, 2] * gt_box[:, 3] * segment_share, 0.01), 2)
    annotation_ids = np.cumsum(rng.integers(1, 4, len(gt_owner)))

    det_owner, det_box, det_category, det_score = _detections(rng, gt_owner, gt_box, gt_category, category_ids)
    background = np.where(empty, 0, dets_per_image)
    bg_owner = np.repeat(np.arange(images), background)
    bg_box = _gt_boxes(rng, width[bg_owner], height[bg_owner], np.zeros(len(bg_owner), dtype=np.bool_))
    det_owner = np.concatenate([det_owner, bg_owner])
    det_box = np.concatenate([det_box, bg_box])
    det_category = np.concatenate([det_category, rng.choice(category_ids, len(bg_owner))])
    det_score = np.concatenate([det_score, rng.beta(1.0, 6.0, len(bg_owner))])
    det_score = np.clip(np.round(det_score, 3), 0.001, 1.0)
    keep = _cap_per_image(det_owner, det_score, dets_per_image)
    det_owner, det_category, det_score = det_owner[keep], det_category[keep], det_score[keep]
    det_box = _clip_to_image(det_box[keep], width[det_owner], height[det_owner])

    with _gc_paused():
        ground_truth = {
            "info": {"description": f"matchscope synthetic COCO (seed {seed})"},
            "images": [
                {"id": i, "file_name": f"{i:012d}.jpg", "width": w, "height": h}
                for i, w, h in zip(
                    image_ids.tolist(), width.astype(int).tolist(), height.astype(int).tolist(), strict=True
                )
            ],
            "annotations": [
                {"id": a, "image_id": i, "category_id": c, "bbox": b, "area": ar, "iscrowd": z}
                for a, i, c, b, ar, z in zip(
                    annotation_ids.tolist(),
                    image_ids[gt_owner].tolist(),
                    gt_category.tolist(),
                    gt_box.tolist(),
                    gt_area.tolist(),
                    crowd.astype(int).tolist(),
                    strict=True,
                )
            ],
            "categories": [
                {"id": c, "name": f"category_{c}", "supercategory": f"group_{c // 10}"} for c in category_ids.tolist()
            ],
        }
        results = [
            {"image_id": i, "category_id": c, "bbox": b, "score": s}
            for i, c, b, s in zip(
                image_ids[det_owner].tolist(),
                det_category.tolist(),
                det_box.tolist(),
                det_score.tolist(),
                strict=True,
            )
        ]
    return ground_truth, results


def write_coco(directory: Path, *, images: int = 5000, seed: int = 0, **options: Any) -> tuple[Path, Path]:
    """Write :func:`generate_coco` output as ``directory/gt.json`` and ``directory/dets.json``.

    ``options`` are passed on to :func:`generate_coco`. Returns the two paths.
    """
    ground_truth, results = generate_coco(images=images, seed=seed, **options)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    gt_path = directory / "gt.json"
    dets_path = directory / "dets.json"
    gt_path.write_bytes(orjson.dumps(ground_truth))
    dets_path.write_bytes(orjson.dumps(results))
    return gt_path, dets_path

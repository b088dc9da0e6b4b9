"""Small COCO files and pycocotools' own numbers for them, shared by the command tests."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def ground_truth() -> dict[str, Any]:
    """Three images, two categories, boxes of all three COCO area ranges, one crowd region."""
    return {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
            {"id": 2, "file_name": "b.jpg", "width": 640, "height": 480},
            {"id": 3, "file_name": "c.jpg", "width": 640, "height": 480},
        ],
        "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
        "annotations": [
            {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "area": 400, "iscrowd": 0},
            {"id": 11, "image_id": 1, "category_id": 2, "bbox": [100, 100, 120, 90], "area": 10800, "iscrowd": 0},
            {"id": 12, "image_id": 2, "category_id": 1, "bbox": [50, 60, 70, 40], "area": 2800, "iscrowd": 0},
            {"id": 13, "image_id": 2, "category_id": 2, "bbox": [0, 0, 300, 300], "area": 90000, "iscrowd": 1},
            {"id": 14, "image_id": 3, "category_id": 2, "bbox": [5, 5, 8, 9], "area": 72, "iscrowd": 0},
        ],
    }


def detections() -> list[dict[str, Any]]:
    return [
        {"image_id": 1, "category_id": 1, "bbox": [11, 11, 20, 20], "score": 0.9},
        {"image_id": 1, "category_id": 2, "bbox": [100, 110, 120, 80], "score": 0.8},
        {"image_id": 1, "category_id": 2, "bbox": [400, 400, 30, 30], "score": 0.85},
        {"image_id": 2, "category_id": 1, "bbox": [55, 60, 70, 40], "score": 0.7},
        {"image_id": 2, "category_id": 2, "bbox": [10, 10, 50, 50], "score": 0.6},
        {"image_id": 3, "category_id": 2, "bbox": [5, 6, 8, 9], "score": 0.3},
        {"image_id": 3, "category_id": 1, "bbox": [5, 5, 8, 9], "score": 0.95},
    ]


def rle(box: list[int], size: tuple[int, int] = (60, 80)) -> dict[str, Any]:
    """The compressed RLE of a filled rectangle, as pycocotools writes it."""
    import numpy as np

    mask = np.zeros(size, dtype=np.uint8, order="F")
    x, y, w, h = box
    mask[y : y + h, x : x + w] = 1
    encoded = mask_utils.encode(mask)
    return {"size": [int(v) for v in encoded["size"]], "counts": encoded["counts"].decode()}


def write(path: Path, data: Any) -> Path:
    """JSON as Python's json module writes it (integers of any size, NaN as pycocotools' json reads it)."""
    path.write_text(json.dumps(data))
    return path


def pycocotools_stats(gt: dict[str, Any], dets: list[dict[str, Any]]) -> list[float]:
    """COCOeval's 12 stats; an empty results list (loadRes fails on it) is an empty results COCO."""
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(gt)
        coco_gt.createIndex()
        if dets:
            coco_dt = coco_gt.loadRes(copy.deepcopy(dets))
        else:
            coco_dt = COCO()
            coco_dt.dataset = {
                "images": gt.get("images", []),
                "categories": gt.get("categories", []),
                "annotations": [],
            }
            coco_dt.createIndex()
        evaluation = COCOeval(coco_gt, coco_dt, "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return [float(v) for v in evaluation.stats]

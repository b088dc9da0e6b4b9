"""Boxes that sit exactly on IoU 0.5 or 0.75 on paper, and pycocotools' IoU written out in plain Python."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

Box = Sequence[float]


def coco_iou(ground_truth: Box, prediction: Box, crowd: bool = False) -> float:
    """bbIou of pycocotools' maskApi.c, line by line (``D`` the detection, ``G`` the ground truth)."""
    d, g = prediction, ground_truth
    da = d[2] * d[3]
    ga = g[2] * g[3]
    w = min(d[2] + d[0], g[2] + g[0]) - max(d[0], g[0])
    if w <= 0:
        return 0.0
    h = min(d[3] + d[1], g[3] + g[1]) - max(d[1], g[1])
    if h <= 0:
        return 0.0
    i = w * h
    u = da if crowd else da + ga - i
    return i / u


def _decimal(rng: np.random.Generator, low: int, high: int, decimals: int) -> float:
    """A number with ``decimals`` decimals, as a JSON file would write it (``float`` of its text)."""
    return float(f"{rng.integers(low * 10**decimals, high * 10**decimals) / 10**decimals:.{decimals}f}")


def edge_pair(rng: np.random.Generator, kind: str, decimals: int) -> tuple[list[float], list[float]]:
    """A (ground truth, prediction) pair whose IoU is exactly 0.5 (``half``, ``third``) or 0.75 (``seventh``,
    ``quarter``) on paper, written with ``decimals`` decimals.

    ``half``: the prediction is the top half (IoU 1/2); ``third``: shifted right by w/3 (IoU 2/3 / 4/3);
    ``seventh``: shifted down by h/7 (IoU 6/7 / 8/7); ``quarter``: the top three quarters (IoU 3/4).
    """
    x = _decimal(rng, 0, 600, decimals)
    y = _decimal(rng, 0, 400, decimals)
    part = _decimal(rng, 1, 40, decimals)  # the box's side is a whole multiple of it, so the cut is exact
    other = _decimal(rng, 1, 200, decimals)

    def exact(value: float) -> float:
        return float(f"{value:.{decimals}f}")

    if kind == "half":
        return [x, y, other, exact(2 * part)], [x, y, other, part]
    if kind == "quarter":
        return [x, y, other, exact(4 * part)], [x, y, other, exact(3 * part)]
    if kind == "third":
        return [x, y, exact(3 * part), other], [exact(x + part), y, exact(3 * part), other]
    if kind == "seventh":
        return [x, y, other, exact(7 * part)], [x, exact(y + part), other, exact(7 * part)]
    raise ValueError(f"kind = {kind!r}: expected half, quarter, third or seventh")


KINDS = ("half", "third", "seventh", "quarter")


def edge_coco(seed: int, images: int = 120) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A COCO ground truth and results list made of threshold-edge pairs, shuffled, with distractors.

    Each image holds a few edge pairs of one or two categories, some ground truths without a prediction,
    some ground truths repeated and some predictions repeated with an equal score (ties for the greedy
    order). Annotation ids are not in file order.
    """
    rng = np.random.default_rng(seed)
    annotations: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    ids = rng.permutation(10 * images * 8) + 1
    for image_id in range(1, images + 1):
        for _ in range(int(rng.integers(1, 5))):
            gt_box, pred_box = edge_pair(rng, KINDS[int(rng.integers(0, 4))], int(rng.integers(1, 4)))
            category = int(rng.integers(1, 3))
            for _copy in range(int(rng.integers(1, 3))):  # a repeated ground truth: a tie on its id
                annotations.append(
                    {
                        "id": int(ids[len(annotations)]),
                        "image_id": image_id,
                        "category_id": category,
                        "bbox": gt_box,
                        "area": gt_box[2] * gt_box[3],
                        "iscrowd": 0,
                    }
                )
            score = float(rng.choice([0.3, 0.6, 0.9]))
            for _copy in range(int(rng.integers(1, 3))):
                results.append({"image_id": image_id, "category_id": category, "bbox": pred_box, "score": score})
        if rng.random() < 0.5:  # a ground truth nobody predicts
            box = [_decimal(rng, 700, 800, 1), _decimal(rng, 500, 600, 1), 10.0, 10.0]
            annotations.append(
                {
                    "id": int(ids[len(annotations)]),
                    "image_id": image_id,
                    "category_id": 1,
                    "bbox": box,
                    "area": 100.0,
                    "iscrowd": 0,
                }
            )
    order = rng.permutation(len(results))
    ground_truth = {
        "images": [{"id": i, "width": 1000, "height": 1000, "file_name": f"{i}.jpg"} for i in range(1, images + 1)],
        "categories": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}],
        "annotations": annotations,
    }
    return ground_truth, [results[i] for i in order]

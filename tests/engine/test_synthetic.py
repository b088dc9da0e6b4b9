from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.synthetic import COCO_CATEGORY_IDS, generate_coco, write_coco

Dataset = tuple[dict[str, Any], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate_coco(images=400, seed=3)


def test_images_and_categories(dataset: Dataset) -> None:
    ground_truth, _ = dataset
    images = ground_truth["images"]
    assert len(images) == 400
    ids = [image["id"] for image in images]
    assert len(set(ids)) == len(ids)
    for image in images:
        assert set(image) == {"id", "file_name", "width", "height"}
        assert image["width"] > 0 and image["height"] > 0
        assert isinstance(image["width"], int)
    category_ids = [category["id"] for category in ground_truth["categories"]]
    assert category_ids == list(COCO_CATEGORY_IDS)
    assert len(category_ids) == 80 and max(category_ids) == 90  # non-contiguous, like COCO
    assert all({"id", "name", "supercategory"} == set(category) for category in ground_truth["categories"])


def test_annotations_are_valid(dataset: Dataset) -> None:
    ground_truth, _ = dataset
    sizes = {image["id"]: (image["width"], image["height"]) for image in ground_truth["images"]}
    categories = set(COCO_CATEGORY_IDS)
    annotations = ground_truth["annotations"]
    ids = [annotation["id"] for annotation in annotations]
    assert len(set(ids)) == len(ids)
    for annotation in annotations:
        assert set(annotation) == {"id", "image_id", "category_id", "bbox", "area", "iscrowd"}
        x, y, w, h = annotation["bbox"]
        width, height = sizes[annotation["image_id"]]
        assert w > 0 and h > 0 and x >= 0 and y >= 0
        assert x + w <= width + 1e-6 and y + h <= height + 1e-6
        assert annotation["area"] > 0
        assert annotation["iscrowd"] in (0, 1)
        assert annotation["category_id"] in categories
    boxes = np.array([annotation["bbox"] for annotation in annotations])
    areas = np.array([annotation["area"] for annotation in annotations])
    assert np.any(np.abs(areas - boxes[:, 2] * boxes[:, 3]) > 1.0)  # segment areas, not box areas
    assert np.any(boxes[:, 2] * boxes[:, 3] < 32**2) and np.any(boxes[:, 2] * boxes[:, 3] > 96**2)
    assert 0 < sum(annotation["iscrowd"] for annotation in annotations) < 0.05 * len(annotations)


def test_counts_near_requested(dataset: Dataset) -> None:
    ground_truth, results = dataset
    per_image_gt = np.bincount([a["image_id"] for a in ground_truth["annotations"]], minlength=10 * 400 + 2)[
        [image["id"] for image in ground_truth["images"]]
    ]
    per_image_det = np.bincount([r["image_id"] for r in results], minlength=10 * 400 + 2)[
        [image["id"] for image in ground_truth["images"]]
    ]
    assert 6.5 < per_image_gt.mean() < 8.1
    assert set(per_image_det.tolist()) == {0, 100}
    assert np.any((per_image_gt == 0) & (per_image_det == 0))  # empty images
    assert np.any((per_image_gt == 0) & (per_image_det > 0))  # detections on images without ground truth


def test_results_are_valid(dataset: Dataset) -> None:
    ground_truth, results = dataset
    image_ids = {image["id"] for image in ground_truth["images"]}
    scores = np.array([result["score"] for result in results])
    assert np.all((scores > 0) & (scores <= 1))
    assert len(np.unique(scores)) < len(scores)  # ties
    for result in results[:2000]:
        assert set(result) == {"image_id", "category_id", "bbox", "score"}
        assert result["image_id"] in image_ids
        assert result["bbox"][2] > 0 and result["bbox"][3] > 0


def test_realistic_mix(dataset: Dataset) -> None:
    ground_truth, results = dataset
    annotations = ground_truth["annotations"]
    gt = GroundTruthBoxes(
        item=np.array([a["image_id"] for a in annotations], dtype=np.int64),
        boxes=np.array([a["bbox"] for a in annotations], dtype=np.float64),
        label=np.array([a["category_id"] for a in annotations], dtype=np.int32),
    )
    predictions = PredictionBoxes(
        item=np.array([r["image_id"] for r in results], dtype=np.int64),
        boxes=np.array([r["bbox"] for r in results], dtype=np.float64),
        label=np.array([r["category_id"] for r in results], dtype=np.int32),
        confidence=np.array([r["score"] for r in results], dtype=np.float64),
    )
    matching = greedy_match(gt, predictions)
    iou = matching.gt_iou[matching.gt_partner >= 0]
    assert np.mean(iou > 0.8) > 0.4  # good detections
    assert np.mean((iou > 0.3) & (iou < 0.7)) > 0.03  # shifted ones
    matched = matching.gt_partner >= 0
    assert 0.02 < np.mean(~matching.gt_compatible[matched]) < 0.3  # wrong labels


def test_deterministic_per_seed() -> None:
    first = generate_coco(images=30, seed=11)
    assert orjson.dumps(first) == orjson.dumps(generate_coco(images=30, seed=11))
    assert orjson.dumps(first) != orjson.dumps(generate_coco(images=30, seed=12))


def test_options() -> None:
    ground_truth, results = generate_coco(
        images=50, seed=1, gt_per_image=2.0, dets_per_image=10, categories=95, crowd_fraction=0.0
    )
    category_ids = [category["id"] for category in ground_truth["categories"]]
    assert len(category_ids) == 95 and category_ids[-15:] == list(range(91, 106))
    assert all(annotation["iscrowd"] == 0 for annotation in ground_truth["annotations"])
    assert len(results) <= 500
    assert len(ground_truth["annotations"]) < 200


def test_write_coco(tmp_path: Path) -> None:
    gt_path, dets_path = write_coco(tmp_path / "out", images=20, seed=5)
    assert (gt_path.name, dets_path.name) == ("gt.json", "dets.json")
    ground_truth, results = generate_coco(images=20, seed=5)
    assert orjson.loads(gt_path.read_bytes()) == ground_truth
    assert orjson.loads(dets_path.read_bytes()) == results

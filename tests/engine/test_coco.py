"""COCO metrics against pycocotools itself, run in the test on the same input."""

from __future__ import annotations

import contextlib
import copy
import io
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from matchscope.engine.coco import (
    CocoResult,
    evaluate_coco,
    summarize,
    summary_lines,
)
from matchscope.engine.cocofile import load_detections, load_ground_truth
from matchscope.engine.synthetic import generate_coco

from .edges import edge_coco

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coco-val2014-100"
GT_FILE = DATA / "instances_val2014_100.json"
DETS_FILE = DATA / "instances_val2014_fakebbox100_results.json"
TOLERANCE = 1e-12


def run_pycocotools(ground_truth: dict[str, Any], results: list[dict[str, Any]]) -> tuple[COCOeval, str]:
    """COCOeval(bbox) evaluate/accumulate/summarize on copies of the inputs; returns it and what it printed."""
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(ground_truth)
        coco_gt.createIndex()
        coco_dt = coco_gt.loadRes(copy.deepcopy(results))
        evaluator = COCOeval(coco_gt, coco_dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator, printed.getvalue()


def run_matchscope(ground_truth: dict[str, Any], results: list[dict[str, Any]], **options: Any) -> CocoResult:
    gt = load_ground_truth(orjson.dumps(ground_truth))
    return evaluate_coco(gt, load_detections(orjson.dumps(results), gt), **options)


def assert_same(ours: CocoResult, reference: COCOeval) -> bool:
    """Every number within 1e-12 of pycocotools'; returns whether all are bit-identical."""
    identical = True
    for name in ("precision", "recall", "scores"):
        expected = reference.eval[name]
        actual = getattr(ours, name)
        assert actual.shape == expected.shape, name
        difference = np.abs(actual - expected).max(initial=0.0)
        assert difference <= TOLERANCE, f"{name} differs by {difference}"
        identical &= bool(np.array_equal(actual, expected))
    difference = np.abs(ours.stats - reference.stats).max()
    assert difference <= TOLERANCE, f"stats differ by {difference}: {ours.stats} vs {reference.stats}"
    return identical and bool(np.array_equal(ours.stats, reference.stats))


def reference_per_class(reference: COCOeval) -> np.ndarray:  # type: ignore[type-arg]
    precision = reference.eval["precision"]
    recall = reference.eval["recall"]
    return np.array([summarize(precision[:, :, k : k + 1], recall[:, k : k + 1]) for k in range(precision.shape[2])])


@pytest.fixture(scope="module")
def real_data() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return orjson.loads(GT_FILE.read_bytes()), orjson.loads(DETS_FILE.read_bytes())


def test_real_coco_data_matches_pycocotools(
    real_data: tuple[dict[str, Any], list[dict[str, Any]]], record_property: Any
) -> None:
    ground_truth, results = real_data
    reference, _ = run_pycocotools(ground_truth, results)
    ours = run_matchscope(ground_truth, results)
    identical = assert_same(ours, reference)
    record_property("bit_identical", identical)
    print(f"coco-val2014-100: bit-identical to pycocotools: {identical}")
    readme = [0.504581, 0.696973, 0.572982, 0.585626, 0.519400, 0.501398]
    readme += [0.386813, 0.593680, 0.595353, 0.639811, 0.566421, 0.564291]
    np.testing.assert_array_equal(np.round(ours.stats, 6), readme)
    assert ours.precision.shape == (10, 101, 80, 4, 3)


def test_real_coco_data_per_class_ap(real_data: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    ground_truth, results = real_data
    reference, _ = run_pycocotools(ground_truth, results)
    ours = run_matchscope(ground_truth, results)
    np.testing.assert_array_equal(ours.category_ids, sorted(c["id"] for c in ground_truth["categories"]))
    expected = reference_per_class(reference)
    assert np.abs(ours.per_class_stats - expected).max() <= TOLERANCE
    # Per-class AP is the mean of pycocotools' own precision slice for that category.
    precision = reference.eval["precision"]
    for k in range(precision.shape[2]):
        values = precision[:, :, k, 0, 2]
        expected_ap = np.mean(values[values > -1]) if (values > -1).any() else -1.0
        assert abs(ours.per_class_stats[k, 0] - expected_ap) <= TOLERANCE
    # Categories without ground truth are -1, as pycocotools leaves them.
    absent = ~np.isin(ours.category_ids, [a["category_id"] for a in ground_truth["annotations"]])
    assert absent.any()
    assert (ours.per_class_stats[absent] == -1).all()


def test_summary_lines_are_what_pycocotools_prints(
    real_data: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    ground_truth, results = real_data
    reference, printed = run_pycocotools(ground_truth, results)
    expected = [line for line in printed.splitlines() if line.startswith(" Average")]
    assert len(expected) == 12
    assert summary_lines(run_matchscope(ground_truth, results).stats) == expected
    assert summary_lines(reference.stats) == expected


def _box(rng: np.random.Generator) -> list[float]:
    kind = rng.random()
    if kind < 0.15:
        w, h = rng.uniform(0.05, 4.0, 2)  # tiny
    elif kind < 0.25:
        w, h = rng.uniform(500.0, 2000.0, 2)  # huge
    elif kind < 0.28:
        w, h = 0.0, float(rng.uniform(1, 50))  # degenerate
    else:
        w, h = np.exp(rng.uniform(np.log(8.0), np.log(300.0), 2))
    x, y = rng.uniform(0.0, 600.0, 2)
    values = [x, y, w, h]
    if rng.random() < 0.3:
        return [float(round(v)) for v in values]
    return [round(float(v), 2) for v in values]


def _jitter(rng: np.random.Generator, box: list[float], scale: float) -> list[float]:
    x, y, w, h = box
    dx, dy = rng.normal(0.0, scale * max(w, 1.0), 2)
    sw, sh = np.exp(rng.normal(0.0, scale, 2))
    return [round(float(x + dx), 2), round(float(y + dy), 2), round(float(w * sw), 2), round(float(h * sh), 2)]


def nasty_coco(seed: int, images: int = 120) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Small COCO data with the edge cases pycocotools handles in its own way.

    Crowd regions, tiny, huge and zero-width boxes, empty images, images with detections and no ground truth
    and the reverse, exact duplicates, score ties (rounded scores), more than 100 detections in one
    (image, category), an annotation with id 0, unsorted image and annotation ids, a category without ground
    truth and one with crowd ground truth only.
    """
    rng = np.random.default_rng(seed)
    category_ids = [1, 3, 4, 7, 8, 10, 11]
    crowd_only, no_gt = 10, 11
    image_ids = [int(i) for i in rng.choice(np.arange(1, 20 * images), images, replace=False)]
    annotations: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for image_id in image_ids:
        kind = rng.random()
        n_gt = 0 if kind < 0.15 else int(rng.integers(1, 14))
        with_dets = not (0.15 <= kind < 0.22) and not kind < 0.05
        for _ in range(n_gt):
            category = int(rng.choice(category_ids[:5]))
            crowd = rng.random() < 0.08
            if rng.random() < 0.05:
                category, crowd = crowd_only, True
            box = _box(rng)
            area = box[2] * box[3] * float(rng.uniform(0.4, 1.0))
            annotations.append(
                {"image_id": image_id, "category_id": category, "bbox": box, "area": area, "iscrowd": int(crowd)}
            )
            if not with_dets:
                continue
            for _ in range(int(rng.choice([0, 1, 1, 1, 2, 3]))):
                det_category = category if rng.random() < 0.85 else int(rng.choice(category_ids))
                det_box = box if rng.random() < 0.1 else _jitter(rng, box, float(rng.choice([0.02, 0.1, 0.3])))
                results.append(_det(rng, image_id, det_category, det_box))
        if with_dets:
            for _ in range(int(rng.integers(0, 15))):
                results.append(_det(rng, image_id, int(rng.choice(category_ids)), _box(rng)))
            if results and rng.random() < 0.3:
                results.append(dict(results[-1]))  # exact duplicate
    # One crowded (image, category): more than maxDets=100 detections.
    crowded = image_ids[1]
    anchor = _box(rng)
    annotations += [
        {"image_id": crowded, "category_id": 4, "bbox": _jitter(rng, anchor, 0.3), "area": 900.0, "iscrowd": 0}
        for _ in range(20)
    ]
    results += [_det(rng, crowded, 4, _jitter(rng, anchor, 0.2)) for _ in range(130)]
    order = rng.permutation(len(annotations))
    ids = rng.permutation(len(annotations)) + (0 if seed % 2 == 0 else 5)
    annotations = [dict(annotations[i], id=int(ids[n])) for n, i in enumerate(order)]
    ground_truth = {
        "images": [{"id": i, "width": 640, "height": 480} for i in image_ids],
        "annotations": annotations,
        "categories": [{"id": c, "name": f"class-{c}"} for c in category_ids],
    }
    assert no_gt not in {a["category_id"] for a in annotations}
    return ground_truth, results


def _det(rng: np.random.Generator, image_id: int, category: int, box: list[float]) -> dict[str, Any]:
    box = [box[0], box[1], max(box[2], 0.0), max(box[3], 0.0)]
    score = round(float(rng.random()), int(rng.choice([1, 2, 6])))
    return {"image_id": image_id, "category_id": category, "bbox": box, "score": score}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_edge_case_data_matches_pycocotools(seed: int) -> None:
    ground_truth, results = nasty_coco(seed)
    reference, _ = run_pycocotools(ground_truth, results)
    ours = run_matchscope(ground_truth, results)
    assert_same(ours, reference)
    assert np.abs(ours.per_class_stats - reference_per_class(reference)).max() <= TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_threshold_edge_data_is_pycocotools_bit_for_bit(seed: int) -> None:
    """Pairs exactly on IoU 0.5 and 0.75 on paper: the kernel's IoUs decide as pycocotools' maskUtils.iou do."""
    ground_truth, results = edge_coco(seed)
    for annotation in ground_truth["annotations"][::7]:
        annotation["iscrowd"] = 1  # crowd regions: union = the detection's area
    reference, _ = run_pycocotools(ground_truth, results)
    ours = run_matchscope(ground_truth, results)
    assert assert_same(ours, reference)
    np.testing.assert_array_equal(ours.stats, reference.stats)


@pytest.mark.parametrize(("seed", "images"), [(0, 60), (7, 150)])
def test_synthetic_data_matches_pycocotools(seed: int, images: int) -> None:
    ground_truth, results = generate_coco(images=images, seed=seed, dets_per_image=60, categories=20)
    reference, _ = run_pycocotools(ground_truth, results)
    assert_same(run_matchscope(ground_truth, results), reference)


def _duplicated(results: list[dict[str, Any]], pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Each detection followed by a copy in every other gt category it may match, by category id."""
    out = []
    for det in results:
        out.append(det)
        targets = sorted({g for g, p in pairs if p == det["category_id"] and g != det["category_id"]})
        out += [dict(det, category_id=g) for g in targets]
    return out


@pytest.mark.parametrize("seed", [0, 5])
def test_allowed_label_matches_equal_duplicated_detections(seed: int) -> None:
    ground_truth, results = nasty_coco(seed)
    pairs = [(1, 3), (3, 1), (4, 7), (8, 7), (7, 7)]
    reference, _ = run_pycocotools(ground_truth, _duplicated(results, pairs))
    ours = run_matchscope(ground_truth, results, allowed_label_matches=np.array(pairs, dtype=np.int64))
    assert_same(ours, reference)
    plain = run_matchscope(ground_truth, results)
    assert not np.array_equal(plain.stats, ours.stats)


def test_allowed_label_matches_reject_unknown_categories() -> None:
    ground_truth, results = nasty_coco(0)
    with pytest.raises(ValueError, match="allowed_label_matches"):
        run_matchscope(ground_truth, results, allowed_label_matches=np.array([[1, 999]]))


def test_no_detections_gives_zero_recall_and_absent_categories_minus_one() -> None:
    ground_truth, _ = nasty_coco(0)
    result = run_matchscope(ground_truth, [])
    assert result.stats.tolist() == [0.0] * 12
    assert (result.per_class_stats[-1] == -1).all()  # category 11 has no ground truth
    assert result.precision.shape == (10, 101, 7, 4, 3)


def test_detections_on_unknown_images_are_rejected() -> None:
    ground_truth, results = nasty_coco(0)
    gt = load_ground_truth(orjson.dumps(ground_truth))
    dets = load_detections(orjson.dumps(results), gt)
    bad = type(dets)(
        image_id=dets.image_id + 10**9,
        category_id=dets.category_id,
        bbox=dets.bbox,
        score=dets.score,
        area=dets.area,
    )
    with pytest.raises(ValueError, match=r"detections\[0\]\.image_id"):
        evaluate_coco(gt, bad)

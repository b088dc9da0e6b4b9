from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pycocotools import mask as mask_utils

from matchscope.engine._kernels_iou import pair_iou
from matchscope.engine.geometry import box_iou

from .edges import KINDS, coco_iou, edge_pair


def _boxes(rows: st.SearchStrategy[int]) -> st.SearchStrategy[np.ndarray]:
    corner = st.floats(-500.0, 500.0, allow_nan=False)
    size = st.floats(1.0, 300.0, allow_nan=False)
    return rows.flatmap(
        lambda n: st.tuples(arrays(np.float64, (n, 2), elements=corner), arrays(np.float64, (n, 2), elements=size)).map(
            lambda parts: np.concatenate(parts, axis=1)
        )
    )


@pytest.mark.parametrize(
    ("ground_truth", "prediction", "expected"),
    [
        ([0, 0, 10, 10], [0, 0, 10, 10], 1.0),
        ([0, 0, 10, 10], [5, 0, 10, 10], 50 / 150),
        ([0, 0, 10, 10], [5, 5, 10, 10], 25 / 175),
        ([0, 0, 10, 10], [2, 2, 4, 4], 16 / 100),
        ([0, 0, 10, 10], [10, 0, 10, 10], 0.0),  # touching edges: no area in common
        ([0, 0, 10, 10], [20, 20, 5, 5], 0.0),
        ([1.5, 2.5, 3.0, 2.0], [2.5, 2.5, 3.0, 4.0], 4.0 / 14.0),
        ([0, 0, 0, 0], [0, 0, 0, 0], 0.0),  # union 0
        ([5, 5, 0, 10], [0, 0, 10, 10], 0.0),  # zero-width line inside a box
        ([0, 0, 10, 10], [0, 0, 0, 0], 0.0),
    ],
)
def test_hand_computed(ground_truth: list[float], prediction: list[float], expected: float) -> None:
    iou = box_iou(np.array([ground_truth], dtype=np.float64), np.array([prediction], dtype=np.float64))
    assert iou.shape == (1, 1)
    assert iou[0, 0] == pytest.approx(expected, abs=1e-15)


def test_matrix_layout() -> None:
    ground_truth = np.array([[0, 0, 10, 10], [100, 100, 10, 10]], dtype=np.float64)
    prediction = np.array([[100, 105, 10, 10], [0, 0, 10, 10], [0, 0, 5, 10]], dtype=np.float64)
    expected = np.array([[0.0, 1.0, 0.5], [50 / 150, 0.0, 0.0]])
    np.testing.assert_allclose(box_iou(ground_truth, prediction), expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize(("n", "m"), [(0, 0), (0, 3), (3, 0)])
def test_empty_inputs(n: int, m: int) -> None:
    iou = box_iou(np.zeros((n, 4)), np.ones((m, 4)))
    assert iou.shape == (n, m)
    assert iou.dtype == np.float64


def pycocotools_iou(ground_truth: np.ndarray, prediction: np.ndarray, crowd: bool = False) -> np.ndarray:
    """pycocotools' own ``maskUtils.iou`` for bbox, as ``(N ground truths, M predictions)``."""
    if len(ground_truth) == 0 or len(prediction) == 0:
        return np.zeros((len(ground_truth), len(prediction)))
    iscrowd = [int(crowd)] * len(ground_truth)
    return np.asarray(mask_utils.iou(prediction.astype(np.float64), ground_truth.astype(np.float64), iscrowd)).T


def kernel_iou(ground_truth: list[float], prediction: list[float], crowd: bool = False) -> float:
    gx, gy, gw, gh = ground_truth
    px, py, pw, ph = prediction
    return float(pair_iou(gx, gy, gx + gw, gy + gh, gw * gh, px, py, px + pw, py + ph, pw * ph, crowd))


@settings(max_examples=200, deadline=None)
@given(_boxes(st.integers(0, 6)), _boxes(st.integers(0, 6)))
def test_symmetric_and_pycocotools_bit_for_bit(ground_truth: np.ndarray, prediction: np.ndarray) -> None:
    iou = box_iou(ground_truth, prediction)
    assert iou.shape == (len(ground_truth), len(prediction))
    np.testing.assert_array_equal(iou, box_iou(prediction, ground_truth).T)
    np.testing.assert_array_equal(iou, pycocotools_iou(ground_truth, prediction))
    assert np.all(iou >= 0.0)


@settings(max_examples=200, deadline=None)
@given(_boxes(st.just(1)), _boxes(st.just(1)), st.booleans())
def test_compiled_twin_is_pycocotools_bit_for_bit(
    ground_truth: np.ndarray, prediction: np.ndarray, crowd: bool
) -> None:
    gt, pred = ground_truth[0].tolist(), prediction[0].tolist()
    expected = coco_iou(gt, pred, crowd)
    assert kernel_iou(gt, pred, crowd) == expected
    assert float(pycocotools_iou(ground_truth, prediction, crowd)[0, 0]) == expected
    if not crowd:
        assert float(box_iou(ground_truth, prediction)[0, 0]) == expected


@pytest.mark.parametrize("decimals", [1, 2, 3])
@pytest.mark.parametrize("kind", KINDS)
def test_boxes_on_the_threshold_follow_pycocotools(kind: str, decimals: int) -> None:
    """Pairs exactly on 0.5 or 0.75 on paper land where pycocotools puts them, on either side, in every path."""
    rng = np.random.default_rng([decimals, KINDS.index(kind)])
    paper = 0.5 if kind in ("half", "third") else 0.75
    sides = set()
    for _ in range(300):
        gt, pred = edge_pair(rng, kind, decimals)
        expected = coco_iou(gt, pred)
        assert abs(expected - paper) < 1e-12
        assert float(box_iou(np.array([gt]), np.array([pred]))[0, 0]) == expected
        assert kernel_iou(gt, pred) == expected
        assert float(pycocotools_iou(np.array([gt]), np.array([pred]))[0, 0]) == expected
        sides.add(np.sign(expected - paper))
    assert len(sides) >= 2, f"every {kind} pair fell on the same side: the test proves little"


def test_area_is_width_times_height_not_corner_difference() -> None:
    """IoU 0.5 on paper (a shift of w/3): areas from corner differences made it 0.5000000000000001 (a true
    positive at 0.5), pycocotools' w * h makes it 0.4999999999999999 (a false positive in COCO AP50)."""
    ground_truth = [100.0, 50.0, 22.2, 20.0]
    prediction = [107.4, 50.0, 22.2, 20.0]
    gt_right, pred_right = ground_truth[0] + ground_truth[2], prediction[0] + prediction[2]
    inter = (min(gt_right, pred_right) - prediction[0]) * 20.0
    corner_areas = (gt_right - ground_truth[0]) * 20.0 + (pred_right - prediction[0]) * 20.0
    assert inter / (corner_areas - inter) == 0.5000000000000001
    iou = float(box_iou(np.array([ground_truth]), np.array([prediction]))[0, 0])
    assert iou == coco_iou(ground_truth, prediction) == 0.4999999999999999
    assert kernel_iou(ground_truth, prediction) == iou


@settings(max_examples=200, deadline=None)
@given(
    _boxes(st.integers(1, 6)),
    _boxes(st.integers(1, 6)),
    st.floats(-1000.0, 1000.0, allow_nan=False),
    st.floats(-1000.0, 1000.0, allow_nan=False),
)
def test_translation_invariant(ground_truth: np.ndarray, prediction: np.ndarray, dx: float, dy: float) -> None:
    shift = np.array([dx, dy, 0.0, 0.0])
    np.testing.assert_allclose(
        box_iou(ground_truth + shift, prediction + shift),
        box_iou(ground_truth, prediction),
        rtol=0,
        atol=1e-9,
    )


@settings(max_examples=100, deadline=None)
@given(_boxes(st.integers(1, 8)))
def test_identical_box_is_one_within_an_ulp(boxes: np.ndarray) -> None:
    """pycocotools' arithmetic may put an identical box at 1 ± a few ulps: the same value here."""
    diagonal = np.diag(box_iou(boxes, boxes))
    np.testing.assert_allclose(diagonal, 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(diagonal, [coco_iou(box.tolist(), box.tolist()) for box in boxes])

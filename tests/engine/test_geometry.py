from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matchscope.engine.geometry import box_iou


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


@settings(max_examples=200, deadline=None)
@given(_boxes(st.integers(0, 6)), _boxes(st.integers(0, 6)))
def test_symmetric_and_bounded(ground_truth: np.ndarray, prediction: np.ndarray) -> None:
    iou = box_iou(ground_truth, prediction)
    assert iou.shape == (len(ground_truth), len(prediction))
    np.testing.assert_array_equal(iou, box_iou(prediction, ground_truth).T)
    assert np.all((iou >= 0.0) & (iou <= 1.0))


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
def test_identical_box_is_one(boxes: np.ndarray) -> None:
    np.testing.assert_array_equal(np.diag(box_iou(boxes, boxes)), np.ones(len(boxes)))

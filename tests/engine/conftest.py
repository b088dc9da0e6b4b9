"""Builders for engine tests: boxes from plain lists, and seeded random inputs dense in ties and overlaps."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes

Box = Sequence[float]
GroundTruthFactory = Callable[..., GroundTruthBoxes]
PredictionFactory = Callable[..., PredictionBoxes]
RandomInputs = Callable[[int], tuple[GroundTruthBoxes, PredictionBoxes]]


def build_ground_truth(
    boxes: Sequence[Box], *, item: Sequence[int] | None = None, label: Sequence[int] | None = None
) -> GroundTruthBoxes:
    n = len(boxes)
    return GroundTruthBoxes(
        item=np.asarray(item if item is not None else [0] * n, dtype=np.int64),
        boxes=np.asarray(boxes, dtype=np.float64).reshape(n, 4),
        label=np.asarray(label if label is not None else [0] * n, dtype=np.int32),
    )


def build_predictions(
    boxes: Sequence[Box],
    *,
    item: Sequence[int] | None = None,
    label: Sequence[int] | None = None,
    confidence: Sequence[float] | None = None,
) -> PredictionBoxes:
    n = len(boxes)
    return PredictionBoxes(
        item=np.asarray(item if item is not None else [0] * n, dtype=np.int64),
        boxes=np.asarray(boxes, dtype=np.float64).reshape(n, 4),
        label=np.asarray(label if label is not None else [0] * n, dtype=np.int32),
        confidence=np.asarray(confidence if confidence is not None else [1.0] * n, dtype=np.float64),
    )


def random_inputs(seed: int) -> tuple[GroundTruthBoxes, PredictionBoxes]:
    """Small shuffled inputs on a coarse grid: many duplicate boxes, IoU ties, confidence ties and NaNs."""
    rng = np.random.default_rng(seed)
    n_gt = int(rng.integers(0, 14))
    n_pred = int(rng.integers(0, 18))
    items = int(rng.integers(1, 4))

    def boxes(n: int) -> np.ndarray:
        corner = rng.integers(0, 5, (n, 2))
        size = rng.integers(0, 4, (n, 2))
        return np.concatenate([corner, size], axis=1).astype(np.float64)

    confidence = rng.choice(np.array([0.1, 0.5, 0.5, 0.9, 1.0, np.nan]), n_pred)
    ground_truth = GroundTruthBoxes(
        item=rng.integers(0, items, n_gt).astype(np.int64) * 7 - 3,
        boxes=boxes(n_gt),
        label=rng.integers(0, 3, n_gt).astype(np.int32),
    )
    predictions = PredictionBoxes(
        item=rng.integers(0, items, n_pred).astype(np.int64) * 7 - 3,
        boxes=boxes(n_pred),
        label=rng.integers(0, 3, n_pred).astype(np.int32),
        confidence=confidence,
    )
    return ground_truth, predictions


@pytest.fixture
def make_ground_truth() -> GroundTruthFactory:
    return build_ground_truth


@pytest.fixture
def make_predictions() -> PredictionFactory:
    return build_predictions


@pytest.fixture
def make_random_inputs() -> RandomInputs:
    return random_inputs

from __future__ import annotations

import numpy as np
import pytest

from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import (
    FALSE_NEGATIVE,
    FALSE_POSITIVE,
    TRUE_POSITIVE,
    Entries,
    Outcome,
    class_counts,
    confusion_matrix,
    entries_at,
)

from .conftest import build_ground_truth, build_predictions, random_inputs

TP, FP, FN = TRUE_POSITIVE, FALSE_POSITIVE, FALSE_NEGATIVE


def scene() -> tuple[GroundTruthBoxes, PredictionBoxes]:
    """Item 0: a hit, a near miss (IoU 1/3), a label confusion (IoU 1), a stray prediction and a hit by a
    low-confidence prediction; item 1: a lone ground truth."""
    ground_truth = build_ground_truth(
        [[0, 0, 10, 10], [20, 0, 10, 10], [40, 0, 10, 10], [60, 0, 10, 10], [0, 0, 10, 10]],
        item=[0, 0, 0, 0, 1],
        label=[0, 1, 2, 0, 1],
    )
    predictions = build_predictions(
        [[0, 0, 10, 10], [25, 0, 10, 10], [40, 0, 10, 10], [100, 100, 5, 5], [60, 0, 10, 10]],
        item=[0, 0, 0, 0, 0],
        label=[0, 1, 1, 0, 0],
        confidence=[0.9, 0.8, 0.7, 0.6, 0.05],
    )
    return ground_truth, predictions


def rows(entries: Entries) -> list[tuple[int, int, int, float]]:
    return [
        (int(o), int(g), int(p), round(float(i), 6))
        for o, g, p, i in zip(entries.outcome, entries.gt_index, entries.pred_index, entries.iou, strict=True)
    ]


def test_outcome_codes() -> None:
    assert (TP, FP, FN) == (0, 1, 2)
    assert Outcome(FN) is Outcome.FALSE_NEGATIVE
    assert Outcome.TRUE_POSITIVE.name == "TRUE_POSITIVE"


def test_entries_hand_example() -> None:
    ground_truth, predictions = scene()
    entries = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions, confidence_threshold=0.1)
    third = round(1 / 3, 6)
    assert rows(entries) == [
        (TP, 0, 0, 1.0),
        (FP, 1, 1, third),  # near miss: FP and FN, both naming the pair
        (FN, 1, 1, third),
        (FP, 2, 2, 1.0),  # label confusion in class-agnostic mode
        (FN, 2, 2, 1.0),
        (FP, -1, 3, 0.0),
        (FN, 3, -1, 1.0),  # its partner (pred 4) was dropped by the confidence threshold
        (FN, 4, -1, 0.0),
    ]
    assert entries.outcome.dtype == np.int8
    assert entries.iou_threshold == 0.5
    assert entries.confidence_threshold == 0.1


def test_thresholds_change_outcomes_not_matching() -> None:
    ground_truth, predictions = scene()
    matching = greedy_match(ground_truth, predictions)
    entries = entries_at(matching, ground_truth, predictions, iou_threshold=0.3)
    assert [(o, g, p) for o, g, p, _ in rows(entries)] == [
        (TP, 0, 0),
        (TP, 1, 1),
        (FP, 2, 2),
        (FN, 2, 2),
        (FP, -1, 3),
        (TP, 3, 4),
        (FN, 4, -1),
    ]
    strict = entries_at(matching, ground_truth, predictions, iou_threshold=1.0, confidence_threshold=0.75)
    assert [(o, g, p) for o, g, p, _ in rows(strict)] == [
        (TP, 0, 0),  # IoU exactly 1 >= 1
        (FP, 1, 1),
        (FN, 1, 1),
        (FN, 2, -1),
        (FN, 3, -1),
        (FN, 4, -1),
    ]


def test_nan_confidence_survives_any_threshold_up_to_one() -> None:
    ground_truth = build_ground_truth([[0, 0, 10, 10]])
    predictions = build_predictions([[0, 0, 10, 10]], confidence=[np.nan])
    matching = greedy_match(ground_truth, predictions)
    assert rows(entries_at(matching, ground_truth, predictions, confidence_threshold=1.0)) == [(TP, 0, 0, 1.0)]
    assert rows(entries_at(matching, ground_truth, predictions, confidence_threshold=1.01)) == [(FN, 0, -1, 1.0)]


def test_allowed_pair_is_a_true_positive() -> None:
    ground_truth, predictions = scene()
    matching = greedy_match(
        ground_truth, predictions, class_agnostic=False, allowed_label_matches=np.array([[2, 1]], np.int32)
    )
    entries = entries_at(matching, ground_truth, predictions, confidence_threshold=0.1)
    assert (TP, 2, 2, 1.0) in rows(entries)
    counts = class_counts(entries, ground_truth, predictions, 3)
    assert counts.tp.tolist() == [1, 0, 1]  # counted for the ground truth's label
    matrix = confusion_matrix(entries, ground_truth, predictions, 3)
    assert matrix[2, 1] == 1


def test_class_counts_hand_example() -> None:
    ground_truth, predictions = scene()
    entries = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions, confidence_threshold=0.1)
    counts = class_counts(entries, ground_truth, predictions, 3)
    assert counts.tp.tolist() == [1, 0, 0]
    assert counts.fp.tolist() == [1, 2, 0]
    assert counts.fn.tolist() == [1, 2, 1]
    assert counts.precision.tolist() == [0.5, 0.0, 0.0]
    assert counts.recall.tolist() == [0.5, 0.0, 0.0]
    assert counts.f1.tolist() == [0.5, 0.0, 0.0]
    assert counts.tp.dtype == np.int64


def test_class_counts_scores() -> None:
    ground_truth = build_ground_truth([[0, 0, 10, 10]] * 4, item=[0, 1, 2, 3])
    predictions = build_predictions([[0, 0, 10, 10]] * 4, item=[0, 1, 2, 9])
    entries = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions)
    counts = class_counts(entries, ground_truth, predictions, 2)
    assert (counts.tp.tolist(), counts.fp.tolist(), counts.fn.tolist()) == ([3, 0], [1, 0], [1, 0])
    assert counts.precision[0] == pytest.approx(0.75)
    assert counts.recall[0] == pytest.approx(0.75)
    assert counts.f1[0] == pytest.approx(0.75)
    assert (counts.precision[1], counts.recall[1], counts.f1[1]) == (0.0, 0.0, 0.0)


def test_confusion_matrix_hand_example() -> None:
    ground_truth, predictions = scene()
    entries = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions, confidence_threshold=0.1)
    matrix = confusion_matrix(entries, ground_truth, predictions, 3)
    # rows: gt labels 0, 1, 2, background; columns: pred labels 0, 1, 2, missed
    expected = [
        [1, 0, 0, 1],  # gt 0 hit; gt 3 missed (its partner was dropped)
        [0, 0, 0, 2],  # gt 1 near miss -> missed; gt 4 missed
        [0, 1, 0, 0],  # gt 2 confused with label 1
        [1, 1, 0, 0],  # stray pred 3; near-miss pred 1
    ]
    assert matrix.tolist() == expected
    assert matrix.dtype == np.int64
    # At IoU threshold 0.3 the near miss becomes a hit and the low-confidence hit comes back.
    loose = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions, iou_threshold=0.3)
    assert confusion_matrix(loose, ground_truth, predictions, 3).tolist() == [
        [2, 0, 0, 0],
        [0, 1, 0, 1],
        [0, 1, 0, 0],
        [1, 0, 0, 0],
    ]


def test_empty() -> None:
    ground_truth = build_ground_truth([])
    predictions = build_predictions([])
    entries = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions)
    assert len(entries) == 0
    assert class_counts(entries, ground_truth, predictions, 2).tp.tolist() == [0, 0]
    assert confusion_matrix(entries, ground_truth, predictions, 2).tolist() == [[0] * 3] * 3


@pytest.mark.parametrize("seed", range(150))
@pytest.mark.parametrize(("iou_threshold", "confidence_threshold"), [(0.5, 0.0), (0.1, 0.5), (0.75, 0.95)])
def test_entry_invariants(seed: int, iou_threshold: float, confidence_threshold: float) -> None:
    ground_truth, predictions = random_inputs(seed)
    class_agnostic = seed % 2 == 0
    matching = greedy_match(ground_truth, predictions, class_agnostic=class_agnostic)
    entries = entries_at(
        matching,
        ground_truth,
        predictions,
        iou_threshold=iou_threshold,
        confidence_threshold=confidence_threshold,
    )
    confidence = np.where(np.isnan(predictions.confidence), 1.0, predictions.confidence)
    kept = np.flatnonzero(confidence >= confidence_threshold)
    outcome = entries.outcome
    tp, fp, fn = (outcome == TP).sum(), (outcome == FP).sum(), (outcome == FN).sum()
    assert tp + fn == len(ground_truth)
    assert tp + fp == len(kept)
    # Every ground truth in exactly one TP or FN entry; every kept prediction in exactly one TP or FP entry.
    gt_side = np.sort(entries.gt_index[outcome != FP])
    np.testing.assert_array_equal(gt_side, np.arange(len(ground_truth)))
    np.testing.assert_array_equal(np.sort(entries.pred_index[outcome != FN]), kept)
    assert not np.isin(entries.pred_index, np.setdiff1d(np.arange(len(predictions)), kept)).any()
    # TP entries are kept pairs at or above the threshold.
    is_tp = outcome == TP
    assert np.all(entries.iou[is_tp] >= iou_threshold)
    np.testing.assert_array_equal(matching.gt_partner[entries.gt_index[is_tp]], entries.pred_index[is_tp])
    # Entries are grouped by item, in increasing item order.
    item = [
        int(ground_truth.item[g]) if g >= 0 else int(predictions.item[p])
        for g, p in zip(entries.gt_index, entries.pred_index, strict=True)
    ]
    assert np.all(np.diff(item) >= 0)

    labels = 3
    counts = class_counts(entries, ground_truth, predictions, labels)
    assert (counts.tp.sum(), counts.fp.sum(), counts.fn.sum()) == (tp, fp, fn)
    matrix = confusion_matrix(entries, ground_truth, predictions, labels)
    np.testing.assert_array_equal(matrix[:labels].sum(axis=1), np.bincount(ground_truth.label, minlength=labels))
    np.testing.assert_array_equal(
        matrix[:, :labels].sum(axis=0), np.bincount(predictions.label[kept], minlength=labels)
    )
    assert matrix[labels, labels] == 0
    if class_agnostic:
        np.testing.assert_array_equal(np.diag(matrix)[:labels], counts.tp)


@pytest.mark.parametrize("seed", range(30))
def test_higher_thresholds_never_add_true_positives(seed: int) -> None:
    ground_truth, predictions = random_inputs(seed)
    matching = greedy_match(ground_truth, predictions)
    true_positives = [
        int((entries_at(matching, ground_truth, predictions, iou_threshold=t).outcome == TP).sum())
        for t in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    assert true_positives == sorted(true_positives, reverse=True)


def test_label_outside_num_labels_is_an_error() -> None:
    ground_truth, predictions = scene()
    entries = entries_at(greedy_match(ground_truth, predictions), ground_truth, predictions)
    with pytest.raises(ValueError, match=r"ground truth label codes span 0\.\.2"):
        class_counts(entries, ground_truth, predictions, 2)
    with pytest.raises(ValueError, match="num_labels=2"):
        confusion_matrix(entries, ground_truth, predictions, 2)

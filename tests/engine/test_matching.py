from __future__ import annotations

import math

import numpy as np
import pytest

from matchscope.engine.geometry import box_iou
from matchscope.engine.matching import GroundTruthBoxes, Matching, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import Outcome, entries_at

from .conftest import GroundTruthFactory, PredictionFactory, RandomInputs, random_inputs
from .edges import KINDS, coco_iou, edge_pair

SQUARE = [0.0, 0.0, 10.0, 10.0]
HALF = [5.0, 0.0, 10.0, 10.0]  # IoU 1/3 with SQUARE


def reference_greedy(
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    *,
    class_agnostic: bool = True,
    allowed: set[tuple[int, int]] | None = None,
) -> tuple[list[int], list[int]]:
    """DESIGN §3 taken literally, with pycocotools' IoU written out: all candidates, sorted by the four keys,
    kept while both boxes are free."""
    allowed = allowed or set()
    candidates = []
    for g in range(len(ground_truth)):
        for p in range(len(predictions)):
            if ground_truth.item[g] != predictions.item[p]:
                continue
            gl, pl = int(ground_truth.label[g]), int(predictions.label[p])
            if not class_agnostic and gl != pl and (gl, pl) not in allowed:
                continue
            iou = coco_iou(ground_truth.boxes[g].tolist(), predictions.boxes[p].tolist())
            confidence = float(predictions.confidence[p])
            confidence = 1.0 if math.isnan(confidence) else confidence
            if iou > 0:
                candidates.append((-iou, -confidence, g, p))
    gt_partner = [-1] * len(ground_truth)
    pred_partner = [-1] * len(predictions)
    for _, _, g, p in sorted(candidates):
        if gt_partner[g] < 0 and pred_partner[p] < 0:
            gt_partner[g], pred_partner[p] = p, g
    return gt_partner, pred_partner


def partners(matching: Matching) -> tuple[list[int], list[int]]:
    return matching.gt_partner.tolist(), matching.pred_partner.tolist()


def test_iou_tie_goes_to_higher_confidence(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE])
    predictions = make_predictions([SQUARE, SQUARE, SQUARE], confidence=[0.3, 0.8, 0.5])
    matching = greedy_match(ground_truth, predictions)
    assert partners(matching) == ([1], [-1, 0, -1])
    assert matching.gt_iou.tolist() == [1.0]
    assert matching.pred_iou.tolist() == [0.0, 1.0, 0.0]


def test_higher_iou_beats_higher_confidence(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE])
    predictions = make_predictions([HALF, SQUARE], confidence=[0.99, 0.01])
    assert partners(greedy_match(ground_truth, predictions)) == ([1], [-1, 0])


def test_confidence_tie_goes_to_lower_gt_index(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE, SQUARE])
    predictions = make_predictions([SQUARE])
    assert partners(greedy_match(ground_truth, predictions)) == ([0, -1, -1], [0])


def test_gt_tie_goes_to_lower_pred_index(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE])
    predictions = make_predictions([SQUARE, SQUARE, SQUARE], confidence=[0.5, 0.5, 0.5])
    assert partners(greedy_match(ground_truth, predictions)) == ([0], [0, -1, -1])


def test_confidence_outranks_gt_index(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE])
    predictions = make_predictions([SQUARE, SQUARE], confidence=[0.2, 0.9])
    # Order: (1.0, 0.9, gt0, p1), (1.0, 0.9, gt1, p1), (1.0, 0.2, gt0, p0), (1.0, 0.2, gt1, p0).
    assert partners(greedy_match(ground_truth, predictions)) == ([1, 0], [1, 0])


def test_nan_confidence_counts_as_one(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE])
    assert partners(greedy_match(ground_truth, make_predictions([SQUARE, SQUARE], confidence=[0.99, np.nan]))) == (
        [1],
        [-1, 0],
    )
    # NaN ties with 1.0, so the insertion order decides.
    assert partners(greedy_match(ground_truth, make_predictions([SQUARE, SQUARE], confidence=[1.0, np.nan]))) == (
        [0],
        [0, -1],
    )


def test_greedy_is_not_optimal_assignment(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    # p0 overlaps gt0 best of all, so it is kept even though gt1 then goes without a partner.
    ground_truth = make_ground_truth([[0, 0, 10, 10], [4, 0, 10, 10]])
    predictions = make_predictions([[1, 0, 10, 10]])
    assert partners(greedy_match(ground_truth, predictions)) == ([0, -1], [0])


def test_zero_iou_never_matches(make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory) -> None:
    ground_truth = make_ground_truth([SQUARE, [0, 0, 0, 0]])
    predictions = make_predictions([[10, 0, 10, 10], [0, 0, 0, 0]])
    matching = greedy_match(ground_truth, predictions)
    assert partners(matching) == ([-1, -1], [-1, -1])
    assert not matching.gt_compatible.any()
    assert not matching.pred_compatible.any()


def test_different_items_never_match(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE], item=[5, 7])
    predictions = make_predictions([SQUARE, SQUARE, SQUARE], item=[6, 7, 8])
    assert partners(greedy_match(ground_truth, predictions)) == ([-1, 1], [-1, 1, -1])


def test_unsorted_items(make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE, HALF], item=[3, 1, 3])
    predictions = make_predictions([HALF, SQUARE, SQUARE, SQUARE], item=[3, 3, 1, 2])
    assert partners(greedy_match(ground_truth, predictions)) == ([1, 2, 0], [2, 0, 1, -1])


@pytest.mark.parametrize(("n_gt", "n_pred"), [(0, 0), (0, 3), (3, 0)])
def test_only_one_side(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory, n_gt: int, n_pred: int
) -> None:
    matching = greedy_match(make_ground_truth([SQUARE] * n_gt), make_predictions([SQUARE] * n_pred))
    assert partners(matching) == ([-1] * n_gt, [-1] * n_pred)
    assert matching.gt_iou.shape == (n_gt,)
    assert matching.pred_iou.shape == (n_pred,)
    assert matching.gt_compatible.shape == (n_gt,)
    assert matching.pred_compatible.shape == (n_pred,)


def test_items_with_only_one_side(make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE, SQUARE], item=[0, 1, 2])
    predictions = make_predictions([SQUARE, SQUARE, SQUARE], item=[2, 3, 4])
    assert partners(greedy_match(ground_truth, predictions)) == ([-1, -1, 0], [2, -1, -1])


def test_class_agnostic_pairs_any_labels(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE, HALF], label=[0, 1])
    predictions = make_predictions([SQUARE, HALF], label=[1, 1])
    matching = greedy_match(ground_truth, predictions)
    assert partners(matching) == ([0, 1], [0, 1])
    assert matching.pred_compatible.tolist() == [False, True]
    assert matching.gt_compatible.tolist() == [False, True]


def test_class_aware_needs_equal_labels(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE], label=[0, 1])
    predictions = make_predictions([SQUARE, HALF], label=[1, 2])
    matching = greedy_match(ground_truth, predictions, class_agnostic=False)
    assert partners(matching) == ([-1, 0], [1, -1])
    assert matching.pred_compatible.tolist() == [True, False]


def test_allowed_label_matches(make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory) -> None:
    ground_truth = make_ground_truth([SQUARE, SQUARE], label=[0, 1])
    predictions = make_predictions([SQUARE, SQUARE], label=[2, 3], confidence=[0.9, 0.8])
    allowed = np.array([[1, 2]], dtype=np.int32)  # gt label 1 may match pred label 2, not the reverse
    matching = greedy_match(ground_truth, predictions, class_agnostic=False, allowed_label_matches=allowed)
    assert partners(matching) == ([-1, 0], [1, -1])
    assert matching.pred_compatible.tolist() == [True, False]
    assert matching.gt_compatible.tolist() == [False, True]
    reverse = np.array([[2, 1]], dtype=np.int32)
    matching = greedy_match(ground_truth, predictions, class_agnostic=False, allowed_label_matches=reverse)
    assert partners(matching) == ([-1, -1], [-1, -1])


def test_allowed_label_matches_with_class_agnostic_is_an_error(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    with pytest.raises(ValueError, match="class_agnostic"):
        greedy_match(
            make_ground_truth([SQUARE]),
            make_predictions([SQUARE]),
            allowed_label_matches=np.array([[0, 1]], dtype=np.int32),
        )


def test_bad_shapes_are_errors() -> None:
    with pytest.raises(ValueError, match="boxes"):
        GroundTruthBoxes(item=np.zeros(2, np.int64), boxes=np.zeros((3, 4)), label=np.zeros(2, np.int32))
    with pytest.raises(ValueError, match="confidence"):
        PredictionBoxes(
            item=np.zeros(2, np.int64),
            boxes=np.zeros((2, 4)),
            label=np.zeros(2, np.int32),
            confidence=np.zeros(1),
        )


@pytest.mark.parametrize("seed", range(300))
@pytest.mark.parametrize("scan_limit", [0, 1_000])
def test_matches_reference(make_random_inputs: RandomInputs, seed: int, scan_limit: int) -> None:
    ground_truth, predictions = make_random_inputs(seed)
    matching = greedy_match(ground_truth, predictions, _scan_limit=scan_limit)
    assert partners(matching) == reference_greedy(ground_truth, predictions)

    allowed = {(0, 1), (2, 0)}
    pairs = np.array(sorted(allowed), dtype=np.int32)
    aware = greedy_match(
        ground_truth, predictions, class_agnostic=False, allowed_label_matches=pairs, _scan_limit=scan_limit
    )
    assert partners(aware) == reference_greedy(ground_truth, predictions, class_agnostic=False, allowed=allowed)
    assert aware.pred_compatible.tolist() == (aware.pred_partner >= 0).tolist()


@pytest.mark.parametrize("seed", range(100))
def test_matching_invariants(seed: int) -> None:
    ground_truth, predictions = random_inputs(seed)
    matching = greedy_match(ground_truth, predictions)
    gt_partner, pred_partner = matching.gt_partner, matching.pred_partner
    matched_gt = np.flatnonzero(gt_partner >= 0)
    # One-to-one, and both views agree.
    assert len(set(gt_partner[matched_gt].tolist())) == len(matched_gt)
    np.testing.assert_array_equal(pred_partner[gt_partner[matched_gt]], matched_gt)
    assert (pred_partner >= 0).sum() == len(matched_gt)
    np.testing.assert_array_equal(ground_truth.item[matched_gt], predictions.item[gt_partner[matched_gt]])
    # IoUs are exactly box_iou's, positive for kept pairs and 0 otherwise.
    iou = box_iou(ground_truth.boxes, predictions.boxes)
    np.testing.assert_array_equal(matching.gt_iou[matched_gt], iou[matched_gt, gt_partner[matched_gt]])
    assert np.all(matching.gt_iou[matched_gt] > 0)
    assert np.all(matching.gt_iou[gt_partner < 0] == 0)
    np.testing.assert_array_equal(matching.pred_iou[gt_partner[matched_gt]], matching.gt_iou[matched_gt])
    # The first candidate of every item in DESIGN §3 order (highest IoU, then confidence, then lowest gt,
    # then lowest pred index) is kept.
    same_item = ground_truth.item[:, None] == predictions.item[None, :]
    confidence = np.where(np.isnan(predictions.confidence), 1.0, predictions.confidence)
    for item in np.unique(ground_truth.item):
        block = np.where(same_item & (ground_truth.item[:, None] == item), iou, 0.0)
        if block.max(initial=0.0) == 0.0:
            continue
        top = block == block.max()
        top &= confidence[None, :] == confidence[top.any(axis=0)].max()
        g = int(np.flatnonzero(top.any(axis=1))[0])
        p = int(np.flatnonzero(top[g])[0])
        assert gt_partner[g] == p
    # Maximal: no candidate pair is left with both boxes free.
    free = (gt_partner < 0)[:, None] & (pred_partner < 0)[None, :]
    assert not np.any(free & same_item & (iou > 0))


def test_large_item_sort_and_scan_agree() -> None:
    rng = np.random.default_rng(7)
    n_gt, n_pred = 120, 400
    corner = rng.uniform(0, 200, (n_gt + n_pred, 2))
    size = rng.uniform(5, 60, (n_gt + n_pred, 2))
    boxes = np.round(np.concatenate([corner, size], axis=1), 0)
    ground_truth = GroundTruthBoxes(np.zeros(n_gt, np.int64), boxes[:n_gt], rng.integers(0, 3, n_gt).astype(np.int32))
    predictions = PredictionBoxes(
        np.zeros(n_pred, np.int64),
        boxes[n_gt:],
        rng.integers(0, 3, n_pred).astype(np.int32),
        np.round(rng.random(n_pred), 1),
    )
    by_sort = greedy_match(ground_truth, predictions, _scan_limit=0)
    by_scan = greedy_match(ground_truth, predictions, _scan_limit=10_000)
    assert partners(by_sort) == partners(by_scan)
    assert partners(by_sort) == reference_greedy(ground_truth, predictions)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("scale", [10**15, -1, 1])
def test_item_keys_only_group(seed: int, scale: int) -> None:
    # Far-apart keys (argsort path), dense keys (counting-sort path) and negative keys: one matching.
    ground_truth, predictions = random_inputs(seed)
    remapped_gt = GroundTruthBoxes(ground_truth.item * scale, ground_truth.boxes, ground_truth.label)
    remapped_pred = PredictionBoxes(
        predictions.item * scale, predictions.boxes, predictions.label, predictions.confidence
    )
    assert partners(greedy_match(remapped_gt, remapped_pred)) == partners(greedy_match(ground_truth, predictions))
    assert partners(greedy_match(remapped_gt, remapped_pred)) == reference_greedy(ground_truth, predictions)


def test_sorted_input_keeps_indices(make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory) -> None:
    ground_truth = make_ground_truth([SQUARE, HALF, SQUARE], item=[1, 1, 2])
    predictions = make_predictions([HALF, SQUARE, SQUARE], item=[1, 1, 2], confidence=[0.1, 0.2, 0.3])
    assert partners(greedy_match(ground_truth, predictions)) == ([1, 0, 2], [1, 0, 2])


def edge_inputs(seed: int) -> tuple[GroundTruthBoxes, PredictionBoxes]:
    """Tie-heavy inputs with 1-3 decimal coordinates: pairs on IoU 0.5 / 0.75 on paper, repeated boxes and
    equal scores, several pairs per item so that every box has rivals."""
    rng = np.random.default_rng(seed)
    gt_boxes: list[list[float]] = []
    pred_boxes: list[list[float]] = []
    for _ in range(int(rng.integers(4, 12))):
        gt, pred = edge_pair(rng, KINDS[int(rng.integers(0, 4))], int(rng.integers(1, 4)))
        gt_boxes += [gt] * int(rng.integers(1, 3))
        pred_boxes += [pred] * int(rng.integers(1, 3))
        if rng.random() < 0.3:  # a box on the same spot as an earlier one: ties across pairs
            pred_boxes.append(gt_boxes[int(rng.integers(0, len(gt_boxes)))])
    n_gt, n_pred = len(gt_boxes), len(pred_boxes)
    gt_order, pred_order = rng.permutation(n_gt), rng.permutation(n_pred)
    ground_truth = GroundTruthBoxes(
        item=rng.integers(0, 2, n_gt).astype(np.int64),
        boxes=np.array(gt_boxes)[gt_order],
        label=rng.integers(0, 2, n_gt).astype(np.int32),
    )
    predictions = PredictionBoxes(
        item=rng.integers(0, 2, n_pred).astype(np.int64),
        boxes=np.array(pred_boxes)[pred_order],
        label=rng.integers(0, 2, n_pred).astype(np.int32),
        confidence=rng.choice(np.array([0.5, 0.5, 0.9, np.nan]), n_pred),
    )
    return ground_truth, predictions


@pytest.mark.parametrize("seed", range(150))
@pytest.mark.parametrize("scan_limit", [0, 1_000])
def test_threshold_edge_ties_follow_design_order(seed: int, scan_limit: int) -> None:
    ground_truth, predictions = edge_inputs(seed)
    matching = greedy_match(ground_truth, predictions, _scan_limit=scan_limit)
    assert partners(matching) == reference_greedy(ground_truth, predictions)
    aware = greedy_match(ground_truth, predictions, class_agnostic=False, _scan_limit=scan_limit)
    assert partners(aware) == reference_greedy(ground_truth, predictions, class_agnostic=False)


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("iou_threshold", [0.5, 0.75])
def test_outcomes_at_t_are_pycocotools_iou_decisions(seed: int, iou_threshold: float) -> None:
    """Every kept pair is a true positive at t exactly when pycocotools' IoU of the pair is >= t."""
    ground_truth, predictions = edge_inputs(seed)
    matching = greedy_match(ground_truth, predictions)
    entries = entries_at(matching, ground_truth, predictions, iou_threshold=iou_threshold)
    decided = 0
    for outcome, g, p, iou in zip(entries.outcome, entries.gt_index, entries.pred_index, entries.iou, strict=True):
        if g < 0 or p < 0:
            continue
        expected = coco_iou(ground_truth.boxes[g].tolist(), predictions.boxes[p].tolist())
        assert iou == expected
        reaches = expected >= iou_threshold and ground_truth.label[g] == predictions.label[p]
        assert (outcome == Outcome.TRUE_POSITIVE) == reaches
        decided += 1
    assert decided > 0


def test_identical_boxes_with_equal_scores_pair_in_insertion_order(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory
) -> None:
    box = [10.1, 20.25, 30.3, 40.125]
    ground_truth = make_ground_truth([box, box, box])
    predictions = make_predictions([box, box], confidence=[0.7, 0.7])
    matching = greedy_match(ground_truth, predictions)
    assert partners(matching) == ([0, 1, -1], [0, 1])
    assert matching.gt_iou.tolist() == [coco_iou(box, box)] * 2 + [0.0]


@pytest.mark.parametrize("scan_limit", [0, 1_000])
def test_prediction_equidistant_from_two_ground_truths_takes_the_first(
    make_ground_truth: GroundTruthFactory, make_predictions: PredictionFactory, scan_limit: int
) -> None:
    left, right = [10.5, 5.25, 30.0, 20.0], [30.5, 5.25, 30.0, 20.0]
    prediction = [20.5, 5.25, 30.0, 20.0]  # overlaps each by two thirds of its width: IoU 0.5 with both
    assert coco_iou(left, prediction) == coco_iou(right, prediction) == 0.5
    for first, second in ((left, right), (right, left)):
        ground_truth = make_ground_truth([first, second])
        matching = greedy_match(ground_truth, make_predictions([prediction]), _scan_limit=scan_limit)
        assert partners(matching) == ([0, -1], [0])

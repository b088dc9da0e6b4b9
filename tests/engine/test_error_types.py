"""Error types of entries and nearest ground truth (DESIGN §3): hand-built scenes, and brute force on generated data."""

from __future__ import annotations

import numpy as np
import pytest

from matchscope.engine.error_types import NO_ERROR, ErrorType, entry_error_types, error_evidence
from matchscope.engine.geometry import box_iou
from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import FALSE_NEGATIVE, FALSE_POSITIVE, TRUE_POSITIVE, entries_at
from matchscope.engine.synthetic import generate_coco
from tests.engine.conftest import build_ground_truth, build_predictions

CAT, DOG = 0, 1
L, C, BOTH, D, BG, M = (
    ErrorType.LOCALIZATION,
    ErrorType.CLASSIFICATION,
    ErrorType.BOTH,
    ErrorType.DUPLICATE,
    ErrorType.BACKGROUND,
    ErrorType.MISSED,
)

# One scene per item; boxes 10x10, so a shift of s along x gives IoU (10 - s) / (10 + s).
# Each prediction: (item, x, label, confidence); each ground truth: (item, x, label).
GROUND_TRUTH = [
    (1, 0.0, CAT),  # localization: prediction shifted by 5 (IoU 1/3)
    (2, 0.0, CAT),  # classification: a dog exactly on a cat
    (3, 0.0, CAT),  # duplicate: exact cat, and a second cat shifted by 1 (IoU 9/11)
    (5, 0.0, CAT),  # both: a dog shifted by 5 (IoU 1/3)
    (6, 0.0, CAT),  # missed: nothing near
    (7, 0.0, CAT),  # tie: a cat shifted by 5 from two cats 10 apart (IoU 1/3 with each)
    (7, 10.0, CAT),
]
PREDICTIONS = [
    (1, 5.0, CAT, 0.9),
    (2, 0.0, DOG, 0.9),
    (3, 0.0, CAT, 0.9),
    (3, 1.0, CAT, 0.8),
    (4, 0.0, CAT, 0.9),  # background: an item without ground truth
    (5, 5.0, DOG, 0.9),
    (7, 5.0, CAT, 0.9),
]


def _scene() -> tuple[GroundTruthBoxes, PredictionBoxes]:
    ground_truth = build_ground_truth(
        [[x, 0.0, 10.0, 10.0] for _, x, _ in GROUND_TRUTH],
        item=[item for item, _, _ in GROUND_TRUTH],
        label=[label for _, _, label in GROUND_TRUTH],
    )
    predictions = build_predictions(
        [[x, 0.0, 10.0, 10.0] for _, x, _, _ in PREDICTIONS],
        item=[item for item, _, _, _ in PREDICTIONS],
        label=[label for _, _, label, _ in PREDICTIONS],
        confidence=[confidence for *_, confidence in PREDICTIONS],
    )
    return ground_truth, predictions


def _typed(
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    iou_threshold: float,
    confidence_threshold: float = 0.0,
    **options: object,
) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """(prediction index -> (outcome, type)), (ground-truth index -> (outcome, type)) of the FP/TP and FN entries."""
    matching = greedy_match(ground_truth, predictions, **options)  # type: ignore[arg-type]
    evidence = error_evidence(ground_truth, predictions, matching, **options)  # type: ignore[arg-type]
    entries = entries_at(
        matching, ground_truth, predictions, iou_threshold=iou_threshold, confidence_threshold=confidence_threshold
    )
    codes = entry_error_types(entries, evidence)
    by_prediction: dict[int, tuple[int, int]] = {}
    by_ground_truth: dict[int, tuple[int, int]] = {}
    for outcome, gt, pred, code in zip(entries.outcome, entries.gt_index, entries.pred_index, codes, strict=True):
        if outcome == FALSE_NEGATIVE:
            by_ground_truth[int(gt)] = (int(outcome), int(code))
        else:
            by_prediction[int(pred)] = (int(outcome), int(code))
            if outcome == TRUE_POSITIVE:
                by_ground_truth[int(gt)] = (int(outcome), int(code))
    return by_prediction, by_ground_truth


FP, FN, TP = FALSE_POSITIVE, FALSE_NEGATIVE, TRUE_POSITIVE
NONE = NO_ERROR


@pytest.mark.parametrize(
    ("options", "iou_threshold", "predictions", "ground_truths"),
    [
        (
            {"class_agnostic": False},
            0.5,
            [(FP, L), (FP, C), (TP, NONE), (FP, D), (FP, BG), (FP, BOTH), (FP, L)],
            [(FN, NONE), (FN, NONE), (TP, NONE), (FN, NONE), (FN, M), (FN, NONE), (FN, M)],
        ),
        (
            # At 0.3 the shifted cats reach: TP; the shifted dog's 1/3 is now a classification error.
            {"class_agnostic": False},
            0.3,
            [(TP, NONE), (FP, C), (TP, NONE), (FP, D), (FP, BG), (FP, C), (TP, NONE)],
            [(TP, NONE), (FN, NONE), (TP, NONE), (FN, NONE), (FN, M), (TP, NONE), (FN, M)],
        ),
        (
            # At 0.9 the second cat of item 3 (9/11) no longer reaches the held ground truth: localization.
            {"class_agnostic": False},
            0.9,
            [(FP, L), (FP, C), (TP, NONE), (FP, L), (FP, BG), (FP, BOTH), (FP, L)],
            [(FN, NONE), (FN, NONE), (TP, NONE), (FN, NONE), (FN, M), (FN, NONE), (FN, M)],
        ),
        (
            # Class-agnostic: the dogs are matched to the cats (pairs of incompatible labels), same types.
            {"class_agnostic": True},
            0.5,
            [(FP, L), (FP, C), (TP, NONE), (FP, D), (FP, BG), (FP, BOTH), (FP, L)],
            [(FN, NONE), (FN, NONE), (TP, NONE), (FN, NONE), (FN, M), (FN, NONE), (FN, M)],
        ),
        (
            # (cat, dog) allowed: the dog on the cat is a true positive, the shifted dog a localization error.
            {"class_agnostic": False, "allowed_label_matches": np.array([[CAT, DOG]], dtype=np.int32)},
            0.5,
            [(FP, L), (TP, NONE), (TP, NONE), (FP, D), (FP, BG), (FP, L), (FP, L)],
            [(FN, NONE), (TP, NONE), (TP, NONE), (FN, NONE), (FN, M), (FN, NONE), (FN, M)],
        ),
    ],
)
def test_each_type_by_hand(
    options: dict[str, object],
    iou_threshold: float,
    predictions: list[tuple[int, int]],
    ground_truths: list[tuple[int, int]],
) -> None:
    ground_truth, prediction_boxes = _scene()
    by_prediction, by_ground_truth = _typed(ground_truth, prediction_boxes, iou_threshold, **options)
    assert [by_prediction[index] for index in range(len(PREDICTIONS))] == predictions
    # The duplicate's own ground truth is held by the exact cat: its row is that true positive.
    assert [by_ground_truth[index] for index in range(len(GROUND_TRUTH))] == ground_truths


def test_tie_between_two_compatible_ground_truths_fixes_the_first() -> None:
    """The shifted cat of item 7 is 1/3 from both cats: its best match is the first (insertion order), which is
    therefore not missed; the second is."""
    ground_truth, predictions = _scene()
    matching = greedy_match(ground_truth, predictions, class_agnostic=False)
    evidence = error_evidence(ground_truth, predictions, matching, class_agnostic=False)
    assert evidence.compatible_gt[6] == 5 and evidence.nearest_gt[6] == 5
    assert evidence.compatible_iou[6] == pytest.approx(1 / 3)
    _, by_ground_truth = _typed(ground_truth, predictions, 0.5, class_agnostic=False)
    assert by_ground_truth[5] == (FN, NONE) and by_ground_truth[6] == (FN, M)


def test_class_agnostic_matching_changes_what_a_prediction_is() -> None:
    """A dog at IoU 0.9 takes a cat in class-agnostic mode: the cat at 0.8 finds its ground truth held by an
    incompatible pair (not a duplicate) and, overlapping it, is BOTH; class-sensitive, the cat is the true
    positive and the dog a classification error."""
    ground_truth = build_ground_truth([[0.0, 0.0, 10.0, 10.0]], label=[CAT])
    # IoU 9/11 ~ 0.818 for the dog (shift 1), 0.667 for the cat (shift 2).
    predictions = build_predictions(
        [[1.0, 0.0, 10.0, 10.0], [2.0, 0.0, 10.0, 10.0]], label=[DOG, CAT], confidence=[0.5, 0.9]
    )
    agnostic, agnostic_gt = _typed(ground_truth, predictions, 0.5, class_agnostic=True)
    assert agnostic == {0: (FP, C), 1: (FP, BOTH)}
    assert agnostic_gt == {0: (FN, NONE)}
    aware, aware_gt = _typed(ground_truth, predictions, 0.5, class_agnostic=False)
    assert aware == {0: (FP, C), 1: (TP, NONE)}
    assert aware_gt == {0: (TP, NONE)}


def test_confidence_threshold_drops_the_holder_of_a_duplicate() -> None:
    """Item 3's exact cat (0.9) dropped at c = 0.95 leaves its ground truth a false negative, so the shifted cat
    (0.8) is no duplicate either: it is dropped too at 0.95; at 0.85 only the holder stays."""
    ground_truth, predictions = _scene()
    by_prediction, _ = _typed(ground_truth, predictions, 0.5, 0.85, class_agnostic=False)
    assert 3 not in by_prediction and by_prediction[2] == (TP, NONE)
    lower = build_predictions([[0.0, 0.0, 10.0, 10.0], [1.0, 0.0, 10.0, 10.0]], confidence=[0.3, 0.8])
    one = build_ground_truth([[0.0, 0.0, 10.0, 10.0]])
    assert _typed(one, lower, 0.5, 0.0)[0] == {0: (TP, NONE), 1: (FP, D)}
    # The holder (0.3) dropped at c = 0.5: the shifted cat overlaps a ground truth nobody holds, at 9/11 >= t, so
    # it is no duplicate but BOTH, and as that ground truth's best match the false negative is not MISSED.
    assert _typed(one, lower, 0.5, 0.5) == ({1: (FP, BOTH)}, {0: (FN, NONE)})


def _coco_boxes(seed: int) -> tuple[GroundTruthBoxes, PredictionBoxes]:
    dataset, detections = generate_coco(images=60, seed=seed, dets_per_image=30, categories=6)
    gt_boxes = np.array([a["bbox"] for a in dataset["annotations"]], dtype=np.float64)
    ground_truth = GroundTruthBoxes(
        item=np.array([a["image_id"] for a in dataset["annotations"]], dtype=np.int64),
        boxes=gt_boxes.reshape(-1, 4),
        label=np.array([a["category_id"] % 7 for a in dataset["annotations"]], dtype=np.int32),
    )
    predictions = PredictionBoxes(
        item=np.array([d["image_id"] for d in detections], dtype=np.int64),
        boxes=np.array([d["bbox"] for d in detections], dtype=np.float64).reshape(-1, 4),
        label=np.array([d["category_id"] % 7 for d in detections], dtype=np.int32),
        confidence=np.array([d["score"] for d in detections], dtype=np.float64),
    )
    return ground_truth, predictions


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("class_agnostic", [True, False])
def test_evidence_against_brute_force(seed: int, class_agnostic: bool) -> None:
    """Nearest ground truth, best compatible/incompatible IoU and duplicate reach, pair by pair with box_iou."""
    ground_truth, predictions = _coco_boxes(seed)
    allowed = None if class_agnostic else np.array([[1, 2], [3, 1]], dtype=np.int32)
    options = {"class_agnostic": class_agnostic, "allowed_label_matches": allowed}
    matching = greedy_match(ground_truth, predictions, **options)  # type: ignore[arg-type]
    evidence = error_evidence(ground_truth, predictions, matching, **options)  # type: ignore[arg-type]
    allowed_pairs = set() if allowed is None else {tuple(pair) for pair in allowed.tolist()}
    checked_nearest = 0
    for p in range(len(predictions)):
        on_item = np.flatnonzero(ground_truth.item == predictions.item[p])
        ious = box_iou(ground_truth.boxes[on_item], predictions.boxes[p : p + 1])[:, 0]
        labels = ground_truth.label[on_item]
        compatible = (labels == predictions.label[p]) | np.array(
            [(int(label), int(predictions.label[p])) in allowed_pairs for label in labels], dtype=np.bool_
        )
        overlapping = ious > 0
        if overlapping.any():
            nearest = on_item[int(np.argmax(ious))]
            assert evidence.nearest_gt[p] == nearest
            assert evidence.nearest_iou[p] == ious.max()
            checked_nearest += 1
        else:
            assert evidence.nearest_gt[p] == -1 and evidence.nearest_iou[p] == 0.0
        for mask, best, best_gt in (
            (compatible & overlapping, evidence.compatible_iou, evidence.compatible_gt),
            (~compatible & overlapping, evidence.incompatible_iou, evidence.incompatible_gt),
        ):
            if mask.any():
                masked = np.where(mask, ious, -1.0)
                assert best[p] == masked.max() and best_gt[p] == on_item[int(np.argmax(masked))]
            else:
                assert best[p] == 0.0 and best_gt[p] == -1
        reach = [
            min(float(ious[k]), float(matching.gt_iou[g]))
            for k, g in enumerate(on_item)
            if compatible[k] and overlapping[k] and matching.gt_partner[g] not in (-1, p) and matching.gt_compatible[g]
        ]
        assert evidence.duplicate_iou[p] == (max(reach) if reach else 0.0)
    assert checked_nearest > len(predictions) // 2


@pytest.mark.parametrize("iou_threshold", [0.5, 0.75])
def test_types_against_the_definition(iou_threshold: float) -> None:
    """Every entry's type on generated data equals the definition applied entry by entry with box_iou."""
    ground_truth, predictions = _coco_boxes(3)
    matching = greedy_match(ground_truth, predictions, class_agnostic=False)
    evidence = error_evidence(ground_truth, predictions, matching, class_agnostic=False)
    entries = entries_at(matching, ground_truth, predictions, iou_threshold=iou_threshold)
    codes = entry_error_types(entries, evidence)
    t, b = iou_threshold, 0.1
    true_positive_gt = {int(g) for o, g in zip(entries.outcome, entries.gt_index, strict=True) if o == TRUE_POSITIVE}
    fixed: set[int] = set()
    expected: dict[int, int] = {}
    for e in np.flatnonzero(entries.outcome == FALSE_POSITIVE):
        p = int(entries.pred_index[e])
        on_item = np.flatnonzero(ground_truth.item == predictions.item[p])
        ious = box_iou(ground_truth.boxes[on_item], predictions.boxes[p : p + 1])[:, 0]
        same = ground_truth.label[on_item] == predictions.label[p]
        best_same = np.where(same, ious, 0.0)
        best_other = np.where(~same, ious, 0.0)
        if on_item.size and b <= best_same.max() < t:
            kind, fix = L, on_item[int(np.argmax(best_same))]
        elif on_item.size and best_other.max() >= t and best_other.max() > 0:
            kind, fix = C, on_item[int(np.argmax(best_other))]
        elif any(
            same[k] and ious[k] >= t and int(g) in true_positive_gt and matching.gt_partner[g] != p
            for k, g in enumerate(on_item)
        ):
            kind, fix = D, -1
        elif not on_item.size or ious.max() <= b:
            kind, fix = BG, -1
        else:
            kind, fix = BOTH, on_item[int(np.argmax(ious))]
        expected[int(e)] = int(kind)
        if fix >= 0:
            fixed.add(int(fix))
    for e in np.flatnonzero(entries.outcome == FALSE_NEGATIVE):
        expected[int(e)] = NONE if int(entries.gt_index[e]) in fixed else int(M)
    assert {int(e): int(codes[e]) for e in expected} == expected
    assert all(codes[entries.outcome == TRUE_POSITIVE] == NONE)
    assert set(expected.values()) >= {int(L), int(C), int(D), int(BG), int(BOTH), int(M)}

"""The outcome rules of DESIGN §3 hold in each of their implementations, checked against the one table
(`matchscope.engine.outcomes.OUTCOME_RULES`) on every row of it: the SQL branches of a page of entries, the numpy
masks of counts and metrics, the numba kernel that turns a matching into entries."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import OUTCOME_RULES, Outcome, OutcomeRule, entries_at
from matchscope.services import entry_columns, metrics
from matchscope.services.browse import Thresholds
from matchscope.services.browse.records import Outcome as BrowseOutcome
from matchscope.services.browse.shape import BRANCHES

pytestmark = pytest.mark.database_independent

# A pair of IoU 0.6 and a prediction of confidence 0.8: thresholds on either side of them.
IOU, CONFIDENCE = 0.6, 0.8


def _thresholds(rule: OutcomeRule) -> Thresholds:
    return Thresholds(iou=0.5 if rule.reaches_iou else 0.7, confidence=0.5 if rule.confidence_kept else 0.9)


def test_the_table_has_one_rule_for_every_row_there_can_be() -> None:
    keys = [(r.is_prediction, r.compatible, r.reaches_iou, r.confidence_kept) for r in OUTCOME_RULES]
    assert sorted(keys) == sorted(itertools.product((False, True), repeat=4))


def test_the_sql_branches_cover_exactly_the_rows_that_show() -> None:
    covered: list[tuple[bool, bool, bool, bool, str]] = []
    for branch in BRANCHES:
        for reaches in (True, False) if branch.reaches_iou is None else (branch.reaches_iou,):
            for kept in (True, False) if branch.confidence_kept is None else (branch.confidence_kept,):
                covered.append((branch.is_prediction, branch.compatible, reaches, kept, branch.outcome.name))
    shown = [
        (r.is_prediction, r.compatible, r.reaches_iou, r.confidence_kept, r.outcome.name)
        for r in OUTCOME_RULES
        if r.outcome is not None
    ]
    assert sorted(covered) == sorted(shown)  # no row twice (the branches are disjoint), none left out
    assert {outcome.name for outcome in BrowseOutcome} == {outcome.name for outcome in Outcome}


@pytest.mark.parametrize("rule", OUTCOME_RULES, ids=repr)
def test_the_numpy_masks_follow_the_table(rule: OutcomeRule) -> None:
    one = np.ones(1, dtype=bool)
    columns = entry_columns.EntryColumns(
        is_prediction=one & rule.is_prediction,
        compatible=one & rule.compatible,
        has_partner=one,
        iou=np.full(1, IOU),
        confidence=np.full(1, CONFIDENCE),
        ground_truth_label=np.zeros(1, dtype=np.int32),
        prediction_label=np.zeros(1, dtype=np.int32),
        item_index=np.zeros(1, dtype=np.int64),
        labels=("a",),
        item_ids=np.zeros(1, dtype=np.int64),
        ground_truth_id=np.zeros(1, dtype=np.int64),
        entry_id=np.zeros(1, dtype=np.int64),
        evidence={},
    )
    masks = metrics.outcome_masks(columns, _thresholds(rule))
    shown = {
        Outcome.TRUE_POSITIVE: bool(masks.true_positive[0]),
        Outcome.FALSE_POSITIVE: bool(masks.false_positive[0]),
        Outcome.FALSE_NEGATIVE: bool(masks.false_negative[0]),
    }
    assert shown == {outcome: outcome == rule.outcome for outcome in Outcome}


@pytest.mark.parametrize("rule", OUTCOME_RULES, ids=repr)
def test_the_kernel_follows_the_table(rule: OutcomeRule) -> None:
    """One item with a ground truth and a prediction that greedy matching pairs (class-agnostic: labels equal
    when compatible, else different), IoU 0.6, confidence 0.8."""
    ground_truth = GroundTruthBoxes(
        item=np.zeros(1, dtype=np.int64), boxes=np.array([[0.0, 0.0, 10.0, 10.0]]), label=np.zeros(1, dtype=np.int32)
    )
    # [0, 0, 10, 6] inside [0, 0, 10, 10]: IoU 60 / 100.
    predictions = PredictionBoxes(
        item=np.zeros(1, dtype=np.int64),
        boxes=np.array([[0.0, 0.0, 10.0, 6.0]]),
        label=np.full(1, 0 if rule.compatible else 1, dtype=np.int32),
        confidence=np.full(1, CONFIDENCE),
    )
    thresholds = _thresholds(rule)
    matching = greedy_match(ground_truth, predictions)
    entries = entries_at(
        matching, ground_truth, predictions, iou_threshold=thresholds.iou, confidence_threshold=thresholds.confidence
    )
    codes = entries.outcome.tolist()
    if rule.is_prediction:  # the row naming the prediction as its own: its TP or FP
        shown = [Outcome(code) for code in codes if code != Outcome.FALSE_NEGATIVE]
    else:  # the ground truth's own row: its FN (a TP is the prediction's row)
        shown = [Outcome(code) for code in codes if code == Outcome.FALSE_NEGATIVE]
    assert shown == ([] if rule.outcome is None else [rule.outcome])

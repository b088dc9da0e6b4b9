"""Greedy matching of one chunk, and the per-label counts and COCO inputs accumulated over chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.error_types import box_error_types, entry_error_types, error_evidence
from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import class_counts, entries_at
from matchscope.services.evaluation.entries import EntryRows, entry_rows
from matchscope.services.evaluation.load import Loaded
from matchscope.services.evaluation.options import EvaluationOptions

DEFAULT_IOU_THRESHOLD = 0.5


@dataclass
class Totals:
    """Per-label counts at the default thresholds and the COCO inputs, accumulated over chunks."""

    labels: int
    gt_count: NDArray[np.int64] = field(init=False)
    pred_count: NDArray[np.int64] = field(init=False)
    tp: NDArray[np.int64] = field(init=False)
    fp: NDArray[np.int64] = field(init=False)
    fn: NDArray[np.int64] = field(init=False)
    chunks: list[Loaded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gt_count, self.pred_count, self.tp, self.fp, self.fn = (
            np.zeros(self.labels, dtype=np.int64) for _ in range(5)
        )


def match_chunk(
    chunk: Loaded,
    options: EvaluationOptions,
    allowed: NDArray[np.int32] | None,
    totals: Totals,
    label_names: list[str],
) -> EntryRows:
    """Greedy matching of one chunk; adds its counts to `totals` and returns its MatchEntry rows."""
    ground_truth = GroundTruthBoxes(item=chunk.gt_item, boxes=chunk.gt_boxes, label=chunk.gt_label)
    predictions = PredictionBoxes(
        item=chunk.pred_item, boxes=chunk.pred_boxes, label=chunk.pred_label, confidence=chunk.pred_confidence
    )
    allowed_pairs = None if options.class_agnostic else allowed
    agnostic = options.class_agnostic
    matching = greedy_match(ground_truth, predictions, class_agnostic=agnostic, allowed_label_matches=allowed_pairs)
    evidence = error_evidence(
        ground_truth, predictions, matching, class_agnostic=agnostic, allowed_label_matches=allowed_pairs
    )
    entries = entries_at(matching, ground_truth, predictions, iou_threshold=DEFAULT_IOU_THRESHOLD)
    counts = class_counts(entries, ground_truth, predictions, totals.labels)
    totals.tp += counts.tp
    totals.fp += counts.fp
    totals.fn += counts.fn
    totals.gt_count += np.bincount(chunk.gt_label, minlength=totals.labels)[: totals.labels]
    totals.pred_count += np.bincount(chunk.pred_label, minlength=totals.labels)[: totals.labels]
    default_types = box_error_types(
        entries, entry_error_types(entries, evidence), len(chunk.pred_item), len(chunk.gt_item)
    )
    return entry_rows(chunk, matching, evidence, default_types, label_names)

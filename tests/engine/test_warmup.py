"""`warmup()` compiles (or loads) every kernel an evaluation or a metrics request reaches, so none of them is
compiled inside a request."""

from __future__ import annotations

import json
import subprocess
import sys

# A fresh interpreter: in this one, earlier tests may already have compiled what warmup is meant to.
_AFTER_WARMUP = """
import json
import numpy as np
from matchscope.engine import (
    CocoDetections, CocoGroundTruth, GroundTruthBoxes, PredictionBoxes, class_counts, confusion_matrix, entries_at,
    entry_error_types, error_evidence, evaluate_coco, greedy_match, kernel_counts, tide_summary, warmup,
)

warmup()
after_warmup = kernel_counts()
rng = np.random.default_rng(3)
images, labels, gts, dets = 40, 4, 400, 900

def boxes(n):
    corner = rng.uniform(0, 500, size=(n, 2))
    size = rng.uniform(1, 120, size=(n, 2))
    return np.ascontiguousarray(np.hstack([corner, size]))

gt_item = np.sort(rng.integers(0, images, gts)).astype(np.int64)
det_item = np.sort(rng.integers(0, images, dets)).astype(np.int64)
gt_label = rng.integers(0, labels, gts).astype(np.int32)
det_label = rng.integers(0, labels, dets).astype(np.int32)
gt_boxes, det_boxes = boxes(gts), boxes(dets)
score = rng.uniform(0, 1, dets)
ground_truth = GroundTruthBoxes(item=gt_item, boxes=gt_boxes, label=gt_label)
predictions = PredictionBoxes(item=det_item, boxes=det_boxes, label=det_label, confidence=score)
for options in ({}, {"class_agnostic": False},
                {"class_agnostic": False, "allowed_label_matches": np.array([[0, 1], [2, 3]], dtype=np.int32)}):
    matching = greedy_match(ground_truth, predictions, **options)
    evidence = error_evidence(ground_truth, predictions, matching, **options)
    for threshold in (0.5, 0.75):
        entries = entries_at(matching, ground_truth, predictions, iou_threshold=threshold)
        entry_error_types(entries, evidence)
        class_counts(entries, ground_truth, predictions, labels)
        confusion_matrix(entries, ground_truth, predictions, labels)
coco_gt = CocoGroundTruth(
    image_ids=np.arange(images, dtype=np.int64), category_ids=np.arange(1, labels + 1, dtype=np.int64),
    category_names=[f"c{k}" for k in range(labels)], ann_id=np.arange(1, gts + 1, dtype=np.int64),
    image_id=gt_item, category_id=gt_label.astype(np.int64) + 1, bbox=gt_boxes,
    area=gt_boxes[:, 2] * gt_boxes[:, 3], iscrowd=rng.random(gts) < 0.05,
)
coco_dets = CocoDetections(
    image_id=det_item, category_id=det_label.astype(np.int64) + 1, bbox=det_boxes, score=score,
    area=det_boxes[:, 2] * det_boxes[:, 3],
)
evaluate_coco(coco_gt, coco_dets)
tide_summary(gt_item, gt_label.astype(np.int64), gt_boxes, coco_gt.iscrowd, det_item, det_label.astype(np.int64),
             det_boxes, score, items=images, labels=labels)
print(json.dumps({"after_warmup": after_warmup, "after_work": kernel_counts()}))
"""


def test_no_kernel_is_compiled_or_loaded_after_warmup() -> None:
    result = subprocess.run([sys.executable, "-c", _AFTER_WARMUP], check=True, capture_output=True, text=True)
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    loaded, compiled = counts["after_warmup"]
    assert loaded + compiled > 0
    assert counts["after_work"] == counts["after_warmup"]

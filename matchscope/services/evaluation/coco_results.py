"""COCO bbox metrics over every chunk of a job, in the shape stored in Evaluation.coco."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.coco import CocoDetections, CocoGroundTruth, evaluate_coco
from matchscope.services.evaluation.load import stacked
from matchscope.services.evaluation.match import Totals
from matchscope.services.evaluation.options import EvaluationOptions


def coco_results(
    totals: Totals,
    label_names: list[str],
    image_keys: dict[int, int],
    options: EvaluationOptions,
    allowed: NDArray[np.int32] | None,
    category_order: list[int],
) -> dict[str, Any]:
    """COCO bbox metrics over every chunk, as stored in Evaluation.coco.

    ``category_order`` lists the label codes in the order pycocotools would take the categories (see
    :func:`~matchscope.services.evaluation.load.category_order`); the stats are then pycocotools' bit for bit.
    """
    chunks = totals.chunks
    key_of = np.vectorize(image_keys.__getitem__, otypes=[np.int64])
    position = np.empty(len(label_names), dtype=np.int64)
    position[np.asarray(category_order, dtype=np.int64)] = np.arange(len(label_names), dtype=np.int64)
    names = [label_names[code] for code in category_order]

    # pycocotools keeps each image's annotations in file order, which is row-id order.
    cat = stacked(chunks)

    gt_item = cat("gt_item", np.int64)
    pred_item = cat("pred_item", np.int64)
    pred_boxes = cat("pred_boxes", np.float64, (0, 4))
    confidence = cat("pred_confidence", np.float64)
    ground_truth = CocoGroundTruth(
        image_ids=np.sort(np.array(list(image_keys.values()), dtype=np.int64)),
        category_ids=np.arange(len(label_names), dtype=np.int64),
        category_names=names,
        ann_id=np.where(cat("gt_coco_id_zero", np.bool_), 0, cat("gt_id", np.int64)),
        image_id=key_of(gt_item) if gt_item.size else gt_item,
        category_id=position[cat("gt_label", np.int64)],
        bbox=cat("gt_boxes", np.float64, (0, 4)),
        area=cat("gt_area", np.float64),
        iscrowd=cat("gt_crowd", np.bool_),
    )
    detections = CocoDetections(
        image_id=key_of(pred_item) if pred_item.size else pred_item,
        category_id=position[cat("pred_label", np.int64)],
        bbox=pred_boxes,
        score=np.where(np.isnan(confidence), 1.0, confidence),
        area=pred_boxes[:, 2] * pred_boxes[:, 3],
    )
    pairs = None if options.class_agnostic or allowed is None else position[allowed.astype(np.int64)]
    result = evaluate_coco(ground_truth, detections, allowed_label_matches=pairs)
    curves = result.precision[:, :, :, 0, -1]  # (T, R, K) at area "all", maxDets 100
    mean = curves.mean(axis=0)
    return {
        "stats": result.stats.tolist(),
        "per_class": {name: result.per_class_stats[k].tolist() for k, name in enumerate(names)},
        "pr_curves": {
            name: {"iou50": curves[0, :, k].tolist(), "iou75": curves[5, :, k].tolist(), "mean": mean[:, k].tolist()}
            for k, name in enumerate(names)
        },
    }

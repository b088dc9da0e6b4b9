"""Loading COCO instances files and results lists into arrays, as pycocotools reads them (DESIGN §7).

What pycocotools accepts is accepted: detections of categories the ground truth does not have and annotations
on images or categories it does not list are dropped (COCOeval never looks at them), ids may be any JSON
integer, float or string, a category or image listed twice is read once, results that give a compressed-RLE
segmentation and no box get the mask's box and area (``loadRes``' segmentation branch). Each such drop or
repair is one line of ``notes``. What pycocotools would fail on, or could only evaluate as nonsense (a
non-finite number, a missing box, a repeated annotation id), raises ``CocoFileError`` naming the entry.

Results lists (the big file) go through a byte-level numba parser (``_kernels_json``) when they have the
usual shape. Everything else, and instances files, are parsed by orjson with the garbage collector paused
(half a million small dicts would otherwise trigger many useless collections); the columns are then pulled
out with C-level iteration and converted by numpy in one go, and only a file that is not plain columns is
read entry by entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.coco import CocoDetections, CocoGroundTruth, _index_in
from matchscope.engine.cocogt import GroundTruthFile as GroundTruthFile
from matchscope.engine.cocogt import load_ground_truth as load_ground_truth
from matchscope.engine.cocogt import load_ground_truth_file as load_ground_truth_file
from matchscope.engine.cocogt import read_ground_truth as read_ground_truth
from matchscope.engine.cocoids import CocoFileError as CocoFileError  # raised by every reader
from matchscope.engine.cocoids import IdTable
from matchscope.engine.cocojson import Source, count_note, short
from matchscope.engine.cocojson import parse_json as parse_json
from matchscope.engine.cocoresults import DetectionColumns as DetectionColumns
from matchscope.engine.cocoresults import parse_detections as parse_detections
from matchscope.engine.cocoresults import read_detections as read_detections

if TYPE_CHECKING:
    from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes


@dataclass(frozen=True, slots=True)
class DetectionsFile:
    """Detections checked against a ground truth: ``positions`` (M,) are the kept rows' 0-based places in the
    results list (pycocotools' detection id - 1), ``notes`` what was dropped or repaired."""

    detections: CocoDetections
    positions: NDArray[np.int64]
    notes: tuple[str, ...]


def match_detections(columns: DetectionColumns, ground_truth: GroundTruthFile) -> DetectionsFile:
    """Detections on the ground truth's ids: every image must be one of its images (``loadRes`` asserts it);
    detections of categories it does not list are dropped, as COCOeval never evaluates them."""
    image_id, on_image = ground_truth.images.find(columns.image_ids())
    if not on_image.all():
        bad = int(np.flatnonzero(~on_image)[0])
        ids = columns.image_ids()
        value = int(ids[bad]) if isinstance(ids, np.ndarray) else ids[bad]
        raise CocoFileError(
            f"detections[{bad}].image_id = {short(value)}: not an image of the ground truth "
            "(pycocotools' loadRes refuses such a results file)"
        )
    category_id, on_category = ground_truth.categories.find(columns.category_ids())
    kept = np.flatnonzero(on_category)
    notes = count_note(
        "results",
        columns.score.size - kept.size,
        "of categories the ground truth does not list, dropped (COCOeval never evaluates them)",
    )
    notes += count_note("results", columns.boxes_computed, f"boxes computed from their {columns.computed_from}")
    if kept.size == columns.score.size:  # the usual case: no copies
        bbox, score, area = columns.bbox, columns.score, columns.area
    else:
        image_id, category_id = image_id[kept], category_id[kept]
        bbox, score = columns.bbox[kept], columns.score[kept]
        area = None if columns.area is None else columns.area[kept]
    detections = CocoDetections(
        image_id=image_id,
        category_id=category_id,
        bbox=bbox,
        score=score,
        area=bbox[:, 2] * bbox[:, 3] if area is None else area,
    )
    return DetectionsFile(detections, kept, tuple(notes))


def _plain_file(ground_truth: CocoGroundTruth) -> GroundTruthFile:
    rows = np.arange(ground_truth.ann_id.size)
    return GroundTruthFile(
        ground_truth,
        IdTable(ground_truth.image_ids, None),
        IdTable(ground_truth.category_ids, None),
        IdTable(np.unique(ground_truth.ann_id), None),
        rows,
        np.arange(ground_truth.image_ids.size),
        np.arange(ground_truth.category_ids.size),
        (),
    )


def detections_for(columns: DetectionColumns, ground_truth: GroundTruthFile | CocoGroundTruth) -> CocoDetections:
    """``match_detections``' detections (a bare CocoGroundTruth's ids are its arrays' values)."""
    if isinstance(ground_truth, CocoGroundTruth):
        ground_truth = _plain_file(ground_truth)
    return match_detections(columns, ground_truth).detections


def load_detections(source: Source, ground_truth: GroundTruthFile | CocoGroundTruth) -> CocoDetections:
    """Read a COCO results list (path or bytes) against ``ground_truth``; see ``match_detections``."""
    return detections_for(parse_detections(source), ground_truth)


def image_index(ground_truth: CocoGroundTruth, image_id: NDArray[np.int64]) -> NDArray[np.int64]:
    """Item index (position in the sorted ``ground_truth.image_ids``) of each image id; ids must be known."""
    return _index_in(image_id, ground_truth.image_ids)[0]


def category_index(ground_truth: CocoGroundTruth, category_id: NDArray[np.int64]) -> NDArray[np.int64]:
    """Label index (position in the sorted ``ground_truth.category_ids``) of each category id; ids must be known."""
    return _index_in(category_id, ground_truth.category_ids)[0]


def matching_inputs(
    ground_truth: CocoGroundTruth, detections: CocoDetections
) -> tuple[NDArray[np.int64], GroundTruthBoxes, PredictionBoxes]:
    """The greedy matcher's boxes for COCO files, and the ground-truth rows in the order it was given them.

    Ground truth goes in annotation-id order, the insertion order the greedy tie-break uses; detections in
    file order. Items are image indexes, labels category indexes.
    """
    from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes  # numba kernels: loaded on use

    gt_rows = np.argsort(ground_truth.ann_id, kind="stable")
    gt_boxes = GroundTruthBoxes(
        item=image_index(ground_truth, ground_truth.image_id[gt_rows]),
        boxes=ground_truth.bbox[gt_rows],
        label=category_index(ground_truth, ground_truth.category_id[gt_rows]).astype(np.int32),
    )
    pred_boxes = PredictionBoxes(
        item=image_index(ground_truth, detections.image_id),
        boxes=detections.bbox,
        label=category_index(ground_truth, detections.category_id).astype(np.int32),
        confidence=detections.score,
    )
    return gt_rows, gt_boxes, pred_boxes

"""The matching engine: pure computation on numpy arrays (numba for the sequential kernels).

Usable on its own::

    from matchscope.engine import GroundTruthBoxes, PredictionBoxes, greedy_match, entries_at
"""

from matchscope.engine.coco import (
    CocoDetections,
    CocoGroundTruth,
    CocoResult,
    evaluate_coco,
    summarize,
    summary_lines,
)
from matchscope.engine.cocofile import load_detections, load_ground_truth
from matchscope.engine.geometry import box_iou
from matchscope.engine.matching import GroundTruthBoxes, Matching, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import (
    FALSE_NEGATIVE,
    FALSE_POSITIVE,
    TRUE_POSITIVE,
    ClassCounts,
    Entries,
    Outcome,
    class_counts,
    confusion_matrix,
    entries_at,
)
from matchscope.engine.synthetic import generate_coco, write_coco


def warmup() -> None:
    """Compile every numba kernel (cached on disk), so no request ever pays the JIT."""
    from matchscope.engine import coco, matching

    matching.warmup()
    coco.warmup()


__all__ = [
    "FALSE_NEGATIVE",
    "FALSE_POSITIVE",
    "TRUE_POSITIVE",
    "ClassCounts",
    "CocoDetections",
    "CocoGroundTruth",
    "CocoResult",
    "Entries",
    "GroundTruthBoxes",
    "Matching",
    "Outcome",
    "PredictionBoxes",
    "box_iou",
    "class_counts",
    "confusion_matrix",
    "entries_at",
    "evaluate_coco",
    "generate_coco",
    "greedy_match",
    "load_detections",
    "load_ground_truth",
    "summarize",
    "summary_lines",
    "warmup",
    "write_coco",
]

"""The matching engine: pure computation on numpy arrays (numba for the sequential kernels).

Usable on its own::

    from matchscope.engine import GroundTruthBoxes, PredictionBoxes, greedy_match, entries_at

Names load on first use, so importing one light module (say `synthetic`) does not compile or load numba.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "coco": ("CocoDetections", "CocoGroundTruth", "CocoResult", "evaluate_coco", "summarize", "summary_lines"),
    "cocofile": ("load_detections", "load_ground_truth"),
    "error_types": ("ErrorEvidence", "ErrorType", "entry_error_types", "error_evidence"),
    "geometry": ("box_iou",),
    "matching": ("GroundTruthBoxes", "Matching", "PredictionBoxes", "greedy_match"),
    "outcomes": (
        "FALSE_NEGATIVE",
        "FALSE_POSITIVE",
        "TRUE_POSITIVE",
        "ClassCounts",
        "Entries",
        "Outcome",
        "class_counts",
        "confusion_matrix",
        "entries_at",
    ),
    "synthetic": ("generate_coco", "write_coco"),
    "tide": ("ERROR_TYPES", "TideSummary", "coco_tide", "tide_summary"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

if TYPE_CHECKING:
    from matchscope.engine.coco import (
        CocoDetections,
        CocoGroundTruth,
        CocoResult,
        evaluate_coco,
        summarize,
        summary_lines,
    )
    from matchscope.engine.cocofile import load_detections, load_ground_truth
    from matchscope.engine.error_types import ErrorEvidence, ErrorType, entry_error_types, error_evidence
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
    from matchscope.engine.tide import ERROR_TYPES, TideSummary, coco_tide, tide_summary


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'matchscope.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(f"matchscope.engine.{module}"), name)


def warmup() -> None:
    """Compile every numba kernel (cached on disk), so no request ever pays the JIT."""
    from matchscope.engine import coco, matching, tide

    matching.warmup()
    coco.warmup()
    tide.warmup()


def kernel_counts() -> tuple[int, int]:
    """(kernels loaded from numba's on-disk cache, kernels compiled) in this process so far."""
    from numba.core.registry import CPUDispatcher

    loaded = compiled = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("matchscope.engine.") and module is not None:
            for value in vars(module).values():
                if isinstance(value, CPUDispatcher):
                    loaded += sum(value.stats.cache_hits.values())
                    compiled += sum(value.stats.cache_misses.values())
    return loaded, compiled


__all__ = [
    "ERROR_TYPES",
    "FALSE_NEGATIVE",
    "FALSE_POSITIVE",
    "TRUE_POSITIVE",
    "ClassCounts",
    "CocoDetections",
    "CocoGroundTruth",
    "CocoResult",
    "Entries",
    "ErrorEvidence",
    "ErrorType",
    "GroundTruthBoxes",
    "Matching",
    "Outcome",
    "PredictionBoxes",
    "TideSummary",
    "box_iou",
    "class_counts",
    "coco_tide",
    "confusion_matrix",
    "entries_at",
    "entry_error_types",
    "error_evidence",
    "evaluate_coco",
    "generate_coco",
    "greedy_match",
    "load_detections",
    "load_ground_truth",
    "summarize",
    "summary_lines",
    "tide_summary",
    "warmup",
    "write_coco",
]

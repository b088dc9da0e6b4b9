"""`matchscope evaluate`: offline COCO evaluation of a results file, no database.

Prints pycocotools' 12-line COCO summary, then per-class precision/recall/F1 and TP/FP/FN at one IoU threshold
from greedy matching.
"""
# The engine is imported inside `run`, so that registering the command costs nothing.

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchscope.commands import _offline
from matchscope.commands._offline import (
    EXIT_BAD_INPUT,
    as_command,
    dumps,
    exit_now,
    failure,
    with_context,
    write_report,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from matchscope.engine.coco import CocoDetections, CocoGroundTruth, CocoResult
    from matchscope.engine.cocofile import GroundTruthFile
    from matchscope.engine.outcomes import ClassCounts, Entries

_OUTCOME_NAMES = ("TP", "FP", "FN")  # indexed by the engine's int8 outcome code


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a COCO results file against a COCO instances file (offline)",
        description=__doc__,
    )
    add_arguments(parser)
    parser.set_defaults(func=as_command(run))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gt", required=True, type=Path, help="COCO instances file (ground truth)")
    parser.add_argument("--dets", required=True, type=Path, help="COCO results list (detections)")
    parser.add_argument(
        "--class-aware", action="store_true", help="match only boxes of the same category (default: any)"
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="GT_LABEL=PRED_LABEL",
        help="also let a prediction of PRED_LABEL match a ground truth of GT_LABEL (category names); "
        "implies --class-aware; repeatable",
    )
    parser.add_argument(
        "--iou-threshold", type=float, default=0.5, help="IoU threshold of the per-class table (default 0.5)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--matches", type=Path, metavar="ENTRIES.jsonl", help="write one JSON line per TP/FP/FN entry")


@dataclass(frozen=True, slots=True)
class _Evaluation:
    ground_truth: CocoGroundTruth
    detections: CocoDetections
    ids: GroundTruthFile  # the files' own ids of the arrays' codes
    positions: NDArray[np.int64]  # each detection's 0-based place in DETS
    coco: CocoResult
    gt_rows: NDArray[np.int64]  # matching's ground-truth index -> annotation row (annotation id order)
    entries: Entries
    counts: ClassCounts
    class_aware: bool
    allowed: list[tuple[str, str]]


def run(args: argparse.Namespace) -> int:
    try:
        evaluation = _evaluate(args)
    except Exception as error:
        return failure("evaluate", error)
    if args.matches is not None:
        try:
            _write_matches(args.matches, evaluation)
        except OSError as error:
            print(f"matchscope evaluate: error: cannot write --matches: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    return write_report(
        args.json,
        lambda: _json_report(evaluation, args.iou_threshold),
        lambda: _text_report(evaluation, args.iou_threshold),
    )


def main(argv: Sequence[str] | None = None) -> int:
    return _offline.main("matchscope evaluate", __doc__, add_arguments, run, argv)


def _parse_allow(allow: list[str], names: list[str]) -> list[tuple[str, str]]:
    """Each GT_LABEL=PRED_LABEL as a pair of category names (split at the '=' that gives two known names)."""
    known = set(names)
    pairs = []
    for text in allow:
        splits = [(text[:i], text[i + 1 :]) for i, char in enumerate(text) if char == "="]
        valid = [pair for pair in splits if pair[0] in known and pair[1] in known]
        if not valid:
            raise ValueError(
                f"--allow {text!r}: expected GT_LABEL=PRED_LABEL with two category names of the ground truth"
            )
        pairs.append(valid[0])
    return pairs


def _evaluate(args: argparse.Namespace) -> _Evaluation:
    import numpy as np

    from matchscope.engine import coco as coco_module
    from matchscope.engine import matching as matching_module
    from matchscope.engine.cocofile import load_ground_truth_file, match_detections, parse_detections

    if not 0.0 < args.iou_threshold <= 1.0:
        raise ValueError(f"--iou-threshold = {args.iou_threshold}: expected a number in (0, 1]")
    # The detections (the big file) are parsed by a numba kernel that releases the GIL, in a thread, while
    # this thread reads the ground truth and loads the other compiled kernels.
    parse_detections(b"[]")  # loads the parser kernel before two threads want it
    with ThreadPoolExecutor(max_workers=1) as pool:
        parsed = pool.submit(parse_detections, args.dets)
        gt_file = with_context(f"--gt {args.gt}", lambda: load_ground_truth_file(args.gt))
        coco_module.warmup()
        matching_module.warmup()
        dets_file = with_context(f"--dets {args.dets}", lambda: match_detections(parsed.result(), gt_file))
    _report_notes(f"--gt {args.gt}", gt_file.notes)
    _report_notes(f"--dets {args.dets}", dets_file.notes)
    ground_truth, detections = gt_file.ground_truth, dets_file.detections
    names = ground_truth.category_names
    if len(set(names)) != len(names) and args.allow:
        raise ValueError("--allow: the ground truth has duplicate category names")
    allowed = _parse_allow(args.allow, names)
    class_aware = bool(args.class_aware or allowed)
    code_of = {name: code for code, name in enumerate(names)}
    allowed_codes = np.array([(code_of[g], code_of[p]) for g, p in allowed], dtype=np.int32).reshape(-1, 2)

    # COCO metrics run in a thread (their kernels release the GIL) while greedy matching runs here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        coco_future = pool.submit(
            coco_module.evaluate_coco,
            ground_truth,
            detections,
            allowed_label_matches=ground_truth.category_ids[allowed_codes] if allowed else None,
        )
        gt_rows, entries, counts = _greedy_outcomes(ground_truth, detections, class_aware, allowed_codes, args)
        coco = coco_future.result()
    return _Evaluation(
        ground_truth, detections, gt_file, dets_file.positions, coco, gt_rows, entries, counts, class_aware, allowed
    )


def _greedy_outcomes(
    ground_truth: CocoGroundTruth,
    detections: CocoDetections,
    class_aware: bool,
    allowed_codes: NDArray[np.int32],
    args: argparse.Namespace,
) -> tuple[NDArray[np.int64], Entries, ClassCounts]:
    from matchscope.engine.cocofile import matching_inputs
    from matchscope.engine.matching import greedy_match
    from matchscope.engine.outcomes import class_counts, entries_at

    gt_rows, gt_boxes, pred_boxes = matching_inputs(ground_truth, detections)
    matching = greedy_match(
        gt_boxes,
        pred_boxes,
        class_agnostic=not class_aware,
        allowed_label_matches=allowed_codes if len(allowed_codes) else None,
    )
    entries = entries_at(matching, gt_boxes, pred_boxes, iou_threshold=args.iou_threshold)
    counts = class_counts(entries, gt_boxes, pred_boxes, ground_truth.category_ids.size)
    return gt_rows, entries, counts


def _report_notes(option: str, notes: tuple[str, ...]) -> None:
    """What was dropped or repaired, as pycocotools would have read the file, one line each on stderr."""
    for note in notes:
        print(f"matchscope evaluate: {option}: {note}", file=sys.stderr)


def _matching_mode(evaluation: _Evaluation) -> str:
    if evaluation.allowed:
        pairs = ", ".join(f"{g}={p}" for g, p in evaluation.allowed)
        return f"class-aware, allowed {pairs}"
    return "class-aware" if evaluation.class_aware else "class-agnostic"


def _text_report(evaluation: _Evaluation, iou_threshold: float) -> list[str]:
    from matchscope.engine.coco import summary_lines

    counts = evaluation.counts
    names = evaluation.ground_truth.category_names
    width = max([len("category"), *map(len, names)])
    header = (
        f"{'category':<{width}} {'AP':>6} {'AP50':>6} {'TP':>7} {'FP':>7} {'FN':>7} "
        f"{'precision':>9} {'recall':>7} {'F1':>7}"
    )
    lines = [
        *summary_lines(evaluation.coco.stats),
        "",
        f"Per class at IoU {iou_threshold:g} ({_matching_mode(evaluation)} greedy matching); "
        "AP and AP50 are COCO's per category:",
        header,
        "-" * len(header),
    ]
    per_class = evaluation.coco.per_class_stats
    for c, name in enumerate(names):
        lines.append(
            f"{name:<{width}} {per_class[c, 0]:>6.3f} {per_class[c, 1]:>6.3f} {counts.tp[c]:>7d} "
            f"{counts.fp[c]:>7d} {counts.fn[c]:>7d} {counts.precision[c]:>9.3f} {counts.recall[c]:>7.3f} "
            f"{counts.f1[c]:>7.3f}"
        )
    tp, fp, fn = int(counts.tp.sum()), int(counts.fp.sum()), int(counts.fn.sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    lines.append("-" * len(header))
    lines.append(
        f"{'all':<{width}} {evaluation.coco.stats[0]:>6.3f} {evaluation.coco.stats[1]:>6.3f} {tp:>7d} "
        f"{fp:>7d} {fn:>7d} {precision:>9.3f} {recall:>7.3f} {f1:>7.3f}"
    )
    return lines


# The GraphQL CocoStats field of each of the 12 COCO stats, in their order.
_STAT_FIELDS = (
    "ap",
    "ap50",
    "ap75",
    "apSmall",
    "apMedium",
    "apLarge",
    "ar1",
    "ar10",
    "ar100",
    "arSmall",
    "arMedium",
    "arLarge",
)


def _coco_stats(stats: NDArray[np.float64]) -> dict[str, Any]:
    """The 12 stats as GraphQL's CocoStats: one field each, and the list under ``stats``."""
    values = stats.tolist()
    return {**dict(zip(_STAT_FIELDS, values, strict=True)), "stats": values}


def _counts(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """GraphQL's Counts; precision, recall and F1 are 0 where their denominator is 0."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "truePositives": tp,
        "falsePositives": fp,
        "falseNegatives": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _json_report(evaluation: _Evaluation, iou_threshold: float) -> dict[str, Any]:
    """One object whose keys are the GraphQL fields of the same numbers (Evaluation's ``coco`` and
    ``metrics``), plus ``stats``: the 12 COCO stats as pycocotools' ``COCOeval.stats``."""
    import numpy as np

    from matchscope.engine.cocofile import category_index

    coco = evaluation.coco
    counts = evaluation.counts
    ground_truth = evaluation.ground_truth
    names = ground_truth.category_names
    category_ids = evaluation.ids.categories.ids(ground_truth.category_ids)
    k = len(names)
    gt_count = np.bincount(category_index(ground_truth, ground_truth.category_id), minlength=k)[:k]
    pred_count = np.bincount(category_index(ground_truth, evaluation.detections.category_id), minlength=k)[:k]
    return {
        "stats": coco.stats.tolist(),
        "coco": {
            "overall": _coco_stats(coco.stats),
            "perClass": [
                {"label": name, "categoryId": category_ids[c], "stats": _coco_stats(coco.per_class_stats[c])}
                for c, name in enumerate(names)
            ],
        },
        "classAgnostic": not evaluation.class_aware,
        "allowedLabelMatches": [
            {"groundTruthLabel": gt, "modelPredictionLabel": prediction} for gt, prediction in evaluation.allowed
        ],
        "itemCount": int(ground_truth.image_ids.size),
        "annotationCount": int(ground_truth.ann_id.size),
        "predictionCount": int(evaluation.detections.score.size),
        "metrics": {
            "iouThreshold": iou_threshold,
            "confidenceThreshold": 0.0,
            "overall": _counts(int(counts.tp.sum()), int(counts.fp.sum()), int(counts.fn.sum())),
            "perClass": [
                {
                    "label": name,
                    "categoryId": category_ids[c],
                    "groundTruthCount": int(gt_count[c]),
                    "predictionCount": int(pred_count[c]),
                    "counts": _counts(int(counts.tp[c]), int(counts.fp[c]), int(counts.fn[c])),
                }
                for c, name in enumerate(names)
            ],
        },
    }


def _write_matches(path: Path, evaluation: _Evaluation) -> None:
    """One JSON line per entry; gt_id is the COCO annotation id, det_id the 1-based position in DETS, the
    labels are category names and score the detection's (null where the entry has no such box)."""
    import numpy as np

    from matchscope.engine.cocofile import category_index

    entries = evaluation.entries
    ground_truth = evaluation.ground_truth
    detections = evaluation.detections
    ids = evaluation.ids
    gt_index = entries.gt_index
    has_gt = gt_index >= 0
    has_det = entries.pred_index >= 0
    # Entries without a ground truth (or a detection) read row 0 of a one-row pad, never used.
    gt_rows = np.append(evaluation.gt_rows, 0)[np.where(has_gt, gt_index, -1)]
    gt_id = ids.annotations.ids(np.append(ground_truth.ann_id, 0)[gt_rows])
    det_id = np.where(has_det, np.append(evaluation.positions, -1)[entries.pred_index] + 1, 0).tolist()
    image_from_gt = np.append(ground_truth.image_id, 0)[gt_rows]
    image_from_det = np.append(detections.image_id, 0)[entries.pred_index]
    image_id = ids.images.ids(np.where(has_gt, image_from_gt, image_from_det))
    names = [*ground_truth.category_names, None]
    no_label = len(names) - 1
    gt_label = np.where(
        has_gt, category_index(ground_truth, np.append(ground_truth.category_id, 0)[gt_rows]), no_label
    ).tolist()
    det_label = np.where(
        has_det, category_index(ground_truth, np.append(detections.category_id, 0)[entries.pred_index]), no_label
    ).tolist()
    score = np.append(detections.score, 0.0)[entries.pred_index].tolist()
    outcome = entries.outcome.tolist()
    iou = entries.iou.tolist()
    has_gt_list = has_gt.tolist()
    lines = [
        dumps(
            {
                "outcome": _OUTCOME_NAMES[o],
                "image_id": img,
                "gt_id": g if has else None,
                "det_id": d if d > 0 else None,
                "iou": value,
                "gt_label": names[gl],
                "det_label": names[dl],
                "score": s if d > 0 else None,
            }
        )
        for o, img, g, has, d, value, gl, dl, s in zip(
            outcome, image_id, gt_id, has_gt_list, det_id, iou, gt_label, det_label, score, strict=True
        )
    ]
    path.write_bytes(b"\n".join(lines) + (b"\n" if lines else b""))


if __name__ == "__main__":
    exit_now(main())

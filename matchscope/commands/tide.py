"""`matchscope tide`: tidecv 1.0.1's TIDE summary of a COCO results file, offline, no database.

Prints AP50 and, per error type, the count and ΔAP (AP points gained by fixing every error of that type) as
tidecv's summary prints them, then the same per class; ``--json`` prints one JSON object instead. The files
are read as ``matchscope evaluate`` reads them, except that results of categories the ground truth does not
list are kept (tidecv counts them as classes without ground truth).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matchscope.commands import _offline
from matchscope.commands._offline import as_command, failure, with_context, write_report

_SHORT_NAMES = ("Cls", "Loc", "Both", "Dupe", "Bkg", "Miss")  # tidecv's column names, in ERROR_TYPES order


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "tide", help="TIDE error summary of a COCO results file, tidecv's numbers (offline)", description=__doc__
    )
    add_arguments(parser)
    parser.set_defaults(func=as_command(run))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gt", required=True, type=Path, help="COCO instances file (ground truth)")
    parser.add_argument("--dets", required=True, type=Path, help="COCO results list (detections)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def _read(option: str, load: Any) -> Any:
    try:
        return with_context(option, load)
    except OSError as error:
        raise ValueError(f"{option}: {error.strerror or error}") from None


def summary(gt: Path, dets: Path) -> dict[str, Any]:
    """The summary of two COCO files as a JSON-able dict (``TideSummary.to_dict``); notes go to stderr."""
    from matchscope.engine.cocofile import load_ground_truth_file, parse_detections
    from matchscope.engine.tide import coco_tide

    gt_file = _read(f"--gt {gt}", lambda: load_ground_truth_file(gt))
    columns = _read(f"--dets {dets}", lambda: parse_detections(dets))
    result = _read(f"--dets {dets}", lambda: coco_tide(gt_file, columns))
    for option, notes in ((f"--gt {gt}", gt_file.notes), (f"--dets {dets}", result.notes)):
        for note in notes:
            print(f"matchscope tide: {option}: {note}", file=sys.stderr)
    return result.to_dict()  # type: ignore[no-any-return]


def text_report(report: dict[str, Any]) -> list[str]:
    """tidecv's "bbox AP @ 50" line and main-error table (with a count row), then one row per class."""
    rule = "=" * 61
    lines = [f"bbox AP @ 50: {report['ap50']:.2f}", "", f"{'Main Errors':^61}", rule]
    lines.append("  Type  " + "".join(f"{name:>9}" for name in _SHORT_NAMES))
    lines.append("-" * 61)
    lines.append(" count  " + "".join(f"{error['count']:>9d}" for error in report["errors"]))
    lines.append("   dAP  " + "".join(f"{error['delta_ap']:9.2f}" for error in report["errors"]))
    lines += [rule, "", "Per class: AP50, then dAP (count) per type"]
    width = max([5, *(len(entry["label"]) for entry in report["per_class"])])
    lines.append(f"{'label':<{width}}    AP50" + "".join(f"{name:>15}" for name in _SHORT_NAMES))
    for entry in report["per_class"]:
        cells = "".join(f"{error['delta_ap']:8.2f} ({error['count']:>4d})" for error in entry["errors"])
        lines.append(f"{entry['label']:<{width}}  {entry['ap50']:6.2f}{cells}")
    return lines


def run(args: argparse.Namespace) -> int:
    try:
        report = summary(args.gt, args.dets)
    except Exception as error:
        return failure("tide", error)
    return write_report(args.json, lambda: report, lambda: text_report(report))


def main(argv: Sequence[str] | None = None) -> int:
    return _offline.main("matchscope tide", __doc__, add_arguments, run, argv)

"""Runs tidecv 1.0.1 on a COCO ground truth and results file and prints its numbers as JSON.

Run by `scripts/tidecv-fixture` and `bench/tide.py` with tidecv's own interpreter (.venv-tidecv): tidecv is not
a dependency of matchscope. Usage: tidecv_summary.py GT.json DETS.json [--timing]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time

from tidecv import TIDE, datasets
from tidecv.errors.qualifiers import Qualifier


def _with_polygons(path: str) -> str:
    """tidecv's COCO loader converts every annotation's segmentation to a mask; a file without one gets its
    box as a polygon (box mode never reads the mask)."""
    with open(path) as file:
        data = json.load(file)
    if all("segmentation" in ann for ann in data["annotations"]):
        return path
    for ann in data["annotations"]:
        if "segmentation" not in ann:
            x, y, w, h = ann["bbox"]
            ann["segmentation"] = [[x, y, x + w, y, x + w, y + h, x, y + h]]
    handle, name = tempfile.mkstemp(suffix=".json")
    with os.fdopen(handle, "w") as file:
        json.dump(data, file)
    return name


def main() -> None:
    gt_path, dets_path = sys.argv[1], sys.argv[2]
    gt_file = _with_polygons(gt_path)
    started = time.perf_counter()
    gt = datasets.COCO(gt_file)
    dets = datasets.COCOResult(dets_path)
    loaded = time.perf_counter()
    tide = TIDE()
    run = tide.evaluate(gt, dets, mode=TIDE.BOX)
    main_errors = tide.get_main_errors()[dets.name]
    finished = time.perf_counter()
    if gt_file != gt_path:
        os.unlink(gt_file)
    if "--timing" in sys.argv:
        counts = run.count_errors()
        timing = {"load_seconds": loaded - started, "tide_seconds": finished - loaded, "ap50": run.ap}
        timing["counts"] = {error.short_name: counts[error] for error in TIDE._error_types}
        print(json.dumps({**timing, "delta_ap": main_errors}))
        return
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        tide.summarize()
    names = [error.short_name for error in TIDE._error_types]
    counts = run.count_errors()
    # Per class: the same fixes, read class by class from tidecv's own fixed AP data.
    per_class: dict[int, dict[str, object]] = {}
    for cls, obj in run.ap_data.objs.items():
        if not obj.is_empty():
            per_class[cls] = {"ap50": obj.get_ap(), "counts": dict.fromkeys(names, 0), "fixed_ap": {}}
    for error_type in TIDE._error_types:
        fixed = run.fix_errors(Qualifier("", None)._make_error_func(error_type))
        for cls, entry in per_class.items():
            entry["fixed_ap"][error_type.short_name] = fixed.objs[cls].get_ap() if cls in fixed.objs else 0  # type: ignore[index]
        for error in run.error_dict[error_type]:
            box = error.pred if hasattr(error, "pred") else error.gt
            per_class[box["class"]]["counts"][error_type.short_name] += 1  # type: ignore[index]
    print(
        json.dumps(
            {
                "tidecv": "1.0.1",
                "ap50": run.ap,
                "counts": {error.short_name: counts[error] for error in TIDE._error_types},
                "delta_ap": main_errors,
                "printed": printed.getvalue(),
                "per_class": {str(cls): entry for cls, entry in per_class.items()},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

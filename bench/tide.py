"""TIDE summary: tidecv 1.0.1 vs `matchscope tide --json`, side by side on the same files.

Both run in child processes on the same synthetic COCO-val-sized files (bench/engine.py's, cached under
bench/.data/): tidecv with its own interpreter (.venv-tidecv, made by scripts/tidecv-fixture; tidecv is not a
matchscope dependency) through scripts/tidecv_summary.py, which also times its loading and its TIDE computation
apart; `matchscope tide` warm (a first run fills numba's cache), best of --repeat. matchscope's computation alone
(files already read) is timed in process. The numbers of both must agree: counts exactly, AP50 and ΔAP within
1e-9.

    .venv/bin/python -u bench/tide.py                    # 5,000 images, ~500,000 detections
    .venv/bin/python -u bench/tide.py --images 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.engine import ROOT, _load, dataset

TIDECV_PYTHON = ROOT / ".venv-tidecv" / "bin" / "python"
SHORT = {"CLASSIFICATION": "Cls", "LOCALIZATION": "Loc", "BOTH": "Both", "DUPLICATE": "Dupe", "BACKGROUND": "Bkg"}
SHORT["MISSED"] = "Miss"


def timed(command: list[str]) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, CPU seconds (user + system, from wait4: what a busy machine does not inflate) and the
    JSON object the child printed last."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        out.seek(0)
        printed = json.loads(out.read().splitlines()[-1])
    return wall, usage.ru_utime + usage.ru_stime, printed


def in_process(gt: Path, dets: Path, repeat: int) -> float:
    """matchscope's TIDE computation alone (files read, kernels warm), best of `repeat`."""
    from matchscope.engine.cocofile import load_ground_truth_file, parse_detections
    from matchscope.engine.tide import coco_tide, warmup

    warmup()
    ground_truth, detections = load_ground_truth_file(gt), parse_detections(dets)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        coco_tide(ground_truth, detections)
        best = min(best, time.perf_counter() - start)
    return best


def check(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    worst = abs(ours["ap50"] - theirs["ap50"])
    for error in ours["errors"]:
        if error["count"] != theirs["counts"][SHORT[error["type"]]]:
            raise SystemExit(f"{error['type']}: count {error['count']} != tidecv's {theirs['counts']}")
        worst = max(worst, abs(error["delta_ap"] - theirs["delta_ap"][SHORT[error["type"]]]))
    if worst > 1e-9:
        raise SystemExit(f"AP50/ΔAP differ from tidecv's by {worst:.3g}")
    return f"counts equal, AP50 and ΔAP within {worst:.1e} of tidecv's"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of matchscope (best taken); tidecv runs once")
    args = parser.parse_args()
    if not TIDECV_PYTHON.exists():
        raise SystemExit(f"{TIDECV_PYTHON} is missing: run scripts/tidecv-fixture first")
    gt, dets = dataset(args.images, args.seed)
    detections = len(json.loads(dets.read_bytes()))
    print(f"{args.images:,} images, {detections:,} detections; {_load()}", flush=True)

    tide_command = [str(Path(sys.executable).parent / "matchscope"), "tide", "--gt", str(gt), "--dets", str(dets)]
    tide_command.append("--json")
    timed(tide_command)  # fills numba's cache
    runs = [timed(tide_command) for _ in range(args.repeat)]
    ours_wall, ours_cpu, ours = min(runs, key=lambda run: run[0])
    ours_compute = in_process(gt, dets, args.repeat)
    print(
        f"  matchscope tide: {ours_wall:.2f} s whole process (best of {args.repeat}; CPU {ours_cpu:.2f} s), "
        f"{ours_compute:.3f} s computing; {_load()}",
        flush=True,
    )
    command = [str(TIDECV_PYTHON), "scripts/tidecv_summary.py", str(gt), str(dets), "--timing"]
    theirs_wall, theirs_cpu, theirs = timed(command)
    print(
        f"  tidecv 1.0.1: {theirs_wall:.2f} s whole process (CPU {theirs_cpu:.2f} s), {theirs['load_seconds']:.2f} s "
        f"loading, {theirs['tide_seconds']:.2f} s computing; {_load()}",
        flush=True,
    )
    print(f"  {check(ours, theirs)}")
    print("ratio matchscope / tidecv (target <= 0.5):")
    for what, mine, its in (
        ("whole process, wall", ours_wall, theirs_wall),
        ("whole process, CPU", ours_cpu, theirs_cpu),
        ("computing, wall", ours_compute, theirs["tide_seconds"]),
    ):
        print(f"  {what}: {mine / its:.4f} (1/{its / mine:.0f})")


if __name__ == "__main__":
    main()

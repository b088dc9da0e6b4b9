"""COCO evaluation: pycocotools vs faster-coco-eval vs `matchscope evaluate --json`, side by side.

Each tool runs in its own child process on the same synthetic COCO-val-sized files (cached under
bench/.data/), loading included; wall time and the child's peak RSS (wait4) are reported, with the largest
difference of the 12 stats from the reference (pycocotools, else faster-coco-eval). matchscope runs once to
fill numba's cache, then warm; a cold run uses an empty NUMBA_CACHE_DIR. Greedy matching and outcomes are
timed in process as well.

    .venv/bin/python bench/engine.py                      # 5,000 images, 500,000 detections
    .venv/bin/python bench/engine.py --images 5000 20000 50000 --pycocotools-max-images 5000

With several sizes it ends with a scaling table (seconds per 1,000 images should stay flat). The load average
is printed beside each size: numbers from a machine that is busy with other work are not comparable.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"

_REFERENCE_SCRIPT = """
import contextlib, json, sys
with contextlib.redirect_stdout(sys.stderr):
    if sys.argv[1] == "pycocotools":
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval as Eval
    else:
        from faster_coco_eval import COCO
        from faster_coco_eval import COCOeval_faster as Eval
    gt = COCO(sys.argv[2])
    evaluator = Eval(gt, gt.loadRes(sys.argv[3]), "bbox")
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
print(json.dumps({"stats": [float(s) for s in evaluator.stats]}))
"""


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    seconds: float
    peak_mb: float
    stats: np.ndarray  # type: ignore[type-arg]


def dataset(images: int, seed: int) -> tuple[Path, Path]:
    from matchscope.engine.synthetic import write_coco

    directory = DATA / f"coco-{images}-seed{seed}"
    gt, dets = directory / "gt.json", directory / "dets.json"
    if not (gt.exists() and dets.exists()):
        print(f"generating {directory} ...", flush=True)
        write_coco(directory, images=images, seed=seed)
    return gt, dets


def run_child(name: str, command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; wall time, peak RSS of that child (wait4) and the stats it printed."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        raise SystemExit(f"{name} failed with exit code {process.returncode}: {' '.join(command)}")
    stats = np.array(orjson.loads(output.splitlines()[-1])["stats"], dtype=np.float64)
    print(f"  ran {name}: {seconds:.2f} s, peak {usage.ru_maxrss / 1024:.0f} MB", flush=True)
    return Run(name, seconds, usage.ru_maxrss / 1024, stats)


def matchscope_command(gt: Path, dets: Path, *, direct: bool) -> list[str]:
    """The installed `matchscope evaluate`, or the command module run directly (no CLI registration)."""
    script = Path(sys.executable).parent / "matchscope"
    if direct:
        entry = [sys.executable, "-m", "matchscope.commands.evaluate"]
    elif script.exists():
        entry = [str(script), "evaluate"]
    else:
        entry = [sys.executable, "-m", "matchscope", "evaluate"]
    return [*entry, "--gt", str(gt), "--dets", str(dets), "--json"]


def time_matching(gt_path: Path, dets_path: Path) -> dict[str, float]:
    """In-process: greedy matching (class-agnostic and class-aware) and outcomes at IoU 0.5, JIT warm."""
    from matchscope.engine import matching as matching_module
    from matchscope.engine.cocofile import load_detections, load_ground_truth, matching_inputs
    from matchscope.engine.matching import greedy_match
    from matchscope.engine.outcomes import class_counts, entries_at

    matching_module.warmup()
    gt = load_ground_truth(gt_path)
    _gt_rows, gt_boxes, pred_boxes = matching_inputs(gt, load_detections(dets_path, gt))
    times = {}
    for name, agnostic in (("greedy_match class-agnostic", True), ("greedy_match class-aware", False)):
        start = time.perf_counter()
        result = greedy_match(gt_boxes, pred_boxes, class_agnostic=agnostic)
        times[name] = time.perf_counter() - start
    start = time.perf_counter()
    entries = entries_at(result, gt_boxes, pred_boxes, iou_threshold=0.5)
    class_counts(entries, gt_boxes, pred_boxes, gt.category_ids.size)
    times["entries_at + class_counts"] = time.perf_counter() - start
    return times


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


@dataclass(frozen=True, slots=True)
class SizeResult:
    images: int
    detections: int
    matchscope: Run
    cold: Run
    faster: Run | None
    pycocotools: Run | None


def bench(images: int, seed: int, *, pycocotools: bool, faster: bool, repeat: int) -> SizeResult:
    from matchscope.engine.cocofile import parse_detections

    gt, dets = dataset(images, seed)
    n_dets = parse_detections(dets).score.size
    print(f"\n== {images:,} images, {n_dets:,} detections ({dets.stat().st_size / 1e6:.0f} MB of results) ==")
    print(f"({_load()} at the start)", flush=True)
    runs: list[Run] = []
    if pycocotools:
        runs.append(
            run_child("pycocotools", [sys.executable, "-c", _REFERENCE_SCRIPT, "pycocotools", str(gt), str(dets)])
        )
    if faster:
        runs.append(
            run_child("faster-coco-eval", [sys.executable, "-c", _REFERENCE_SCRIPT, "faster", str(gt), str(dets)])
        )
    run_child("matchscope (filling the JIT cache)", matchscope_command(gt, dets, direct=True))
    for direct, name in ((False, "matchscope evaluate --json"), (True, "python -m matchscope.commands.evaluate")):
        best = min(
            (run_child(name, matchscope_command(gt, dets, direct=direct)) for _ in range(repeat)),
            key=lambda run: run.seconds,
        )
        runs.append(best)
    cache = tempfile.mkdtemp(prefix="numba-cold-")
    try:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold = run_child("matchscope evaluate --json (cold JIT)", matchscope_command(gt, dets, direct=False), env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    runs.append(cold)

    reference = runs[0]
    print(f"{'tool':<42} {'wall s':>8} {'peak MB':>8} {'max |Δstats|':>13} {'vs faster':>10} {'vs pycoco':>10}")
    faster_run = next((r for r in runs if r.name == "faster-coco-eval"), None)
    pycoco = runs[0] if pycocotools else None
    for run in runs:
        difference = float(np.abs(run.stats - reference.stats).max())
        vs_faster = f"{run.seconds / faster_run.seconds:>9.3f}x" if faster_run else f"{'-':>10}"
        vs_pycoco = f"{run.seconds / pycoco.seconds:>9.4f}x" if pycoco else f"{'-':>10}"
        print(f"{run.name:<42} {run.seconds:>8.2f} {run.peak_mb:>8.0f} {difference:>13.3g} {vs_faster} {vs_pycoco}")
    print(f"(stats compared with {reference.name}; ratios are wall-time fractions, lower is faster; {_load()})")
    matchscope = next(r for r in runs if r.name == "matchscope evaluate --json")
    if faster_run:
        print(f"matchscope is {faster_run.seconds / matchscope.seconds:.1f}x faster than faster-coco-eval", end="")
        if pycoco:
            print(f" and {pycoco.seconds / matchscope.seconds:.1f}x faster than pycocotools", end="")
        print(f"; bit-identical stats: {bool(np.array_equal(matchscope.stats, reference.stats))}")
    for name, seconds in time_matching(gt, dets).items():
        print(f"in process: {name:<36} {seconds:>7.3f} s")
    return SizeResult(images, n_dets, matchscope, cold, faster_run, pycoco)


def scaling_table(results: list[SizeResult]) -> None:
    """Wall time per size and per 1,000 images: flat per-1,000 figures mean time grows linearly."""
    print("\n== scaling ==")
    header = f"{'images':>8} {'detections':>11} {'matchscope s':>13} {'s/1k img':>9} {'cold s':>8}"
    print(f"{header} {'faster s':>9} {'s/1k img':>9} {'pycoco s':>9} {'ms/faster':>10} {'ms/pycoco':>10}")
    for r in results:
        per_k = r.matchscope.seconds / r.images * 1000
        faster_s = f"{r.faster.seconds:>9.2f}" if r.faster else f"{'-':>9}"
        faster_k = f"{r.faster.seconds / r.images * 1000:>9.3f}" if r.faster else f"{'-':>9}"
        pycoco_s = f"{r.pycocotools.seconds:>9.2f}" if r.pycocotools else f"{'-':>9}"
        vs_faster = f"{r.matchscope.seconds / r.faster.seconds:>9.3f}x" if r.faster else f"{'-':>10}"
        vs_pycoco = f"{r.matchscope.seconds / r.pycocotools.seconds:>9.4f}x" if r.pycocotools else f"{'-':>10}"
        print(
            f"{r.images:>8,} {r.detections:>11,} {r.matchscope.seconds:>13.2f} {per_k:>9.3f} {r.cold.seconds:>8.2f}"
            f" {faster_s} {faster_k} {pycoco_s} {vs_faster} {vs_pycoco}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        slope = (last.matchscope.seconds - first.matchscope.seconds) / (last.images - first.images) * 1000
        print(f"matchscope: {slope:.3f} s per 1,000 more images between {first.images:,} and {last.images:,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, nargs="+", default=[5000], help="dataset sizes (100 dets/image)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--pycocotools-max-images",
        type=int,
        default=5000,
        help="skip pycocotools (slow) above this many images",
    )
    parser.add_argument("--no-pycocotools", action="store_true", help="never run pycocotools")
    parser.add_argument(
        "--faster-max-images",
        type=int,
        default=None,
        help="skip faster-coco-eval above this many images (default: always run it)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm matchscope runs per size; the best counts")
    args = parser.parse_args(argv)
    results = []
    for images in args.images:
        use_pycocotools = not args.no_pycocotools and images <= args.pycocotools_max_images
        use_faster = args.faster_max_images is None or images <= args.faster_max_images
        results.append(bench(images, args.seed, pycocotools=use_pycocotools, faster=use_faster, repeat=args.repeat))
    scaling_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

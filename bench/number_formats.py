"""COCO results written three ways: matchscope's parse and whole `evaluate --json` against faster-coco-eval.

Detectors write boxes and scores with 2-3 decimals, or as the `repr` of float32 values widened to float64
(16-17 significant digits), or as the `repr` of float64 values (17 digits). One synthetic COCO-val-sized data
set (matchscope.engine.synthetic) is written in each form:

- ``2dp``: boxes to 0.01 px, scores to 0.001 (the generator's own output);
- ``float32``: the same boxes and scores with sub-rounding noise (|noise| < 0.005 px, < 0.0005), cast to
  float32 and written by `repr` of the widened value, as ``tensor.tolist()`` on a float32 tensor writes them;
- ``float64``: the noisy float64 values, written by `repr`.

It first prints how many random decimals of 19-40 digits the kernel leaves to Python's ``float``. Per form it
prints the numbers the JSON kernel left to Python's ``float`` (its undecided cases), the parse
alone (in process, JIT warm, best of --repeat), `matchscope evaluate --json` and faster-coco-eval's whole
evaluation (each a child process, loading included; matchscope best of --repeat), their ratio, and whether
the 12 stats are bit-identical to faster-coco-eval's and, with --pycocotools, to pycocotools' (matchscope's
reference: faster-coco-eval itself can differ from pycocotools in the last bit).

    .venv/bin/python -u bench/number_formats.py                       # 5,000 images, ~500,000 detections
    .venv/bin/python -u bench/number_formats.py --pycocotools float64  # pycocotools too, on one format
    .venv/bin/python -u bench/number_formats.py --images 50000 --formats float64   # big: faster-coco-eval ~13 GB
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engine import _REFERENCE_SCRIPT, DATA, matchscope_command  # noqa: E402

FORMATS = ("2dp", "float32", "float64")
TARGET = 0.10


def write_formats(images: int, seed: int) -> dict[str, tuple[Path, Path]]:
    """The ground truth and one results file per format under bench/.data/numbers-<images>-seed<seed>/."""
    directory = DATA / f"numbers-{images}-seed{seed}"
    gt = directory / "gt.json"
    paths = {name: (gt, directory / f"dets-{name}.json") for name in FORMATS}
    if all(dets.exists() for _, dets in paths.values()) and gt.exists():
        return paths
    from matchscope.engine.synthetic import generate_coco

    print(f"generating {directory} ...", flush=True)
    ground_truth, results = generate_coco(images=images, seed=seed)
    directory.mkdir(parents=True, exist_ok=True)
    gt.write_bytes(orjson.dumps(ground_truth))
    rng = np.random.default_rng(seed + 1)
    bbox = np.array([r["bbox"] for r in results])
    score = np.array([r["score"] for r in results])
    noisy_bbox = bbox + rng.uniform(-0.005, 0.005, bbox.shape)
    noisy_bbox[:, 2:] = np.maximum(noisy_bbox[:, 2:], 0.005)
    noisy_score = score - rng.uniform(0.0, 0.0005, score.shape)
    columns = {
        "2dp": (bbox, score),
        "float32": (
            noisy_bbox.astype(np.float32).astype(np.float64),
            noisy_score.astype(np.float32).astype(np.float64),
        ),
        "float64": (noisy_bbox, noisy_score),
    }
    for name, (boxes, scores) in columns.items():
        rows = [
            {"image_id": r["image_id"], "category_id": r["category_id"], "bbox": b, "score": s}
            for r, b, s in zip(results, boxes.tolist(), scores.tolist(), strict=True)
        ]
        paths[name][1].write_bytes(orjson.dumps(rows))  # orjson writes floats as repr does
    return paths


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_seconds: float  # the child's user + system time: steadier than wall time on a loaded machine
    stats: np.ndarray  # type: ignore[type-arg]


def run_child(name: str, command: list[str]) -> Run:
    """Run a command to completion: its wall time, CPU time (wait4) and the stats it printed last."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        output = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed: {' '.join(command)}")
    cpu = usage.ru_utime + usage.ru_stime
    print(f"  ran {name}: {seconds:.2f} s ({cpu:.2f} s CPU)", flush=True)
    return Run(seconds, cpu, np.array(orjson.loads(output.splitlines()[-1])["stats"], dtype=np.float64))


def parse_alone(dets: Path, repeat: int) -> tuple[float, float, int, int]:
    """Best wall and CPU seconds of parse_detections (JIT warm; CPU time is steadier on a loaded machine),
    the numbers in the file and those the kernel left to float()."""
    from matchscope.engine import _kernels_json
    from matchscope.engine.cocofile import parse_detections

    parse_detections(dets)  # compile or load the kernel
    best = best_cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        columns = parse_detections(dets)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    status, *_, spans = _kernels_json.parse_results(np.frombuffer(dets.read_bytes(), dtype=np.uint8))
    if status != _kernels_json.OK:
        raise SystemExit(f"{dets}: the JSON kernel refused the file")
    return best, best_cpu, 5 * columns.score.size, len(spans)


def undecided_long_decimals(count: int, seed: int) -> None:
    """How many random decimals of 19, 20, 25 and 40 significant digits the kernel leaves to float()."""
    import random

    from matchscope.engine import _kernels_json

    rng = random.Random(seed)
    for length in (19, 20, 25, 40):
        texts = []
        for _ in range(count):
            digits = str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=length - 1))
            point = rng.randint(0, length)
            texts.append(f"{digits[:point] or '0'}.{digits[point:]}" if point < length else digits)
        raw = (
            "[" + ",".join(f'{{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":{t}}}' for t in texts) + "]"
        ).encode()
        status, *_, spans = _kernels_json.parse_results(np.frombuffer(raw, dtype=np.uint8))
        if status != _kernels_json.OK:
            raise SystemExit("the JSON kernel refused the random decimals")
        print(f"random decimals of {length} digits: {len(spans):,} of {count:,} left to float()")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000, help="data set size (100 detections per image)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=FORMATS, help="formats to time (all written)")
    parser.add_argument("--repeat", type=int, default=3, help="matchscope runs per format; the best counts")
    parser.add_argument(
        "--pycocotools",
        nargs="*",
        choices=FORMATS,
        help="also run pycocotools (slow) on these formats (all when none is named)",
    )
    args = parser.parse_args(argv)
    undecided_long_decimals(200_000, args.seed)
    paths = write_formats(args.images, args.seed)
    rows = []
    for name in args.formats:
        gt, dets = paths[name]
        print(f"\n== {name}: {dets} ({dets.stat().st_size / 1e6:.0f} MB) ==", flush=True)
        parse_s, parse_cpu, numbers, undecided = parse_alone(dets, args.repeat)
        print(
            f"  parse alone {parse_s:.3f} s ({parse_cpu:.3f} s CPU);"
            f" {undecided:,} of {numbers:,} numbers left to float()",
            flush=True,
        )
        faster = run_child("faster-coco-eval", [sys.executable, "-c", _REFERENCE_SCRIPT, "faster", str(gt), str(dets)])
        run_child("matchscope (JIT cache)", matchscope_command(gt, dets, direct=True))
        ours: Run = min(
            (
                run_child("matchscope evaluate --json", matchscope_command(gt, dets, direct=False))
                for _ in range(args.repeat)
            ),
            key=lambda run: run.seconds,
        )
        same = {"faster": str(bool(np.array_equal(ours.stats, faster.stats))), "pycocotools": "-"}
        if args.pycocotools is not None and (not args.pycocotools or name in args.pycocotools):
            reference = [sys.executable, "-c", _REFERENCE_SCRIPT, "pycocotools", str(gt), str(dets)]
            same["pycocotools"] = str(bool(np.array_equal(ours.stats, run_child("pycocotools", reference).stats)))
        rows.append((name, dets.stat().st_size / 1e6, numbers, undecided, parse_s, parse_cpu, ours, faster, same))
    one, five, _ = os.getloadavg()
    print(f"\n== {args.images:,} images; load average {one:.2f}, {five:.2f} ==")
    print(
        f"{'format':<8} {'MB':>4} {'numbers':>10} {'to float()':>10} {'parse s':>8} {'(CPU)':>6}"
        f" {'matchscope s':>13} {'(CPU)':>6} {'faster s':>9} {'(CPU)':>7} {'ratio':>6} {'(CPU)':>6} {'target':>7}"
        f" {'= faster':>8} {'= pycoco':>8}"
    )
    for name, mb, numbers, undecided, parse_s, parse_cpu, ours, faster, same in rows:
        ratio = ours.seconds / faster.seconds
        print(
            f"{name:<8} {mb:>4.0f} {numbers:>10,} {undecided:>10,} {parse_s:>8.3f} {parse_cpu:>6.3f}"
            f" {ours.seconds:>13.2f} {ours.cpu_seconds:>6.2f} {faster.seconds:>9.2f} {faster.cpu_seconds:>7.2f}"
            f" {ratio:>6.3f} {ours.cpu_seconds / faster.cpu_seconds:>6.3f} {'ok' if ratio <= TARGET else 'MISSED':>7}"
            f" {same['faster']:>8} {same['pycocotools']:>8}"
        )
    print("(ratio: matchscope evaluate --json time / faster-coco-eval's, wall and CPU; '= faster', '= pycoco':")
    print(" the 12 stats bit-identical to that tool's on the same files, '-' where it did not run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

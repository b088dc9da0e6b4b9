"""Bulk import on PostgreSQL vs SQLite vs faster-coco-eval's loadRes, in one run (issue #23).

    .venv/bin/python bench/pg_bulk.py                 # 3,000 images, ~300,000 detections
    .venv/bin/python bench/pg_bulk.py --full          # 12,000 images, ~88,000 boxes, ~1.2 M detections
    .venv/bin/python bench/pg_bulk.py --images 6000 --backends postgresql

A COCO-shaped set from matchscope.engine.synthetic whose boxes and scores carry 17 significant digits (as a
model's float output written by `json.dumps` does) is generated once into bench/.data/ (git-ignored). Each
backend gets a fresh, migrated database (migration time not counted); then `import-coco` of the ground truth and
of the results file is timed as the command runs it (parse, validation, writes, commit), then the replacement
of every detection's values by id (`bulk_update`, what an upload with `update: true` writes). faster-coco-eval's
`COCO(gt).loadRes(results)` of the same file is timed last (the `COCO(gt)` is not counted). Printed: every time
and the ratios against the targets (PostgreSQL import <= 1.2 x SQLite and <= 1.0 x loadRes).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, fresh_database  # noqa: E402
from matchscope.commands.import_coco import import_file  # noqa: E402
from matchscope.engine.synthetic import generate_coco  # noqa: E402
from matchscope.settings import Settings  # noqa: E402
from matchscope.state import AppState  # noqa: E402
from matchscope.store.bulk import bulk_select, bulk_update  # noqa: E402
from matchscope.store.db import transaction  # noqa: E402
from matchscope.store.migrate import upgrade  # noqa: E402
from matchscope.store.tables import BoxPrediction  # noqa: E402


def _seventeen_digits(values: np.ndarray, rng: np.random.Generator, high: float | None = None) -> list:
    """The values moved by a relative 1e-9 or less: their shortest repr then needs 16-17 significant digits."""
    moved = values * (1.0 + rng.uniform(-1e-9, 1e-9, values.shape))
    if high is not None:
        moved = np.minimum(moved, high)
    return moved.tolist()


def dataset_files(images: int, dets_per_image: int) -> tuple[Path, Path]:
    directory = DATA / f"coco17-{images}-{dets_per_image}"
    gt_path, dets_path = directory / "gt.json", directory / "dets.json"
    if gt_path.exists() and dets_path.exists():
        return gt_path, dets_path
    print(f"generating {directory} ...", flush=True)
    ground_truth, results = generate_coco(images=images, seed=0, dets_per_image=dets_per_image)
    rng = np.random.default_rng(17)
    annotations = ground_truth["annotations"]
    boxes = _seventeen_digits(np.array([a["bbox"] for a in annotations], dtype=np.float64), rng)
    for annotation, box in zip(annotations, boxes, strict=True):
        annotation["bbox"] = box
        annotation["area"] = box[2] * box[3]
    boxes = _seventeen_digits(np.array([r["bbox"] for r in results], dtype=np.float64), rng)
    scores = _seventeen_digits(np.array([r["score"] for r in results], dtype=np.float64), rng, high=1.0)
    for result, box, score in zip(results, boxes, scores, strict=True):
        result["bbox"] = box
        result["score"] = score
    directory.mkdir(parents=True, exist_ok=True)
    gt_path.write_bytes(orjson.dumps(ground_truth))
    dets_path.write_bytes(orjson.dumps(results))
    return gt_path, dets_path


async def _migrate(url: str) -> None:
    state = AppState.create(Settings.from_env())
    try:
        await upgrade(state.engine)
    finally:
        await state.close()


async def _replace_every_prediction() -> float:
    """Time to set the geometry, label and score of every imported detection by id, in chunks of import-coco's
    size, as an upload with `update: true` of the same keys does after its key lookup (commit included)."""
    state = AppState.create(Settings.from_env())
    columns = ("label", "x", "y", "width", "height", "confidence")
    table = BoxPrediction.__table__  # type: ignore[attr-defined]
    try:
        async with transaction(state.sessions) as session:
            statement = select(*(table.c[name] for name in (*columns, "id"))).order_by(table.c.id)
            rows = [tuple(row) for row in await bulk_select(session, statement)]
        started = time.perf_counter()
        async with transaction(state.sessions) as session:
            for start in range(0, len(rows), 50_000):
                await bulk_update(session, table, "id", columns, rows[start : start + 50_000])
        return time.perf_counter() - started
    finally:
        await state.close()


def run_backend(url: str, gt: Path, dets: Path) -> tuple[float, float, float, float]:
    """Wall seconds of the ground truth's and the detections' imports, this process's CPU seconds in the latter
    (the rest of its wall time waited for the database), and the replacement's wall seconds."""
    os.environ["DATABASE_URL"] = url
    asyncio.run(_migrate(url))
    times = []
    for path, model in ((gt, None), (dets, "bench-model")):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        asyncio.run(import_file(path, dataset="bench", model=model, account="bench", quiet=True))
        times.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started  # the last import's: the detections'
    return times[0], times[1], cpu, asyncio.run(_replace_every_prediction())


def load_res(gt: Path, dets: Path) -> float:
    from faster_coco_eval import COCO

    ground_truth = COCO(str(gt))
    gc.collect()
    started = time.perf_counter()
    ground_truth.loadRes(str(dets))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=3000)
    parser.add_argument("--dets-per-image", type=int, default=100)
    parser.add_argument("--full", action="store_true", help="12,000 images (~1.2 M detections), as in issue #23")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    images = 12_000 if args.full else args.images
    gt, dets = dataset_files(images, args.dets_per_image)
    ground_truth = orjson.loads(gt.read_bytes())
    counts = len(ground_truth["images"]), len(ground_truth["annotations"]), len(orjson.loads(dets.read_bytes()))
    del ground_truth
    print(f"data: {counts[0]:,} images, {counts[1]:,} boxes, {counts[2]:,} detections ({dets})", flush=True)

    results: dict[str, tuple[float, float, float, float]] = {}
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as directory, fresh_database(backend, Path(directory)) as url:
            results[backend] = run_backend(url, gt, dets)
        gt_time, det_time, det_cpu, replace_time = results[backend]
        print(
            f"{backend:10s} import-coco ground truth {gt_time:6.2f} s   detections {det_time:6.2f} s "
            f"({counts[2] / det_time:,.0f} rows/s, {det_cpu:.2f} s CPU here)   "
            f"every detection replaced {replace_time:6.2f} s   load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    reference = load_res(gt, dets)
    print(f"faster-coco-eval loadRes {reference:6.2f} s", flush=True)
    if "postgresql" in results:
        pg_gt, pg_det, _, pg_replace = results["postgresql"]
        if "sqlite" in results:
            sqlite_gt, sqlite_det, _, sqlite_replace = results["sqlite"]
            print(
                f"PostgreSQL / SQLite: ground truth {pg_gt / sqlite_gt:.2f}x, detections {pg_det / sqlite_det:.2f}x "
                f"(target <= 1.2x), every detection replaced {pg_replace / sqlite_replace:.2f}x"
            )
        print(f"PostgreSQL detections / loadRes: {pg_det / reference:.2f}x (target <= 1.0x)")
    if "sqlite" in results:
        print(f"SQLite detections / loadRes: {results['sqlite'][1] / reference:.2f}x")


if __name__ == "__main__":
    main()

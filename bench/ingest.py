"""Ingest benchmark: import a COCO-val-sized ground truth and results file into SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py [--images 5000] [--dets-per-image 100] [--backends sqlite postgresql]

Data is generated once by matchscope.engine.synthetic into bench/.data/ (git-ignored). Each backend gets a
fresh database; the time covers parsing, validation and the bulk writes (executemany / COPY), as
`matchscope import-coco` does them. Target: under 15 s for the whole import on SQLite on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, fresh_database  # noqa: E402
from matchscope.commands.import_coco import import_file  # noqa: E402
from matchscope.engine.synthetic import write_coco  # noqa: E402


def dataset_files(images: int, dets_per_image: int) -> tuple[Path, Path]:
    directory = DATA / f"coco-{images}-{dets_per_image}"
    gt, dets = directory / "gt.json", directory / "dets.json"
    if not (gt.exists() and dets.exists()):
        directory.mkdir(parents=True, exist_ok=True)
        written = write_coco(directory, images=images, seed=0, dets_per_image=dets_per_image)
        gt, dets = written
    return gt, dets


async def run_backend(url: str, gt: Path, dets: Path) -> tuple[float, float]:
    os.environ["DATABASE_URL"] = url
    started = time.perf_counter()
    await import_file(gt, dataset="bench", model=None, account="bench", quiet=True)
    ground_truth = time.perf_counter() - started
    started = time.perf_counter()
    await import_file(dets, dataset="bench", model="bench-model", account="bench", quiet=True)
    return ground_truth, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--dets-per-image", type=int, default=100)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    gt, dets = dataset_files(args.images, args.dets_per_image)
    import orjson

    gt_rows = sum(len(orjson.loads(gt.read_bytes())[key]) for key in ("images", "annotations"))
    det_rows = len(orjson.loads(dets.read_bytes()))
    print(f"data: {gt_rows:,} item+annotation rows, {det_rows:,} detections ({args.images:,} images)")
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as directory, fresh_database(backend, Path(directory)) as url:
            gt_time, det_time = asyncio.run(run_backend(url, gt, dets))
        total = gt_time + det_time
        print(
            f"{backend:10s} ground truth {gt_time:6.2f} s ({gt_rows / gt_time:,.0f} rows/s)  "
            f"detections {det_time:6.2f} s ({det_rows / det_time:,.0f} rows/s)  "
            f"total {total:6.2f} s ({(gt_rows + det_rows) / total:,.0f} rows/s)"
        )


if __name__ == "__main__":
    main()

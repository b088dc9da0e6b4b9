"""Client benchmark: a COCO results file uploaded through matchscope.client against `matchscope import-coco` of the
same file, and every entry of the evaluation read back through `matches()` against plain HTTP paging.

    .venv/bin/python bench/client.py [--images 500] [--dets-per-image 100] [--backend sqlite|postgresql]

Data comes from matchscope.engine.synthetic (bench/.data/, git-ignored); 500 images x 100 gives ~50,000 predictions,
5000 x 100 ~500,000. Each side gets a fresh database. import-coco: the command's wall time (a subprocess, as a user
runs it) for the ground truth, then for the results file. Client: the API served by uvicorn in a subprocess
(`matchscope.app:create_app`, in-process jobs), the client in this process: `client.import_coco` of the ground
truth, then `client.import_coco` of the results file (which reads and sends the ground truth again, all of it
ignored, then uploads the predictions in batches of 10,000 as columns). Reading: all entries through
`evaluation.matches()` (typed pages of 100, keyset cursors) against the same GraphQL pages posted with httpx and
decoded to dicts (the floor). Target: upload through the client <= 2x import-coco. `--compare-rows` also uploads the
predictions once more, into a fresh database, through the row-shaped `uploadPredictions` (the same batches of 10,000,
the client's own batching), to show what the column-shaped upload saves. `--rounds N` runs both imports N times,
alternating which goes first (the load of a shared machine drifts), and compares the best time of each side.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import APP, fresh_database, served  # noqa: E402
from bench.ingest import dataset_files  # noqa: E402
from matchscope.client import Client  # noqa: E402
from matchscope.client._generated import BoxPredictionInput  # noqa: E402
from matchscope.client._uploads import input_rows, upload  # noqa: E402
from matchscope.client.coco import ground_truth, predictions, read_json  # noqa: E402

FLOOR_QUERY = """query($id: ID!, $after: String) { node(id: $id) { __typename ... on Evaluation {
  matches(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node {
    id outcome iou groundTruthLabel predictionLabel confidence item { id referenceId }
    groundTruth { id annotationId label x y width height } prediction { id annotationId label x y width height }
    errorType nearestGroundTruth { iou groundTruth { id annotationId label x y width height } }
    review { status note updatedAt }
  } } } } } }"""


def matchscope(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "matchscope", *args],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def timed_command(env: dict[str, str], *args: str) -> float:
    start = time.perf_counter()
    matchscope(env, *args)
    return time.perf_counter() - start


def import_coco_times(url: str, gt: Path, dets: Path) -> tuple[float, float]:
    env = {"DATABASE_URL": url}
    matchscope(env, "keys", "create", "--account", "local")  # migrations, outside the timings
    truth = timed_command(env, "import-coco", "--dataset", "bench", str(gt))
    results = timed_command(env, "import-coco", "--dataset", "bench", "--model", "detector", str(dets))
    return truth, results


def client_times(client: Client, gt: Path, dets: Path) -> tuple[float, float, int]:
    """`client.import_coco` as a user calls it: the ground truth, then the results file (whose call reads the ground
    truth again and sends its items and boxes again, all counted as ignored: the client keeps no state)."""
    start = time.perf_counter()
    truth = client.import_coco("bench", gt, progress=False)
    middle = time.perf_counter()
    result = client.import_coco("bench", gt, model="detector", results=dets, progress=False)
    end = time.perf_counter()
    assert truth.annotations.new > 0 and result.annotations.new == 0, (truth, result)
    return middle - start, end - middle, result.predictions.new


def row_shaped_upload_time(client: Client, gt: Path, dets: Path) -> float:
    """The predictions uploaded through the row-shaped `uploadPredictions`, batched as the client batches."""
    truth = ground_truth(read_json(gt))
    dataset = client.create_dataset("bench")
    dataset.append(truth.items, progress=False)
    dataset.annotate(truth.annotations, progress=False)
    start = time.perf_counter()
    table, _ = predictions(read_json(dets), truth)
    boxes = table.rows()
    model = client.create_model("detector", "detector")
    inner = client._client  # the asynchronous client the blocking one runs on its loop
    graphql = inner.connection.graphql

    async def send(batch: list[BoxPredictionInput]) -> object:
        return (await graphql.upload_predictions(dataset.id, model.id, batch, False)).upload_predictions

    uploading = upload(
        inner.connection, boxes, input_rows, send, what="predictions", batch_size=inner.batch_size, progress=False
    )
    uploaded = client._loop.run(uploading)
    assert uploaded.new == len(boxes), uploaded
    return time.perf_counter() - start


def read_entries(client: Client, evaluation_id: str) -> tuple[int, float]:
    evaluation = client.get_dataset_by_name("bench").evaluation(client.get_model_by_reference_id("detector"))
    assert evaluation.id == evaluation_id
    start = time.perf_counter()
    count = sum(1 for _ in evaluation.matches())
    return count, time.perf_counter() - start


def read_entries_floor(url: str, key: str, evaluation_id: str) -> tuple[int, float]:
    count, after = 0, None
    start = time.perf_counter()
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=300) as http:
        while True:
            body = {"query": FLOOR_QUERY, "variables": {"id": evaluation_id, "after": after}}
            page = http.post(url, json=body).json()["data"]["node"]["matches"]
            count += len(page["edges"])
            if not page["pageInfo"]["hasNextPage"]:
                return count, time.perf_counter() - start
            after = page["pageInfo"]["endCursor"]


def read_rates(client: Client, graphql_url: str, key: str) -> tuple[int, float, float]:
    """Run an evaluation, then read every entry through the client and through plain httpx: (entries, client s,
    httpx s)."""
    dataset = client.get_dataset_by_name("bench")
    job = dataset.calculate_evaluation_metrics(client.get_model_by_reference_id("detector"))
    job.sleep_until_complete(verbose_std_out=False)
    evaluation_id = dataset.evaluation(client.get_model_by_reference_id("detector")).id
    floor_entries, floor_s = read_entries_floor(graphql_url, key, evaluation_id)
    entries, entries_s = read_entries(client, evaluation_id)
    assert entries == floor_entries
    return entries, entries_s, floor_s


def client_round(backend: str, folder: Path, gt: Path, dets: Path, *, read: bool) -> tuple[float, float, int, Any]:
    """The client's import on a fresh database: (ground truth s, results s, predictions, reading or None)."""
    with fresh_database(backend, folder) as url:
        key = matchscope({"DATABASE_URL": url}, "keys", "create", "--account", "bench").strip().splitlines()[-1]
        with (
            served(APP, {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"}) as (_, graphql_url),
            Client(key, endpoint=graphql_url) as client,
        ):
            truth_s, results_s, count = client_times(client, gt, dets)
            return truth_s, results_s, count, read_rates(client, graphql_url, key) if read else None


def rows_round(backend: str, folder: Path, gt: Path, dets: Path) -> float:
    with fresh_database(backend, folder) as url:
        key = matchscope({"DATABASE_URL": url}, "keys", "create", "--account", "bench").strip().splitlines()[-1]
        with (
            served(APP, {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"}) as (_, graphql_url),
            Client(key, endpoint=graphql_url) as client,
        ):
            return row_shaped_upload_time(client, gt, dets)


def _load() -> str:
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--dets-per-image", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--upload-only", action="store_true", help="skip the evaluation and the reading")
    parser.add_argument("--compare-rows", action="store_true", help="also upload the predictions as row objects")
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds of both imports, alternating which goes first; best of each"
    )
    args = parser.parse_args()
    gt, dets = dataset_files(args.images, args.dets_per_image)
    reading = None
    cli: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    rows: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            # On a shared machine the load drifts: alternating the order gives neither side the quieter moments.
            sides = ["cli", "client"] if round_ % 2 == 0 else ["client", "cli"]
            for side in sides:
                if side == "cli":
                    with fresh_database(args.backend, Path(folder)) as url:
                        cli.append(import_coco_times(url, gt, dets))
                else:
                    read = not args.upload_only and reading is None
                    truth_s, results_s, count, read_now = client_round(args.backend, Path(folder), gt, dets, read=read)
                    ours.append((truth_s, results_s))
                    reading = reading or read_now
            if args.compare_rows:
                rows.append(rows_round(args.backend, Path(folder), gt, dets))
            print(
                f"round {round_ + 1}: predictions import-coco {cli[-1][1]:.2f} s, client {ours[-1][1]:.2f} s"
                + (f", as row objects {rows[-1]:.2f} s" if rows else "")
                + f"; load average {_load()}",
                flush=True,
            )
    cli_truth, cli_results = min(t for t, _ in cli), min(r for _, r in cli)
    ours_truth, ours_results = min(t for t, _ in ours), min(r for _, r in ours)
    best = f" (best of {args.rounds})" if args.rounds > 1 else ""
    print(f"{args.backend}: {args.images} images, {count:,} predictions{best}")
    print(
        f"  ground truth   import-coco {cli_truth:7.2f} s   client {ours_truth:7.2f} s   ratio {ours_truth / cli_truth:.2f}"
    )
    print(
        f"  predictions    import-coco {cli_results:7.2f} s   client {ours_results:7.2f} s   ratio {ours_results / cli_results:.2f}"
    )
    if rows:
        rows_s = min(rows)
        print(
            f"  predictions as row objects (uploadPredictions)   client {rows_s:7.2f} s   ratio {rows_s / cli_results:.2f}"
        )
    print(f"  load average now: {_load()}")
    if reading is not None:
        entries, entries_s, floor_s = reading
        print(f"  read {entries:,} entries   client {entries / entries_s:9,.0f} /s ({entries_s:.1f} s)   "
              f"plain httpx {entries / floor_s:9,.0f} /s ({floor_s:.1f} s)   ratio {floor_s / entries_s:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()

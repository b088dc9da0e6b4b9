"""A page of flips (`compareEvaluations.flips`) on two COCO-val-sized evaluations of one dataset, beside a page of
matches of the same size on the same server.

    .venv/bin/python bench/compare.py [--backend sqlite|postgresql|both] [--images 5000] [--seconds 2] [--rounds 5]

The base evaluation is bench/queries.py's (built once and cached the same way); the other model's detections are
the base's, a fifth of them shifted by a quarter of their width (many true positives break), plus an exact copy of
one ground truth in twenty at score 0.99 (many false negatives are fixed); it is imported and evaluated once. The
app is served by uvicorn; the first comparison request (which loads both evaluations' ground-truth entries) is
timed on its own. Then, in alternating bursts of `--seconds`: (f) the first page of 50 flips, (g) page 20 of them
through cursors, and the reference (a) of bench/queries.py, the first page of 50 false positives, whose page has
the same shape (each flip holds two entries, so it reads twice the boxes); printed: p50/p99 and throughput of
each, and (f)/(a), (g)/(a) as throughput ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import APP, served  # noqa: E402
from bench.queries import PAGE, Series, measure, prepare  # noqa: E402

FLIPS = """query($b: ID!, $o: ID!, $a: String) { compareEvaluations(baseId: $b, otherId: $o) {
  ... on EvaluationComparison { flips(first: 50, after: $a) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { kind item { id referenceId } groundTruth { id label x y width height }
      base { id outcome iou confidence prediction { id label x y width height confidence } }
      other { id outcome iou confidence prediction { id label x y width height confidence } } } } } } } }"""
EVALUATION_ID = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { id } }"


def other_detections(images: int) -> list[dict[str, Any]]:
    from matchscope.engine.synthetic import generate_coco

    ground_truth, detections = generate_coco(images=images, seed=0)
    rng = np.random.default_rng(1)
    changed = []
    for detection in detections:
        x, y, w, h = detection["bbox"]
        if rng.random() < 0.2:
            x = round(x + 0.25 * w, 2)
        changed.append({**detection, "bbox": [x, y, w, h]})
    for annotation in ground_truth["annotations"]:
        if rng.random() < 0.05 and not annotation["iscrowd"]:
            changed.append(
                {"image_id": annotation["image_id"], "category_id": annotation["category_id"],
                 "bbox": annotation["bbox"], "score": 0.99}
            )  # fmt: skip
    return changed


async def prepare_other(url: str, images: int) -> None:
    """Imports and evaluates the other model once."""
    from sqlalchemy import select

    from matchscope.services import accounts, browse, coco_import, evaluate
    from matchscope.settings import Settings
    from matchscope.state import AppState
    from matchscope.store.db import transaction
    from matchscope.store.tables import Dataset, Model

    name = f"synthetic-{images}"
    state = AppState.create(Settings(database_url=url))
    try:
        async with transaction(state.sessions) as session:
            issued = await accounts.create_key(session, account_name="bench")
            dataset = (
                await session.execute(
                    select(Dataset).where(Dataset.account_id == issued.account_id, Dataset.name == name)
                )
            ).scalar_one()
            model = (
                await session.execute(
                    select(Model).where(Model.account_id == issued.account_id, Model.reference_id == f"{name}-other")
                )
            ).scalar_one_or_none()
            if model is not None and await browse.current_evaluation(
                session, account_id=issued.account_id, dataset_id=dataset.id, model_id=model.id
            ):
                return
        started = time.perf_counter()
        async with transaction(state.sessions) as session:
            imported = await coco_import.import_detections(
                session,
                account_id=issued.account_id,
                dataset_name=name,
                model_name=f"{name}-other",
                data=other_detections(images),
            )
            assert imported.model is not None
            job, _ = await evaluate.submit(
                session,
                account_id=issued.account_id,
                dataset_id=dataset.id,
                model_id=imported.model.id,
                options=evaluate.validate_options(None, None),
            )

        async def quiet(_job: Any) -> None:
            return None

        await evaluate.run_evaluation(state.sessions, job.id, chunk_items=500, on_progress=quiet)
        print(f"other model imported and evaluated in {time.perf_counter() - started:.1f}s", flush=True)
    finally:
        await state.close()


def _post(url: str, headers: dict[str, str], query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = httpx.post(url, json={"query": query, "variables": variables}, headers=headers, timeout=300.0).json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def run_backend(
    backend: str, images: int, seconds: float, rounds: int, clients: int, pool: ProcessPoolExecutor
) -> None:
    url, key, dataset_id, model_id, entries = asyncio.run(prepare(backend, images))
    asyncio.run(prepare_other(url, images))
    headers = {"Authorization": f"Bearer {key}"}
    with served(APP, {"DATABASE_URL": url, "MATCHSCOPE_DEBUG": "0"}) as (_, app_url):
        models = _post(app_url, headers, "{ models(first: 100) { edges { node { id referenceId } } } }", {})
        other_model = next(
            edge["node"]["id"]
            for edge in models["models"]["edges"]
            if edge["node"]["referenceId"] == f"synthetic-{images}-other"
        )
        base = _post(app_url, headers, EVALUATION_ID, {"d": dataset_id, "m": model_id})["evaluation"]["id"]
        other = _post(app_url, headers, EVALUATION_ID, {"d": dataset_id, "m": other_model})["evaluation"]["id"]
        started = time.perf_counter()
        first = _post(app_url, headers, FLIPS, {"b": base, "o": other})["compareEvaluations"]["flips"]
        cold = time.perf_counter() - started
        kinds = [edge["node"]["kind"] for edge in first["edges"]]
        print(
            f"[{backend}] {entries:,} entries a side; {first['totalCount']:,} flips at IoU 0.5; first request "
            f"(loads both sides' ground-truth entries) {cold:.2f}s; kinds on page 1: {sorted(set(kinds))}",
            flush=True,
        )
        after = None
        for _ in range(19):
            after = _post(app_url, headers, FLIPS, {"b": base, "o": other, "a": after})["compareEvaluations"]["flips"][
                "pageInfo"
            ]["endCursor"]
        bodies = {
            "f": {"query": FLIPS, "variables": {"b": base, "o": other}},
            "g": {"query": FLIPS, "variables": {"b": base, "o": other, "a": after}},
            "a": {"query": PAGE, "variables": {"d": dataset_id, "m": model_id, "f": {"outcomes": ["FALSE_POSITIVE"]}}},
        }
        series = {name: Series([], []) for name in bodies}
        ratios: dict[str, list[float]] = {"f": [], "g": []}
        load_before = os.getloadavg()
        for round_index in range(rounds):
            order = list(bodies) if round_index % 2 == 0 else list(reversed(bodies))
            rates = {}
            for name in order:
                latencies, rate = measure(pool, app_url, headers, bodies[name], seconds, clients)
                series[name].latencies.extend(latencies)
                series[name].rates.append(rate)
                rates[name] = rate
            for name in ratios:
                ratios[name].append(rates[name] / rates["a"])
        load_after = os.getloadavg()
        print(f"\n[{backend}] {clients} client(s), {rounds} rounds of {seconds:g} s per case, alternating")
        print("load average (1, 5, 15 min) before", *(f"{v:.2f}" for v in load_before), "after",
              *(f"{v:.2f}" for v in load_after))  # fmt: skip
        print(f"{'case':>30} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'thru vs (a)':>12}")
        names = {"f": "(f) flips, page 1", "g": "(g) flips, page 20", "a": "(a) matches, page 1 (reference)"}
        for name, label in names.items():
            s = series[name]
            ratio = f"{statistics.median(ratios[name]):.2f}" if name in ratios else "1"
            print(f"{label:>30} {s.p50_ms:8.2f} {s.p99_ms:8.2f} {s.rps:8.0f} {ratio:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    with ProcessPoolExecutor(max_workers=max(args.clients, 1)) as pool:
        for backend in backends:
            run_backend(backend, args.images, args.seconds, args.rounds, args.clients, pool)


if __name__ == "__main__":
    main()

"""calculateEvaluationMetrics end to end: time from the mutation to COMPLETED on a COCO-val-sized dataset.

The synthetic dataset (5,000 images, ~36,500 boxes, 500,000 predictions; bench/.data/coco-5000-seed0/) is
imported once per database and kept. Each run starts the app under uvicorn, posts the mutation over HTTP and
polls `job(id)` until the job has finished.

- SQLite, embedded runner (no REDIS_URL): one job.
- PostgreSQL + Redis, `matchscope worker` subprocesses: one job on one worker, then two jobs (class-agnostic
  and class-aware) on one worker and on two workers. Worker logs (with per-phase timings of each job) go to
  bench/.data/evaluate_job-worker*.log.

    .venv/bin/python bench/evaluate_job.py                       # everything
    .venv/bin/python bench/evaluate_job.py --backend sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import orjson
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DATA, kept_pg_database  # noqa: E402
from matchscope.services import accounts, coco_import  # noqa: E402
from matchscope.settings import Settings  # noqa: E402
from matchscope.state import AppState  # noqa: E402
from matchscope.store.db import transaction  # noqa: E402
from matchscope.store.migrate import upgrade  # noqa: E402
from tests.jobs.servers import serve  # noqa: E402

PG_NAME = "matchscope_bench_jobs"
REDIS_URL = os.environ.get("MATCHSCOPE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
NAME = "bench-5000"
SUBMIT = """mutation($d: ID!, $m: ID!, $o: EvaluationOptionsInput) { calculateEvaluationMetrics(
  datasetId: $d, modelId: $m, options: $o) { __typename ... on AsyncJob { id } } }"""
JOB = "query($id: ID!) { job(id: $id) { status message completedSteps totalSteps } }"


def dataset_files(images: int) -> tuple[Path, Path]:
    from matchscope.engine.synthetic import write_coco

    directory = DATA / f"coco-{images}-seed0"
    gt, dets = directory / "gt.json", directory / "dets.json"
    if not (gt.exists() and dets.exists()):
        print(f"generating {directory} ...", flush=True)
        write_coco(directory, images=images, seed=0)
    return gt, dets


async def prepare(settings: Settings, gt: Path, dets: Path) -> tuple[str, str, str]:
    """Import the files once; empty previous jobs and evaluations; return (API key, dataset id, model id)."""
    from matchscope.schema.ids import to_global_id

    state = AppState.create(settings)
    try:
        await upgrade(state.engine)
        async with state.sessions() as session:
            found = (
                await session.execute(
                    text("SELECT d.id, m.id FROM dataset d, model m WHERE d.name = :n AND m.reference_id = :m"),
                    {"n": NAME, "m": f"{NAME}-model"},
                )
            ).first()
        if found is None:
            started = time.perf_counter()
            async with transaction(state.sessions) as session:
                owner = await accounts.get_or_create_account(session, "bench")
                assert owner.id is not None
                await coco_import.import_ground_truth(
                    session,
                    account_id=owner.id,
                    dataset_name=NAME,
                    data=orjson.loads(await asyncio.to_thread(gt.read_bytes)),
                )
            async with transaction(state.sessions) as session:
                result = await coco_import.import_detections(
                    session,
                    account_id=owner.id,
                    dataset_name=NAME,
                    model_name=f"{NAME}-model",
                    data=orjson.loads(await asyncio.to_thread(dets.read_bytes)),
                )
            assert result.model is not None and result.dataset.id is not None and result.model.id is not None
            found = (result.dataset.id, result.model.id)
            print(f"  imported in {time.perf_counter() - started:.1f} s", flush=True)
        async with transaction(state.sessions) as session:
            for table in ("match_entry", "evaluation_class", "evaluation", "job"):
                await session.execute(text(f"DELETE FROM {table}"))
            issued = await accounts.create_key(session, account_name="bench")
        return issued.secret, to_global_id("Dataset", found[0]), to_global_id("Model", found[1])
    finally:
        await state.close()


async def run_jobs(base: str, key: str, dataset: str, model: str, options: list[dict[str, object]]) -> float:
    """Submit one job per options at once; seconds until every one has COMPLETED."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=f"http://{base}", headers=headers, timeout=60) as client:
        started = time.perf_counter()
        ids = []
        for option in options:
            response = await client.post(
                "/graphql", json={"query": SUBMIT, "variables": {"d": dataset, "m": model, "o": option}}
            )
            ids.append(response.json()["data"]["calculateEvaluationMetrics"]["id"])
        pending = set(ids)
        while pending:
            for job_id in list(pending):
                response = await client.post("/graphql", json={"query": JOB, "variables": {"id": job_id}})
                job = response.json()["data"]["job"]
                if job["status"] == "COMPLETED":
                    pending.discard(job_id)
                elif job["status"] in {"ERRORED", "CANCELLED"}:
                    raise RuntimeError(f"job {job_id}: {job}")
            await asyncio.sleep(0.05)
        return time.perf_counter() - started


def bench_sqlite(gt: Path, dets: Path) -> None:
    print("SQLite, embedded runner", flush=True)
    settings = Settings(database_url=f"sqlite:///{DATA / 'evaluate_job.db'}")
    key, dataset, model = asyncio.run(prepare(settings, gt, dets))
    with serve(settings) as base:
        for run in range(2):
            seconds = asyncio.run(run_jobs(base, key, dataset, model, [{}]))
            print(f"  run {run + 1}: mutation → COMPLETED {seconds:.2f} s", flush=True)


def bench_postgresql(gt: Path, dets: Path) -> None:
    print("PostgreSQL + Redis, arq workers", flush=True)
    url = asyncio.run(kept_pg_database(PG_NAME))
    queue = f"matchscope-bench-{uuid.uuid4().hex[:8]}"
    os.environ["MATCHSCOPE_QUEUE_NAME"] = queue
    settings = Settings(database_url=url, redis_url=REDIS_URL)
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "MATCHSCOPE_QUEUE_NAME": queue}
    both: list[dict[str, object]] = [{}, {"classAgnostic": False}]
    for workers in (1, 2):
        key, dataset, model = asyncio.run(prepare(settings, gt, dets))
        logs = [(DATA / f"evaluate_job-worker{index}.log").open("wb") for index in range(workers)]
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "matchscope", "worker"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
            for log in logs
        ]
        try:
            time.sleep(6)  # worker start-up: imports, migrations check, numba cache load
            with serve(settings) as base:
                if workers == 1:
                    seconds = asyncio.run(run_jobs(base, key, dataset, model, [{}]))
                    print(f"  1 worker, 1 job: mutation → COMPLETED {seconds:.2f} s", flush=True)
                key, dataset, model = asyncio.run(prepare(settings, gt, dets))
                seconds = asyncio.run(run_jobs(base, key, dataset, model, both))
                print(f"  {workers} worker(s), 2 jobs at once: all COMPLETED after {seconds:.2f} s", flush=True)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            for log in logs:
                log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--images", type=int, default=5000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="    %(name)s: %(message)s")
    logging.getLogger("matchscope.services.evaluate").setLevel(logging.INFO)
    gt, dets = dataset_files(args.images)
    if args.backend in {"sqlite", "all"}:
        bench_sqlite(gt, dets)
    if args.backend in {"postgresql", "all"}:
        bench_postgresql(gt, dets)


if __name__ == "__main__":
    main()

"""Page latency under mixed load (issue #18): 8 clients reading pages of entries, idle against while a job runs and
uploads go on.

    .venv/bin/python bench/load.py [--backend sqlite|postgresql] [--images 150] [--job-images 600] [--seconds 8]

Builds a synthetic COCO-shaped pair to browse and one to evaluate (matchscope.engine.synthetic), starts
`matchscope serve` and `matchscope worker` (one item per chunk, so the job runs for a while) as their own
processes, evaluates the browsed pair, then measures page latency (a page of 50 false positives, following cursors)
with `--clients` clients in this process: first idle for `--seconds`, then while a job evaluates the other pair and
batches of 200 predictions are uploaded, until the job ends. Prints p50/p99 of both, the p99 ratio (target ≤ 2),
the errors (target 0) and the load average before and after. tests/jobs/test_load.py checks the errors in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchscope.engine.synthetic import generate_coco  # noqa: E402
from matchscope.schema.ids import to_global_id  # noqa: E402
from matchscope.services import accounts  # noqa: E402
from matchscope.settings import Settings  # noqa: E402
from matchscope.state import AppState  # noqa: E402
from matchscope.store.db import transaction  # noqa: E402
from matchscope.store.migrate import upgrade  # noqa: E402
from tests.conftest import temporary_pg_database  # noqa: E402
from tests.jobs.conftest import SUBMIT, import_coco  # noqa: E402
from tests.jobs.load import Load, mixed_load  # noqa: E402
from tests.jobs.servers import MATCHSCOPE_WORKER, REDIS_URL, free_port  # noqa: E402

JOB = "query($id: ID!) { job(id: $id) { status } }"


async def _prepare(database_url: str, images: int, job_images: int) -> dict[str, Any]:
    state = AppState.create(Settings(database_url=database_url))
    try:
        await upgrade(state.engine)
        async with transaction(state.sessions) as session:
            issued = await accounts.create_key(session, account_name="bench")
        gt, dets = generate_coco(images=images, seed=1, dets_per_image=20, categories=8)
        browsed = await import_coco(state, issued.account_id, gt, dets, name="browsed")
        job_gt, job_dets = generate_coco(images=job_images, seed=2, dets_per_image=20, categories=8)
        running = await import_coco(state, issued.account_id, job_gt, job_dets, name="running")
    finally:
        await state.close()
    return {
        "key": issued.secret,
        "browsed": {"d": to_global_id("Dataset", browsed[0]), "m": to_global_id("Model", browsed[1])},
        "running": {"d": to_global_id("Dataset", running[0]), "m": to_global_id("Model", running[1])},
        "items": [str(image["file_name"]) for image in gt["images"]],
    }


async def _gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def _evaluate(http: httpx.AsyncClient, ids: dict[str, str]) -> str:
    job = (await _gql(http, SUBMIT, ids))["calculateEvaluationMetrics"]
    assert job["__typename"] == "AsyncJob", job
    return str(job["id"])


async def _wait(http: httpx.AsyncClient, job_id: str) -> str:
    while True:
        status = str((await _gql(http, JOB, {"id": job_id}))["job"]["status"])
        if status not in {"QUEUED", "RUNNING"}:
            return status
        await asyncio.sleep(0.2)


def _summary(name: str, load: Load) -> str:
    milliseconds = sorted(1000 * latency for latency in load.latencies)
    return (
        f"{name:>7}: {len(milliseconds)} pages, p50 {statistics.median(milliseconds):.1f} ms, "
        f"p99 {1000 * load.p99():.1f} ms, uploads {load.uploads}, errors {len(load.failures)}"
    )


async def _measure(base: str, data: dict[str, Any], clients: int, seconds: float) -> tuple[Load, Load]:
    headers = {"Authorization": f"Bearer {data['key']}"}
    https = [httpx.AsyncClient(base_url=base, headers=headers, timeout=60) for _ in range(clients)]
    try:
        status = await _wait(https[0], await _evaluate(https[0], data["browsed"]))
        assert status == "COMPLETED", status
        end = time.monotonic() + seconds
        idle = await mixed_load(https, data["browsed"], lambda: time.monotonic() > end)
        job = await _evaluate(https[0], data["running"])
        finished = asyncio.Event()

        async def job_ends() -> None:
            try:
                assert await _wait(https[0], job) == "COMPLETED"
            finally:
                finished.set()

        upload = ({"d": data["browsed"]["d"], "m": data["upload_model"]}, data["items"])
        loaded = await mixed_load(https, data["browsed"], finished.is_set, upload=upload, meanwhile=job_ends())
    finally:
        for http in https:
            await http.aclose()
    return idle, loaded


async def _upload_model(base: str, key: str) -> str:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}) as http:
        created = await _gql(
            http,
            'mutation { createModel(input: {name: "uploads", referenceId: "uploads"}) { ... on Model { id } } }',
            {},
        )
    return str(created["createModel"]["id"])


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "matchscope serve exited"
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("matchscope serve did not answer")


def run(database_url: str, args: argparse.Namespace) -> None:
    data = asyncio.run(_prepare(database_url, args.images, args.job_images))
    queue = f"matchscope-bench-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "MATCHSCOPE_QUEUE_NAME": queue,
        "MATCHSCOPE_CHUNK_ITEMS": "1",
        "MATCHSCOPE_LOG_LEVEL": "warning",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "matchscope", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    worker = subprocess.Popen(list(MATCHSCOPE_WORKER), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(base, server)
        data["upload_model"] = asyncio.run(_upload_model(base, data["key"]))
        print(f"load average before: {os.getloadavg()}")
        for round_number in range(args.rounds):
            idle, loaded = asyncio.run(_measure(base, data, args.clients, args.seconds))
            print(f"round {round_number + 1}, {args.clients} clients")
            print(_summary("idle", idle))
            print(_summary("loaded", loaded))
            print(f"  p99 loaded / idle: {loaded.p99() / idle.p99():.2f} (target <= 2)")
            for failure in (idle.failures + loaded.failures)[:5]:
                print(f"  error: {failure}")
        print(f"load average after: {os.getloadavg()}")
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--images", type=int, default=150, help="items of the browsed dataset")
    parser.add_argument("--job-images", type=int, default=600, help="items of the dataset the job evaluates")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of the idle measurement")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            run(f"sqlite:///{directory}/load.db", args)
    else:
        databases = temporary_pg_database("matchscope_load")
        run(next(databases), args)
        databases.close()


if __name__ == "__main__":
    main()

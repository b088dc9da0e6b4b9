"""Issue #18's load check, for errors: 8 clients read pages of entries from a real server while a `matchscope worker`
runs a job and uploads go on; every request succeeds. (Page latency against idle is measured by bench/load.py:
timed checks belong in benchmarks.)"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from matchscope.engine.synthetic import generate_coco
from matchscope.schema.ids import to_global_id
from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import import_coco, wait_finished
from tests.jobs.load import mixed_load
from tests.jobs.servers import REDIS_URL, serve
from tests.jobs.test_faults import FAST, completed_rows, submit

pytestmark = pytest.mark.serial

CLIENTS = 8


@pytest.fixture
def settings(database_url: str, queue_name: str) -> Settings:
    return Settings(database_url=database_url, redis_url=REDIS_URL, debug=True)


async def test_pages_uploads_and_a_job_at_once_fail_nothing(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any
) -> None:
    gt, dets = generate_coco(images=150, seed=1, dets_per_image=10, categories=8)
    browsed_dataset, browsed_model = await import_coco(state, caller.account_id, gt, dets, name="browsed")
    other_gt, other_dets = generate_coco(images=150, seed=2, dets_per_image=10, categories=8)
    dataset, model = await import_coco(state, caller.account_id, other_gt, other_dets, name="running")
    browsed = {"d": to_global_id("Dataset", browsed_dataset), "m": to_global_id("Model", browsed_model)}
    running = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    created = await gql(
        'mutation { createModel(input: {name: "uploads", referenceId: "uploads"}) { ... on Model { id } } }'
    )
    uploads = (
        {"d": browsed["d"], "m": created["createModel"]["id"]},
        [str(image["file_name"]) for image in gt["images"]],
    )
    start_worker(**FAST)
    await completed_rows(gql, state, await submit(gql, browsed))

    job = await submit(gql, running)
    finished = asyncio.Event()

    async def job_ends() -> dict[str, Any]:
        try:
            return await wait_finished(gql, job, limit_s=120)
        finally:
            finished.set()

    with serve(state.settings) as base:
        headers = {"Authorization": f"Bearer {caller.key}"}
        clients = [httpx.AsyncClient(base_url=f"http://{base}", headers=headers, timeout=30) for _ in range(CLIENTS)]
        try:
            ending = asyncio.ensure_future(job_ends())
            load = await mixed_load(clients, browsed, finished.is_set, upload=uploads, meanwhile=ending)
        finally:
            for http in clients:
                await http.aclose()
    assert ending.result()["status"] == "COMPLETED"
    assert load.failures == []
    assert len(load.latencies) >= CLIENTS and load.uploads > 0

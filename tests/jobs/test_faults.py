"""Faults an operator meets, with real `matchscope worker` processes: Redis restarted mid-job (a private
redis-server, killed and started again on the same port) and PostgreSQL connections terminated mid-job and
mid-query. Every job ends COMPLETED with the entries of an uninterrupted run, and the service answers again
without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from sqlalchemy import update
from sqlmodel import col

from matchscope.engine.synthetic import generate_coco
from matchscope.schema.ids import expect_id, to_global_id
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import Job
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import SUBMIT, import_coco, wait_finished
from tests.jobs.servers import RedisServer, serve
from tests.jobs.test_subscription import UPDATES
from tests.jobs.test_worker import _evaluation_rows, _job_row

pytestmark = pytest.mark.serial

# Short leases: a job the queue lost is enqueued again, and a stalled one taken over, within seconds.
# One item per chunk: a job of a few hundred items runs for seconds, so a fault lands mid-job.
FAST = {"MATCHSCOPE_CHUNK_ITEMS": "1", "MATCHSCOPE_JOB_LEASE": "3"}


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
def settings(database_url: str, redis_url: str, queue_name: str) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, debug=True)


async def pairs(state: AppState, caller: Caller, images: dict[str, int]) -> list[dict[str, str]]:
    """A dataset of `images[name]` items with a model per name (synthetic COCO, its seed the name's position);
    their global ids."""
    pairs = []
    for seed, (name, count) in enumerate(images.items()):
        gt, dets = generate_coco(images=count, seed=seed, dets_per_image=10, categories=8)
        dataset, model = await import_coco(state, caller.account_id, gt, dets, name=name)
        pairs.append({"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)})
    return pairs


async def submit(gql: GraphQL, ids: dict[str, str]) -> str:
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    assert job["__typename"] == "AsyncJob", job
    return str(job["id"])


async def wait_steps(state: AppState, job_id: str, steps: int, limit_s: float = 60.0) -> None:
    async with asyncio.timeout(limit_s):
        while (row := await _job_row(state, job_id)).completed_steps < steps:
            assert row.status in {"QUEUED", "RUNNING"}, row
            await asyncio.sleep(0.02)
    assert row.status == "RUNNING" and row.completed_steps < row.total_steps, row


@contextlib.asynccontextmanager
async def job_held(state: AppState, job_id: str) -> AsyncIterator[None]:
    """The job's row written and not committed: its worker waits at its next chunk's write until the block ends,
    so what happens meanwhile happens mid-job however fast the machine is."""
    async with transaction(state.sessions) as session:
        pk = expect_id(job_id, "AsyncJob")
        await session.execute(update(Job).where(col(Job.id) == pk).values(message=col(Job.message)))
        yield


async def completed_rows(gql: GraphQL, state: AppState, job_id: str) -> Any:
    done = await wait_finished(gql, job_id, limit_s=200)
    assert done["status"] == "COMPLETED", done
    return await _evaluation_rows(state, expect_id(done["evaluation"]["id"], "Evaluation"))


async def test_jobs_survive_a_redis_restart(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, redis_server: RedisServer
) -> None:
    """Redis dies (SIGKILL) while a job runs and another waits in its queue, and comes back empty on the same port:
    the running job completes with the entries of an uninterrupted run, the lost one is enqueued again, and the API
    enqueues new jobs on the new Redis."""
    running, waiting, later = await pairs(state, caller, {"running": 100, "waiting": 20, "later": 20})
    start_worker(**FAST)
    expected = await completed_rows(gql, state, await submit(gql, running))

    job = await submit(gql, running)
    lost = await submit(gql, waiting)
    await wait_steps(state, job, 9)
    async with job_held(state, job):
        redis_server.kill()
        await asyncio.sleep(1.0)  # the worker's polling finds Redis gone
        before = (await _job_row(state, job)).completed_steps
    # The worker goes on with its job while Redis is away.
    await wait_steps(state, job, before + 5)
    redis_server.start()

    after = await submit(gql, later)
    again = await completed_rows(gql, state, job)
    assert again == expected
    assert len(set(again[0])) == len(again[0])
    for job_id in (lost, after):
        rows = await completed_rows(gql, state, job_id)
        assert rows[0] and len(set(rows[0])) == len(rows[0])
    row = await _job_row(state, job)
    assert row.attempts == 1, "the running job was not interrupted"


class Updates:
    """One `jobUpdates` subscription over a real websocket, read in the background: each message with the time
    it arrived."""

    def __init__(self, base: str, key: str, job_id: str) -> None:
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.opened = asyncio.get_running_loop().time()
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._read(base, key, job_id))

    async def _read(self, base: str, key: str, job_id: str) -> None:
        loop = asyncio.get_running_loop()
        async with websockets.connect(f"ws://{base}/graphql", subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
            await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))
            assert json.loads(await socket.recv())["type"] == "connection_ack"
            payload = {"query": UPDATES, "variables": {"id": job_id}}
            await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            while True:
                message = json.loads(await socket.recv())
                self.messages.append((loop.time(), message))
                self._arrived.set()
                if message["type"] in {"complete", "error"}:
                    return

    def updates(self, since: float = 0.0) -> list[dict[str, Any]]:
        return [m["payload"]["data"]["jobUpdates"] for at, m in self.messages if m["type"] == "next" and at >= since]

    async def first(self, limit_s: float) -> tuple[float, dict[str, Any]]:
        await asyncio.wait_for(self._arrived.wait(), limit_s)
        return self.messages[0]

    async def steps_beyond(self, steps: int, limit_s: float = 30.0) -> None:
        async with asyncio.timeout(limit_s):
            while not any(u["completedSteps"] > steps for u in self.updates()):
                assert not self._task.done(), self.messages
                await asyncio.sleep(0.02)

    async def finished(self, limit_s: float = 200.0) -> list[dict[str, Any]]:
        await asyncio.wait_for(self._task, limit_s)
        assert self.messages[-1][1]["type"] == "complete", self.messages[-3:]
        updates = self.updates()
        assert updates[-1]["status"] == "COMPLETED" and updates[-1]["evaluation"]["isCurrent"], updates[-3:]
        steps = [u["completedSteps"] for u in updates]
        assert steps == sorted(steps), steps
        return updates


async def test_job_updates_go_on_through_a_redis_outage(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, redis_server: RedisServer
) -> None:
    """A subscription opened while Redis is down answers at once and follows the job by reading its row; one opened
    before the outage goes on the same way; once Redis is back both get every change over pub/sub again, and
    both end with COMPLETED."""
    (ids,) = await pairs(state, caller, {"long": 400})
    start_worker(**FAST)
    job = await submit(gql, ids)
    await wait_steps(state, job, 3)
    with serve(state.settings) as base:
        before = Updates(base, caller.key, job)
        await before.first(30)
        async with job_held(state, job):
            redis_server.kill()
            await asyncio.sleep(0.5)
            during = Updates(base, caller.key, job)
            at, first = await during.first(10)
            held = (await _job_row(state, job)).completed_steps
        print(f"a subscription opened while Redis was down answered in {at - during.opened:.2f} s")
        assert first["type"] == "next" and first["payload"]["data"]["jobUpdates"]["status"] == "RUNNING", first
        assert at - during.opened < 3.0, "the new subscription waited for Redis"
        # Redis still down: both follow the job by reading its row.
        await during.steps_beyond(held)
        await before.steps_beyond(held)
        async with job_held(state, job):
            redis_server.start()
            await asyncio.sleep(2.0)  # each subscription's next read subscribes again
            back = asyncio.get_running_loop().time()
            resumed = (await _job_row(state, job)).completed_steps
        for updates in (before, during):
            done = await updates.finished()
            after = [u for u in updates.updates(back) if u["status"] == "RUNNING"]
            # Pub/sub again: every chunk's progress arrives (the row, read once a second, would give a few).
            assert len(after) >= (400 - resumed) // 2, (resumed, [u["completedSteps"] for u in after])
            assert done[-1]["completedSteps"] == 400
    assert (await _job_row(state, job)).status == "COMPLETED"

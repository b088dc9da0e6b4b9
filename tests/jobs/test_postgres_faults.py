"""PostgreSQL's connections terminated (`pg_terminate_backend`) under a running job and concurrent page reads: the
job completes with the entries of an uninterrupted run, and the API answers every request, without a restart.
It needs PostgreSQL, so only the PostgreSQL pass runs it."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, literal, select
from sqlalchemy.engine import make_url

from matchscope.schema.ids import expect_id
from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import PG_ADMIN_URL, Caller, GraphQL
from tests.jobs.servers import REDIS_URL
from tests.jobs.test_faults import FAST, completed_rows, pairs, submit, wait_steps
from tests.jobs.test_worker import _job_row

pytestmark = [pytest.mark.serial, pytest.mark.postgresql_only]

PAGE = """query($d: ID!, $m: ID!, $a: String) { evaluation(datasetId: $d, modelId: $m) {
  matches(filter: {outcomes: [FALSE_POSITIVE]}, first: 50, after: $a) { pageInfo { hasNextPage endCursor }
    edges { node { iou confidence predictionLabel item { referenceId } } } } } }"""


@pytest.fixture
def settings(database_url: str, queue_name: str) -> Settings:
    return Settings(database_url=database_url, redis_url=REDIS_URL, debug=True)


async def terminate_backends(database_url: str) -> int:
    """Terminate every server process of the database (the admin connection is on another database)."""
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        terminated = await admin.fetchval(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            make_url(database_url).database,
        )
    finally:
        await admin.close()
    return int(terminated)


async def read_pages(client: httpx.AsyncClient, caller: Caller, ids: dict[str, str], stop: asyncio.Event) -> Any:
    """Reads pages of false positives one after the other until `stop`; (pages read, failures)."""
    pages, failures = 0, []
    cursor = None
    while not stop.is_set() and len(failures) < 20:
        await asyncio.sleep(0)  # an in-process request may never wait: let the test's other tasks run
        try:
            response = await client.post(
                "/graphql", json={"query": PAGE, "variables": {**ids, "a": cursor}}, headers=caller.headers
            )
            body = response.json()
            if response.status_code != 200 or "errors" in body:
                failures.append(body)
                continue
            info = body["data"]["evaluation"]["matches"]["pageInfo"]
        except Exception as error:  # a failed request is what this test counts
            failures.append(repr(error))
            continue
        pages += 1
        cursor = info["endCursor"] if info["hasNextPage"] else None
    return pages, failures


async def test_killed_postgresql_connections_cost_no_request_and_no_job(
    client: httpx.AsyncClient, gql: GraphQL, state: AppState, caller: Caller, start_worker: Any
) -> None:
    (ids,) = await pairs(state, caller, {"killed": 100})
    start_worker(**FAST)
    expected = await completed_rows(gql, state, await submit(gql, ids))

    job = await submit(gql, ids)
    stop = asyncio.Event()
    readers = [asyncio.create_task(read_pages(client, caller, ids, stop)) for _ in range(4)]
    try:
        await wait_steps(state, job, 9)
        # The job's row locked: the worker waits at its next chunk's write, inside that chunk's transaction.
        holder = await asyncpg.connect(make_url(state.settings.database_url).render_as_string(hide_password=False))
        await holder.execute("BEGIN")
        await holder.execute("SELECT 1 FROM job WHERE id = $1 FOR UPDATE", expect_id(job, "AsyncJob"))
        # A read that the termination interrupts runs again on a new connection.
        slow_read = asyncio.create_task(state.reads.fetch(select(func.pg_sleep(0.5), literal(7))))
        await asyncio.sleep(0.2)
        killed = [await terminate_backends(state.settings.database_url)]  # the holder's session too
        holder.terminate()
        assert (await slow_read)[0][1] == 7
        for _ in range(2):  # mid-job (a chunk's transaction, the heartbeat) and mid-query (the page reads)
            await asyncio.sleep(0.5)
            killed.append(await terminate_backends(state.settings.database_url))
        # Not ERRORED: the killed run starts again under its lease (an idle machine may already have finished it).
        assert (await _job_row(state, job)).status in ("RUNNING", "COMPLETED")
        again = await completed_rows(gql, state, job)
    finally:
        stop.set()
        results = await asyncio.gather(*readers)
    assert all(count > 0 for count in killed), killed
    assert again == expected
    assert len(set(again[0])) == len(again[0])
    assert (await _job_row(state, job)).attempts >= 2  # it was started again
    assert [failures for _pages, failures in results] == [[]] * len(readers)
    assert all(pages > 0 for pages, _failures in results)

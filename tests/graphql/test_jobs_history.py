"""Query.jobs: the account's jobs newest first, keyset pages, a status filter, totalCount; Evaluation.job and
createdAt."""

from __future__ import annotations

from typing import Any

import pytest

from matchscope.schema.ids import to_global_id
from matchscope.services.evaluate import JobStatus, JobType
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import Job
from tests.conftest import Caller, GraphQL
from tests.graphql.browse_data import store_evaluation

JOBS = """query($s: [JobStatus!], $first: Int, $after: String) {
  jobs(statuses: $s, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id status type createdAt } } } }"""
# Statuses in insertion order: ids grow with time, so newest first is this list reversed.
PLAN = [JobStatus.COMPLETED, JobStatus.ERRORED, JobStatus.QUEUED, JobStatus.COMPLETED, JobStatus.CANCELLED,
        JobStatus.RUNNING, JobStatus.COMPLETED, JobStatus.QUEUED, JobStatus.ERRORED, JobStatus.COMPLETED,
        JobStatus.RUNNING]  # fmt: skip


async def _jobs(state: AppState, account_id: int, statuses: list[JobStatus]) -> list[tuple[str, str]]:
    """(global id, status) of new jobs of the account, in insertion order."""
    made = []
    async with transaction(state.sessions) as session:
        for status in statuses:
            job = Job(account_id=account_id, type=JobType.EVALUATION.value, status=status.value)
            session.add(job)
            await session.flush()
            assert job.id is not None
            made.append((to_global_id("AsyncJob", job.id), status.value))
    return made


async def _all_pages(gql: GraphQL, statuses: list[str] | None, size: int, *, as_: Caller | None = None) -> Any:
    nodes: list[dict[str, Any]] = []
    after = None
    totals = set()
    while True:
        page = (await gql(JOBS, {"s": statuses, "first": size, "after": after}, as_=as_))["jobs"]
        totals.add(page["totalCount"])
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert len(page["edges"]) <= size
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            (total,) = totals
            return nodes, total
        assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("size", [1, 3, 100])
async def test_jobs_newest_first_in_keyset_pages(
    gql: GraphQL, state: AppState, caller: Caller, make_caller: Any, size: int
) -> None:
    mallory = await make_caller("mallory")
    await _jobs(state, mallory.account_id, [JobStatus.QUEUED, JobStatus.COMPLETED])
    mine = await _jobs(state, caller.account_id, PLAN)
    await _jobs(state, mallory.account_id, [JobStatus.RUNNING])
    nodes, total = await _all_pages(gql, None, size)
    assert [(node["id"], node["status"]) for node in nodes] == mine[::-1]
    assert total == len(PLAN)
    assert all(node["type"] == "EVALUATION" and node["createdAt"].endswith("+00:00") for node in nodes)


@pytest.mark.parametrize(
    "statuses",
    [["COMPLETED"], ["QUEUED", "RUNNING"], ["ERRORED", "CANCELLED", "COMPLETED"], list(JobStatus), []],
)
async def test_jobs_by_status(gql: GraphQL, state: AppState, caller: Caller, statuses: list[str]) -> None:
    mine = await _jobs(state, caller.account_id, PLAN)
    nodes, total = await _all_pages(gql, statuses, 2)
    expected = [job for job in mine[::-1] if job[1] in statuses]
    assert [(node["id"], node["status"]) for node in nodes] == expected
    assert total == len(expected)


async def test_jobs_are_account_scoped(gql: GraphQL, state: AppState, caller: Caller, make_caller: Any) -> None:
    mallory = await make_caller("mallory")
    mine = await _jobs(state, caller.account_id, PLAN[:4])
    theirs = await _jobs(state, mallory.account_id, PLAN[4:])
    nodes, total = await _all_pages(gql, None, 100, as_=mallory)
    assert [node["id"] for node in nodes] == [job_id for job_id, _ in theirs[::-1]] and total == len(theirs)
    # A cursor names only a position: with another account's cursor, still only your own jobs.
    cursor = (await gql(JOBS, {"first": 1}, as_=mallory))["jobs"]["edges"][0]["cursor"]
    page = (await gql(JOBS, {"first": 100, "after": cursor}))["jobs"]
    assert {edge["node"]["id"] for edge in page["edges"]} <= {job_id for job_id, _ in mine}
    assert page["totalCount"] == len(mine)


@pytest.mark.parametrize(("variables", "field"), [({"first": 101}, "first"), ({"after": "bm9wZQ"}, "after")])
async def test_bad_page_arguments_are_refused(
    client: Any, caller: Caller, variables: dict[str, Any], field: str
) -> None:
    response = await client.post("/graphql", json={"query": JOBS, "variables": variables}, headers=caller.headers)
    (error,) = response.json()["errors"]
    assert field in error["message"]


async def test_unknown_status_is_refused(client: Any, caller: Caller) -> None:
    response = await client.post("/graphql", json={"query": JOBS, "variables": {"s": ["DONE"]}}, headers=caller.headers)
    (error,) = response.json()["errors"]
    assert "DONE" in error["message"]


async def test_evaluation_job_and_created_at(gql: GraphQL, state: AppState, caller: Caller, make_caller: Any) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=2, items=5, via_service=True)
    query = """query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { id createdAt
      job { id status evaluation { id } } } jobs { edges { node { id evaluation { id job { id } } } } } }"""
    ids = {"d": to_global_id("Dataset", stored.dataset_id), "m": to_global_id("Model", stored.model_id)}
    data = await gql(query, ids)
    evaluation = data["evaluation"]
    assert evaluation["createdAt"].endswith("+00:00")
    assert evaluation["job"]["status"] == "COMPLETED"
    assert evaluation["job"]["evaluation"]["id"] == evaluation["id"]
    (edge,) = data["jobs"]["edges"]
    assert edge["node"]["id"] == evaluation["job"]["id"]
    assert edge["node"]["evaluation"] == {"id": evaluation["id"], "job": {"id": evaluation["job"]["id"]}}
    mallory = await make_caller("mallory")
    assert (await gql("{ jobs { totalCount edges { node { id } } } }", as_=mallory))["jobs"] == {
        "totalCount": 0,
        "edges": [],
    }


def test_jobs_page_is_costed_at_its_first() -> None:
    from tests.security.test_query_cost import _cost

    # jobs 1 + edges 7 x (edge 1 + node 1 + evaluation 1 + job 1)
    assert _cost("{ jobs(first: 7) { edges { node { id evaluation { job { id } } } } } }") == 1 + 7 * 4
    assert _cost("query($n: Int) { jobs(first: $n) { totalCount edges { node { id errors } } } }") == 1 + 100 * 2

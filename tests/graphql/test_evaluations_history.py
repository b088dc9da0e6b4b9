"""Query.evaluations: the account's completed evaluations, newest first, superseded ones too, keyset pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import Dataset, Evaluation, Model
from tests.conftest import Caller, GraphQL

HISTORY = """query($d: ID, $m: ID, $first: Int, $after: String) {
  evaluations(datasetId: $d, modelId: $m, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id isCurrent dataset { name } model { name } } } } }"""


async def _history(state: AppState, account_id: int) -> dict[str, Any]:
    """Two datasets, two models; on (d1, m1) three completed evaluations (the last current) and one running."""
    async with transaction(state.sessions) as session:
        datasets = [Dataset(account_id=account_id, name=name) for name in ("d1", "d2")]
        models = [Model(account_id=account_id, name=name, reference_id=name) for name in ("m1", "m2")]
        session.add_all([*datasets, *models])
        await session.flush()
        d1, d2 = (d.id for d in datasets)
        m1, m2 = (m.id for m in models)
        plan = [(d1, m1, False, True), (d1, m1, False, True), (d2, m1, True, True), (d1, m2, True, True),
                (d1, m1, True, True), (d1, m1, False, False)]  # fmt: skip
        evaluations = []
        for dataset_id, model_id, current, complete in plan:
            evaluation = Evaluation(
                account_id=account_id, dataset_id=dataset_id, model_id=model_id, is_current=current,
                is_complete=complete,
            )  # fmt: skip
            session.add(evaluation)
            await session.flush()  # ids in this order
            evaluations.append(to_global_id("Evaluation", evaluation.id))  # type: ignore[arg-type]
    return {
        "d1": to_global_id("Dataset", d1),  # type: ignore[arg-type]
        "m1": to_global_id("Model", m1),  # type: ignore[arg-type]
        "evaluations": evaluations,
    }


async def test_newest_first_with_superseded_and_without_running(gql: GraphQL, state: AppState, caller: Caller) -> None:
    made = await _history(state, caller.account_id)
    ids = made["evaluations"]
    result = (await gql(HISTORY))["evaluations"]
    assert [edge["node"]["id"] for edge in result["edges"]] == [ids[4], ids[3], ids[2], ids[1], ids[0]]
    assert result["totalCount"] == 5
    assert [edge["node"]["isCurrent"] for edge in result["edges"]] == [True, True, True, False, False]
    pair = (await gql(HISTORY, {"d": made["d1"], "m": made["m1"]}))["evaluations"]
    assert [edge["node"]["id"] for edge in pair["edges"]] == [ids[4], ids[1], ids[0]] and pair["totalCount"] == 3
    assert {edge["node"]["dataset"]["name"] for edge in pair["edges"]} == {"d1"}
    by_model = (await gql(HISTORY, {"m": made["m1"]}))["evaluations"]
    assert [edge["node"]["id"] for edge in by_model["edges"]] == [ids[4], ids[2], ids[1], ids[0]]


async def test_keyset_pages(gql: GraphQL, state: AppState, caller: Caller) -> None:
    ids = (await _history(state, caller.account_id))["evaluations"]
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(HISTORY, {"first": 2, "after": after}))["evaluations"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [ids[4], ids[3], ids[2], ids[1], ids[0]]


async def test_other_accounts_and_foreign_ids_see_nothing(
    gql: GraphQL, state: AppState, caller: Caller, make_caller: Callable[[str], Awaitable[Caller]]
) -> None:
    made = await _history(state, caller.account_id)
    intruder = await make_caller("mallory")
    for variables in ({}, {"d": made["d1"]}, {"m": made["m1"]}):
        result = (await gql(HISTORY, variables, as_=intruder))["evaluations"]
        assert result["edges"] == [] and result["totalCount"] == 0
    mistyped = (await gql(HISTORY, {"d": made["m1"]}))["evaluations"]
    assert mistyped["edges"] == [] and mistyped["totalCount"] == 0


async def test_bad_cursor_and_page_size_name_the_argument(client: httpx.AsyncClient, caller: Caller) -> None:
    for variables, argument in (
        ({"after": "bm9wZQ"}, "after"),
        ({"after": "WyJ4Il0"}, "after"),
        ({"first": 101}, "first"),
    ):
        body = (
            await client.post("/graphql", json={"query": HISTORY, "variables": variables}, headers=caller.headers)
        ).json()
        assert body["data"] is None and f"{argument} = " in body["errors"][0]["message"], body

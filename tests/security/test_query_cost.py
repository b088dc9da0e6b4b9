"""The query cost bound, the caps of plain lists and their connections, against the app under real uvicorn."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from graphql import OperationDefinitionNode, TypeInfo, ValidationContext, parse
from graphql import build_schema as graphql_schema_from_sdl

from matchscope.resolvers.root import build_schema
from matchscope.schema.context import Context
from matchscope.schema.cost import PLAIN_LIST_CAP, BudgetExceeded, operation_cost
from matchscope.services.actor import Actor
from matchscope.services.errors import ValidationFailed
from matchscope.services.evaluation.options import MAX_LABEL_MATCHES, validate_options
from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import Caller
from tests.security.bounded import served, while_in_flight
from tests.security.views import GALLERY_PAGE, ITEM_DETAIL, VIEWS

MakeCaller = Callable[[str], Awaitable[Caller]]


def _bomb(depth: int) -> str:
    """`annotations { item { annotations { ... } } }`: `depth` levels of fields under `node`."""
    inner = "id"
    for _ in range((depth - 2) // 2):
        inner = f"annotations {{ item {{ {inner} }} }}"
    return f"query($id: ID!) {{ node(id: $id) {{ ... on DatasetItem {{ {inner} }} }} }}"


def _cost(query: str) -> int:
    schema = graphql_schema_from_sdl(build_schema().as_str())
    document = parse(query)
    context = ValidationContext(schema, document, TypeInfo(schema), lambda _error: None)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    return operation_cost(context, operation)[0]


@pytest.mark.database_independent
@pytest.mark.parametrize("name", list(VIEWS))
def test_real_views_fit_the_default_bound(name: str) -> None:
    assert 0 < _cost(VIEWS[name]) <= Settings().max_query_cost


@pytest.mark.database_independent
def test_costs_multiply_through_nesting_and_pages() -> None:
    # node 1 + annotations 1,000 x (itself 1 + item 1 + annotations 1,000 x (itself 1 + item 1))
    assert _cost(_bomb(6)) == 1 + PLAIN_LIST_CAP * (2 + PLAIN_LIST_CAP * 2)
    page = "{ datasets(first: 7) { edges { node { id } } pageInfo { hasNextPage } } }"
    assert _cost(page) == 1 + 7 * 2 + 1
    # A variable `first` counts at the page cap, a missing one at the default page.
    assert _cost("query($n: Int) { datasets(first: $n) { edges { node { id } } } }") == 1 + 100 * 2
    assert _cost("{ datasets { edges { node { id } } } }") == 1 + 20 * 2
    # Fragments count where they are spread; repeated spreads are costed once per place, not walked again.
    spread = "query { datasets(first: 5) { ...D } } fragment D on DatasetConnection { edges { node { id } } }"
    assert _cost(spread) == 1 + 5 * 2


@pytest.mark.database_independent
def test_a_matchs_nearest_ground_truth_counts_two_objects() -> None:
    """`nearestGroundTruth` and its `groundTruth` are one object each per entry; `errorType` is a scalar."""
    page = "{{ evaluation(datasetId: 1, modelId: 1) {{ matches(first: 3) {{ edges {{ node {{ id {} }} }} }} }} }}"
    plain = _cost(page.format("errorType"))
    assert plain == 1 + 1 + 3 * (1 + 1)
    assert _cost(page.format("nearestGroundTruth { iou groundTruth { id label } }")) == plain + 3 * 2


@pytest.mark.serial  # times a cheap query while the bad request is in flight
async def test_list_bomb_is_refused_before_execution(state: AppState, make_caller: MakeCaller) -> None:
    alice, bob = await make_caller("alice"), await make_caller("bob")
    async with served(state.settings, alice) as app:
        _dataset, item = await app.dataset_with_item(300)
        started = time.perf_counter()
        response, cheap = await while_in_flight(app.post(_bomb(9), {"id": item}), app, bob)
        elapsed = time.perf_counter() - started
    body = response.json()
    assert response.status_code == 200 and body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_COST"
    assert error["extensions"]["bound"] == 20_000 and error["extensions"]["cost"] > 10**9
    assert "over the bound of 20,000" in error["message"] and f"{error['extensions']['cost']:,}" in error["message"]
    assert "nothing was written" not in error["message"]
    assert elapsed < 2 and cheap < 1


async def test_the_bound_is_a_setting(state: AppState, caller: Caller) -> None:
    variables = {"d": "x", "m": "y"}
    async with served(state.settings.model_copy(update={"max_query_cost": 400}), caller) as app:
        refused = (await app.post(GALLERY_PAGE, variables)).json()
        assert refused["errors"][0]["extensions"] == {"code": "QUERY_COST", "cost": 503, "bound": 400}
        smaller = GALLERY_PAGE.replace("first: 100", "first: 50")
        assert (await app.data(smaller, variables))["evaluation"] is None


async def test_an_item_reads_whole_up_to_the_cap(state: AppState, caller: Caller) -> None:
    async with served(state.settings, caller) as app:
        _dataset, item = await app.dataset_with_item(PLAIN_LIST_CAP)
        model = await app.data('mutation { createModel(input: {name: "m", referenceId: "m"}) { ... on Model { id } } }')
        variables = {"item": item, "m": model["createModel"]["id"], "e": "RXZhbHVhdGlvbjox"}
        node = (await app.data(ITEM_DETAIL, variables))["node"]
    assert len(node["annotations"]) == PLAIN_LIST_CAP
    assert len({box["annotationId"] for box in node["annotations"]}) == PLAIN_LIST_CAP


async def test_an_item_over_the_cap_is_refused_and_read_through_its_connection(state: AppState, caller: Caller) -> None:
    boxes = PLAIN_LIST_CAP + 5
    async with served(state.settings, caller) as app:
        _dataset, item = await app.dataset_with_item(boxes)
        whole = await app.post(
            "query($id: ID!) { node(id: $id) { ... on DatasetItem { annotations { id } } } }", {"id": item}
        )
        body = whole.json()
        assert body["data"] == {"node": None}
        message = body["errors"][0]["message"]
        assert message.startswith("DatasetItem.annotations refused: item 'img.jpg' has more than 1,000")
        assert "annotationsConnection(first, after)" in message
        seen: list[str] = []
        after = None
        query = """query($id: ID!, $a: String) { node(id: $id) { ... on DatasetItem {
          annotationsConnection(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { annotationId } } } } } }"""
        while True:
            page = (await app.data(query, {"id": item, "a": after}))["node"]["annotationsConnection"]
            assert page["totalCount"] == boxes
            seen += [edge["node"]["annotationId"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        too_big = await app.post(query.replace("first: 100", "first: 101"), {"id": item})
        assert "first = 101: must be between 0 and 100" in too_big.json()["errors"][0]["message"]
    assert sorted(seen) == sorted(f"a{i}" for i in range(boxes))


async def test_predictions_connection_pages_one_models_boxes(state: AppState, caller: Caller) -> None:
    async with served(state.settings, caller) as app:
        dataset, item = await app.dataset_with_item(0)
        model = await app.data('mutation { createModel(input: {name: "m", referenceId: "m"}) { ... on Model { id } } }')
        model_id = model["createModel"]["id"]
        rows = [{"itemReferenceId": "img.jpg", "label": "cat", "x": float(i), "y": 0.0, "width": 1.0, "height": 1.0,
                 "confidence": 0.5, "annotationId": f"p{i}"} for i in range(3)]  # fmt: skip
        upload = "mutation($d: ID!, $m: ID!, $b: [BoxPredictionInput!]!) { uploadPredictions(datasetId: $d, modelId: $m, predictions: $b) { __typename } }"
        await app.data(upload, {"d": dataset, "m": model_id, "b": rows})
        query = """query($id: ID!, $m: ID!) { node(id: $id) { ... on DatasetItem {
          predictionsConnection(modelId: $m, first: 2) { totalCount edges { node { annotationId } } pageInfo { hasNextPage } } } } }"""
        page = (await app.data(query, {"id": item, "m": model_id}))["node"]["predictionsConnection"]
        foreign = (await app.data(query, {"id": item, "m": "TW9kZWw6OTk5OQ"}))["node"]["predictionsConnection"]
    assert [edge["node"]["annotationId"] for edge in page["edges"]] == ["p0", "p1"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"]
    assert foreign == {"totalCount": 0, "edges": [], "pageInfo": {"hasNextPage": False}}


async def test_execution_budget_stops_a_request_past_the_bound(state: AppState) -> None:
    context = Context(Actor(0, replace(state, settings=state.settings.model_copy(update={"max_query_cost": 10}))))
    context.charge(10)
    with pytest.raises(BudgetExceeded, match="read 11 objects, over the bound of 10"):
        context.charge(1)


@pytest.mark.database_independent
def test_allowed_label_matches_are_bounded_as_the_cost_counts_them() -> None:
    pairs = [(f"g{i}", f"p{i}") for i in range(MAX_LABEL_MATCHES + 1)]
    with pytest.raises(ValidationFailed, match=r"options.allowedLabelMatches = '101 pairs': at most 100 pairs"):
        validate_options(None, pairs)
    assert len(validate_options(None, pairs[:-1]).allowed_label_matches) == MAX_LABEL_MATCHES
    listed = "{ evaluations(first: 10) { edges { node { id allowedLabelMatches { groundTruthLabel } } } } }"
    assert _cost(listed) == 1 + 10 * (1 + 1 + MAX_LABEL_MATCHES)

"""compareEvaluations over HTTP: metrics side by side with deltas, FIXED/BROKEN flips against the planted plan,
keyset pages, kinds, a model against itself, different datasets, foreign and unknown ids, statements per page."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from matchscope.schema.cost import PLAIN_LIST_CAP
from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
from matchscope.store.dialect import is_postgresql
from tests.conftest import Caller, GraphQL
from tests.graphql import compare_data
from tests.graphql.compare_data import Plan, Stored

FLIPS = """
query($b: ID!, $o: ID!, $t: Float!, $c: Float!, $k: [FlipKind!], $n: Int, $a: String) {
  compareEvaluations(baseId: $b, otherId: $o) {
    __typename
    ... on EvaluationComparison { base { id } other { id }
      flips(iouThreshold: $t, confidenceThreshold: $c, kinds: $k, first: $n, after: $a) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { kind groundTruth { id annotationId label } item { id referenceId }
          base { id outcome iou groundTruth { id } prediction { id annotationId } }
          other { id outcome iou groundTruth { id } prediction { id annotationId } } } } } }
    ... on ValidationError { message field }
    ... on NotFoundError { message kind id } } }
"""
METRICS = """
query($b: ID!, $o: ID!, $t: Float!, $c: Float!) {
  compareEvaluations(baseId: $b, otherId: $o) {
    __typename
    ... on EvaluationComparison { metrics(iouThreshold: $t, confidenceThreshold: $c) { label
      base { groundTruthCount predictionCount ap ap50 counts { truePositives falsePositives falseNegatives precision recall f1 } }
      other { groundTruthCount predictionCount ap ap50 counts { truePositives falsePositives falseNegatives precision recall f1 } }
      delta { truePositives falsePositives falseNegatives precision recall f1 ap ap50 } } }
    ... on ValidationError { message field }
    ... on NotFoundError { message kind id } } }
"""
EVALUATION_METRICS = """
query($d: ID!, $m: ID!, $t: Float!, $c: Float!) { evaluation(datasetId: $d, modelId: $m) {
  metrics(iouThreshold: $t, confidenceThreshold: $c) {
    overall { truePositives falsePositives falseNegatives precision recall f1 }
    perClass { label groundTruthCount predictionCount counts { truePositives falsePositives falseNegatives precision recall f1 } } }
  coco { overall { ap ap50 } perClass { label stats { ap ap50 } } } } }
"""
THRESHOLDS = [(0.5, 0.0), (0.75, 0.0), (0.5, 0.5), (0.9, 0.7)]


@pytest.fixture
async def stored(state: AppState, caller: Caller) -> Stored:
    return await compare_data.store(state, caller.account_id, compare_data.make_plan(seed=3))


def _evaluation(stored: Stored, model: str) -> str:
    return to_global_id("Evaluation", stored.evaluation_ids[model])


def _planted_flips(stored: Stored, t: float, c: float) -> list[tuple[str, str]]:
    """(ground truth annotation id, kind) in page order: the other's IoU descending, then ground-truth id."""
    plan = stored.plan
    flips = []
    for index, ground_truth_id in enumerate(stored.ground_truth_ids):
        base = compare_data.true_positive(plan, "base", index, t, c)
        other = compare_data.true_positive(plan, "other", index, t, c)
        if base != other:
            key = (compare_data.pair_iou(plan, "other", index), ground_truth_id)
            flips.append((key, f"g{index}", "FIXED" if other else "BROKEN"))
    flips.sort(reverse=True)
    return [(annotation_id, kind) for _key, annotation_id, kind in flips]


async def _all_flips(
    gql: GraphQL, base: str, other: str, *, t: float = 0.5, c: float = 0.0, kinds: list[str] | None = None,
    size: int = 100,
) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"b": base, "o": other, "t": t, "c": c, "k": kinds, "n": size, "a": after}
        result = (await gql(FLIPS, variables))["compareEvaluations"]
        assert result["__typename"] == "EvaluationComparison", result
        page = result["flips"]
        assert len(page["edges"]) <= size
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_flips_are_the_planted_ones(gql: GraphQL, stored: Stored, t: float, c: float) -> None:
    expected = _planted_flips(stored, t, c)
    assert {kind for _id, kind in expected} == {"FIXED", "BROKEN"}, "the plan must plant both kinds"
    nodes, total = await _all_flips(gql, _evaluation(stored, "base"), _evaluation(stored, "other"), t=t, c=c, size=3)
    assert [(node["groundTruth"]["annotationId"], node["kind"]) for node in nodes] == expected
    assert total == len(expected)
    plan = stored.plan
    for node in nodes:
        index = int(node["groundTruth"]["annotationId"][1:])
        assert node["item"]["referenceId"] == f"img{plan.items[index]}"
        assert node["groundTruth"]["label"] == plan.labels[index]
        found, missed = (node["other"], node["base"]) if node["kind"] == "FIXED" else (node["base"], node["other"])
        assert found["outcome"] == "TRUE_POSITIVE" and missed["outcome"] == "FALSE_NEGATIVE"
        assert found["groundTruth"]["id"] == missed["groundTruth"]["id"] == node["groundTruth"]["id"]
        assert found["prediction"]["annotationId"] == f"p{index}"
        assert node["other"]["iou"] == pytest.approx(compare_data.pair_iou(plan, "other", index), abs=1e-12)
        assert node["base"]["iou"] == pytest.approx(compare_data.pair_iou(plan, "base", index), abs=1e-12)


async def test_flip_entries_are_the_evaluations_own_matches(gql: GraphQL, stored: Stored) -> None:
    """Each side's entry is the Match its evaluation lists (a true positive's prediction row), by node id."""
    nodes, _total = await _all_flips(gql, _evaluation(stored, "base"), _evaluation(stored, "other"))
    query = "query($id: ID!) { node(id: $id) { ... on Match { id outcome groundTruth { id } } } }"
    for node in nodes[:6]:
        for side in (node["base"], node["other"]):
            match = (await gql(query, {"id": side["id"]}))["node"]
            assert match == {"id": side["id"], "outcome": side["outcome"], "groundTruth": side["groundTruth"]}


async def test_kinds_filter_and_pages(gql: GraphQL, stored: Stored) -> None:
    base, other = _evaluation(stored, "base"), _evaluation(stored, "other")
    expected = _planted_flips(stored, 0.5, 0.0)
    for kinds in (["FIXED"], ["BROKEN"], ["FIXED", "BROKEN"]):
        nodes, total = await _all_flips(gql, base, other, kinds=kinds, size=2)
        wanted = [pair for pair in expected if pair[1] in kinds]
        assert [(node["groundTruth"]["annotationId"], node["kind"]) for node in nodes] == wanted
        assert total == len(wanted)
    nodes, total = await _all_flips(gql, base, other, kinds=[])
    assert nodes == [] and total == 0


async def test_reversed_comparison_swaps_the_kinds(gql: GraphQL, stored: Stored) -> None:
    forward, _ = await _all_flips(gql, _evaluation(stored, "base"), _evaluation(stored, "other"))
    backward, _ = await _all_flips(gql, _evaluation(stored, "other"), _evaluation(stored, "base"))
    swap = {"FIXED": "BROKEN", "BROKEN": "FIXED"}
    assert sorted((n["groundTruth"]["id"], n["kind"]) for n in backward) == sorted(
        (n["groundTruth"]["id"], swap[n["kind"]]) for n in forward
    )


@pytest.mark.parametrize(("t", "c"), THRESHOLDS[:3])
async def test_metrics_side_by_side(gql: GraphQL, stored: Stored, t: float, c: float) -> None:
    variables = {"b": _evaluation(stored, "base"), "o": _evaluation(stored, "other"), "t": t, "c": c}
    rows = (await gql(METRICS, variables))["compareEvaluations"]["metrics"]
    sides = {}
    for model in ("base", "other"):
        ids = {"d": to_global_id("Dataset", stored.dataset_id), "m": to_global_id("Model", stored.model_ids[model])}
        sides[model] = (await gql(EVALUATION_METRICS, {**ids, "t": t, "c": c}))["evaluation"]
    assert rows[0]["label"] is None
    labels = sorted({c["label"] for side in sides.values() for c in side["metrics"]["perClass"]})
    assert [row["label"] for row in rows[1:]] == labels
    for model in ("base", "other"):
        evaluation = sides[model]
        overall = rows[0][model]
        assert overall["counts"] == evaluation["metrics"]["overall"]
        assert overall["groundTruthCount"] == len(stored.ground_truth_ids)
        assert overall["ap"] == evaluation["coco"]["overall"]["ap"]
        assert overall["ap50"] == evaluation["coco"]["overall"]["ap50"]
        by_label = {item["label"]: item for item in evaluation["metrics"]["perClass"]}
        coco = {item["label"]: item["stats"] for item in evaluation["coco"]["perClass"]}
        for row in rows[1:]:
            side, own = row[model], by_label[row["label"]]
            assert side["counts"] == own["counts"]
            assert (side["groundTruthCount"], side["predictionCount"]) == (
                own["groundTruthCount"],
                own["predictionCount"],
            )
            assert (side["ap"], side["ap50"]) == (coco[row["label"]]["ap"], coco[row["label"]]["ap50"])
    planted = _planted_flips(stored, t, c)
    for row in rows:
        for name in ("truePositives", "falsePositives", "falseNegatives", "precision", "recall", "f1"):
            assert row["delta"][name] == pytest.approx(row["other"]["counts"][name] - row["base"]["counts"][name])
        assert row["delta"]["ap"] == pytest.approx(row["other"]["ap"] - row["base"]["ap"])
        # Every true positive the other gains or loses is a planted flip of its ground truth's class.
        in_class = [
            kind for annotation_id, kind in planted
            if row["label"] is None or stored.plan.labels[int(annotation_id[1:])] == row["label"]
        ]  # fmt: skip
        assert row["delta"]["truePositives"] == in_class.count("FIXED") - in_class.count("BROKEN")
        assert row["delta"]["falseNegatives"] == -row["delta"]["truePositives"]


async def test_an_evaluation_against_itself(gql: GraphQL, state: AppState, caller: Caller, stored: Stored) -> None:
    base = _evaluation(stored, "base")
    again = to_global_id(
        "Evaluation",
        await compare_data.run_evaluation(state, caller.account_id, stored.dataset_id, stored.model_ids["base"]),
    )
    for other in (base, again):
        for t, c in THRESHOLDS:
            nodes, total = await _all_flips(gql, base, other, t=t, c=c)
            assert nodes == [] and total == 0
            rows = (await gql(METRICS, {"b": base, "o": other, "t": t, "c": c}))["compareEvaluations"]["metrics"]
            assert len(rows) == 1 + len(set(stored.plan.labels) | {a.label for a in stored.plan.answers["base"] if a})
            for row in rows:
                assert row["base"] == row["other"]
                assert set(row["delta"].values()) == {0}
    assert rows[0]["base"]["counts"]["truePositives"] > 0


async def test_different_datasets_are_refused(gql: GraphQL, state: AppState, caller: Caller, stored: Stored) -> None:
    elsewhere = await compare_data.store(
        state, caller.account_id, compare_data.make_plan(seed=4, items=2), name="other"
    )
    base, other = _evaluation(stored, "base"), _evaluation(elsewhere, "other")
    for query in (FLIPS, METRICS):
        variables = {"b": base, "o": other, "t": 0.5, "c": 0.0}
        result = (await gql(query, variables))["compareEvaluations"]
        assert result["__typename"] == "ValidationError"
        assert result["field"] == "otherId"
        assert other in result["message"] and "dataset" in result["message"]


async def test_foreign_and_unknown_ids_are_not_found(
    gql: GraphQL, state: AppState, stored: Stored, make_caller: Any
) -> None:
    bob = await make_caller("bob")
    base, other = _evaluation(stored, "base"), _evaluation(stored, "other")
    mine = await compare_data.store(state, bob.account_id, compare_data.make_plan(seed=5, items=2), name="bobs")
    bobs = _evaluation(mine, "base")
    unknown = to_global_id("Evaluation", 10**9)
    wrong_type = to_global_id("Dataset", stored.dataset_id)
    variables = {"t": 0.5, "c": 0.0}
    for b, o, missing, who in (
        (base, other, base, bob),  # alice's, asked by bob
        (bobs, other, other, bob),
        (base, unknown, unknown, None),
        (wrong_type, other, wrong_type, None),
        (base, "not an id", "not an id", None),
    ):
        result = (await gql(FLIPS, {**variables, "b": b, "o": o}, as_=who))["compareEvaluations"]
        assert result == {
            "__typename": "NotFoundError",
            "message": f"Evaluation {missing!r} not found",
            "kind": "Evaluation",
            "id": missing,
        }


async def test_a_flips_page_is_one_statement(gql: GraphQL, state: AppState, stored: Stored) -> None:
    """After the first request has loaded both evaluations' columns, a page of flips reads its entries and their
    boxes with one SQL statement, whatever its size, besides reading the two evaluation rows."""
    base, other = _evaluation(stored, "base"), _evaluation(stored, "other")
    await _all_flips(gql, base, other)
    statements: list[str] = []
    state.reads.listeners.append(statements.append)

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(state.engine.sync_engine, "before_cursor_execute", count)
    try:
        for size in (1, 4, 50):
            statements.clear()
            result = (await gql(FLIPS, {"b": base, "o": other, "t": 0.5, "c": 0.0, "n": size}))["compareEvaluations"]
            assert len(result["flips"]["edges"]) == min(size, result["flips"]["totalCount"])
            # One statement, on SQLite one per evaluation (each has its table: matchscope.store.sqlite_entries).
            pages = 1 if is_postgresql(state.engine) else 2
            assert len([s for s in statements if "match_entry" in s]) == pages, statements
            # Besides the key (read by every request): two evaluations, the page.
            assert len([s for s in statements if "FROM api_key" not in s]) == 2 + pages, statements
    finally:
        event.remove(state.engine.sync_engine, "before_cursor_execute", count)
        state.reads.listeners.remove(statements.append)


async def test_bad_arguments_name_the_field(gql: GraphQL, client: Any, caller: Caller, stored: Stored) -> None:
    base, other = _evaluation(stored, "base"), _evaluation(stored, "other")
    for variables, field in (
        ({"t": 1.5, "c": 0.0}, "iouThreshold"),
        ({"t": 0.5, "c": -0.1}, "confidenceThreshold"),
        ({"t": 0.5, "c": 0.0, "n": 101}, "first"),
        ({"t": 0.5, "c": 0.0, "a": "bogus"}, "after"),
    ):
        response = await client.post(
            "/graphql", json={"query": FLIPS, "variables": {"b": base, "o": other, **variables}}, headers=caller.headers
        )
        errors = response.json()["errors"]
        assert len(errors) == 1 and field in errors[0]["message"], errors


def test_plan_is_not_trivial() -> None:
    plan: Plan = compare_data.make_plan(seed=3)
    assert len(plan.boxes) == 40
    assert any(answer is None for answer in plan.answers["other"])


def test_cost_counts_flips_at_their_page_and_metrics_at_the_list_cap() -> None:
    from tests.security.test_query_cost import _cost

    query = """query($b: ID!, $o: ID!, $n: Int) { compareEvaluations(baseId: $b, otherId: $o) {
      ... on EvaluationComparison { metrics { label base { ap } } flips(first: 7) { edges { node { kind base { id } } } }
        variable: flips(first: $n) { totalCount edges { node { groundTruth { id } } } } } } }"""
    # root 1 + metrics 1,000 x (row 1 + base 1) + flips (1 + 7 x (edge 1 + node 1 + base 1)) + (1 + 100 x 3)
    assert _cost(query) == 1 + PLAIN_LIST_CAP * 2 + (1 + 7 * 3) + (1 + 100 * 3)


async def test_a_running_evaluation_is_refused_naming_its_field(
    gql: GraphQL, state: AppState, caller: Caller, stored: Stored
) -> None:
    from matchscope.store.db import transaction
    from matchscope.store.tables import Evaluation

    async with transaction(state.sessions) as session:
        running = Evaluation(
            account_id=caller.account_id,
            dataset_id=stored.dataset_id,
            model_id=stored.model_ids["other"],
            is_complete=False,
        )
        session.add(running)
        await session.flush()
        assert running.id is not None
        running_id = to_global_id("Evaluation", running.id)
    base = _evaluation(stored, "base")
    for b, o, field in ((running_id, base, "baseId"), (base, running_id, "otherId")):
        result = (await gql(FLIPS, {"b": b, "o": o, "t": 0.5, "c": 0.0}))["compareEvaluations"]
        assert result["__typename"] == "ValidationError" and result["field"] == field, result
        assert running_id in result["message"] and "running" in result["message"]


FLIP_TYPES = """
query($b: ID!, $o: ID!, $t: Float!, $c: Float!, $n: Int, $a: String) {
  compareEvaluations(baseId: $b, otherId: $o) { ... on EvaluationComparison {
    flips(iouThreshold: $t, confidenceThreshold: $c, first: $n, after: $a) { pageInfo { hasNextPage endCursor }
      edges { node { kind ...Sides } } } } } }
fragment Sides on Flip { base { id outcome errorType } other { id outcome errorType } }
"""
FALSE_NEGATIVES = """
query($e: ID!, $t: Float!, $c: Float!, $a: String) { node(id: $e) { ... on Evaluation {
  matches(iouThreshold: $t, confidenceThreshold: $c, filter: {outcomes: [FALSE_NEGATIVE]}, first: 100, after: $a) {
    pageInfo { hasNextPage endCursor } edges { node { id errorType } } } } } }
"""


async def _pages(gql: GraphQL, query: str, variables: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = await gql(query, {**variables, "a": after})
        for key in path:
            page = page[key]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_a_flips_false_negative_has_its_evaluations_error_type(
    gql: GraphQL, stored: Stored, t: float, c: float
) -> None:
    """The false negative of each flip reads the error type its evaluation's matches give it at the thresholds
    (MISSED, or none where a false positive nearly found it, selected through a fragment); the true positive none."""
    base, other = _evaluation(stored, "base"), _evaluation(stored, "other")
    types: dict[str, str | None] = {}
    for evaluation in (base, other):
        for node in await _pages(gql, FALSE_NEGATIVES, {"e": evaluation, "t": t, "c": c}, ("node", "matches")):
            types[node["id"]] = node["errorType"]
    flips = await _pages(
        gql, FLIP_TYPES, {"b": base, "o": other, "t": t, "c": c, "n": 3}, ("compareEvaluations", "flips")
    )
    assert flips
    seen = set()
    for flip in flips:
        for side in (flip["base"], flip["other"]):
            if side["outcome"] == "FALSE_NEGATIVE":
                assert side["errorType"] == types[side["id"]], (flip, t, c)
                seen.add(side["errorType"])
            else:
                assert side["errorType"] is None
    assert "MISSED" in seen, seen

"""Browsing an evaluation over HTTP: entries and metrics at query-time thresholds against the engine's offline
results, keyset pagination in every order, filters, account scoping and a constant number of SQL statements."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from matchscope.engine.outcomes import Outcome, class_counts, confusion_matrix, entries_at
from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller, GraphQL
from tests.graphql.browse_data import LABELS, StoredEvaluation, store_evaluation

MATCHES = """
query($d: ID!, $m: ID!, $t: Float!, $c: Float!, $f: MatchFilter, $o: MatchOrder!, $n: Int, $a: String) {
  evaluation(datasetId: $d, modelId: $m) { matches(iouThreshold: $t, confidenceThreshold: $c, filter: $f, orderBy: $o, first: $n, after: $a) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id outcome iou confidence groundTruthLabel predictionLabel
      item { id } groundTruth { id label } prediction { id label confidence } } } } } }
"""
METRICS = """
query($d: ID!, $m: ID!, $t: Float!, $c: Float!) { evaluation(datasetId: $d, modelId: $m) { metrics(iouThreshold: $t, confidenceThreshold: $c) {
  overall { truePositives falsePositives falseNegatives precision recall f1 }
  perClass { label groundTruthCount predictionCount counts { truePositives falsePositives falseNegatives precision recall f1 } }
  confusionMatrix { rowLabels columnLabels counts }
  matchedIouHistogram { binEdges counts } truePositiveConfidenceHistogram { counts } falsePositiveConfidenceHistogram { counts }
  itemsWithMostErrors(first: 100) { totalCount edges { node { errors falsePositives falseNegatives item { id } } } } } } }
"""
DESC_IOU = {"field": "IOU", "direction": "DESC"}
CODES = {
    Outcome.TRUE_POSITIVE: "TRUE_POSITIVE",
    Outcome.FALSE_POSITIVE: "FALSE_POSITIVE",
    Outcome.FALSE_NEGATIVE: "FALSE_NEGATIVE",
}
THRESHOLDS = [(t, c) for t in (0.3, 0.5, 0.75) for c in (0.0, 0.5)]


@pytest.fixture
async def stored(state: AppState, caller: Caller) -> StoredEvaluation:
    return await store_evaluation(state, caller.account_id, seed=1, items=14, via_service=True)


def _ids(stored: StoredEvaluation) -> dict[str, str]:
    return {"d": to_global_id("Dataset", stored.dataset_id), "m": to_global_id("Model", stored.model_id)}


async def _all_matches(
    gql: GraphQL,
    stored: StoredEvaluation,
    *,
    t: float = 0.5,
    c: float = 0.0,
    filter: dict[str, Any] | None = None,
    order: dict[str, str] = DESC_IOU,
    size: int = 100,
) -> tuple[list[dict[str, Any]], int]:
    nodes: list[dict[str, Any]] = []
    after = None
    total = -1
    while True:
        variables = {**_ids(stored), "t": t, "c": c, "f": filter, "o": order, "n": size, "a": after}
        page = (await gql(MATCHES, variables))["evaluation"]["matches"]
        total = page["totalCount"]
        nodes += [edge["node"] for edge in page["edges"]]
        assert len(page["edges"]) <= size
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


def _engine_entries(stored: StoredEvaluation, t: float, c: float) -> Counter[tuple[str, int | None, int | None, float]]:
    entries = entries_at(
        stored.matching, stored.ground_truth, stored.predictions, iou_threshold=t, confidence_threshold=c
    )
    return Counter(
        (
            CODES[Outcome(int(outcome))],
            stored.gt_ids[gt] if gt >= 0 else None,
            stored.pred_ids[pred] if pred >= 0 else None,
            round(float(iou), 12),
        )
        for outcome, gt, pred, iou in zip(
            entries.outcome, entries.gt_index, entries.pred_index, entries.iou, strict=True
        )
    )


def _pk(global_id: str | None) -> int | None:
    from matchscope.schema.ids import from_global_id

    if global_id is None:
        return None
    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[1]


def _as_entries(nodes: list[dict[str, Any]]) -> Counter[tuple[str, int | None, int | None, float]]:
    return Counter(
        (
            node["outcome"],
            _pk(node["groundTruth"]["id"]) if node["groundTruth"] else None,
            _pk(node["prediction"]["id"]) if node["prediction"] else None,
            round(node["iou"], 12),
        )
        for node in nodes
    )


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_entries_match_the_engine(gql: GraphQL, stored: StoredEvaluation, t: float, c: float) -> None:
    nodes, total = await _all_matches(gql, stored, t=t, c=c)
    expected = _engine_entries(stored, t, c)
    assert _as_entries(nodes) == expected
    assert total == len(nodes) == sum(expected.values())
    keys = [(node["iou"], _pk(node["id"])) for node in nodes]
    assert keys == sorted(keys, reverse=True)
    assert len({node["id"] for node in nodes}) == len(nodes)


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_metrics_match_the_engine(gql: GraphQL, stored: StoredEvaluation, t: float, c: float) -> None:
    data = (await gql(METRICS, {**_ids(stored), "t": t, "c": c}))["evaluation"]["metrics"]
    entries = entries_at(
        stored.matching, stored.ground_truth, stored.predictions, iou_threshold=t, confidence_threshold=c
    )
    counts = class_counts(entries, stored.ground_truth, stored.predictions, len(LABELS))
    per_class = {row["label"]: row["counts"] for row in data["perClass"]}
    for code, label in enumerate(LABELS):
        got = per_class[label]
        assert (got["truePositives"], got["falsePositives"], got["falseNegatives"]) == (
            counts.tp[code],
            counts.fp[code],
            counts.fn[code],
        )
        assert got["precision"] == pytest.approx(counts.precision[code])
        assert got["recall"] == pytest.approx(counts.recall[code])
        assert got["f1"] == pytest.approx(counts.f1[code])
    overall = data["overall"]
    assert (overall["truePositives"], overall["falsePositives"], overall["falseNegatives"]) == (
        counts.tp.sum(),
        counts.fp.sum(),
        counts.fn.sum(),
    )
    matrix = confusion_matrix(entries, stored.ground_truth, stored.predictions, len(LABELS))
    confusion = data["confusionMatrix"]
    rows = [LABELS.index(label) if label != "background" else len(LABELS) for label in confusion["rowLabels"]]
    cols = [LABELS.index(label) if label != "missed" else len(LABELS) for label in confusion["columnLabels"]]
    assert confusion["counts"] == matrix[np.ix_(rows, cols)].tolist()
    assert confusion["rowLabels"][-1] == "background" and confusion["columnLabels"][-1] == "missed"
    assert sum(data["truePositiveConfidenceHistogram"]["counts"]) == counts.tp.sum()
    assert sum(data["falsePositiveConfidenceHistogram"]["counts"]) == counts.fp.sum()
    assert len(data["matchedIouHistogram"]["binEdges"]) == len(data["matchedIouHistogram"]["counts"]) + 1
    nodes, _ = await _all_matches(gql, stored, t=t, c=c)
    errors: Counter[str] = Counter(node["item"]["id"] for node in nodes if node["outcome"] != "TRUE_POSITIVE")
    worst = data["itemsWithMostErrors"]
    assert {edge["node"]["item"]["id"]: edge["node"]["errors"] for edge in worst["edges"]} == dict(errors)
    assert [edge["node"]["errors"] for edge in worst["edges"]] == sorted(errors.values(), reverse=True)
    assert worst["totalCount"] == len(errors)


@pytest.mark.parametrize("field", ["IOU", "CONFIDENCE"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_forward_pagination_returns_each_entry_once_in_order(
    gql: GraphQL, stored: StoredEvaluation, field: str, direction: str
) -> None:
    everything, _ = await _all_matches(gql, stored, size=100)
    nodes, total = await _all_matches(gql, stored, order={"field": field, "direction": direction}, size=7)
    assert sorted(node["id"] for node in nodes) == sorted(node["id"] for node in everything)
    assert len(nodes) == total
    value = (lambda n: n["iou"]) if field == "IOU" else (lambda n: 1.0 if n["confidence"] is None else n["confidence"])
    keys = [(value(node), _pk(node["id"])) for node in nodes]
    assert keys == sorted(keys, reverse=direction == "DESC")


def _reference(nodes: list[dict[str, Any]], filter: dict[str, Any]) -> list[str]:
    def confidence(node: dict[str, Any]) -> float:
        return 1.0 if node["confidence"] is None else node["confidence"]

    checks = {
        "outcomes": lambda n, v: n["outcome"] in v,
        "groundTruthLabels": lambda n, v: n["groundTruthLabel"] in v,
        "predictionLabels": lambda n, v: n["predictionLabel"] in v,
        "minIou": lambda n, v: n["iou"] >= v,
        "maxIou": lambda n, v: n["iou"] <= v,
        "minConfidence": lambda n, v: confidence(n) >= v,
        "maxConfidence": lambda n, v: confidence(n) <= v,
        "itemId": lambda n, v: n["item"]["id"] == v,
    }
    return [node["id"] for node in nodes if all(checks[key](node, value) for key, value in filter.items())]


@pytest.mark.parametrize(
    "filter",
    [
        {"outcomes": ["FALSE_POSITIVE"]},
        {"outcomes": ["FALSE_NEGATIVE", "TRUE_POSITIVE"]},
        {"outcomes": []},
        {"groundTruthLabels": ["cat"]},
        {"groundTruthLabels": ["cat", "dog"], "outcomes": ["FALSE_NEGATIVE"]},
        {"predictionLabels": ["bird"]},
        {"predictionLabels": ["bird"], "groundTruthLabels": ["cat"]},
        {"minIou": 0.2, "maxIou": 0.8},
        {"minConfidence": 0.3, "maxConfidence": 0.7},
        {"outcomes": ["FALSE_POSITIVE"], "minIou": 0.01},
        {"itemId": "ITEM"},
    ],
)
@pytest.mark.parametrize("order", [DESC_IOU, {"field": "CONFIDENCE", "direction": "ASC"}])
async def test_filters(gql: GraphQL, stored: StoredEvaluation, filter: dict[str, Any], order: dict[str, str]) -> None:
    if filter.get("itemId") == "ITEM":
        filter = {"itemId": str(to_global_id("DatasetItem", stored.item_ids[3]))}
    everything, _ = await _all_matches(gql, stored, t=0.5, c=0.2)
    nodes, total = await _all_matches(gql, stored, t=0.5, c=0.2, filter=filter, order=order, size=9)
    expected = _reference(everything, filter)
    assert sorted(node["id"] for node in nodes) == sorted(expected)
    assert total == len(expected)
    assert len(nodes) < len(everything)
    if len(filter) == 1 and filter.get("outcomes") != []:
        assert nodes


@pytest.mark.parametrize(
    ("partial", "full"),
    [
        ({"field": "CONFIDENCE"}, {"field": "CONFIDENCE", "direction": "DESC"}),
        ({"direction": "ASC"}, {"field": "IOU", "direction": "ASC"}),
        ({}, DESC_IOU),
    ],
)
async def test_order_fields_left_out_take_their_defaults(
    gql: GraphQL, stored: StoredEvaluation, partial: dict[str, str], full: dict[str, str]
) -> None:
    nodes, _ = await _all_matches(gql, stored, order=partial, size=7)
    expected, _ = await _all_matches(gql, stored, order=full, size=7)
    assert [node["id"] for node in nodes] == [node["id"] for node in expected]
    reversed_order = {**full, "direction": "ASC" if full["direction"] == "DESC" else "DESC"}
    opposite, _ = await _all_matches(gql, stored, order=reversed_order, size=7)
    assert [node["id"] for node in nodes] != [node["id"] for node in opposite]


async def test_labels_beyond_the_split_limit_still_filter(gql: GraphQL, stored: StoredEvaluation) -> None:
    labels = ["cat", *[f"x{i}" for i in range(10)]]
    nodes, total = await _all_matches(gql, stored, filter={"groundTruthLabels": labels, "predictionLabels": labels})
    everything, _ = await _all_matches(gql, stored)
    assert sorted(node["id"] for node in nodes) == sorted(
        _reference(everything, {"groundTruthLabels": ["cat"], "predictionLabels": ["cat"]})
    )
    assert total == len(nodes)


async def test_class_aware_with_allowed_pairs(gql: GraphQL, state: AppState, caller: Caller) -> None:
    stored = await store_evaluation(
        state, caller.account_id, seed=5, items=14, class_agnostic=False, allowed_label_matches=[("cat", "dog")]
    )
    for t, c in [(0.5, 0.0), (0.3, 0.5)]:
        nodes, _ = await _all_matches(gql, stored, t=t, c=c)
        assert _as_entries(nodes) == _engine_entries(stored, t, c)


async def test_constant_number_of_statements_per_page(gql: GraphQL, stored: StoredEvaluation, state: AppState) -> None:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    await _all_matches(gql, stored, size=3)  # warm: the entry columns behind totalCount are cached
    counts = []
    event.listen(state.engine.sync_engine, "before_cursor_execute", count)
    state.reads.listeners.append(statements.append)  # the hot reads run outside the engine
    try:
        for size in (3, 30, 100):
            statements.clear()
            variables = {**_ids(stored), "t": 0.5, "c": 0.0, "f": None, "o": DESC_IOU, "n": size, "a": None}
            page = (await gql(MATCHES, variables))["evaluation"]["matches"]
            assert len(page["edges"]) == min(size, page["totalCount"])
            counts.append(len([s for s in statements if "api_key" not in s]))
            assert any("match_entry" in s for s in statements)
    finally:
        event.remove(state.engine.sync_engine, "before_cursor_execute", count)
        state.reads.listeners.remove(statements.append)
    assert counts[0] == counts[1] == counts[2] <= 6, counts


@pytest.mark.parametrize("field", ["outcomes", "groundTruthLabels", "predictionLabels"])
async def test_empty_filter_lists_match_nothing(gql: GraphQL, stored: StoredEvaluation, field: str) -> None:
    nodes, total = await _all_matches(gql, stored, filter={field: []})
    assert nodes == [] and total == 0


async def test_page_size_is_capped(client: Any, caller: Caller, stored: StoredEvaluation) -> None:
    query = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { matches(first: 101) { totalCount } } }"
    body = (
        await client.post("/graphql", json={"query": query, "variables": _ids(stored)}, headers=caller.headers)
    ).json()
    assert "first" in body["errors"][0]["message"] and "101" in body["errors"][0]["message"]


@pytest.mark.parametrize(("name", "value"), [("iouThreshold", 1.5), ("confidenceThreshold", -0.1)])
async def test_thresholds_out_of_range_are_refused(
    client: Any, caller: Caller, stored: StoredEvaluation, name: str, value: float
) -> None:
    query = f"query($d: ID!, $m: ID!) {{ evaluation(datasetId: $d, modelId: $m) {{ metrics({name}: {value}) {{ overall {{ truePositives }} }} }} }}"
    body = (
        await client.post("/graphql", json={"query": query, "variables": _ids(stored)}, headers=caller.headers)
    ).json()
    assert name in body["errors"][0]["message"]


async def test_bad_cursor_is_refused(client: Any, caller: Caller, stored: StoredEvaluation) -> None:
    query = (
        'query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { matches(after: "bm9wZQ") { totalCount } } }'
    )
    body = (
        await client.post("/graphql", json={"query": query, "variables": _ids(stored)}, headers=caller.headers)
    ).json()
    assert "after" in body["errors"][0]["message"]


async def test_evaluation_is_account_scoped(gql: GraphQL, stored: StoredEvaluation, make_caller: Any) -> None:
    mallory = await make_caller("mallory")
    query = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { id isCurrent classAgnostic } }"
    mine = (await gql(query, _ids(stored)))["evaluation"]
    assert mine == {"id": to_global_id("Evaluation", stored.evaluation_id), "isCurrent": True, "classAgnostic": True}
    assert (await gql(query, _ids(stored), as_=mallory))["evaluation"] is None
    assert (await gql(query, {"d": "garbage", "m": "x"}))["evaluation"] is None
    node = "query($id: ID!) { node(id: $id) { __typename id } }"
    assert (await gql(node, {"id": mine["id"]}))["node"] == {"__typename": "Evaluation", "id": mine["id"]}
    assert (await gql(node, {"id": mine["id"]}, as_=mallory))["node"] is None
    first = await gql(MATCHES, {**_ids(stored), "t": 0.5, "c": 0.0, "f": None, "o": DESC_IOU, "n": 1, "a": None})
    match_id = first["evaluation"]["matches"]["edges"][0]["node"]["id"]
    found = (
        await gql("query($id: ID!) { node(id: $id) { __typename ... on Match { outcome iou } } }", {"id": match_id})
    )["node"]
    assert found["__typename"] == "Match"
    assert (await gql(node, {"id": match_id}, as_=mallory))["node"] is None


async def test_each_evaluation_reads_its_own_entries_until_deleted(
    gql: GraphQL, state: AppState, caller: Caller
) -> None:
    """Two evaluations (on SQLite each in a table of its own): each one's pages are its own entries, the same after
    the other is deleted; a match of the deleted one is no node, nor one to review."""
    first = await store_evaluation(state, caller.account_id, seed=1, items=8, via_service=True)
    second = await store_evaluation(state, caller.account_id, seed=2, items=8, via_service=True)
    before = {stored.evaluation_id: (await _all_matches(gql, stored, size=7))[0] for stored in (first, second)}
    for stored in (first, second):
        assert before[stored.evaluation_id] and _as_entries(before[stored.evaluation_id]) == _engine_entries(
            stored, 0.5, 0.0
        )
    gone = before[first.evaluation_id][0]["id"]
    node = "query($id: ID!) { node(id: $id) { __typename ... on Match { id } } }"
    assert (await gql(node, {"id": gone}))["node"] == {"__typename": "Match", "id": gone}
    delete = "mutation($id: ID!) { deleteEvaluation(id: $id) { __typename } }"
    deleted = await gql(delete, {"id": to_global_id("Evaluation", first.evaluation_id)})
    assert deleted["deleteEvaluation"]["__typename"] == "DeleteResult"
    assert (await _all_matches(gql, second, size=7))[0] == before[second.evaluation_id]
    assert (await gql(node, {"id": gone}))["node"] is None
    review = "mutation($id: ID!) { reviewMatch(id: $id, status: CONFIRMED) { __typename } }"
    assert (await gql(review, {"id": gone}))["reviewMatch"]["__typename"] == "NotFoundError"


async def test_interfaces_resolve_every_node_type_by_its_class(gql: GraphQL, stored: StoredEvaluation) -> None:
    """`Node` and `Box` resolve each object to its own type."""
    page = await gql(MATCHES, {**_ids(stored), "t": 0.5, "c": 0.0, "f": None, "o": DESC_IOU, "n": 100, "a": None})
    node = next(edge["node"] for edge in page["evaluation"]["matches"]["edges"] if edge["node"]["groundTruth"])
    other = next(edge["node"] for edge in page["evaluation"]["matches"]["edges"] if edge["node"]["prediction"])
    expected = {
        "Dataset": to_global_id("Dataset", stored.dataset_id),
        "Model": to_global_id("Model", stored.model_id),
        "Evaluation": to_global_id("Evaluation", stored.evaluation_id),
        "Match": node["id"],
        "DatasetItem": node["item"]["id"],
        "BoxAnnotation": node["groundTruth"]["id"],
        "BoxPrediction": other["prediction"]["id"],
    }
    query = "query($id: ID!) { node(id: $id) { __typename id ... on Box { label } } }"
    for type_name, global_id in expected.items():
        found = (await gql(query, {"id": global_id}))["node"]
        assert (found["__typename"], found["id"]) == (type_name, global_id)
        assert ("label" in found) is type_name.startswith("Box")


async def test_item_entries(gql: GraphQL, stored: StoredEvaluation, make_caller: Any) -> None:
    item_id = to_global_id("DatasetItem", stored.item_ids[2])
    evaluation_id = to_global_id("Evaluation", stored.evaluation_id)
    query = """query($i: ID!, $e: ID!) { node(id: $i) { ... on DatasetItem {
      entries(evaluationId: $e, iouThreshold: 0.3) { id outcome iou item { id } } } } }"""
    entries = (await gql(query, {"i": item_id, "e": evaluation_id}))["node"]["entries"]
    everything, _ = await _all_matches(gql, stored, t=0.3)
    assert sorted(e["id"] for e in entries) == sorted(_reference(everything, {"itemId": item_id}))
    assert all(e["item"]["id"] == item_id for e in entries)
    mallory = await make_caller("mallory")
    other = (await gql("query($e: ID!) { node(id: $e) { id } }", {"e": evaluation_id}, as_=mallory))["node"]
    assert other is None


async def test_coco_metrics(gql: GraphQL, stored: StoredEvaluation, state: AppState) -> None:
    query = """query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { coco {
      overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge stats }
      perClass { label stats { ap stats } } prCurves { label recall iou50 iou75 mean } } } }"""
    coco = (await gql(query, _ids(stored)))["evaluation"]["coco"]
    async with state.sessions() as session:
        row = await session.get(tables.Evaluation, stored.evaluation_id)
    assert row is not None and row.coco is not None
    names = [
        "ap",
        "ap50",
        "ap75",
        "apSmall",
        "apMedium",
        "apLarge",
        "ar1",
        "ar10",
        "ar100",
        "arSmall",
        "arMedium",
        "arLarge",
    ]
    assert coco["overall"]["stats"] == row.coco["stats"]
    assert [coco["overall"][name] for name in names] == row.coco["stats"]
    assert {c["label"]: c["stats"]["stats"] for c in coco["perClass"]} == row.coco["per_class"]
    for curve in coco["prCurves"]:
        assert len(curve["recall"]) == 101 and curve["recall"][0] == 0.0 and curve["recall"][-1] == 1.0
        stored_curve = row.coco["pr_curves"][curve["label"]]
        assert (curve["iou50"], curve["iou75"], curve["mean"]) == (
            stored_curve["iou50"],
            stored_curve["iou75"],
            stored_curve["mean"],
        )
    assert coco["prCurves"]


async def test_coco_metrics_of_a_written_evaluation(gql: GraphQL, state: AppState, caller: Caller) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=2, items=3)
    query = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { coco { overall { ap arLarge stats } perClass { label stats { ap } } } } }"
    coco = (await gql(query, _ids(stored)))["evaluation"]["coco"]
    assert coco["overall"]["ap"] == 0.5 and coco["overall"]["arLarge"] == 0.65 and len(coco["overall"]["stats"]) == 12
    assert [row["label"] for row in coco["perClass"]] == list(LABELS)


async def test_items_with_most_errors_pages(gql: GraphQL, stored: StoredEvaluation) -> None:
    query = """query($d: ID!, $m: ID!, $a: String) { evaluation(datasetId: $d, modelId: $m) { metrics {
      itemsWithMostErrors(first: 2, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { errors item { id } } } } } } }"""
    seen: list[tuple[int, str]] = []
    after = None
    while True:
        page = (await gql(query, {**_ids(stored), "a": after}))["evaluation"]["metrics"]["itemsWithMostErrors"]
        seen += [(edge["node"]["errors"], edge["node"]["item"]["id"]) for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == len({item for _, item in seen})
    assert [errors for errors, _ in seen] == sorted((errors for errors, _ in seen), reverse=True)


DETAILED = """
query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { matches(first: 100) { edges { node { ...Detailed } } } } }
fragment Detailed on Match {
  item { id referenceId imageLocation width height metadata }
  groundTruth { id ... on BoxAnnotation { iscrowd crowdMeta: metadata } }
  prediction { id ...PredictionDetails }
}
fragment PredictionDetails on BoxPrediction { classPdf metadata }
"""
# Only the last relation's details: the item's and the ground truth's are read as NULL placeholders before them.
PREDICTION_DETAILS = """
query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { matches(first: 100) { edges { node {
  item { id referenceId }
  groundTruth { id annotationId label x y width height }
  prediction { id annotationId label x y width height confidence classPdf metadata } } } } } }
"""
# The page's own item reads no details; the boxes' items (resolved afterwards, in the same request) need them all.
LEAN = """
query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { matches(first: 100) { edges { node {
  item { id referenceId }
  groundTruth { id item { id imageLocation width height metadata } }
  prediction { id label item { id width } } } } } } }
"""


async def _give_rows_details(state: AppState, stored: StoredEvaluation) -> None:
    from sqlalchemy import text

    postgresql = state.engine.dialect.name == "postgresql"
    json = "::json" if postgresql else ""
    async with state.engine.begin() as connection:
        dataset = {"d": stored.dataset_id}
        await connection.execute(
            text(
                "UPDATE dataset_item SET image_location = 'store://' || id, width = 100 + id, height = 200 + id, "
                f"metadata = ('{{\"n\": ' || id || '}}'){json} WHERE dataset_id = :d"
            ),
            dataset,
        )
        crowd = "(id % 2 = 0)" if postgresql else "(id % 2)"
        await connection.execute(
            text(
                f"UPDATE box_annotation SET iscrowd = {crowd}, metadata = ('{{\"a\": ' || id || '}}'){json} "
                "WHERE dataset_id = :d"
            ),
            dataset,
        )
        await connection.execute(
            text(
                f"UPDATE box_prediction SET class_pdf = '{{\"cat\": 0.25}}'{json}, "
                f"metadata = ('{{\"p\": ' || id || '}}'){json} WHERE dataset_id = :d"
            ),
            dataset,
        )


async def _rows_by_global_id(state: AppState, stored: StoredEvaluation) -> dict[str, Any]:
    from sqlmodel import select

    async with state.sessions() as session:
        rows: dict[str, Any] = {}
        for table, name in (
            (tables.DatasetItem, "DatasetItem"),
            (tables.BoxAnnotation, "BoxAnnotation"),
            (tables.BoxPrediction, "BoxPrediction"),
        ):
            result = await session.execute(select(table).where(table.dataset_id == stored.dataset_id))  # type: ignore[attr-defined]
            rows.update({to_global_id(name, row.id): row for row in result.scalars()})
    return rows


def _item_fields(row: tables.DatasetItem) -> dict[str, Any]:
    return {"imageLocation": row.image_location, "width": row.width, "height": row.height, "metadata": row.meta}


async def test_the_rows_details_are_read_when_any_query_asks_for_them(
    gql: GraphQL, state: AppState, stored: StoredEvaluation
) -> None:
    await _give_rows_details(state, stored)
    rows = await _rows_by_global_id(state, stored)
    nodes = [edge["node"] for edge in (await gql(DETAILED, _ids(stored)))["evaluation"]["matches"]["edges"]]
    assert len(nodes) > 50
    for node in nodes:
        item = rows[node["item"]["id"]]
        assert {k: node["item"][k] for k in ("imageLocation", "width", "height", "metadata")} == _item_fields(item)
        assert node["item"]["width"] == 100 + item.id  # details were written: not a comparison of two Nones
        if node["groundTruth"] is not None:
            annotation = rows[node["groundTruth"]["id"]]
            assert node["groundTruth"]["iscrowd"] is annotation.iscrowd
            assert node["groundTruth"]["crowdMeta"] == annotation.meta == {"a": annotation.id}
        if node["prediction"] is not None:
            prediction = rows[node["prediction"]["id"]]
            assert node["prediction"]["classPdf"] == prediction.class_pdf == {"cat": 0.25}
            assert node["prediction"]["metadata"] == prediction.meta == {"p": prediction.id}
    assert any(node["groundTruth"] and node["groundTruth"]["iscrowd"] for node in nodes)
    assert any(node["groundTruth"] and not node["groundTruth"]["iscrowd"] for node in nodes)

    nodes = [edge["node"] for edge in (await gql(PREDICTION_DETAILS, _ids(stored)))["evaluation"]["matches"]["edges"]]
    assert sum(node["prediction"] is not None for node in nodes) > 10
    assert sum(node["groundTruth"] is not None for node in nodes) > 10
    for node in nodes:
        assert node["item"]["referenceId"] == rows[node["item"]["id"]].reference_id
        for box in ("groundTruth", "prediction"):
            if node[box] is not None:
                row = rows[node[box]["id"]]
                values = (row.annotation_id, row.label, row.x, row.y, row.width, row.height)
                assert tuple(node[box][k] for k in ("annotationId", "label", "x", "y", "width", "height")) == values
        if node["prediction"] is not None:
            prediction = rows[node["prediction"]["id"]]
            assert node["prediction"]["confidence"] == prediction.confidence
            assert node["prediction"]["classPdf"] == prediction.class_pdf == {"cat": 0.25}
            assert node["prediction"]["metadata"] == prediction.meta == {"p": prediction.id}

    # A page that reads its own items without details must not hand those partial items to its boxes' `item`.
    nodes = [edge["node"] for edge in (await gql(LEAN, _ids(stored)))["evaluation"]["matches"]["edges"]]
    boxes_items = [node[box]["item"] for node in nodes for box in ("groundTruth", "prediction") if node[box]]
    assert len(boxes_items) > len(nodes)
    for item in boxes_items:
        expected = _item_fields(rows[item["id"]])
        assert {k: v for k, v in item.items() if k != "id"} == {k: expected[k] for k in item if k != "id"}


# The same `matches` selected twice, once under a directive that reads a variable: its details follow the variable.
INCLUDED = """
query($d: ID!, $m: ID!, $x: Boolean!) { evaluation(datasetId: $d, modelId: $m) {
  matches(first: 100) { edges { node { item { id } } } }
  ... @include(if: $x) { matches(first: 100) { edges { node { item { id metadata } } } } } } }
"""


async def test_the_rows_details_follow_a_directive_s_variable(
    gql: GraphQL, state: AppState, stored: StoredEvaluation
) -> None:
    await _give_rows_details(state, stored)
    rows = await _rows_by_global_id(state, stored)
    for include in (False, True, False, True):
        nodes = [
            edge["node"]
            for edge in (await gql(INCLUDED, {**_ids(stored), "x": include}))["evaluation"]["matches"]["edges"]
        ]
        assert len(nodes) > 50
        for node in nodes:
            expected = {"id": node["item"]["id"]}
            if include:
                expected["metadata"] = rows[node["item"]["id"]].meta
                assert expected["metadata"] is not None
            assert node["item"] == expected

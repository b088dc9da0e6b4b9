"""Slices over HTTP: `MatchFilter.itemMetadata` and `Evaluation.metrics(itemMetadata:)` against a brute force on
the same boxes (the slice's items picked in Python, their boxes matched again by the engine), bad slices refused
naming the field and the value, and a constant number of statements whatever the slice holds."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event, update

from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import Outcome, class_counts, confusion_matrix, entries_at
from matchscope.schema.ids import from_global_id, to_global_id
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.db import transaction
from tests.conftest import Caller, GraphQL
from tests.graphql.browse_data import LABELS, StoredEvaluation, store_evaluation

ITEMS = 16
ODD_KEY = 'lens "wide".[0]'
MATCHES = """
query($d: ID!, $m: ID!, $t: Float!, $c: Float!, $f: MatchFilter, $o: MatchOrder!, $n: Int, $a: String) {
  evaluation(datasetId: $d, modelId: $m) { matches(iouThreshold: $t, confidenceThreshold: $c, filter: $f, orderBy: $o, first: $n, after: $a) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id outcome iou item { id } groundTruth { id } prediction { id } } } } } }
"""
METRICS = """
query($d: ID!, $m: ID!, $t: Float!, $c: Float!, $s: JSON) { evaluation(datasetId: $d, modelId: $m) {
  metrics(iouThreshold: $t, confidenceThreshold: $c, itemMetadata: $s) {
  overall { truePositives falsePositives falseNegatives precision recall f1 }
  perClass { label groundTruthCount predictionCount counts { truePositives falsePositives falseNegatives } }
  confusionMatrix { rowLabels columnLabels counts }
  truePositiveConfidenceHistogram { counts } falsePositiveConfidenceHistogram { counts }
  itemsWithMostErrors(first: 100) { totalCount edges { node { errors item { id } } } } } } }
"""
OVERALL = """query($d: ID!, $m: ID!, $s: JSON) { evaluation(datasetId: $d, modelId: $m) {
  metrics(itemMetadata: $s) { overall { truePositives falsePositives falseNegatives } } } }"""
CODES = {Outcome.TRUE_POSITIVE: "TRUE_POSITIVE", Outcome.FALSE_POSITIVE: "FALSE_POSITIVE",
         Outcome.FALSE_NEGATIVE: "FALSE_NEGATIVE"}  # fmt: skip
SLICES: list[dict[str, Any]] = [
    {"weather": "rain"},
    {"weather": "sun", "camera": 2},
    {"camera": 2.0},  # numbers by value: 2 and 2.0 are the same
    {"flag": "1"},  # by JSON type: "1", 1 and true are three values
    {"flag": 1},
    {"flag": True},
    {"night": False, "weather": "sun"},
    {"note": None},  # present and null; a missing key is not null
    {ODD_KEY: "x"},  # a key that a JSON path would misread
    {"città": "Zürich"},
    {"weather": "snow"},  # no item
    {},  # every item
]


def _metadata(index: int) -> dict[str, Any] | None:
    """Two scenarios (rain, sun) crossed with cameras, flags of three JSON types, nulls and an odd key; the last
    two items have no metadata at all."""
    if index >= ITEMS - 2:
        return None
    meta: dict[str, Any] = {
        "weather": "rain" if index % 3 == 0 else "sun",
        "camera": 2.0 if index == 5 else index % 2 + 1,
        "night": index % 4 == 1,
        "flag": ["1", 1, True][index % 3],
        "città": "Zürich" if index % 4 == 0 else "Genève",  # stored escaped (\u00fc): compared decoded
    }
    if index % 5 == 0:
        meta["note"] = None
    if index < 4:
        meta[ODD_KEY] = "x"
    return meta


def _same(stored: Any, wanted: Any) -> bool:
    """JSON equality of two scalars: the same JSON type, numbers by value."""
    if wanted is None or stored is None:
        return wanted is None and stored is None
    if isinstance(wanted, bool | str) or isinstance(stored, bool | str):
        return type(stored) is type(wanted) and stored == wanted
    return bool(stored == wanted)


def _in_slice(meta: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    if meta is None:
        return not wanted
    return all(key in meta and _same(meta[key], value) for key, value in wanted.items())


@pytest.fixture
async def stored(state: AppState, caller: Caller) -> StoredEvaluation:
    made = await store_evaluation(state, caller.account_id, seed=7, items=ITEMS, via_service=True)
    async with transaction(state.sessions) as session:
        for index, item_id in enumerate(made.item_ids):
            statement = update(tables.DatasetItem).where(tables.DatasetItem.id == item_id)  # type: ignore[arg-type]
            await session.execute(statement.values(meta=_metadata(index)))
    return made


def _ids(stored: StoredEvaluation) -> dict[str, str]:
    return {"d": to_global_id("Dataset", stored.dataset_id), "m": to_global_id("Model", stored.model_id)}


def _slice_indices(wanted: dict[str, Any]) -> np.ndarray[Any, Any]:
    return np.array([index for index in range(ITEMS) if _in_slice(_metadata(index), wanted)], dtype=np.int64)


def _pk(global_id: str) -> int:
    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[1]


async def _all_matches(
    gql: GraphQL, stored: StoredEvaluation, filter: dict[str, Any], t: float, c: float, order: dict[str, str]
) -> tuple[list[dict[str, Any]], int]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {**_ids(stored), "t": t, "c": c, "f": filter, "o": order, "n": 7, "a": after}
        page = (await gql(MATCHES, variables))["evaluation"]["matches"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


def _expected_entries(
    stored: StoredEvaluation, wanted: dict[str, Any], t: float, c: float, outcomes: set[str] | None
) -> Counter[tuple[str, int, int | None, int | None]]:
    """The whole evaluation's entries at (t, c) kept where their item is in the slice (and outcome wanted)."""
    entries = entries_at(
        stored.matching, stored.ground_truth, stored.predictions, iou_threshold=t, confidence_threshold=c
    )
    in_slice = set(_slice_indices(wanted).tolist())
    expected: Counter[tuple[str, int, int | None, int | None]] = Counter()
    for outcome, gt, pred in zip(entries.outcome, entries.gt_index, entries.pred_index, strict=True):
        item = int(stored.ground_truth.item[gt] if gt >= 0 else stored.predictions.item[pred])
        name = CODES[Outcome(int(outcome))]
        if item in in_slice and (outcomes is None or name in outcomes):
            gt_id = stored.gt_ids[gt] if gt >= 0 else None
            pred_id = stored.pred_ids[pred] if pred >= 0 else None
            expected[(name, stored.item_ids[item], gt_id, pred_id)] += 1
    return expected


@pytest.mark.parametrize("wanted", SLICES)
async def test_slice_entries_equal_brute_force(gql: GraphQL, stored: StoredEvaluation, wanted: dict[str, Any]) -> None:
    cases: list[tuple[float, float, set[str] | None, dict[str, str]]] = [
        (0.5, 0.0, None, {"field": "IOU", "direction": "DESC"}),
        (0.3, 0.5, {"FALSE_POSITIVE", "FALSE_NEGATIVE"}, {"field": "CONFIDENCE", "direction": "ASC"}),
    ]
    for t, c, outcomes, order in cases:
        filter: dict[str, Any] = {"itemMetadata": wanted}
        if outcomes is not None:
            filter["outcomes"] = sorted(outcomes)
        nodes, total = await _all_matches(gql, stored, filter, t, c, order)
        got = Counter(
            (
                node["outcome"],
                _pk(node["item"]["id"]),
                _pk(node["groundTruth"]["id"]) if node["groundTruth"] else None,
                _pk(node["prediction"]["id"]) if node["prediction"] else None,
            )
            for node in nodes
        )
        expected = _expected_entries(stored, wanted, t, c, outcomes)
        assert got == expected
        assert total == len(nodes) == sum(expected.values())
    if wanted == {"weather": "rain"}:
        assert 0 < total < sum(_expected_entries(stored, {}, 0.3, 0.5, outcomes).values())  # a real subset


def _slice_boxes(stored: StoredEvaluation, wanted: dict[str, Any]) -> tuple[GroundTruthBoxes, PredictionBoxes]:
    indices = _slice_indices(wanted)
    gt = np.isin(stored.ground_truth.item, indices)
    pred = np.isin(stored.predictions.item, indices)
    ground_truth = GroundTruthBoxes(
        item=stored.ground_truth.item[gt], boxes=stored.ground_truth.boxes[gt], label=stored.ground_truth.label[gt]
    )
    predictions = PredictionBoxes(
        item=stored.predictions.item[pred],
        boxes=stored.predictions.boxes[pred],
        label=stored.predictions.label[pred],
        confidence=stored.predictions.confidence[pred],
    )
    return ground_truth, predictions


@pytest.mark.parametrize("wanted", SLICES)
@pytest.mark.parametrize(("t", "c"), [(0.5, 0.0), (0.75, 0.5)])
async def test_slice_metrics_equal_brute_force(
    gql: GraphQL, stored: StoredEvaluation, wanted: dict[str, Any], t: float, c: float
) -> None:
    data = (await gql(METRICS, {**_ids(stored), "t": t, "c": c, "s": wanted}))["evaluation"]["metrics"]
    # Matching is per item: the slice's boxes matched on their own are the slice of the whole matching.
    ground_truth, predictions = _slice_boxes(stored, wanted)
    matching = greedy_match(
        ground_truth, predictions, class_agnostic=stored.class_agnostic, allowed_label_matches=stored.allowed
    )
    entries = entries_at(matching, ground_truth, predictions, iou_threshold=t, confidence_threshold=c)
    counts = class_counts(entries, ground_truth, predictions, len(LABELS))
    per_class = {row["label"]: row for row in data["perClass"]}
    for code, label in enumerate(LABELS):
        row = per_class[label]
        got = row["counts"]
        assert (got["truePositives"], got["falsePositives"], got["falseNegatives"]) == (
            counts.tp[code], counts.fp[code], counts.fn[code],
        )  # fmt: skip
        assert row["groundTruthCount"] == int(np.sum(ground_truth.label == code))
    overall = data["overall"]
    assert (overall["truePositives"], overall["falsePositives"], overall["falseNegatives"]) == (
        counts.tp.sum(), counts.fp.sum(), counts.fn.sum(),
    )  # fmt: skip
    matrix = confusion_matrix(entries, ground_truth, predictions, len(LABELS))
    confusion = data["confusionMatrix"]
    rows = [LABELS.index(label) if label != "background" else len(LABELS) for label in confusion["rowLabels"]]
    cols = [LABELS.index(label) if label != "missed" else len(LABELS) for label in confusion["columnLabels"]]
    assert confusion["counts"] == matrix[np.ix_(rows, cols)].tolist()
    assert sum(map(sum, confusion["counts"])) == int(matrix.sum())
    assert sum(data["truePositiveConfidenceHistogram"]["counts"]) == counts.tp.sum()
    errors: Counter[int] = Counter()
    for outcome, gt, pred in zip(entries.outcome, entries.gt_index, entries.pred_index, strict=True):
        if outcome != Outcome.TRUE_POSITIVE:
            errors[stored.item_ids[int(ground_truth.item[gt] if gt >= 0 else predictions.item[pred])]] += 1
    worst = data["itemsWithMostErrors"]
    assert {_pk(edge["node"]["item"]["id"]): edge["node"]["errors"] for edge in worst["edges"]} == dict(errors)
    assert worst["totalCount"] == len(errors)


async def test_a_slice_follows_the_items_metadata_now(gql: GraphQL, stored: StoredEvaluation, state: AppState) -> None:
    """Metadata changed after the evaluation moves the item between slices (the cached columns are not stale)."""
    query = {**_ids(stored), "t": 0.5, "c": 0.0, "s": {"weather": "hail"}}
    assert (await gql(METRICS, query))["evaluation"]["metrics"]["overall"]["falseNegatives"] == 0
    async with transaction(state.sessions) as session:
        statement = update(tables.DatasetItem).where(tables.DatasetItem.id == stored.item_ids[1])  # type: ignore[arg-type]
        await session.execute(statement.values(meta={"weather": "hail"}))
    hail = (await gql(METRICS, query))["evaluation"]["metrics"]["overall"]
    ground_truths = int(np.sum(stored.ground_truth.item == 1))
    assert hail["truePositives"] + hail["falseNegatives"] == ground_truths > 0


BAD = [
    ("rain", "must be an object"),
    ([{"weather": "rain"}], "must be an object"),
    ({"weather": ["rain", "sun"]}, "string, number, boolean or null"),
    ({"weather": {"is": "rain"}}, "string, number, boolean or null"),
    ({"weather": "ra\u0000in"}, "U+0000"),
    ({f"k{index}": index for index in range(21)}, "at most 20"),
]


@pytest.mark.parametrize(("value", "reason"), BAD)
@pytest.mark.parametrize("where", ["metrics", "filter"])
async def test_bad_slices_are_refused_naming_the_field_and_value(
    client: Any, caller: Caller, stored: StoredEvaluation, value: Any, reason: str, where: str
) -> None:
    if where == "metrics":
        query, variables = METRICS, {**_ids(stored), "t": 0.5, "c": 0.0, "s": value}
        field = "itemMetadata"
    else:
        order = {"field": "IOU", "direction": "DESC"}
        query = MATCHES
        variables = {**_ids(stored), "t": 0.5, "c": 0.0, "f": {"itemMetadata": value}, "o": order, "n": 5, "a": None}
        field = "filter.itemMetadata"
    body = (await client.post("/graphql", json={"query": query, "variables": variables}, headers=caller.headers)).json()
    assert body["data"] is None or body["data"]["evaluation"] is None
    (error,) = body["errors"]
    message = error["message"]
    assert field in message and reason in message, message
    shown = next(iter(value.values())) if isinstance(value, dict) and len(value) == 1 else value
    assert repr(shown)[:20] in message, message


async def test_one_statement_for_a_slice_whatever_it_holds(
    gql: GraphQL, stored: StoredEvaluation, state: AppState
) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    order = {"field": "IOU", "direction": "DESC"}
    await gql(METRICS, {**_ids(stored), "t": 0.5, "c": 0.0, "s": None})  # the entry columns cached
    counts = []
    event.listen(state.engine.sync_engine, "before_cursor_execute", record)
    state.reads.listeners.append(statements.append)
    try:
        for wanted in ({"weather": "snow"}, {"weather": "rain"}, {}):
            for query, variables in (
                (OVERALL, {**_ids(stored), "s": wanted}),
                (MATCHES, {**_ids(stored), "t": 0.5, "c": 0.0, "f": {"itemMetadata": wanted}, "o": order, "n": 100}),
            ):
                statements.clear()
                await gql(query, variables)
                # Other reads: the key, and the current evaluation unless this process keeps it.
                counts.append(len([s for s in statements if "dataset_item" in s or "match_entry" in s]))
    finally:
        event.remove(state.engine.sync_engine, "before_cursor_execute", record)
        state.reads.listeners.remove(statements.append)
    # metrics: the slice's items; a page: the page, and the slice's items for totalCount ({}: every item, no query)
    assert counts == [1, 2, 1, 2, 0, 1], counts


REVIEW = """mutation($id: ID!, $s: ReviewStatus!) { reviewMatch(id: $id, status: $s) { __typename } }"""
REVIEWED_PAGE = """
query($d: ID!, $m: ID!, $f: MatchFilter, $a: String) { evaluation(datasetId: $d, modelId: $m) {
  matches(filter: $f, first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { id outcome item { id } review { status } } } } } }
"""
SLICE_REVIEWS = """query($d: ID!, $m: ID!, $s: JSON) { evaluation(datasetId: $d, modelId: $m) {
  metrics(itemMetadata: $s) { reviews { status truePositives falsePositives falseNegatives } } } }"""


async def _reviewed_nodes(gql: GraphQL, stored: StoredEvaluation, filter: dict[str, Any]) -> tuple[list[Any], int]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await gql(REVIEWED_PAGE, {**_ids(stored), "f": filter, "a": after}))["evaluation"]["matches"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


async def test_a_slice_with_reviews_counts_the_slices_reviews_only(gql: GraphQL, stored: StoredEvaluation) -> None:
    """Reviews on items in and out of the slice: the slice's review filter and review counts see its own only."""
    everything, _ = await _reviewed_nodes(gql, stored, {})
    statuses = ["CONFIRMED", "LABEL_ERROR", "IGNORED"]
    for index, node in enumerate(everything[::2]):
        assert (await gql(REVIEW, {"id": node["id"], "s": statuses[index % 3]}))["reviewMatch"]["__typename"] == "Match"
    wanted = {"weather": "rain"}
    nodes, _ = await _reviewed_nodes(gql, stored, {"itemMetadata": wanted})
    everything, _ = await _reviewed_nodes(gql, stored, {})
    in_slice = {node["id"] for node in nodes}
    outside = [node for node in everything if node["id"] not in in_slice and node["review"] is not None]
    assert outside and len(in_slice) < len(everything)  # reviews out of the slice that must not be counted
    expected: Counter[tuple[str, str]] = Counter(
        ("UNREVIEWED" if node["review"] is None else node["review"]["status"], node["outcome"]) for node in nodes
    )
    for status in ["UNREVIEWED", *statuses]:
        filtered, total = await _reviewed_nodes(gql, stored, {"itemMetadata": wanted, "reviewStatuses": [status]})
        assert total == len(filtered) == sum(count for (s, _), count in expected.items() if s == status)
        assert {node["id"] for node in filtered} <= in_slice
    rows = (await gql(SLICE_REVIEWS, {**_ids(stored), "s": wanted}))["evaluation"]["metrics"]["reviews"]
    fields = {"TRUE_POSITIVE": "truePositives", "FALSE_POSITIVE": "falsePositives", "FALSE_NEGATIVE": "falseNegatives"}
    got = {(row["status"], outcome): row[field] for row in rows for outcome, field in fields.items()}
    assert {key: count for key, count in got.items() if count} == dict(expected)

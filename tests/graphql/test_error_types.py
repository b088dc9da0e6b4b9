"""Error types and nearest ground truth over HTTP (DESIGN §3, §5): every entry's against the engine's, the
`errorTypes` filter page by page with its total, in the three matching modes and at several thresholds."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import update

from matchscope.engine.error_types import NO_ERROR, ErrorType, entry_error_types
from matchscope.engine.outcomes import Outcome, entries_at
from matchscope.schema.ids import from_global_id, to_global_id
from matchscope.state import AppState
from matchscope.store import sqlite_entries, tables
from matchscope.store.db import transaction
from tests.conftest import Caller, GraphQL
from tests.graphql.browse_data import StoredEvaluation, store_evaluation

MATCHES = """
query($d: ID!, $m: ID!, $t: Float!, $c: Float!, $f: MatchFilter, $n: Int, $a: String, $o: MatchOrder) {
  evaluation(datasetId: $d, modelId: $m) {
   matches(iouThreshold: $t, confidenceThreshold: $c, filter: $f, first: $n, after: $a, orderBy: $o) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { outcome errorType groundTruth { id } prediction { id }
      nearestGroundTruth { iou groundTruth { id label x } } } } } } }
"""
OUTCOMES = {
    Outcome.TRUE_POSITIVE: "TRUE_POSITIVE",
    Outcome.FALSE_POSITIVE: "FALSE_POSITIVE",
    Outcome.FALSE_NEGATIVE: "FALSE_NEGATIVE",
}
THRESHOLDS = [(0.3, 0.0), (0.5, 0.0), (0.5, 0.5), (0.75, 0.0)]
MODES: dict[str, dict[str, Any]] = {
    "class-agnostic": {"class_agnostic": True},
    "class-aware": {"class_agnostic": False},
    "allowed pairs": {"class_agnostic": False, "allowed_label_matches": [("cat", "dog"), ("bird", "cat")]},
}
Key = tuple[str, int | None, int | None]
DESC_IOU = {"field": "IOU", "direction": "DESC"}


@pytest.fixture(params=list(MODES))
async def stored(request: pytest.FixtureRequest, state: AppState, caller: Caller) -> StoredEvaluation:
    return await store_evaluation(state, caller.account_id, seed=4, items=30, via_service=True, **MODES[request.param])


def _pk(global_id: str) -> int:
    decoded = from_global_id(global_id)
    assert decoded is not None
    return decoded[1]


async def _all(
    gql: GraphQL,
    stored: StoredEvaluation,
    t: float,
    c: float,
    kinds: list[str] | None = None,
    size: int = 100,
    *,
    order: dict[str, str] | None = None,
    item: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    ids = {"d": to_global_id("Dataset", stored.dataset_id), "m": to_global_id("Model", stored.model_id)}
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        conditions: dict[str, Any] = {} if kinds is None else {"errorTypes": kinds}
        if item is not None:
            conditions["itemId"] = to_global_id("DatasetItem", item)
        variables = {**ids, "t": t, "c": c, "f": conditions or None, "n": size, "a": after, "o": order or DESC_IOU}
        page = (await gql(MATCHES, variables))["evaluation"]["matches"]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


def _key(node: dict[str, Any]) -> Key:
    ground_truth, prediction = node["groundTruth"], node["prediction"]
    return (
        node["outcome"],
        _pk(ground_truth["id"]) if ground_truth else None,
        _pk(prediction["id"]) if prediction else None,
    )


def _expected(stored: StoredEvaluation, t: float, c: float) -> dict[Key, tuple[str | None, int | None, float | None]]:
    """(outcome, ground truth id, prediction id) -> (error type, nearest ground truth id, its IoU), from the engine."""
    entries = entries_at(
        stored.matching, stored.ground_truth, stored.predictions, iou_threshold=t, confidence_threshold=c
    )
    codes = entry_error_types(entries, stored.evidence)
    nearest_iou = stored.evidence.nearest_iou
    expected = {}
    for outcome, gt, pred, code in zip(entries.outcome, entries.gt_index, entries.pred_index, codes, strict=True):
        key = (
            OUTCOMES[Outcome(int(outcome))],
            stored.gt_ids[gt] if gt >= 0 else None,
            stored.pred_ids[pred] if pred >= 0 else None,
        )
        nearest: tuple[int | None, float | None] = (None, None)
        if outcome == Outcome.FALSE_POSITIVE and stored.evidence.nearest_gt[pred] >= 0:
            nearest = (stored.gt_ids[stored.evidence.nearest_gt[pred]], float(nearest_iou[pred]))
        expected[key] = (None if code == NO_ERROR else ErrorType(int(code)).name, *nearest)
    return expected


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_every_entry_has_the_engines_type_and_nearest_ground_truth(
    gql: GraphQL, stored: StoredEvaluation, t: float, c: float
) -> None:
    nodes, _ = await _all(gql, stored, t, c)
    seen = {}
    for node in nodes:
        nearest = node["nearestGroundTruth"]
        seen[_key(node)] = (
            node["errorType"],
            _pk(nearest["groundTruth"]["id"]) if nearest else None,
            nearest["iou"] if nearest else None,
        )
    expected = _expected(stored, t, c)
    assert seen == expected
    kinds = {kind for kind, _, _ in expected.values()}
    assert {"LOCALIZATION", "BACKGROUND", "MISSED", None} <= kinds, kinds


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_the_filter_pages_through_exactly_the_entries_of_its_types(
    gql: GraphQL, stored: StoredEvaluation, t: float, c: float
) -> None:
    expected = _expected(stored, t, c)
    for kinds in (["MISSED"], ["LOCALIZATION"], ["CLASSIFICATION", "DUPLICATE"], ["BOTH", "BACKGROUND", "MISSED"]):
        nodes, total = await _all(gql, stored, t, c, kinds, size=7)
        wanted = Counter(key for key, (kind, _, _) in expected.items() if kind in kinds)
        assert Counter(_key(node) for node in nodes) == wanted, kinds
        assert {node["errorType"] for node in nodes} <= set(kinds)
        assert total == len(nodes) == wanted.total()
    every_kind = [kind.name for kind in ErrorType]
    nodes, total = await _all(gql, stored, t, c, every_kind)
    assert total == len(nodes) == sum(kind is not None for kind, _, _ in expected.values())
    assert (await _all(gql, stored, t, c, []))[1] == 0


@pytest.mark.parametrize(("t", "c"), [(0.5, 0.0), (0.75, 0.0)])
async def test_the_filter_in_confidence_order_and_on_one_item(
    gql: GraphQL, stored: StoredEvaluation, t: float, c: float
) -> None:
    """Pages in confidence order, and one item's entries, read the outcome branches with the type as a condition:
    the same entries."""
    expected = _expected(stored, t, c)
    kinds = ["DUPLICATE", "LOCALIZATION", "MISSED"]
    wanted = Counter(key for key, (kind, _, _) in expected.items() if kind in kinds)
    by_confidence = {"field": "CONFIDENCE", "direction": "ASC"}
    nodes, total = await _all(gql, stored, t, c, kinds, size=9, order=by_confidence)
    assert Counter(_key(node) for node in nodes) == wanted and total == wanted.total()
    on_items: Counter[Key] = Counter()
    for item in stored.item_ids:
        nodes, total = await _all(gql, stored, t, c, kinds, item=item)
        assert total == len(nodes)
        on_items.update(_key(node) for node in nodes)
    assert on_items == wanted


async def test_an_evaluation_without_evidence_has_no_types(gql: GraphQL, state: AppState, caller: Caller) -> None:
    """Entries of evaluations computed before error types existed read null, and a type filter selects none."""
    stored = await store_evaluation(state, caller.account_id, seed=2, items=10, via_service=True)
    async with transaction(state.sessions) as session:
        await session.execute(
            update(tables.Evaluation).where(tables.Evaluation.id == stored.evaluation_id).values(error_evidence=False)  # type: ignore[arg-type]
        )
        await session.execute(
            update(tables.MatchEntry)
            .where(tables.MatchEntry.evaluation_id == stored.evaluation_id)  # type: ignore[arg-type]
            .values(compatible_iou=None, incompatible_iou=None, nearest_ground_truth_id=None, duplicate_iou=None)
            .execution_options(**{sqlite_entries.ROUTE: stored.evaluation_id})
        )
    nodes, _ = await _all(gql, stored, 0.5, 0.0)
    assert nodes and all(node["errorType"] is None and node["nearestGroundTruth"] is None for node in nodes)
    assert await _all(gql, stored, 0.5, 0.0, ["MISSED", "BACKGROUND"]) == ([], 0)

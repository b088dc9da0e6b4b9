"""Reviews over GraphQL: set, change, clear; the filter and its counts; the breakdown in metrics; the LABEL_ERROR
export; reviews kept across a re-evaluation; account scope; refused input."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import SUBMIT, wait_finished

SETUP = """
mutation($name: String!) {
  createDataset(input: {name: $name}) { ... on Dataset { id } }
  createModel(input: {name: "m", referenceId: $name}) { ... on Model { id } }
}
"""
APPEND = """
mutation($d: ID!) { appendItems(datasetId: $d, items: [{referenceId: "img1", width: 200, height: 200}]) {
  __typename } }
"""
ANNOTATE = """
mutation($d: ID!, $a: [BoxAnnotationInput!]!) { annotate(datasetId: $d, annotations: $a) { __typename } }
"""
PREDICT = """
mutation($d: ID!, $m: ID!, $p: [BoxPredictionInput!]!) {
  uploadPredictions(datasetId: $d, modelId: $m, predictions: $p, update: true) { __typename } }
"""
EVALUATION = """
query($d: ID!, $m: ID!, $t: Float!, $f: MatchFilter) { evaluation(datasetId: $d, modelId: $m) {
  id
  matches(iouThreshold: $t, filter: $f, first: 100) { totalCount edges { node {
    id outcome groundTruth { annotationId } prediction { annotationId } review { status note updatedAt } } } }
} }
"""
REVIEW = """
mutation($id: ID!, $s: ReviewStatus!, $n: String, $t: Float! = 0.5) {
  reviewMatch(id: $id, status: $s, note: $n, iouThreshold: $t) {
    __typename
    ... on Match { id outcome groundTruth { annotationId } prediction { annotationId } review { status note } }
    ... on ValidationError { message field errors { field value } }
    ... on NotFoundError { message kind id }
  }
}
"""
REVIEW_KEEPING_NOTE = """
mutation($id: ID!, $s: ReviewStatus!) { reviewMatch(id: $id, status: $s) {
  ... on Match { review { status note } } } }
"""
METRICS = """
query($d: ID!, $m: ID!, $t: Float!) { evaluation(datasetId: $d, modelId: $m) { metrics(iouThreshold: $t) {
  reviews { status truePositives falsePositives falseNegatives total } } } }
"""
LABEL_ERRORS = """
query($d: ID!, $m: ID!, $first: Int, $after: String) { evaluation(datasetId: $d, modelId: $m) {
  labelErrors(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { coco note updatedAt } } } } }
"""

GROUND_TRUTH = [
    {"itemReferenceId": "img1", "annotationId": "g1", "label": "car", "x": 0, "y": 0, "width": 10, "height": 10},
    {"itemReferenceId": "img1", "annotationId": "g2", "label": "car", "x": 50, "y": 50, "width": 10, "height": 10},
    {"itemReferenceId": "img1", "annotationId": "g3", "label": "dog", "x": 100, "y": 100, "width": 10, "height": 10},
]


def _prediction(annotation_id: str, x: float, y: float, confidence: float) -> dict[str, Any]:
    return {
        "itemReferenceId": "img1",
        "annotationId": annotation_id,
        "label": "car",
        "x": x,
        "y": y,
        "width": 10,
        "height": 10,
        "confidence": confidence,
    }


# p1 = g1 (IoU 1); p2 overlaps g2 at IoU 80/120 (a true positive at 0.5, a false positive and negative at 0.7);
# p3 hits nothing; g3 is missed.
PREDICTIONS = [_prediction("p1", 0, 0, 0.9), _prediction("p2", 52, 50, 0.8), _prediction("p3", 150, 150, 0.7)]


async def _evaluate(gql: GraphQL, ids: dict[str, str]) -> None:
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    assert job["__typename"] == "AsyncJob", job
    assert (await wait_finished(gql, job["id"]))["status"] == "COMPLETED"


@pytest.fixture
async def ids(gql: GraphQL) -> dict[str, str]:
    created = await gql(SETUP, {"name": "reviews"})
    ids = {"d": created["createDataset"]["id"], "m": created["createModel"]["id"]}
    await gql(APPEND, {"d": ids["d"]})
    await gql(ANNOTATE, {"d": ids["d"], "a": GROUND_TRUTH})
    await gql(PREDICT, {**ids, "p": PREDICTIONS})
    await _evaluate(gql, ids)
    return ids


def _key(node: dict[str, Any]) -> tuple[str, str | None, str | None]:
    gt, pred = node["groundTruth"], node["prediction"]
    return node["outcome"], gt and gt["annotationId"], pred and pred["annotationId"]


async def _entries(
    gql: GraphQL, ids: dict[str, str], t: float = 0.5, filter: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[dict[tuple[str, str | None, str | None], dict[str, Any]], int]:
    found = (await gql(EVALUATION, {**ids, "t": t, "f": filter}, **kwargs))["evaluation"]["matches"]
    return {_key(edge["node"]): edge["node"] for edge in found["edges"]}, found["totalCount"]


TP1, TP2, FP3, FN3 = (
    ("TRUE_POSITIVE", "g1", "p1"),
    ("TRUE_POSITIVE", "g2", "p2"),
    ("FALSE_POSITIVE", None, "p3"),
    (
        "FALSE_NEGATIVE",
        "g3",
        None,
    ),
)


async def _review(gql: GraphQL, entry_id: str, status: str, note: str | None = None, **kwargs: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {"id": entry_id, "s": status, "n": note, **kwargs}
    return (await gql(REVIEW, variables))["reviewMatch"]  # type: ignore[no-any-return]


async def test_set_change_and_clear_a_review(gql: GraphQL, ids: dict[str, str]) -> None:
    entries, _ = await _entries(gql, ids)
    assert set(entries) == {TP1, TP2, FP3, FN3}
    assert all(node["review"] is None for node in entries.values())
    fp = entries[FP3]["id"]

    reviewed = await _review(gql, fp, "LABEL_ERROR", "a car nobody annotated")
    assert reviewed["__typename"] == "Match" and reviewed["id"] == fp
    assert reviewed["review"] == {"status": "LABEL_ERROR", "note": "a car nobody annotated"}
    # Without a note the status changes and the note stays; "" clears it.
    kept = (await gql(REVIEW_KEEPING_NOTE, {"id": fp, "s": "CONFIRMED"}))["reviewMatch"]
    assert kept["review"] == {"status": "CONFIRMED", "note": "a car nobody annotated"}
    assert (await _review(gql, fp, "IGNORED", ""))["review"] == {"status": "IGNORED", "note": None}
    entries, _ = await _entries(gql, ids)
    assert entries[FP3]["review"]["status"] == "IGNORED" and entries[FP3]["review"]["updatedAt"].endswith("+00:00")
    assert [node["review"] for key, node in entries.items() if key != FP3] == [None] * 3

    assert (await _review(gql, fp, "UNREVIEWED"))["review"] is None
    entries, _ = await _entries(gql, ids)
    assert all(node["review"] is None for node in entries.values())


async def test_a_pair_shares_its_review_at_every_threshold(gql: GraphQL, ids: dict[str, str], state: AppState) -> None:
    below, _ = await _entries(gql, ids, t=0.7)
    fn2, fp2 = below[("FALSE_NEGATIVE", "g2", "p2")], below[("FALSE_POSITIVE", "g2", "p2")]
    # The ground truth's entry is hidden at 0.5: its true positive (the same pair) is returned.
    reviewed = await _review(gql, fn2["id"], "CONFIRMED", "too loose")
    assert _key(reviewed) == TP2 and reviewed["review"] == {"status": "CONFIRMED", "note": "too loose"}
    shown = await _review(gql, fn2["id"], "CONFIRMED", "too loose", t=0.7)
    assert shown["id"] == fn2["id"]
    below, _ = await _entries(gql, ids, t=0.7)
    assert below[_key(fp2)]["review"]["note"] == below[_key(fn2)]["review"]["note"] == "too loose"
    async with state.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(tables.MatchReview))).scalar_one() == 1


async def test_filter_counts_and_breakdown(gql: GraphQL, ids: dict[str, str]) -> None:
    entries, _ = await _entries(gql, ids)
    await _review(gql, entries[FP3]["id"], "LABEL_ERROR")
    await _review(gql, entries[FN3]["id"], "CONFIRMED")
    await _review(gql, entries[TP2]["id"], "IGNORED")
    for statuses, expected in [
        (["LABEL_ERROR"], {FP3}),
        (["CONFIRMED", "IGNORED"], {FN3, TP2}),
        (["UNREVIEWED"], {TP1}),
        (["UNREVIEWED", "LABEL_ERROR"], {TP1, FP3}),
        (["UNREVIEWED", "CONFIRMED", "LABEL_ERROR", "IGNORED"], {TP1, TP2, FP3, FN3}),
        ([], set()),
    ]:
        found, total = await _entries(gql, ids, filter={"reviewStatuses": statuses})
        assert (set(found), total) == (expected, len(expected)), statuses
    found, total = await _entries(gql, ids, filter={"reviewStatuses": ["IGNORED"], "outcomes": ["FALSE_POSITIVE"]})
    assert (found, total) == ({}, 0)
    # At 0.7 the ignored pair is a false positive and a false negative.
    found, total = await _entries(gql, ids, t=0.7, filter={"reviewStatuses": ["IGNORED"]})
    assert (set(found), total) == ({("FALSE_POSITIVE", "g2", "p2"), ("FALSE_NEGATIVE", "g2", "p2")}, 2)

    def breakdown(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, int, int]]:
        return {r["status"]: (r["truePositives"], r["falsePositives"], r["falseNegatives"], r["total"]) for r in rows}

    at_half = (await gql(METRICS, {**ids, "t": 0.5}))["evaluation"]["metrics"]["reviews"]
    assert [row["status"] for row in at_half] == ["UNREVIEWED", "CONFIRMED", "LABEL_ERROR", "IGNORED"]
    assert breakdown(at_half) == {
        "UNREVIEWED": (1, 0, 0, 1),
        "CONFIRMED": (0, 0, 1, 1),
        "LABEL_ERROR": (0, 1, 0, 1),
        "IGNORED": (1, 0, 0, 1),
    }
    at_high = (await gql(METRICS, {**ids, "t": 0.7}))["evaluation"]["metrics"]["reviews"]
    assert breakdown(at_high) == {
        "UNREVIEWED": (1, 0, 0, 1),
        "CONFIRMED": (0, 0, 1, 1),
        "LABEL_ERROR": (0, 1, 0, 1),
        "IGNORED": (0, 1, 1, 2),
    }


async def test_label_errors_export(gql: GraphQL, ids: dict[str, str]) -> None:
    entries, _ = await _entries(gql, ids)
    await _review(gql, entries[FP3]["id"], "LABEL_ERROR", "unannotated car")
    await _review(gql, entries[TP2]["id"], "LABEL_ERROR", "box too small")
    await _review(gql, entries[FN3]["id"], "CONFIRMED")
    first = (await gql(LABEL_ERRORS, {**ids, "first": 1}))["evaluation"]["labelErrors"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"]
    rest = (await gql(LABEL_ERRORS, {**ids, "first": 5, "after": first["pageInfo"]["endCursor"]}))["evaluation"]
    nodes = [edge["node"] for edge in first["edges"] + rest["labelErrors"]["edges"]]
    assert not rest["labelErrors"]["pageInfo"]["hasNextPage"]
    assert [node["coco"] for node in nodes] == [
        {
            "id": None,
            "image_id": "img1",
            "category": None,
            "bbox": None,
            "iscrowd": None,
            "prediction": {"id": "p3", "category": "car", "bbox": [150.0, 150.0, 10.0, 10.0], "score": 0.7},
            "note": "unannotated car",
        },
        {
            "id": "g2",
            "image_id": "img1",
            "category": "car",
            "bbox": [50.0, 50.0, 10.0, 10.0],
            "iscrowd": 0,
            "prediction": {"id": "p2", "category": "car", "bbox": [52.0, 50.0, 10.0, 10.0], "score": 0.8},
            "note": "box too small",
        },
    ]
    assert [node["note"] for node in nodes] == ["unannotated car", "box too small"]


async def test_reviews_survive_a_re_evaluation(gql: GraphQL, ids: dict[str, str]) -> None:
    entries, _ = await _entries(gql, ids)
    await _review(gql, entries[FP3]["id"], "LABEL_ERROR", "unannotated")
    await _review(gql, entries[FN3]["id"], "CONFIRMED")
    await _review(gql, entries[TP1]["id"], "IGNORED")
    await _review(gql, entries[TP2]["id"], "CONFIRMED", "pair")
    # p2 moves off g2 (the pair g2-p2 is gone: g2 missed, p2 a stray) and p4 is new; p1 and p3 are re-uploaded.
    moved = [_prediction("p1", 0, 0, 0.9), _prediction("p2", 170, 20, 0.8), _prediction("p3", 150, 150, 0.7)]
    await gql(PREDICT, {**ids, "p": [*moved, _prediction("p4", 100, 100, 0.6)]})
    await _evaluate(gql, ids)
    after, _ = await _entries(gql, ids)
    assert not {node["id"] for node in after.values()} & {node["id"] for node in entries.values()}
    reviews = {
        key: node["review"] and (node["review"]["status"], node["review"]["note"]) for key, node in after.items()
    }
    assert reviews == {
        TP1: ("IGNORED", None),
        FP3: ("LABEL_ERROR", "unannotated"),
        ("FALSE_NEGATIVE", "g2", None): None,
        ("FALSE_POSITIVE", None, "p2"): None,
        ("FALSE_POSITIVE", "g3", "p4"): None,  # g3 matched now: another pair than the reviewed miss
        ("FALSE_NEGATIVE", "g3", "p4"): None,
    }
    found, total = await _entries(gql, ids, filter={"reviewStatuses": ["LABEL_ERROR", "IGNORED"]})
    assert (set(found), total) == ({TP1, FP3}, 2)


async def test_another_accounts_match_is_not_found(
    gql: GraphQL, ids: dict[str, str], make_caller: Any, state: AppState
) -> None:
    entries, _ = await _entries(gql, ids)
    fp = entries[FP3]["id"]
    bob: Caller = await make_caller("bob")
    refused = (await gql(REVIEW, {"id": fp, "s": "CONFIRMED"}, as_=bob))["reviewMatch"]
    assert refused == {"__typename": "NotFoundError", "message": f"Match {fp!r} not found", "kind": "Match", "id": fp}
    async with state.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(tables.MatchReview))).scalar_one() == 0
    for unknown in ("TWF0Y2g6OTk5OTk5", "not-an-id", ids["d"]):
        assert (await _review(gql, unknown, "CONFIRMED"))["__typename"] == "NotFoundError"


@pytest.mark.parametrize(
    ("status", "note", "value", "message"),
    [
        ("CONFIRMED", "x" * 2001, "'" + "x" * 40 + "...'", "is longer than 2,000 characters"),
        ("CONFIRMED", "a\x00b", "'a\\x00b'", "must not contain the NUL character (U+0000)"),
        ("UNREVIEWED", "why", "'why'", "UNREVIEWED removes the review with its note"),
    ],
)
async def test_bad_notes_are_refused_and_write_nothing(
    gql: GraphQL, ids: dict[str, str], status: str, note: str, value: str, message: str
) -> None:
    entries, _ = await _entries(gql, ids)
    fp = entries[FP3]["id"]
    await _review(gql, fp, "IGNORED", "before")
    refused = await _review(gql, fp, status, note)
    assert refused["__typename"] == "ValidationError" and refused["field"] == "note"
    assert refused["errors"][0]["value"] == value and message in refused["message"]
    entries, _ = await _entries(gql, ids)
    assert entries[FP3]["review"]["status"] == "IGNORED" and entries[FP3]["review"]["note"] == "before"


async def test_an_unknown_status_is_refused(client: Any, caller: Caller, ids: dict[str, str]) -> None:
    entries = await client.post(
        "/graphql", json={"query": REVIEW, "variables": {"id": "x", "s": "WRONG"}}, headers=caller.headers
    )
    errors = entries.json()["errors"]
    assert "WRONG" in errors[0]["message"] and "ReviewStatus" in errors[0]["message"]


async def test_deleting_the_model_deletes_its_reviews(gql: GraphQL, ids: dict[str, str], state: AppState) -> None:
    entries, _ = await _entries(gql, ids)
    await _review(gql, entries[FP3]["id"], "CONFIRMED")
    deleted = await gql("mutation($id: ID!) { deleteModel(id: $id) { __typename } }", {"id": ids["m"]})
    assert deleted["deleteModel"]["__typename"] == "DeleteResult"
    async with state.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(tables.MatchReview))).scalar_one() == 0


async def test_error_types_of_reviewed_entries_follow_every_false_positive(gql: GraphQL, ids: dict[str, str]) -> None:
    entries, _ = await _entries(gql, ids)
    await _review(gql, entries[FN3]["id"], "CONFIRMED")
    confirmed_missed = {"reviewStatuses": ["CONFIRMED"], "errorTypes": ["MISSED"]}
    found, total = await _entries(gql, ids, filter=confirmed_missed)
    assert (set(found), total) == ({FN3}, 1)
    # Matched by class, an unreviewed car box on the dog g3 is a CLASSIFICATION error whose best match is g3: g3 is
    # no longer MISSED, though the prediction that decides it is not among the reviewed entries.
    await gql(PREDICT, {**ids, "p": [*PREDICTIONS, _prediction("p4", 100, 100, 0.6)]})
    job = (await gql(SUBMIT, {**ids, "o": {"classAgnostic": False}}))["calculateEvaluationMetrics"]
    assert (await wait_finished(gql, job["id"]))["status"] == "COMPLETED"
    assert (await _entries(gql, ids, filter={"reviewStatuses": ["CONFIRMED"]}))[0].keys() == {FN3}
    for statuses in (["CONFIRMED"], ["UNREVIEWED"], None):
        found, total = await _entries(gql, ids, filter={"reviewStatuses": statuses, "errorTypes": ["MISSED"]})
        assert (found, total) == ({}, 0), statuses
    found, total = await _entries(gql, ids, filter={"reviewStatuses": ["UNREVIEWED"], "errorTypes": ["CLASSIFICATION"]})
    assert (set(found), total) == ({("FALSE_POSITIVE", None, "p4")}, 1)

"""`matchscope label-errors` as a user runs it: a subprocess on the test database, after reviews made over GraphQL;
its list is the API's `labelErrors`, page after page."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from matchscope.jobs import runtime
from matchscope.services import label_export
from matchscope.state import AppState
from tests.conftest import GraphQL
from tests.jobs.conftest import SUBMIT, wait_finished

SETUP = """
mutation { createDataset(input: {name: "roads"}) { ... on Dataset { id } }
  createModel(input: {name: "Detector v2", referenceId: "det-v2"}) { ... on Model { id } } }
"""
LOAD = """
mutation($d: ID!, $m: ID!, $a: [BoxAnnotationInput!]!, $p: [BoxPredictionInput!]!) {
  appendItems(datasetId: $d, items: [{referenceId: "a.jpg", width: 300, height: 200}, {referenceId: "b.jpg"}]) {
    __typename }
  annotate(datasetId: $d, annotations: $a) { __typename }
  uploadPredictions(datasetId: $d, modelId: $m, predictions: $p) { __typename } }
"""
ENTRIES = """
query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { matches(first: 100) { edges { node {
  id outcome groundTruth { annotationId } prediction { annotationId } } } } } }
"""
REVIEW = """
mutation($id: ID!, $s: ReviewStatus!, $n: String) { reviewMatch(id: $id, status: $s, note: $n) { __typename } }
"""
LABEL_ERRORS = """
query($d: ID!, $m: ID!, $after: String) { evaluation(datasetId: $d, modelId: $m) {
  labelErrors(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { coco } } } } }
"""


def _box(item: str, key: str, label: str, x: float, y: float, **extra: Any) -> dict[str, Any]:
    return {
        "itemReferenceId": item,
        "annotationId": key,
        "label": label,
        "x": x,
        "y": y,
        "width": 20,
        "height": 10,
        **extra,
    }


GROUND_TRUTH = [
    _box("a.jpg", "g1", "car", 10, 10),
    _box("a.jpg", "g2", "bus", 100, 50),
    _box("b.jpg", "g3", "car", 0, 0),
]
# p1 finds g1, p2 is off g2 (a near miss: FP and FN), p3 finds nothing, g3 is missed.
PREDICTIONS = [
    _box("a.jpg", "p1", "car", 10, 10, confidence=0.9),
    _box("a.jpg", "p2", "bus", 108, 50, confidence=0.8),
    _box("a.jpg", "p3", "car", 250, 150, confidence=0.7),
]


@pytest_asyncio.fixture(autouse=True)
async def _stop_jobs(state: AppState) -> AsyncIterator[None]:
    yield
    await runtime.shutdown(state)


def _matchscope(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "matchscope", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def _run(state: AppState, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(_matchscope, state.settings.database_url, "label-errors", *args)


async def _reviewed(gql: GraphQL) -> dict[str, str]:
    created = await gql(SETUP)
    ids = {"d": created["createDataset"]["id"], "m": created["createModel"]["id"]}
    await gql(LOAD, {**ids, "a": GROUND_TRUTH, "p": PREDICTIONS})
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    assert (await wait_finished(gql, job["id"]))["status"] == "COMPLETED"
    edges = (await gql(ENTRIES, ids))["evaluation"]["matches"]["edges"]
    entries = {
        (
            edge["node"]["outcome"],
            (edge["node"]["groundTruth"] or {}).get("annotationId"),
            (edge["node"]["prediction"] or {}).get("annotationId"),
        ): edge["node"]["id"]
        for edge in edges
    }
    # In this order: the export lists reviews oldest first.
    for key, status, note in (
        (("FALSE_NEGATIVE", "g3", None), "LABEL_ERROR", "no car here"),
        (("FALSE_POSITIVE", None, "p3"), "LABEL_ERROR", "a car nobody annotated"),
        (("TRUE_POSITIVE", "g1", "p1"), "CONFIRMED", None),
        (("FALSE_NEGATIVE", "g2", "p2"), "LABEL_ERROR", None),
    ):
        assert (await gql(REVIEW, {"id": entries[key], "s": status, "n": note}))["reviewMatch"]["__typename"] == "Match"
    return ids


async def _api_list(gql: GraphQL, ids: dict[str, str]) -> list[Any]:
    found: list[Any] = []
    after = None
    while True:
        page = (await gql(LABEL_ERRORS, {**ids, "after": after}))["evaluation"]["labelErrors"]
        found += [edge["node"]["coco"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


EXPECTED = [
    {
        "id": "g3",
        "image_id": "b.jpg",
        "category": "car",
        "bbox": [0.0, 0.0, 20.0, 10.0],
        "iscrowd": 0,
        "prediction": None,
        "note": "no car here",
    },
    {
        "id": None,
        "image_id": "a.jpg",
        "category": None,
        "bbox": None,
        "iscrowd": None,
        "prediction": {"id": "p3", "category": "car", "bbox": [250.0, 150.0, 20.0, 10.0], "score": 0.7},
        "note": "a car nobody annotated",
    },
    {
        "id": "g2",
        "image_id": "a.jpg",
        "category": "bus",
        "bbox": [100.0, 50.0, 20.0, 10.0],
        "iscrowd": 0,
        "prediction": {"id": "p2", "category": "bus", "bbox": [108.0, 50.0, 20.0, 10.0], "score": 0.8},
        "note": None,
    },
]


async def test_the_export_is_the_api_label_errors(gql: GraphQL, state: AppState, tmp_path: Path) -> None:
    ids = await _reviewed(gql)
    assert await _api_list(gql, ids) == EXPECTED
    printed = await _run(state, "--dataset", "roads", "--model", "det-v2", "--account", "alice")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == EXPECTED
    assert "3 label errors of 'det-v2' on 'roads'" in printed.stderr
    out = tmp_path / "label-errors.json"
    written = await _run(state, "--dataset", "roads", "--model", "det-v2", "--account", "alice", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert written.stdout == ""
    assert json.loads(out.read_text()) == EXPECTED
    # Read a page of one at a time, the service lists the same.
    async with state.sessions() as session:
        evaluation = await label_export.current_evaluation(
            session, account_name="alice", dataset_name="roads", model_reference_id="det-v2"
        )
        assert await label_export.label_errors(session, evaluation=evaluation, page_size=1) == EXPECTED


@pytest.mark.slow
async def test_what_is_not_found_is_named(gql: GraphQL, state: AppState, make_caller: Any) -> None:
    await _reviewed(gql)
    await make_caller("bob")
    cases = [
        (("--dataset", "roads", "--model", "det-v2", "--account", "nobody"), "Account 'nobody' not found"),
        (("--dataset", "rivers", "--model", "det-v2", "--account", "alice"), "Dataset 'rivers' not found"),
        (("--dataset", "roads", "--model", "Detector v2", "--account", "alice"), "Model 'Detector v2' not found"),
        # Another account's dataset is not there for bob.
        (("--dataset", "roads", "--model", "det-v2", "--account", "bob"), "Dataset 'roads' not found"),
    ]
    for args, message in cases:
        result = await _run(state, *args)
        assert result.returncode == 2, result
        assert result.stdout == ""
        assert result.stderr.strip() == f"matchscope: error: {message}", result.stderr


async def test_no_evaluation_yet_is_said(gql: GraphQL, state: AppState) -> None:
    await gql(SETUP)
    result = await _run(state, "--dataset", "roads", "--model", "det-v2", "--account", "alice")
    assert result.returncode == 2
    assert result.stderr.strip() == "matchscope: error: Evaluation 'det-v2 on roads' not found", result.stderr

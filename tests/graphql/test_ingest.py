"""Uploads through GraphQL over HTTP: idempotent keys, the update flag, whole-batch validation."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from sqlalchemy import func, select

from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import GraphQL

CREATE = """
mutation($name: String!) { createDataset(input: {name: $name, metadata: {split: "val"}}) {
  __typename ... on Dataset { id name metadata } ... on ValidationError { message field } } }
"""
MODEL = """
mutation($ref: String!) { createModel(input: {name: "yolo", referenceId: $ref}) {
  __typename ... on Model { id referenceId } ... on ValidationError { message field } } }
"""
ITEMS = """
mutation($id: ID!, $items: [DatasetItemInput!]!, $update: Boolean) { appendItems(datasetId: $id, items: $items, update: $update) {
  __typename ... on UploadResult { new updated ignored } ... on ValidationError { message field errors { row field value message } }
  ... on NotFoundError { message } } }
"""
ANNOTATE = """
mutation($id: ID!, $boxes: [BoxAnnotationInput!]!, $update: Boolean) { annotate(datasetId: $id, annotations: $boxes, update: $update) {
  __typename ... on UploadResult { new updated ignored } ... on ValidationError { message field errors { row field value message } }
  ... on NotFoundError { message } } }
"""
PREDICT = """
mutation($id: ID!, $model: ID!, $boxes: [BoxPredictionInput!]!) { uploadPredictions(datasetId: $id, modelId: $model, predictions: $boxes) {
  __typename ... on UploadResult { new updated ignored } ... on ValidationError { message field errors { row field value message } }
  ... on NotFoundError { message } } }
"""


async def _dataset_with_items(gql: GraphQL) -> str:
    dataset = (await gql(CREATE, {"name": "val"}))["createDataset"]
    items = [{"referenceId": f"img{i}.jpg", "width": 640, "height": 480} for i in range(3)]
    result = (await gql(ITEMS, {"id": dataset["id"], "items": items}))["appendItems"]
    assert result == {"__typename": "UploadResult", "new": 3, "updated": 0, "ignored": 0}
    return str(dataset["id"])


def _box(item: str, label: str = "cat", **extra: Any) -> dict[str, Any]:
    return {
        "itemReferenceId": item,
        "label": label,
        "x": 1.0,
        "y": 2.0,
        "width": 10.0,
        "height": 20.0,
        **extra,
    }


async def _count(state: AppState, table: Any) -> int:
    async with state.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_items_are_keyed_by_reference_id(gql: GraphQL) -> None:
    dataset_id = await _dataset_with_items(gql)
    again = [{"referenceId": "img0.jpg", "width": 1}, {"referenceId": "img9.jpg"}]
    assert (await gql(ITEMS, {"id": dataset_id, "items": again}))["appendItems"]["ignored"] == 1
    replaced = (await gql(ITEMS, {"id": dataset_id, "items": again, "update": True}))["appendItems"]
    assert (replaced["new"], replaced["updated"], replaced["ignored"]) == (0, 2, 0)
    data = await gql(
        "query($id: ID!) { dataset(id: $id) { itemCount items(first: 10) { edges { node { referenceId width } } } } }",
        {"id": dataset_id},
    )
    widths = {e["node"]["referenceId"]: e["node"]["width"] for e in data["dataset"]["items"]["edges"]}
    assert data["dataset"]["itemCount"] == 4
    assert widths["img0.jpg"] == 1


async def test_annotations_idempotent_with_and_without_ids(gql: GraphQL) -> None:
    dataset_id = await _dataset_with_items(gql)
    boxes = [_box("img0.jpg", annotationId="a1"), _box("img1.jpg"), _box("img1.jpg", label="dog")]
    first = (await gql(ANNOTATE, {"id": dataset_id, "boxes": boxes}))["annotate"]
    assert (first["new"], first["updated"], first["ignored"]) == (3, 0, 0)
    second = (await gql(ANNOTATE, {"id": dataset_id, "boxes": boxes}))["annotate"]
    assert (second["new"], second["updated"], second["ignored"]) == (0, 0, 3)
    moved = [_box("img0.jpg", annotationId="a1", label="bird")]
    third = (await gql(ANNOTATE, {"id": dataset_id, "boxes": moved, "update": True}))["annotate"]
    assert (third["new"], third["updated"]) == (0, 1)
    data = await gql(
        "query($id: ID!) { dataset(id: $id) { labels annotationCount items(first: 1) { edges { node { annotations { annotationId label } } } } } }",
        {"id": dataset_id},
    )
    assert data["dataset"]["annotationCount"] == 3
    assert data["dataset"]["labels"] == ["bird", "cat", "dog"]
    assert data["dataset"]["items"]["edges"][0]["node"]["annotations"] == [{"annotationId": "a1", "label": "bird"}]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"height": -1.0}, "height"),
        ({"itemReferenceId": "nope.jpg"}, "itemReferenceId"),
        ({"label": ""}, "label"),
    ],
)
async def test_bad_annotation_batch_writes_nothing(
    gql: GraphQL, state: AppState, bad: dict[str, Any], field: str
) -> None:
    dataset_id = await _dataset_with_items(gql)
    boxes = [_box("img0.jpg"), {**_box("img1.jpg"), **bad}]
    payload = (await gql(ANNOTATE, {"id": dataset_id, "boxes": boxes}))["annotate"]
    assert payload["__typename"] == "ValidationError"
    assert payload["field"] == field
    assert payload["errors"][0]["row"] == 1
    assert f"row 1: {field}" in payload["message"]
    assert await _count(state, tables.BoxAnnotation) == 0


async def test_nan_width_is_refused_naming_row_and_field(
    client: Any, caller: Any, gql: GraphQL, state: AppState
) -> None:
    dataset_id = await _dataset_with_items(gql)
    # JSON clients send NaN as a bare token: refused before execution, naming the row and the field.
    variables = {"id": dataset_id, "boxes": [_box("img0.jpg"), _box("img1.jpg", width=math.nan)]}
    body = json.dumps({"query": ANNOTATE, "variables": variables})  # json.dumps writes NaN as a bare token
    response = await client.post(
        "/graphql", content=body, headers={**caller.headers, "content-type": "application/json"}
    )
    errors = response.json()["errors"]
    message = errors[0]["message"]
    assert message == "Refused: $boxes row 1: width = nan: must be a finite number; nothing was written"
    assert await _count(state, tables.BoxAnnotation) == 0


async def test_prediction_confidence_and_model_checks(gql: GraphQL, state: AppState) -> None:
    dataset_id = await _dataset_with_items(gql)
    model = (await gql(MODEL, {"ref": "yolo-v8"}))["createModel"]
    duplicate = (await gql(MODEL, {"ref": "yolo-v8"}))["createModel"]
    assert duplicate["__typename"] == "ValidationError" and duplicate["field"] == "referenceId"
    bad = [_box("img0.jpg", confidence=0.5), _box("img1.jpg", confidence=1.5)]
    refused = (await gql(PREDICT, {"id": dataset_id, "model": model["id"], "boxes": bad}))["uploadPredictions"]
    assert refused["__typename"] == "ValidationError"
    assert refused["errors"] == [{"row": 1, "field": "confidence", "value": "1.5", "message": "must be within [0, 1]"}]
    assert await _count(state, tables.BoxPrediction) == 0
    good = [_box("img0.jpg", confidence=0.5), _box("img0.jpg", confidence=0.9)]
    done = (await gql(PREDICT, {"id": dataset_id, "model": model["id"], "boxes": good}))["uploadPredictions"]
    assert done["new"] == 2
    data = await gql(
        "query($id: ID!, $m: ID!) { dataset(id: $id) { items(first: 1) { edges { node { predictions(modelId: $m) { confidence model { referenceId } } } } } } }",
        {"id": dataset_id, "m": model["id"]},
    )
    predictions = data["dataset"]["items"]["edges"][0]["node"]["predictions"]
    assert sorted(p["confidence"] for p in predictions) == [0.5, 0.9]
    assert predictions[0]["model"]["referenceId"] == "yolo-v8"


async def test_duplicate_keys_in_one_batch_are_refused(gql: GraphQL, state: AppState) -> None:
    dataset_id = await _dataset_with_items(gql)
    boxes = [_box("img0.jpg", annotationId="k"), _box("img0.jpg", annotationId="k", label="dog")]
    payload = (await gql(ANNOTATE, {"id": dataset_id, "boxes": boxes}))["annotate"]
    assert payload["__typename"] == "ValidationError"
    assert payload["errors"][0]["row"] == 1 and payload["errors"][0]["field"] == "annotationId"
    assert await _count(state, tables.BoxAnnotation) == 0


async def test_unknown_ids_read_as_not_found(gql: GraphQL) -> None:
    payload = (await gql(ITEMS, {"id": "RGF0YXNldDo5OTk", "items": []}))["appendItems"]
    assert payload["__typename"] == "NotFoundError"
    payload = (await gql(ITEMS, {"id": "garbage!", "items": []}))["appendItems"]
    assert payload["__typename"] == "NotFoundError"
    assert (await gql('{ node(id: "RGF0YXNldDo5OTk") { id } }'))["node"] is None


async def test_datasets_connection_pages_forward(gql: GraphQL) -> None:
    for index in range(5):
        await gql(CREATE, {"name": f"d{index}"})
    seen: list[str] = []
    after = None
    while True:
        page = (
            await gql(
                "query($a: String) { datasets(first: 2, after: $a) { edges { node { name } } pageInfo { hasNextPage endCursor } } }",
                {"a": after},
            )
        )["datasets"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"d{i}" for i in range(5)]


async def test_first_over_100_is_refused(client: Any, caller: Any) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ datasets(first: 101) { edges { cursor } } }"}, headers=caller.headers
    )
    body = response.json()
    assert body["data"] is None
    assert "first" in body["errors"][0]["message"] and "101" in body["errors"][0]["message"]

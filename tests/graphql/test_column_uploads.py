"""Column-shaped uploads (`annotateColumns`, `uploadPredictionColumns`) against the row-shaped ones: the same rows
sent both ways into twin datasets write the same stored rows, counts and errors — first upload, idempotent
re-upload, update, and a bad batch that writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import GraphQL

CREATE = "mutation($name: String!) { createDataset(input: {name: $name}) { ... on Dataset { id } } }"
MODEL = 'mutation($ref: String!) { createModel(input: {name: "m", referenceId: $ref}) { ... on Model { id } } }'
ITEMS = """mutation($id: ID!, $items: [DatasetItemInput!]!) { appendItems(datasetId: $id, items: $items) {
  ... on UploadResult { new } } }"""
PAYLOAD = """__typename ... on UploadResult { new updated ignored }
  ... on ValidationError { message field errors { row field value message } } ... on NotFoundError { message kind }"""
ANNOTATE = f"""mutation($id: ID!, $rows: [BoxAnnotationInput!]!, $update: Boolean) {{
  annotate(datasetId: $id, annotations: $rows, update: $update) {{ {PAYLOAD} }} }}"""
ANNOTATE_COLUMNS = f"""mutation($id: ID!, $columns: BoxAnnotationColumnsInput!, $update: Boolean) {{
  annotateColumns(datasetId: $id, columns: $columns, update: $update) {{ {PAYLOAD} }} }}"""
PREDICT = f"""mutation($id: ID!, $model: ID!, $rows: [BoxPredictionInput!]!, $update: Boolean) {{
  uploadPredictions(datasetId: $id, modelId: $model, predictions: $rows, update: $update) {{ {PAYLOAD} }} }}"""
PREDICT_COLUMNS = f"""mutation($id: ID!, $model: ID!, $columns: BoxPredictionColumnsInput!, $update: Boolean) {{
  uploadPredictionColumns(datasetId: $id, modelId: $model, columns: $columns, update: $update) {{ {PAYLOAD} }} }}"""

ANNOTATION_FIELDS = {
    "itemReferenceId": "itemReferenceIds", "label": "labels", "x": "x", "y": "y", "width": "width",
    "height": "height", "annotationId": "annotationIds", "iscrowd": "iscrowd", "metadata": "metadata", "area": "areas",
}  # fmt: skip
PREDICTION_FIELDS = {
    "itemReferenceId": "itemReferenceIds", "label": "labels", "x": "x", "y": "y", "width": "width",
    "height": "height", "annotationId": "annotationIds", "confidence": "confidences", "classPdf": "classPdfs",
    "metadata": "metadata",
}  # fmt: skip


def _columns(rows: list[dict[str, Any]], fields: dict[str, str]) -> dict[str, list[Any]]:
    """The rows as columns: a field no row gives is left out (the server's default for every row); iscrowd, whose
    entries cannot be null, is false where a row leaves it out (its default in a row)."""
    defaults = {"iscrowd": False}
    return {
        column: [row.get(field, defaults.get(field)) for row in rows]
        for field, column in fields.items()
        if any(field in row for row in rows)
    }


def _annotations(count: int, shift: float = 0.0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = {"itemReferenceId": f"img{i % 4}.jpg", "label": ("cat", "dog")[i % 2],
                               "x": i * 1.5 + shift, "y": 2, "width": 10.25, "height": 20.0 + i}  # fmt: skip
        if i % 3:
            row["annotationId"] = f"g{i}"  # else derived from label and box
        if i % 5 == 0:
            row["iscrowd"] = True
        if i % 4 == 1:
            row["metadata"] = {"source": "human", "i": i}
        if i % 6 == 2:
            row["area"] = 55.5
        rows.append(row)
    return rows


def _predictions(count: int, shift: float = 0.0) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = {"itemReferenceId": f"img{i % 4}.jpg", "label": ("cat", "dog")[i % 2],
                               "x": i * 0.75 + shift, "y": 3.125, "width": 12, "height": 7.5}  # fmt: skip
        if i % 3:
            row["annotationId"] = f"p{i}"
        if i % 7:
            row["confidence"] = (i % 10) / 10
        if i % 4 == 3:
            row["classPdf"] = {"cat": 0.25, "dog": 0.75}
            row["metadata"] = {"nms": True}
        rows.append(row)
    return rows


async def _twin_datasets(gql: GraphQL) -> tuple[str, str, str, str]:
    """Two datasets with the same items, and a model for each: (rows' dataset, columns' dataset, models)."""
    ids = []
    for name in ("rows", "columns"):
        dataset_id = (await gql(CREATE, {"name": name}))["createDataset"]["id"]
        items = [{"referenceId": f"img{i}.jpg", "width": 640, "height": 480} for i in range(4)]
        assert (await gql(ITEMS, {"id": dataset_id, "items": items}))["appendItems"]["new"] == 4
        ids.append(dataset_id)
    models = [(await gql(MODEL, {"ref": ref}))["createModel"]["id"] for ref in ("m-rows", "m-columns")]
    return ids[0], ids[1], models[0], models[1]


async def _stored(state: AppState, table: Any, dataset_name: str) -> list[tuple[Any, ...]]:
    """Every stored box of the dataset, without its ids, in key order."""
    item, dataset = tables.DatasetItem, tables.Dataset
    columns = [item.reference_id, table.annotation_id, table.label, table.x, table.y, table.width, table.height]
    if table is tables.BoxAnnotation:
        columns += [table.area, table.iscrowd, table.meta]
    else:
        columns += [table.confidence, table.class_pdf, table.meta]
    statement = (
        select(*columns)
        .join(item, item.id == table.item_id)
        .join(dataset, dataset.id == item.dataset_id)
        .where(dataset.name == dataset_name)
        .order_by(item.reference_id, table.annotation_id)
    )
    async with state.sessions() as session:
        return [tuple(row) for row in (await session.execute(statement)).all()]


async def _count(state: AppState, table: Any) -> int:
    async with state.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_annotations_as_columns_write_what_rows_write(gql: GraphQL, state: AppState) -> None:
    by_rows, by_columns, _, _ = await _twin_datasets(gql)

    async def both(rows: list[dict[str, Any]], update: bool) -> tuple[Any, Any]:
        row_result = (await gql(ANNOTATE, {"id": by_rows, "rows": rows, "update": update}))["annotate"]
        columns = _columns(rows, ANNOTATION_FIELDS)
        column_result = await gql(ANNOTATE_COLUMNS, {"id": by_columns, "columns": columns, "update": update})
        return row_result, column_result["annotateColumns"]

    first = await both(_annotations(30), update=False)
    assert first[0] == first[1] == {"__typename": "UploadResult", "new": 30, "updated": 0, "ignored": 0}
    stored = await _stored(state, tables.BoxAnnotation, "rows")
    assert len(stored) == 30 and stored == await _stored(state, tables.BoxAnnotation, "columns")
    assert any(key.startswith("auto-") for _, key, *_ in stored)  # derived keys too

    again = await both(_annotations(30), update=False)  # idempotent
    assert again[0] == again[1] == {"__typename": "UploadResult", "new": 0, "updated": 0, "ignored": 30}
    assert await _stored(state, tables.BoxAnnotation, "columns") == stored

    # Keyed rows moved (replaced with update), unkeyed ones moved (new derived keys), 5 more rows.
    changed = await both(_annotations(35, shift=0.5), update=True)
    assert changed[0] == changed[1]
    # Keyed rows 0-29 replaced (20); new: keyed rows 30-34 (3) and every unkeyed row (12), whose keys moved too.
    assert (changed[1]["new"], changed[1]["updated"], changed[1]["ignored"]) == (15, 20, 0)
    updated = await _stored(state, tables.BoxAnnotation, "rows")
    assert updated != stored and updated == await _stored(state, tables.BoxAnnotation, "columns")


async def test_predictions_as_columns_write_what_rows_write(gql: GraphQL, state: AppState) -> None:
    by_rows, by_columns, model_rows, model_columns = await _twin_datasets(gql)

    async def both(rows: list[dict[str, Any]], update: bool) -> tuple[Any, Any]:
        variables = {"id": by_rows, "model": model_rows, "rows": rows, "update": update}
        row_result = (await gql(PREDICT, variables))["uploadPredictions"]
        columns = _columns(rows, PREDICTION_FIELDS)
        variables = {"id": by_columns, "model": model_columns, "columns": columns, "update": update}
        return row_result, (await gql(PREDICT_COLUMNS, variables))["uploadPredictionColumns"]

    first = await both(_predictions(40), update=False)
    assert first[0] == first[1] == {"__typename": "UploadResult", "new": 40, "updated": 0, "ignored": 0}
    stored = await _stored(state, tables.BoxPrediction, "rows")
    assert len(stored) == 40 and stored == await _stored(state, tables.BoxPrediction, "columns")
    assert {type(row[3]) for row in stored} == {float}  # integers given as numbers are stored as floats both ways

    again = await both(_predictions(40), update=False)
    assert again[0] == again[1] == {"__typename": "UploadResult", "new": 0, "updated": 0, "ignored": 40}
    assert await _stored(state, tables.BoxPrediction, "columns") == stored

    changed = await both(_predictions(40, shift=1.0), update=True)
    assert changed[0] == changed[1] and (changed[1]["new"], changed[1]["updated"]) == (14, 26)
    updated = await _stored(state, tables.BoxPrediction, "rows")
    assert updated != stored and updated == await _stored(state, tables.BoxPrediction, "columns")


async def test_a_bad_batch_is_refused_alike_and_writes_nothing(gql: GraphQL, state: AppState) -> None:
    by_rows, by_columns, model_rows, model_columns = await _twin_datasets(gql)
    rows = _predictions(12)
    rows[2]["width"] = -4.0
    rows[5]["confidence"] = 1.5
    rows[7]["itemReferenceId"] = "nowhere.jpg"
    rows[9]["annotationId"] = rows[1]["annotationId"] = "same"
    rows[9]["itemReferenceId"] = rows[1]["itemReferenceId"]
    rows[10]["label"] = ""
    row_result = (await gql(PREDICT, {"id": by_rows, "model": model_rows, "rows": rows}))["uploadPredictions"]
    columns = _columns(rows, PREDICTION_FIELDS)
    variables = {"id": by_columns, "model": model_columns, "columns": columns}
    column_result = (await gql(PREDICT_COLUMNS, variables))["uploadPredictionColumns"]
    assert column_result == row_result
    assert column_result["__typename"] == "ValidationError"
    assert [(e["row"], e["field"], e["value"]) for e in column_result["errors"]] == [
        (2, "width", "-4.0"),
        (5, "confidence", "1.5"),
        (7, "itemReferenceId", "'nowhere.jpg'"),
        (9, "annotationId", "'same'"),
        (10, "label", "''"),
    ]
    assert "nothing was written" in column_result["message"]
    assert await _count(state, tables.BoxPrediction) == 0


async def test_column_entries_of_the_wrong_type_are_named_by_row(gql: GraphQL, state: AppState) -> None:
    _, by_columns, _, model = await _twin_datasets(gql)
    columns = _columns(_predictions(6), PREDICTION_FIELDS)
    columns["x"][1] = "12"
    columns["y"][3] = True
    columns["labels"][4] = None
    columns["annotationIds"][5] = 7
    columns["confidences"][0] = {"p": 1}
    result = await gql(PREDICT_COLUMNS, {"id": by_columns, "model": model, "columns": columns})
    refused = result["uploadPredictionColumns"]
    assert refused["__typename"] == "ValidationError"
    assert [(e["row"], e["field"], e["value"], e["message"]) for e in refused["errors"]] == [
        (0, "confidence", "{'p': 1}", "must be a number"),
        (1, "x", "'12'", "must be a number"),
        (3, "y", "True", "must be a number"),
        (4, "label", "None", "is required"),
        (5, "annotationId", "7", "must be a string"),
    ]
    boxes = _columns(_annotations(3), ANNOTATION_FIELDS)
    boxes["iscrowd"] = [False, 1, None]
    refused = (await gql(ANNOTATE_COLUMNS, {"id": by_columns, "columns": boxes}))["annotateColumns"]
    assert [(e["row"], e["field"], e["value"], e["message"]) for e in refused["errors"]] == [
        (1, "iscrowd", "1", "must be true or false"),
        (2, "iscrowd", "None", "is required"),
    ]
    assert await _count(state, tables.BoxPrediction) + await _count(state, tables.BoxAnnotation) == 0


async def test_column_lengths_and_the_row_cap(gql: GraphQL, state: AppState) -> None:
    _, by_columns, _, model = await _twin_datasets(gql)
    columns = _columns(_predictions(5), PREDICTION_FIELDS)
    columns["height"] = columns["height"][:4]
    refused = await gql(PREDICT_COLUMNS, {"id": by_columns, "model": model, "columns": columns})
    error = refused["uploadPredictionColumns"]
    assert error["__typename"] == "ValidationError" and error["field"] == "height"
    assert error["errors"] == [
        {"row": None, "field": "height", "value": "'4 entries'",
         "message": "every column holds one entry per row: itemReferenceIds has 5"},
    ]  # fmt: skip

    cap = state.settings.max_upload_rows
    over = {"itemReferenceIds": ["img0.jpg"] * (cap + 1), "labels": [], "x": [], "y": [], "width": [], "height": []}
    refused = await gql(PREDICT_COLUMNS, {"id": by_columns, "model": model, "columns": over})
    error = refused["uploadPredictionColumns"]
    assert error["__typename"] == "ValidationError" and error["field"] == "columns"
    assert f"one call holds at most {cap:,} rows" in error["message"]
    assert await _count(state, tables.BoxPrediction) == 0


@pytest.mark.parametrize("value", ["x", 3, {"a": [1]}])
async def test_a_column_that_is_not_a_list_is_refused(client: Any, caller: Any, value: Any) -> None:
    response = await client.post(
        "/graphql",
        json={
            "query": PREDICT_COLUMNS,
            "variables": {
                "id": "x",
                "model": "y",
                "columns": {"itemReferenceIds": value, "labels": [], "x": [], "y": [], "width": [], "height": []},
            },
        },
        headers=caller.headers,
    )
    errors = response.json()["errors"]
    assert len(errors) == 1 and "itemReferenceIds" in errors[0]["message"]
    assert "a column is a JSON list with one entry per row" in errors[0]["message"]


async def test_a_non_finite_number_in_a_column_is_refused_naming_row_and_field(
    client: Any, caller: Any, gql: GraphQL, state: AppState
) -> None:
    _, by_columns, _, model = await _twin_datasets(gql)
    columns = _columns(_predictions(5), PREDICTION_FIELDS)
    body = json.dumps({"query": PREDICT_COLUMNS, "variables": {"id": by_columns, "model": model, "columns": columns}})
    body = body.replace('"width": [12, 12, 12,', '"width": [12, 12, NaN,').replace('{"nms": true}', '{"nms": Infinity}')
    response = await client.post(
        "/graphql", content=body, headers={**caller.headers, "Content-Type": "application/json"}
    )
    errors = response.json()["errors"]
    assert [error["message"] for error in errors] == [
        "Refused: $columns row 2: width = nan: must be a finite number; "
        "$columns row 3: metadata.nms = inf: must be a finite number; nothing was written"
    ]
    assert await _count(state, tables.BoxPrediction) == 0


async def test_columns_written_inline_as_in_the_readme(gql: GraphQL, state: AppState) -> None:
    _, by_columns, _, model = await _twin_datasets(gql)
    inline = """mutation($id: ID!, $model: ID!) {
      uploadPredictionColumns(datasetId: $id, modelId: $model, columns: {
          itemReferenceIds: ["img1.jpg", "img1.jpg"], labels: ["car", "bus"],
          x: [1, 50], y: [2, 60], width: [30, 80], height: [20, 40],
          annotationIds: ["p1", null], confidences: [0.9, 0.35]}) {
        ... on UploadResult { new updated ignored }
        ... on ValidationError { message errors { row field value message } }
      }
    }"""
    result = (await gql(inline, {"id": by_columns, "model": model}))["uploadPredictionColumns"]
    assert result == {"new": 2, "updated": 0, "ignored": 0}
    stored = await _stored(state, tables.BoxPrediction, "columns")
    assert [(key[:5], label, x, confidence) for _, key, label, x, *_, confidence, _, _ in stored] == [
        ("auto-", "bus", 50.0, 0.35),
        ("p1", "car", 1.0, 0.9),
    ]

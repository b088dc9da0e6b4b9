"""`datasetByName` and `modelByReferenceId`: the caller's own objects only; an annotation's COCO `area` is kept;
the upload inputs' fast builders."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import strawberry
from sqlalchemy import select
from strawberry.schema.config import StrawberryConfig
from strawberry.types import get_object_definition

from matchscope.schema.ingest import BoxAnnotationInput, BoxPredictionInput, DatasetItemInput
from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller, GraphQL
from tests.graphql.test_ingest import ANNOTATE, CREATE, ITEMS, MODEL

BY_NAME = "query($name: String!) { datasetByName(name: $name) { id name } }"
BY_REFERENCE = "query($ref: String!) { modelByReferenceId(referenceId: $ref) { id referenceId name } }"


async def test_dataset_by_name_finds_only_the_callers(gql: GraphQL, make_caller: Any) -> None:
    mine = (await gql(CREATE, {"name": "val"}))["createDataset"]
    await gql(CREATE, {"name": "other"})
    assert (await gql(BY_NAME, {"name": "val"}))["datasetByName"] == {"id": mine["id"], "name": "val"}
    assert (await gql(BY_NAME, {"name": "missing"}))["datasetByName"] is None
    bob: Caller = await make_caller("bob")
    assert (await gql(BY_NAME, {"name": "val"}, as_=bob))["datasetByName"] is None
    theirs = (await gql(CREATE, {"name": "val"}, as_=bob))["createDataset"]
    assert (await gql(BY_NAME, {"name": "val"}, as_=bob))["datasetByName"]["id"] == theirs["id"] != mine["id"]


async def test_model_by_reference_id_finds_only_the_callers(gql: GraphQL, make_caller: Any) -> None:
    mine = (await gql(MODEL, {"ref": "yolo-v1"}))["createModel"]
    found = (await gql(BY_REFERENCE, {"ref": "yolo-v1"}))["modelByReferenceId"]
    assert found == {"id": mine["id"], "referenceId": "yolo-v1", "name": "yolo"}
    assert (await gql(BY_REFERENCE, {"ref": "yolo-v2"}))["modelByReferenceId"] is None
    bob: Caller = await make_caller("bob")
    assert (await gql(BY_REFERENCE, {"ref": "yolo-v1"}, as_=bob))["modelByReferenceId"] is None


async def test_annotation_area_is_stored_and_checked(gql: GraphQL, state: AppState) -> None:
    dataset = (await gql(CREATE, {"name": "val"}))["createDataset"]["id"]
    await gql(ITEMS, {"id": dataset, "items": [{"referenceId": "a.jpg"}]})
    box = {"itemReferenceId": "a.jpg", "label": "cat", "x": 0.0, "y": 0.0, "width": 10.0, "height": 10.0}
    refused = (await gql(ANNOTATE, {"id": dataset, "boxes": [{**box, "area": -3.0}]}))["annotate"]
    assert refused["__typename"] == "ValidationError"
    assert refused["errors"] == [{"row": 0, "field": "area", "value": "-3.0", "message": "must not be negative"}]
    written = (await gql(ANNOTATE, {"id": dataset, "boxes": [{**box, "area": 61.5}, {**box, "x": 5.0}]}))["annotate"]
    assert written["new"] == 2
    async with state.sessions() as session:
        areas = (await session.execute(select(tables.BoxAnnotation.area).order_by(tables.BoxAnnotation.x))).scalars()
        assert list(areas) == [61.5, None]


_BUILT: list[object] = []


def _kept(row: object) -> bool:
    _BUILT.append(row)
    return True


@strawberry.type
class _Inputs:
    """Each upload input as an argument, converted by strawberry as the upload mutations' arguments are."""

    @strawberry.field
    def item(self, row: DatasetItemInput) -> bool:
        return _kept(row)

    @strawberry.field
    def annotation(self, row: BoxAnnotationInput) -> bool:
        return _kept(row)

    @strawberry.field
    def prediction(self, row: BoxPredictionInput) -> bool:
        return _kept(row)


_INPUTS = strawberry.Schema(query=_Inputs)
_FIELDS = {DatasetItemInput: "item", BoxAnnotationInput: "annotation", BoxPredictionInput: "prediction"}
_ITEM = {"referenceId": "a", "imageLocation": "x.jpg", "width": 3, "height": 4, "metadata": {"k": 1}}
_BOX = {"itemReferenceId": "a", "label": "cat", "x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0}


@pytest.mark.parametrize(
    ("input_type", "value"),
    [
        (DatasetItemInput, _ITEM),
        (DatasetItemInput, {"referenceId": "a"}),
        (BoxAnnotationInput, {**_BOX, "annotationId": "g", "iscrowd": True, "metadata": {"k": 1}, "area": 5.0}),
        (BoxAnnotationInput, _BOX),
        (
            BoxPredictionInput,
            {**_BOX, "annotationId": "p", "confidence": 0.5, "classPdf": {"cat": 1.0}, "metadata": None},
        ),
        (BoxPredictionInput, _BOX),
    ],
)
def test_upload_inputs_are_built_whole_from_their_mapping(
    input_type: type[Any], value: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strawberry builds the upload inputs with `built_from_mapping`: every field the type declares, set to what
    the class itself would hold (defaults for the fields left out), the same in its service record, and never through `__init__`, which
    strawberry's own, ~4x slower conversion calls (fails when strawberry stops calling the builder)."""
    definition = get_object_definition(input_type, strict=True)
    names = StrawberryConfig().name_converter
    expected = input_type(
        **{
            field.python_name: value[names.from_field(field)]
            for field in definition.fields
            if names.from_field(field) in value
        }
    )
    init_calls: list[dict[str, Any]] = []
    init = input_type.__init__
    monkeypatch.setattr(
        input_type, "__init__", lambda self, **kwargs: init_calls.append(kwargs) or init(self, **kwargs)
    )
    name = definition.name
    result = _INPUTS.execute_sync(f"query($row: {name}!) {{ {_FIELDS[input_type]}(row: $row) }}", {"row": value})
    assert result.errors is None
    built = _BUILT[-1]
    assert type(built) is input_type
    assert vars(built) == vars(expected)
    assert set(vars(built)) == {field.python_name for field in definition.fields}
    assert init_calls == []
    assert dataclasses.asdict(built.to_record()) == vars(expected)  # type: ignore[attr-defined]

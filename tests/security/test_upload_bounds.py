"""Uploads: the row cap per call, finite numbers and extents, NaN/Infinity in the JSON body; against real uvicorn
outside debug mode (so that an unexpected error would read "Unexpected error."), and a property test over
arbitrary batches: never a traceback, never "Unexpected error.", a refused batch never writes."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import Caller
from tests.jobs.servers import serve
from tests.security.bounded import ANNOTATE, ITEMS, PREDICT, box, row_counts, served, while_in_flight


def _production(state: AppState, **changes: Any) -> Settings:
    return state.settings.model_copy(update={"debug": False, **changes})


@pytest.mark.serial  # times a cheap query while the bad request is in flight
async def test_an_upload_over_the_row_cap_is_refused_and_writes_nothing(
    state: AppState, caller: Caller, make_caller: Any
) -> None:
    other = await make_caller("bob")
    async with served(_production(state), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        rows = [box(f"b{i}", x=float(i)) for i in range(10_001)]
        response, cheap = await while_in_flight(app.post(ANNOTATE, {"d": dataset, "boxes": rows}), app, other)
        payload = response.json()["data"]["annotate"]
        assert payload["__typename"] == "ValidationError" and payload["field"] == "annotations"
        assert payload["message"] == (
            "annotations = '10,001 rows': one call holds at most 10,000 rows (MATCHSCOPE_MAX_UPLOAD_ROWS); "
            "send them in several calls; nothing was written"
        )
        assert cheap < 1
        assert await row_counts(state) == before
        accepted = (await app.data(ANNOTATE, {"d": dataset, "boxes": rows[:10_000]}))["annotate"]
        assert accepted["new"] == 10_000


@pytest.mark.parametrize("mutation", ["items", "predictions"])
async def test_the_row_cap_is_a_setting_for_every_upload(state: AppState, caller: Caller, mutation: str) -> None:
    async with served(_production(state, max_upload_rows=2), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        if mutation == "items":
            variables = {"d": dataset, "items": [{"referenceId": f"i{i}"} for i in range(3)]}
            payload = (await app.data(ITEMS, variables))["appendItems"]
        else:
            model = await app.data(
                'mutation { createModel(input: {name: "m", referenceId: "m"}) { ... on Model { id } } }'
            )
            variables = {"d": dataset, "m": model["createModel"]["id"], "boxes": [box(f"p{i}") for i in range(3)]}
            payload = (await app.data(PREDICT, variables))["uploadPredictions"]
        assert payload["__typename"] == "ValidationError" and payload["field"] == mutation
        assert "'3 rows': one call holds at most 2 rows" in payload["message"]
        assert await row_counts(state) == before


@pytest.mark.parametrize(
    ("token", "shown"), [("NaN", "nan"), ("Infinity", "inf"), ("-Infinity", "-inf"), ("1e400", "inf")]
)
async def test_non_finite_numbers_in_the_json_body_name_row_key_and_field(
    state: AppState, caller: Caller, token: str, shown: str
) -> None:
    async with served(_production(state), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        rows = [box("fine"), box("bad-one", width=123.5)]
        body = json.dumps({"query": ANNOTATE, "variables": {"d": dataset, "boxes": rows}}).replace("123.5", token)
        headers = {**caller.headers, "content-type": "application/json"}
        response = await app.http.post("/graphql", content=body, headers=headers)
        error = response.json()["errors"][0]
        assert error["message"] == (
            f"Refused: $boxes row 1 (annotationId 'bad-one'): width = {shown}: must be a finite number; "
            "nothing was written"
        )
        assert error["extensions"] == {"code": "NON_FINITE_NUMBER"}
        # A read says nothing about writes, and a scalar variable is named as such.
        query = '{"query": "query($t: Float!) { evaluation(datasetId: \\"x\\", modelId: \\"y\\") { metrics(iouThreshold: $t) { iouThreshold } } }", "variables": {"t": NaN}}'
        read = (await app.http.post("/graphql", content=query, headers=headers)).json()
        assert read["errors"][0]["message"] == "Refused: $t = nan: must be a finite number"
        assert await row_counts(state) == before


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"x": 1e308, "width": 1e308, "height": 1.0}, "width", "x + width overflows to inf"),
        ({"y": -1e308, "height": 1e308, "width": 1e-10}, None, None),  # y + height = 0: finite, accepted
        ({"y": 1.5e308, "height": 1e308, "width": 1e-10}, "height", "y + height overflows to inf"),
        ({"width": 1e200, "height": 1e200, "x": -1e200, "y": -1e200}, "width", "width * height overflows to inf"),
    ],
)
async def test_derived_extents_must_be_finite(
    state: AppState, caller: Caller, values: dict[str, float], field: str | None, reason: str | None
) -> None:
    async with served(_production(state), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        rows = [box("fine"), box("huge", **values)]
        payload = (await app.data(ANNOTATE, {"d": dataset, "boxes": rows}))["annotate"]
        if field is None:
            assert payload == {"__typename": "UploadResult", "new": 2}
            return
        assert payload["__typename"] == "ValidationError" and payload["field"] == field
        assert payload["message"].startswith(f"row 1 (annotationId 'huge'): {field} = ")
        assert reason in payload["message"] and payload["message"].endswith("; nothing was written")
        assert payload["errors"][0]["row"] == 1
        assert await row_counts(state) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"label": "c\x00t"}, "label"),
        ({"annotationId": "k\x00"}, "annotationId"),
        ({"itemReferenceId": "img\x00.jpg"}, "itemReferenceId"),
    ],
)
async def test_text_with_a_nul_character_is_refused_naming_the_field(
    state: AppState, caller: Caller, values: dict[str, str], field: str
) -> None:
    # PostgreSQL text cannot hold U+0000: it must be a refusal on both databases, never a database error.
    async with served(_production(state), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        payload = (await app.data(ANNOTATE, {"d": dataset, "boxes": [box("fine"), box("nul", **values)]}))["annotate"]
        assert payload["__typename"] == "ValidationError" and payload["field"] == field, payload
        assert payload["errors"][0]["row"] == 1
        assert await row_counts(state) == before


_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324]),
)
_texts = st.one_of(st.text(max_size=8), st.just(""), st.just("x" * 600), st.just("img.jpg"), st.just("\x00"))
_row = st.fixed_dictionaries(
    {
        "itemReferenceId": st.one_of(st.just("img.jpg"), _texts),
        "label": _texts,
        "x": _numbers,
        "y": _numbers,
        "width": _numbers,
        "height": _numbers,
    },
    optional={
        "annotationId": st.one_of(st.none(), _texts),
        "confidence": st.one_of(st.none(), _numbers),
        "metadata": st.one_of(st.none(), st.dictionaries(st.text(max_size=3), _numbers, max_size=2)),
        "iscrowd": st.one_of(st.booleans(), st.integers()),
    },
)


@pytest.mark.slow
async def test_any_upload_batch_is_answered_and_a_refused_one_writes_nothing(state: AppState, caller: Caller) -> None:
    with serve(_production(state, max_upload_rows=20)) as base:
        await asyncio.to_thread(_fuzz_uploads, base, caller)


def _fuzz_uploads(base: str, caller: Caller) -> None:
    with httpx.Client(base_url=f"http://{base}", headers=caller.headers, timeout=60) as http:

        def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            content = json.dumps({"query": query, "variables": variables})
            response = http.post("/graphql", content=content, headers={"content-type": "application/json"})
            assert response.status_code == 200, response.text
            assert "Traceback" not in response.text and "Unexpected error." not in response.text, response.text
            return response.json()  # type: ignore[no-any-return]

        dataset = post('mutation { createDataset(input: {name: "fuzz"}) { ... on Dataset { id } } }', {})
        dataset_id = dataset["data"]["createDataset"]["id"]
        post(ITEMS, {"d": dataset_id, "items": [{"referenceId": "img.jpg"}]})
        model = post('mutation { createModel(input: {name: "m", referenceId: "m"}) { ... on Model { id } } }', {})
        model_id = model["data"]["createModel"]["id"]
        count = "query($d: ID!) { dataset(id: $d) { annotationCount } }"
        predicted = """query($d: ID!, $m: ID!) { dataset(id: $d) { items(first: 1) { edges { node {
          predictionsConnection(modelId: $m) { totalCount } } } } } }"""

        def rows_now() -> tuple[int, int]:
            annotations = post(count, {"d": dataset_id})["data"]["dataset"]["annotationCount"]
            edges = post(predicted, {"d": dataset_id, "m": model_id})["data"]["dataset"]["items"]["edges"]
            return annotations, edges[0]["node"]["predictionsConnection"]["totalCount"]

        @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
        @given(rows=st.lists(_row, max_size=25), annotate=st.booleans())
        def check(rows: list[dict[str, Any]], annotate: bool) -> None:
            before = rows_now()
            for row in rows:  # annotate takes no confidence, uploadPredictions no iscrowd
                row.pop("confidence" if annotate else "iscrowd", None)
            if annotate:
                body = post(ANNOTATE, {"d": dataset_id, "boxes": rows})
            else:
                body = post(PREDICT, {"d": dataset_id, "m": model_id, "boxes": rows})
            after = rows_now()
            payload = (body.get("data") or {}).get("annotate" if annotate else "uploadPredictions")
            if payload is not None and payload["__typename"] == "UploadResult":
                assert len(rows) <= 20
                written = after[0] - before[0] if annotate else after[1] - before[1]
                assert written == payload["new"]
                assert all(math.isfinite(row[name]) for row in rows for name in ("x", "y", "width", "height"))
            else:
                assert after == before
                message = payload["message"] if payload is not None else body["errors"][0]["message"]
                assert message.endswith("nothing was written") or message.startswith("Variable"), body

        check()

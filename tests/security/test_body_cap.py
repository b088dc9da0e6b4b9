"""Bodies over the cap get 413 with a JSON error through real uvicorn, declared or chunked, and write nothing;
a refused request's 401 challenges with Bearer only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from matchscope.state import AppState
from tests.conftest import Caller
from tests.security.bounded import ANNOTATE, box, row_counts, served, while_in_flight

CAP = 200_000


def _upload_body(dataset: str, rows: int) -> bytes:
    boxes = [box(f"b{i}", x=float(i)) for i in range(rows)]
    return orjson.dumps({"query": ANNOTATE, "variables": {"d": dataset, "boxes": boxes}})


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/json"
    message = response.json()["errors"][0]["message"]
    assert message.startswith(f"Request body refused: it is larger than the cap of {CAP} bytes")
    assert "MATCHSCOPE_MAX_BODY_BYTES" in message


async def test_declared_body_over_the_cap_gets_413(state: AppState, caller: Caller) -> None:
    async with served(state.settings.model_copy(update={"max_body_bytes": CAP}), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        body = _upload_body(dataset, 5_000)  # ~0.6 MB, Content-Length declared
        assert len(body) > 2 * CAP
        headers = {**caller.headers, "content-type": "application/json"}
        response = await app.http.post("/graphql", content=body, headers=headers)
        _assert_refused(response)
        assert await row_counts(state) == before
        small = await app.http.post("/graphql", content=_upload_body(dataset, 10), headers=headers)
        assert small.status_code == 200 and small.json()["data"]["annotate"]["new"] == 10


@pytest.mark.serial  # times a cheap query while the bad request is in flight
async def test_chunked_body_over_the_cap_gets_413_while_others_are_served(
    state: AppState, caller: Caller, make_caller: object
) -> None:
    other = await make_caller("bob")  # type: ignore[operator]
    async with served(state.settings.model_copy(update={"max_body_bytes": CAP}), caller) as app:
        dataset, _item = await app.dataset_with_item(0)
        before = await row_counts(state)
        body = _upload_body(dataset, 5_000)

        async def slowly() -> AsyncIterator[bytes]:  # no Content-Length: chunked, counted as it arrives
            for start in range(0, len(body), 50_000):
                yield body[start : start + 50_000]
                await asyncio.sleep(0.05)

        headers = {**caller.headers, "content-type": "application/json"}
        request = app.http.post("/graphql", content=slowly(), headers=headers)
        response, cheap = await while_in_flight(request, app, other, settle=0.1)
        _assert_refused(response)
        assert "content-length" not in response.request.headers
        assert cheap < 1
        assert await row_counts(state) == before


async def test_unauthorized_challenges_with_bearer_only(state: AppState, caller: Caller) -> None:
    async with served(state.settings, caller) as app:
        response = await app.http.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="matchscope"'
    assert response.json() == {"errors": [{"message": "Unauthorized: missing API key"}]}

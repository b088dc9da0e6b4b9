"""Query guards over HTTP: depth, token and alias limits, error masking outside debug mode, the body-size cap."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from matchscope.app import create_app
from matchscope.services import browse
from matchscope.settings import Settings
from matchscope.state import AppState, Services
from tests.conftest import Caller


async def _post(
    client: httpx.AsyncClient, caller: Caller, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=caller.headers
    )
    return response.json()  # type: ignore[no-any-return]


def _app_client(state: AppState, settings: Settings) -> httpx.AsyncClient:
    own_state = replace(state, settings=settings, services=Services())
    app = create_app(settings, state=own_state)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def _nested(depth: int) -> str:
    inner = "id"
    for _ in range(depth):
        inner = f"item {{ annotations {{ {inner} }} }}"
    return f'{{ node(id: "x") {{ ... on BoxAnnotation {{ {inner} }} }} }}'


@pytest.fixture
async def uncosted(state: AppState) -> AsyncIterator[httpx.AsyncClient]:
    """The depth and token guards on their own: `_nested` is a list bomb that the cost bound refuses first."""
    async with _app_client(state, state.settings.model_copy(update={"max_query_cost": 10**18})) as http:
        yield http


async def test_depth_limit(uncosted: httpx.AsyncClient, caller: Caller) -> None:
    client = uncosted
    assert "errors" not in await _post(client, caller, _nested(4))
    body = await _post(client, caller, _nested(8))
    assert body.get("data") is None
    assert "depth" in body["errors"][0]["message"]


def _with_labels(count: int) -> str:
    labels = " ".join('"cat"' for _ in range(count))
    return f'{{ evaluation(datasetId: "x", modelId: "y") {{ matches(filter: {{groundTruthLabels: [{labels}]}}) {{ totalCount }} }} }}'


async def test_token_limit(client: httpx.AsyncClient, caller: Caller) -> None:
    assert "errors" not in await _post(client, caller, _with_labels(3_000))
    body = await _post(client, caller, _with_labels(4_100))
    assert body.get("data") is None
    assert "token" in body["errors"][0]["message"].lower()


async def test_alias_limit(client: httpx.AsyncClient, caller: Caller) -> None:
    assert "errors" not in await _post(client, caller, "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }")
    body = await _post(client, caller, "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }")
    assert body.get("data") is None
    assert "alias" in body["errors"][0]["message"].lower()


async def test_guards_hold_for_repeated_texts(uncosted: httpx.AsyncClient, caller: Caller) -> None:
    """Parse and validation are cached by query text: a refused text stays refused, an accepted one accepted."""
    client = uncosted
    for _ in range(3):
        assert "depth" in (await _post(client, caller, _nested(8)))["errors"][0]["message"]
        assert "token" in (await _post(client, caller, _with_labels(4_100)))["errors"][0]["message"].lower()
        assert "errors" not in await _post(client, caller, _nested(4))
        body = await _post(client, caller, "query($n: Int!) { datasets(first: $n) { edges { cursor } } }", {"n": 101})
        assert "101" in body["errors"][0]["message"]  # variables are coerced and checked on every request
        assert "errors" in await _post(client, caller, "{ nope }")


@pytest.fixture
async def production(state: AppState) -> AsyncIterator[httpx.AsyncClient]:
    async with _app_client(state, state.settings.model_copy(update={"debug": False})) as http:
        yield http


async def test_unexpected_errors_are_masked_outside_debug(
    production: httpx.AsyncClient, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("password=hunter2 in /srv/secret.py")

    monkeypatch.setattr(browse, "find_current_evaluation", explode)
    query = '{ evaluation(datasetId: "RGF0YXNldDox", modelId: "TW9kZWw6MQ") { id } }'
    body = await _post(production, caller, query)
    message = body["errors"][0]["message"]
    assert "hunter2" not in message and "secret" not in message
    assert message == "Unexpected error."
    # Expected failures still say what is wrong: a payload member, and a domain error raised by a resolver.
    create = 'mutation { createModel(input: {name: "m", referenceId: "r"}) { __typename ... on ValidationError { message field } } }'
    assert (await _post(production, caller, create))["data"]["createModel"]["__typename"] == "Model"
    refused = (await _post(production, caller, create))["data"]["createModel"]
    assert refused["__typename"] == "ValidationError" and refused["field"] == "referenceId"
    body = await _post(production, caller, "{ datasets(first: 101) { edges { cursor } } }")
    assert "first" in body["errors"][0]["message"] and "101" in body["errors"][0]["message"]


async def test_unexpected_errors_show_in_debug(
    client: httpx.AsyncClient, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom at line 3")

    monkeypatch.setattr(browse, "find_current_evaluation", explode)
    body = await _post(client, caller, '{ evaluation(datasetId: "RGF0YXNldDox", modelId: "TW9kZWw6MQ") { id } }')
    assert "boom at line 3" in body["errors"][0]["message"]


async def test_request_body_size_cap(state: AppState, caller: Caller) -> None:
    query = "{ " + "__typename " * 20 + "}"
    async with _app_client(state, state.settings.model_copy(update={"max_body_bytes": 2_000})) as http:
        small = await http.post("/graphql", json={"query": query}, headers=caller.headers)
        assert small.status_code == 200
        big = await http.post("/graphql", json={"query": query, "pad": "x" * 5_000}, headers=caller.headers)
        assert big.status_code == 413
        assert "2000 bytes" in big.json()["errors"][0]["message"]

        async def stream() -> AsyncIterator[bytes]:  # no content-length: counted as it arrives
            yield b'{"query": "{ __typename }", "pad": "'
            for _ in range(10):
                yield b"x" * 500
            yield b'"}'

        chunked = await http.post(
            "/graphql", content=stream(), headers={**caller.headers, "content-type": "application/json"}
        )
        assert chunked.status_code == 413

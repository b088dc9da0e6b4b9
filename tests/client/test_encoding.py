"""Request bodies: orjson writes them when every value is one it writes as httpx would; the rest go through httpx."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest

from matchscope.client._connection import _HttpClient

pytestmark = pytest.mark.database_independent

BODIES = [
    {"variables": {"columns": {"x": [1.5, 2, 3.25], "labels": ["a", "b"], "metadata": [{"k": [0.1]}, None]}}},
    {"variables": {"big": [2**70], "x": [1.0]}},  # orjson refuses integers beyond 64 bits
    {"variables": {"sum": [1e308, 1e308]}},  # finite values whose sum overflows
]


async def _sent(body: Any) -> tuple[bytes, str]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async with _HttpClient(transport=httpx.MockTransport(answer), headers={"Authorization": "Bearer k"}) as http:
        await http.post("http://server/graphql", json=body)
    assert seen[0].headers["Authorization"] == "Bearer k"
    return seen[0].content, seen[0].headers["Content-Type"]


@pytest.mark.parametrize("body", BODIES)
async def test_bodies_read_back_as_sent(body: Any) -> None:
    content, kind = await _sent(body)
    assert kind == "application/json" and json.loads(content) == body


@pytest.mark.parametrize("bad", [math.nan, math.inf])
async def test_non_finite_numbers_are_refused_as_httpx_refuses_them(bad: float) -> None:
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        await _sent({"variables": {"x": [1.0, bad]}})
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        await _sent({"variables": {"columns": {"metadata": [{"score": bad}]}}})

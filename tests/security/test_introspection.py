"""Introspection is answered once per process: a flood of full introspection queries does not slow others."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from graphql import get_introspection_query

from matchscope.schema import build_schema
from matchscope.state import AppState
from tests.conftest import Caller
from tests.security.bounded import served

FULL = get_introspection_query(descriptions=True, specified_by_url=True, input_value_deprecation=True)


async def test_an_introspection_flood_does_not_slow_a_cheap_query(
    state: AppState, caller: Caller, make_caller: Any
) -> None:
    other = await make_caller("bob")
    async with served(state.settings, caller, own_process=True) as app:
        first = (await app.post(FULL)).json()
        assert "errors" not in first and first["data"]["__schema"]["queryType"]["name"] == "Query"
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        async with httpx.AsyncClient(base_url=f"http://{app.base}", timeout=120, limits=limits) as flood:
            started = time.perf_counter()
            requests = [
                asyncio.ensure_future(flood.post("/graphql", json={"query": FULL}, headers=caller.headers))
                for _ in range(100)
            ]
            await asyncio.sleep(0.2)
            cheap = await app.cheap_latency(other)
            answers = await asyncio.gather(*requests)
            flood_seconds = time.perf_counter() - started
    assert all(answer.status_code == 200 and answer.json() == first for answer in answers)
    assert cheap < 1, (cheap, flood_seconds)


def test_an_introspection_bomb_is_refused_by_cost() -> None:
    inner = "name"
    for _ in range(5):
        inner = f"fields {{ type {{ {inner} }} }}"
    bomb = f"{{ __schema {{ types {{ {inner} }} }} }}"
    result = build_schema(max_depth=40).execute_sync(bomb)
    assert result.errors is not None
    assert result.errors[0].message.startswith("Introspection refused: it could resolve up to")
    assert result.errors[0].extensions is not None and result.errors[0].extensions["code"] == "QUERY_COST"

"""Introspection is answered once per process: a flood of full introspection queries does not slow others."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from matchscope.resolvers.root import build_schema
from matchscope.state import AppState
from tests.conftest import Caller
from tests.security.bounded import CHEAP, Served, served

FULL = get_introspection_query(descriptions=True, specified_by_url=True, input_value_deprecation=True)


async def _cheap_during_flood(app: Served, query: str, caller: Caller, other: Caller) -> tuple[float, list[Any]]:
    """Seconds a cheap query from `other` takes while 100 concurrent `query`s from `caller` are in flight."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(base_url=f"http://{app.base}", timeout=120, limits=limits) as flood:
        requests = [
            asyncio.ensure_future(flood.post("/graphql", json={"query": query}, headers=caller.headers))
            for _ in range(100)
        ]
        await asyncio.sleep(0.2)
        cheap = await app.cheap_latency(other)
        answers = await asyncio.gather(*requests)
    return cheap, [answer.json() for answer in answers]


@pytest.mark.serial  # times a cheap query during a flood
async def test_an_introspection_flood_does_not_slow_a_cheap_query(
    state: AppState, caller: Caller, make_caller: Any
) -> None:
    other = await make_caller("bob")
    async with served(state.settings, caller, own_process=True) as app:
        first = (await app.post(FULL)).json()
        assert "errors" not in first and first["data"]["__schema"]["queryType"]["name"] == "Query"
        # The peer: the same flood of the cheapest query, on the machine as loaded as it is now.
        baseline, _ = await _cheap_during_flood(app, CHEAP, caller, other)
        cheap, answers = await _cheap_during_flood(app, FULL, caller, other)
    assert all(answer == first for answer in answers)
    # Within a second; on a machine so loaded that a flood of trivial queries alone delays it by more than half
    # of that, within twice what that flood costs.
    assert cheap < max(1.0, 2 * baseline), (cheap, baseline)


@pytest.mark.database_independent
def test_an_introspection_bomb_is_refused_by_cost() -> None:
    inner = "name"
    for _ in range(5):
        inner = f"fields {{ type {{ {inner} }} }}"
    bomb = f"{{ __schema {{ types {{ {inner} }} }} }}"
    result = build_schema(max_depth=40).execute_sync(bomb)
    assert result.errors is not None
    assert result.errors[0].message.startswith("Introspection refused: it could resolve up to")
    assert result.errors[0].extensions is not None and result.errors[0].extensions["code"] == "QUERY_COST"

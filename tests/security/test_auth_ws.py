"""Websockets authenticate in connectionParams: a bad key closes the socket with 4401, a good one is scoped."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import transaction
from tests.conftest import Caller
from tests.security.conftest import WS_PROTOCOL, Server, ws_connect_only, ws_subscribe

UNAUTHORIZED = 4401
BAD_PARAMS: list[tuple[str, Any]] = [
    ("no params", {}),
    ("null params", None),
    ("empty authorization", {"Authorization": ""}),
    ("bearer without key", {"Authorization": "Bearer"}),
    ("basic not base64", {"Authorization": "Basic !!!"}),
    ("basic empty user", {"Authorization": "Basic " + base64.b64encode(b":").decode()}),
    ("wrong prefix", {"Authorization": "Bearer sk_0123456789ab_secret"}),
    ("unknown key", {"Authorization": "Bearer ms_0123456789ab_c2VjcmV0c2VjcmV0"}),
    ("unknown apiKey", {"apiKey": "ms_0123456789ab_c2VjcmV0c2VjcmV0"}),
    ("apiKey not a string", {"apiKey": 12345}),
    ("authorization not a string", {"Authorization": ["Bearer", "x"]}),
]


@pytest.mark.parametrize(("case", "params"), BAD_PARAMS, ids=[case for case, _ in BAD_PARAMS])
async def test_bad_connection_params_close_with_4401(server: Server, caller: Caller, case: str, params: Any) -> None:
    outcome = await ws_connect_only(server, params)
    assert outcome.close_code == UNAUTHORIZED, outcome
    assert not outcome.acknowledged


async def test_non_object_payload_is_refused(server: Server) -> None:
    outcome = await ws_connect_only(server, "Bearer nope")
    assert outcome.close_code == 4400 and not outcome.acknowledged


@pytest.mark.parametrize("style", ["bearer", "basic", "lowercase", "apiKey"])
async def test_good_key_is_acknowledged(server: Server, caller: Caller, style: str) -> None:
    params = {
        "bearer": {"Authorization": f"Bearer {caller.key}"},
        "basic": {"Authorization": caller.basic_headers["Authorization"]},
        "lowercase": {"authorization": f"Bearer {caller.key}"},
        "apiKey": {"apiKey": caller.key},
    }[style]
    outcome = await ws_connect_only(server, params)
    assert outcome.close_code is None and outcome.acknowledged, outcome


async def test_revoked_key_closes_with_4401(server: Server, state: AppState, caller: Caller) -> None:
    key_id = accounts.parse_key_id(caller.key)
    assert key_id is not None
    async with transaction(state.sessions) as session:
        await accounts.revoke_key(session, key_id)
    for params in ({"Authorization": f"Bearer {caller.key}"}, {"apiKey": caller.key}):
        outcome = await ws_connect_only(server, params)
        assert outcome.close_code == UNAUTHORIZED, outcome


async def test_operations_before_connection_init_are_refused(server: Server, caller: Caller) -> None:
    async with connect(server.ws_url, subprotocols=[WS_PROTOCOL]) as websocket:  # type: ignore[list-item]
        query = {"query": "{ datasets { edges { node { id } } } }"}
        await websocket.send(json.dumps({"id": "1", "type": "subscribe", "payload": query}))
        await websocket.wait_closed()
        assert websocket.close_code == UNAUTHORIZED


async def test_operations_over_websocket_are_scoped_to_the_key(
    server: Server, make_caller: Callable[[str], Awaitable[Caller]]
) -> None:
    alice = await make_caller("alice")
    bob = await make_caller("bob")
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        created = await http.post(
            "/graphql",
            json={"query": 'mutation { createDataset(input: {name: "alice-only"}) { ... on Dataset { id } } }'},
            headers=alice.headers,
        )
        assert created.status_code == 200, created.text
    query = "{ datasets { edges { node { name } } } }"
    seen_by_alice = await ws_subscribe(server, {"apiKey": alice.key}, query, {})
    seen_by_bob = await ws_subscribe(server, {"Authorization": f"Bearer {bob.key}"}, query, {})
    alice_next = [m for m in seen_by_alice.messages if m["type"] == "next"]
    bob_next = [m for m in seen_by_bob.messages if m["type"] == "next"]
    assert alice_next[0]["payload"]["data"] == {"datasets": {"edges": [{"node": {"name": "alice-only"}}]}}
    assert bob_next[0]["payload"]["data"] == {"datasets": {"edges": []}}


async def test_a_key_revoked_while_connected_starts_no_new_operation(
    server: Server, state: AppState, caller: Caller
) -> None:
    query = {"query": "{ datasets { edges { node { id } } } }"}
    async with connect(server.ws_url, subprotocols=[WS_PROTOCOL]) as websocket:  # type: ignore[list-item]
        await websocket.send(json.dumps({"type": "connection_init", "payload": {"apiKey": caller.key}}))
        assert json.loads(await websocket.recv())["type"] == "connection_ack"
        await websocket.send(json.dumps({"id": "1", "type": "subscribe", "payload": query}))
        assert json.loads(await websocket.recv())["type"] == "next"
        key_id = accounts.parse_key_id(caller.key)
        assert key_id is not None
        async with transaction(state.sessions) as session:
            await accounts.revoke_key(session, key_id)
        await websocket.send(json.dumps({"id": "2", "type": "subscribe", "payload": query}))
        seen = []
        with contextlib.suppress(ConnectionClosed):
            async for raw in websocket:
                seen.append(json.loads(raw))
        assert all(message.get("id") != "2" or message["type"] == "complete" for message in seen), seen
        assert not [message for message in seen if message.get("id") == "2" and message["type"] == "next"]
        assert websocket.close_code == UNAUTHORIZED

"""`jobUpdates` over a real websocket (graphql-transport-ws) with the in-process runner; a revoked key ends its
subscriptions."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import websockets
from sqlalchemy import select
from sqlmodel import col

from matchscope.schema.ids import to_global_id
from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import ApiKey, Job, utcnow
from tests.conftest import Caller
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco
from tests.jobs.servers import post, serve

UPDATES = """subscription($id: ID!) { jobUpdates(id: $id) { id status progress completedSteps totalSteps
  evaluation { isCurrent } } }"""


async def collect_updates(base: str, key: str, job_id: str) -> list[dict[str, Any]]:
    """Every message of one jobUpdates subscription until `complete` or `error`."""
    messages: list[dict[str, Any]] = []
    async with websockets.connect(f"ws://{base}/graphql", subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": UPDATES, "variables": {"id": job_id}}}
        await socket.send(json.dumps(subscribe))
        while True:
            message = json.loads(await socket.recv())
            messages.append(message)
            if message["type"] in {"complete", "error"}:
                return messages


def check_updates(messages: list[dict[str, Any]], total: int) -> None:
    assert messages[-1]["type"] == "complete"
    updates = [m["payload"]["data"]["jobUpdates"] for m in messages if m["type"] == "next"]
    assert updates[-1]["status"] == "COMPLETED" and updates[-1]["progress"] == 1.0
    assert updates[-1]["evaluation"]["isCurrent"] is True
    steps = [u["completedSteps"] for u in updates if u["status"] == "RUNNING"]
    assert steps == sorted(steps) and len(set(steps)) >= 3, updates
    assert all(u["totalSteps"] in (0, total) for u in updates)


async def test_job_updates_over_websocket(state: AppState, caller: Caller, make_caller: Any) -> None:
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    bob = await make_caller("bob")
    settings = state.settings.__class__(database_url=state.settings.database_url, debug=True, evaluation_chunk_items=10)
    with serve(settings) as base:
        ids = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
        job = post(base, SUBMIT, ids, caller.key)["calculateEvaluationMetrics"]
        assert isinstance(job, dict) and job["__typename"] == "AsyncJob"
        messages = await collect_updates(base, caller.key, job["id"])
        check_updates(messages, 100)
        # Another account: an error, never data.
        foreign = await collect_updates(base, bob.key, job["id"])
        assert not any(m["type"] == "next" and (m["payload"].get("data") or {}).get("jobUpdates") for m in foreign)
        assert foreign[0]["type"] == "error" or foreign[0]["payload"].get("errors")
        # A finished job: its final state, then complete.
        again = await collect_updates(base, caller.key, job["id"])
        assert [m["type"] for m in again] == ["next", "complete"]
        assert again[0]["payload"]["data"]["jobUpdates"]["status"] == "COMPLETED"


async def _running_elsewhere(state: AppState, account_id: int) -> str:
    """A RUNNING job held by another process's live lease: its subscription stays open, waiting for changes."""
    async with transaction(state.sessions) as session:
        job = Job(
            account_id=account_id,
            type="EVALUATION",
            status="RUNNING",
            errors=[],
            lease_owner="elsewhere",
            lease_expires_at=utcnow() + timedelta(minutes=10),
        )
        session.add(job)
        await session.flush()
        assert job.id is not None
        return to_global_id("AsyncJob", job.id)


async def _subscribed(base: str, key: str, job_id: str) -> Any:
    socket = await websockets.connect(f"ws://{base}/graphql", subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await socket.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": UPDATES, "variables": {"id": job_id}}}
    await socket.send(json.dumps(subscribe))
    first = json.loads(await socket.recv())
    assert first["type"] == "next" and first["payload"]["data"]["jobUpdates"]["status"] == "RUNNING", first
    return socket


async def test_revoking_a_key_ends_its_live_subscriptions(state: AppState, caller: Caller, make_caller: Any) -> None:
    bob = await make_caller("bob")
    alice_job = await _running_elsewhere(state, caller.account_id)
    bob_job = await _running_elsewhere(state, bob.account_id)
    with serve(state.settings) as base:
        alice = await _subscribed(base, caller.key, alice_job)
        other = await _subscribed(base, bob.key, bob_job)
        key_id = accounts.parse_key_id(caller.key)
        assert key_id is not None
        revoke = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "matchscope",
            "keys",
            "revoke",
            key_id,
            env={**os.environ, "DATABASE_URL": state.settings.database_url},
            stdout=asyncio.subprocess.DEVNULL,
        )
        async with asyncio.timeout(30):
            with contextlib.suppress(websockets.ConnectionClosed):
                async for _message in alice:
                    pass
        closed_at = datetime.now(UTC)
        assert await revoke.wait() == 0
        async with state.sessions() as session:
            row = (await session.execute(select(ApiKey).where(col(ApiKey.key_id) == key_id))).scalar_one()
        assert row.revoked_at is not None
        revoked_at = row.revoked_at if row.revoked_at.tzinfo else row.revoked_at.replace(tzinfo=UTC)
        closed_after = (closed_at - revoked_at).total_seconds()
        print(f"revoked key's subscription closed {closed_after:.2f} s after the revocation was written")
        assert alice.close_code == 4401 and 0 < closed_after < 5
        # Another key's subscription goes on.
        await other.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(other.recv(), 5))["type"] == "pong"
        assert other.close_code is None
        await other.close()

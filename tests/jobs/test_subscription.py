"""`jobUpdates` over a real websocket (graphql-transport-ws) with the in-process runner."""

from __future__ import annotations

import json
from typing import Any

import websockets

from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
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

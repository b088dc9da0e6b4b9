"""Security fixtures: a real uvicorn server on the test database (websockets need one), a
graphql-transport-ws client, and a snapshot of every table's rows grouped by the account that owns them."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pytest_asyncio
import uvicorn
from sqlalchemy import select, text
from sqlmodel import SQLModel
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from matchscope.app import create_app
from matchscope.state import AppState
from tests.jobs.entry_tables import UNROUTED, every_entry

WS_PROTOCOL = "graphql-transport-ws"
# Columns that refer to another table without a declared foreign key.
_IMPLIED_REFERENCES = {
    "account_id": "account",
    "dataset_id": "dataset",
    "model_id": "model",
    "item_id": "dataset_item",
    "job_id": "job",
    "evaluation_id": "evaluation",
    "ground_truth_id": "box_annotation",
    "prediction_id": "box_prediction",
}


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/graphql"


@pytest_asyncio.fixture
async def server(state: AppState) -> AsyncIterator[Server]:
    """uvicorn serving create_app on the test database, lifespan included, in this event loop.

    Query guards are raised so that the generated walk queries fit; the guards have their own tests.
    """
    settings = state.settings.model_copy(
        update={
            "max_query_tokens": 1_000_000,
            "max_query_depth": 40,
            "max_query_aliases": 100_000,
            "max_query_cost": 10**18,
        }
    )
    served_state = replace(state, settings=settings)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # bound here and handed over: no window for another process to take the port
    port = int(listener.getsockname()[1])
    config = uvicorn.Config(
        create_app(settings, state=served_state),
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        lifespan="on",
        log_level="info",
        log_config=None,  # leave logging alone so caplog sees uvicorn's access and error records
        access_log=True,
    )
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve(sockets=[listener]))
    for _ in range(3000):  # 30 s: migrations on a loaded machine can be slow
        if instance.started or task.done():
            break
        await asyncio.sleep(0.01)
    if not instance.started:
        failure = task.exception() if task.done() else None
        raise AssertionError(f"uvicorn did not start: {failure!r}")
    try:
        yield Server("127.0.0.1", port)
    finally:
        instance.should_exit = True
        await asyncio.wait_for(task, 30)
        listener.close()


@dataclass
class WsOutcome:
    """What a graphql-transport-ws connection saw: the close code (None if still open) and every message."""

    close_code: int | None
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return any(message.get("type") == "connection_ack" for message in self.messages)


async def ws_connect_only(server: Server, connection_params: Any, *, wait: float = 5.0) -> WsOutcome:
    """Send connection_init with these params and wait for the server to ack or close."""
    outcome = WsOutcome(close_code=None)
    async with connect(server.ws_url, subprotocols=[WS_PROTOCOL]) as websocket:  # type: ignore[list-item]
        await websocket.send(json.dumps({"type": "connection_init", "payload": connection_params}))
        try:
            raw = await asyncio.wait_for(websocket.recv(), wait)
            outcome.messages.append(json.loads(raw))
        except ConnectionClosed as closed:
            outcome.close_code = closed.rcvd.code if closed.rcvd is not None else None
    return outcome


async def ws_subscribe(
    server: Server,
    connection_params: Mapping[str, Any],
    query: str,
    variables: Mapping[str, Any],
    *,
    wait: float = 5.0,
) -> WsOutcome:
    """Subscribe once; collect messages until the operation errors or completes, or `wait` seconds pass quietly."""
    outcome = WsOutcome(close_code=None)
    async with connect(server.ws_url, subprotocols=[WS_PROTOCOL]) as websocket:  # type: ignore[list-item]
        await websocket.send(json.dumps({"type": "connection_init", "payload": dict(connection_params)}))
        first = json.loads(await asyncio.wait_for(websocket.recv(), wait))
        outcome.messages.append(first)
        assert first["type"] == "connection_ack", first
        subscribe = {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": dict(variables)}}
        await websocket.send(json.dumps(subscribe))
        try:
            while True:
                message = json.loads(await asyncio.wait_for(websocket.recv(), wait))
                outcome.messages.append(message)
                if message.get("type") in {"error", "complete"}:
                    break
        except TimeoutError:
            pass
        except ConnectionClosed as closed:
            outcome.close_code = closed.rcvd.code if closed.rcvd is not None else None
    return outcome


RowKey = tuple[str, tuple[Any, ...]]


async def owned_rows(state: AppState) -> dict[RowKey, tuple[dict[str, Any], frozenset[int]]]:
    """Every row of every table, with the set of accounts it belongs to through its references.

    A row whose references reach two accounts is itself a cross-tenant leak.
    """
    rows: dict[RowKey, dict[str, Any]] = {}
    async with state.sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            # Entries wherever they are: on SQLite `match_entry` itself is empty, each evaluation has a table.
            statement = (
                text(f"SELECT * FROM {await every_entry(session)}").execution_options(**UNROUTED)
                if table.name == "match_entry"
                else select(table)
            )
            for row in (await session.execute(statement)).mappings().all():
                values = dict(row)
                key = tuple(values[column.name] for column in table.primary_key.columns)
                rows[(table.name, key)] = values
    references = {table.name: _references(table) for table in SQLModel.metadata.sorted_tables}
    owners: dict[RowKey, set[int]] = {}
    for (table_name, key), values in rows.items():
        owners[(table_name, key)] = {values["id"]} if table_name == "account" else set()
    for _ in range(len(references) + 1):  # references can point "forward" (job.evaluation_id): iterate to a fixpoint
        changed = False
        for (table_name, key), values in rows.items():
            found = owners[(table_name, key)]
            before = len(found)
            for column, target in references[table_name]:
                if values.get(column) is not None:
                    found |= owners.get((target, (values[column],)), set())
            changed |= len(found) != before
        if not changed:
            break
    return {key: (values, frozenset(owners[key])) for key, values in rows.items()}


def _references(table: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for column in table.columns:
        targets = [foreign.column.table.name for foreign in column.foreign_keys]
        if targets:
            found.append((column.name, targets[0]))
        elif column.name in _IMPLIED_REFERENCES:
            found.append((column.name, _IMPLIED_REFERENCES[column.name]))
    return found

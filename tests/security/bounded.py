"""Helpers for the bounded-cost tests: the app under real uvicorn, uploads through GraphQL, and a probe that
times a cheap query from another client while a bad request is in flight."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller
from tests.jobs.servers import ROOT, free_port, serve

CHEAP = "{ datasets(first: 1) { totalCount } }"
CREATE = "mutation($n: String!) { createDataset(input: {name: $n}) { ... on Dataset { id } } }"
MODEL = "mutation($r: String!) { createModel(input: {name: $r, referenceId: $r}) { ... on Model { id } } }"
ITEMS = """mutation($d: ID!, $items: [DatasetItemInput!]!) { appendItems(datasetId: $d, items: $items) {
  __typename ... on UploadResult { new } ... on ValidationError { message field errors { row field value message } } } }"""
ANNOTATE = """mutation($d: ID!, $boxes: [BoxAnnotationInput!]!) { annotate(datasetId: $d, annotations: $boxes) {
  __typename ... on UploadResult { new } ... on ValidationError { message field errors { row field value message } } } }"""
PREDICT = """mutation($d: ID!, $m: ID!, $boxes: [BoxPredictionInput!]!) {
  uploadPredictions(datasetId: $d, modelId: $m, predictions: $boxes) {
  __typename ... on UploadResult { new } ... on ValidationError { message field errors { row field value message } } } }"""


@dataclass
class Served:
    base: str
    http: httpx.AsyncClient
    caller: Caller

    async def post(self, query: str, variables: dict[str, Any] | None = None, **extra: Any) -> httpx.Response:
        body = {"query": query, "variables": variables or {}}
        return await self.http.post("/graphql", json=body, headers=self.caller.headers, **extra)

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(query, variables)
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    async def dataset_with_item(self, boxes: int, *, name: str = "d") -> tuple[str, str]:
        """A dataset with one item `img.jpg` holding `boxes` ground-truth boxes: (dataset id, item id)."""
        dataset = (await self.data(CREATE, {"n": name}))["createDataset"]["id"]
        assert (await self.data(ITEMS, {"d": dataset, "items": [{"referenceId": "img.jpg"}]}))["appendItems"]["new"]
        if boxes:
            rows = [box(f"a{i}", x=float(i)) for i in range(boxes)]
            assert (await self.data(ANNOTATE, {"d": dataset, "boxes": rows}))["annotate"]["new"] == boxes
        page = await self.data(
            "query($d: ID!) { dataset(id: $d) { items(first: 1) { edges { node { id } } } } }", {"d": dataset}
        )
        return dataset, page["dataset"]["items"]["edges"][0]["node"]["id"]

    async def cheap_latency(self, other: Caller) -> float:
        """Seconds a trivial query from another client takes."""
        async with httpx.AsyncClient(base_url=f"http://{self.base}", timeout=30) as fresh:
            started = time.perf_counter()
            response = await fresh.post("/graphql", json={"query": CHEAP}, headers=other.headers)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        return elapsed


def box(annotation_id: str | None, item: str = "img.jpg", **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"itemReferenceId": item, "label": "cat", "x": 1.0, "y": 2.0, "width": 10.0, "height": 20.0}
    if annotation_id is not None:
        row["annotationId"] = annotation_id
    return {**row, **values}


@asynccontextmanager
async def served(settings: Settings, caller: Caller, *, own_process: bool = False) -> AsyncIterator[Served]:
    """The app under uvicorn, in a thread of this process or (`own_process`) in a process of its own, where the
    test's clients do not compete with it for the interpreter; and an HTTP client on it."""
    with serve_process(settings) if own_process else serve(settings) as base:
        async with httpx.AsyncClient(base_url=f"http://{base}", timeout=120) as http:
            yield Served(base, http, caller)


@contextmanager
def serve_process(settings: Settings) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": settings.database_url, "MATCHSCOPE_DEBUG": "1" if settings.debug else "0"}
    command = [sys.executable, "-m", "uvicorn", "--factory", "tests.security.app_factory:app"]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "uvicorn did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


async def while_in_flight(bad: Any, served_: Served, other: Caller, *, settle: float = 0.3) -> tuple[Any, float]:
    """Start `bad` (a coroutine), wait `settle` seconds (or until it ends), time a cheap query from `other`:
    (what `bad` returned, the cheap query's seconds)."""
    task = asyncio.ensure_future(bad)
    await asyncio.wait({task}, timeout=settle)
    latency = await served_.cheap_latency(other)
    return await task, latency


async def row_counts(state: AppState) -> dict[str, int]:
    counts = {}
    async with state.sessions() as session:
        for table in (tables.DatasetItem, tables.BoxAnnotation, tables.BoxPrediction):
            counts[table.__name__] = int((await session.execute(select(func.count()).select_from(table))).scalar_one())
    return counts

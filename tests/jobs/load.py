"""Mixed load on a running server (issue #18): clients reading pages of entries while a job runs and uploads go on.
Used by tests/jobs/test_load.py (no errors) and bench/load.py (page latency, idle against loaded)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PAGE = """query($d: ID!, $m: ID!, $a: String) { evaluation(datasetId: $d, modelId: $m) {
  matches(filter: {outcomes: [FALSE_POSITIVE]}, first: 50, after: $a) { pageInfo { hasNextPage endCursor }
    edges { node { id outcome iou confidence predictionLabel item { id referenceId }
      prediction { id label x y width height confidence } } } } } }"""
UPLOAD = """mutation($d: ID!, $m: ID!, $boxes: [BoxPredictionInput!]!) {
  uploadPredictions(datasetId: $d, modelId: $m, predictions: $boxes, update: true) { __typename } }"""


@dataclass
class Load:
    """What the clients saw: page latencies (seconds), uploads done, and every failure (status, body or error)."""

    latencies: list[float] = field(default_factory=list)
    uploads: int = 0
    failures: list[str] = field(default_factory=list)

    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any] | str:
    """The operation's data, or a description of why it failed."""
    try:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
    except Exception as error:  # a failed request is what the load counts
        return repr(error)
    if response.status_code != 200 or "errors" in body:
        return f"{response.status_code}: {str(body)[:500]}"
    return body["data"]  # type: ignore[no-any-return]


async def read_pages(http: httpx.AsyncClient, ids: dict[str, str], until: Callable[[], bool], load: Load) -> None:
    """Pages of false positives one after the other (following cursors, from the start again at the end)."""
    cursor = None
    while not until():
        started = time.perf_counter()
        data = await _post(http, PAGE, {**ids, "a": cursor})
        if isinstance(data, str):
            load.failures.append(data)
            await asyncio.sleep(0.05)
            continue
        load.latencies.append(time.perf_counter() - started)
        info = data["evaluation"]["matches"]["pageInfo"]
        cursor = info["endCursor"] if info["hasNextPage"] else None


async def upload_predictions(
    http: httpx.AsyncClient, ids: dict[str, str], items: list[str], until: Callable[[], bool], load: Load
) -> None:
    """Batches of 200 predictions on `items`, again and again (`update: true` replaces a batch's boxes)."""
    batch = 0
    while not until():
        boxes = [
            {
                "itemReferenceId": items[(batch * 200 + n) % len(items)],
                "annotationId": f"load-{batch % 5}-{n}",
                "label": f"label-{n % 8}",
                "x": float(n % 50),
                "y": float(n % 30),
                "width": 20.0,
                "height": 10.0,
                "confidence": (n % 97) / 97,
            }
            for n in range(200)
        ]
        data = await _post(http, UPLOAD, {**ids, "boxes": boxes})
        if isinstance(data, str) or data["uploadPredictions"]["__typename"] != "UploadResult":
            load.failures.append(str(data))
        else:
            load.uploads += 1
        batch += 1


async def mixed_load(
    clients: list[httpx.AsyncClient],
    pages: dict[str, str],
    until: Callable[[], bool],
    upload: tuple[dict[str, str], list[str]] | None = None,
    meanwhile: Awaitable[Any] | None = None,
) -> Load:
    """Every client reads pages of `pages`' evaluation until `until()`; with `upload`, the first client's connection
    settings also serve an uploader; `meanwhile` (a job to wait for, say) is awaited alongside."""
    load = Load()
    tasks = [read_pages(http, pages, until, load) for http in clients]
    if upload is not None:
        tasks.append(upload_predictions(clients[0], upload[0], upload[1], until, load))
    if meanwhile is not None:
        tasks.append(meanwhile)
    await asyncio.gather(*tasks)
    return load

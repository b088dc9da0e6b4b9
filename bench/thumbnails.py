"""A gallery page of 50 thumbnails, as the web UI loads it, with cold and warm thumbnail caches.

    .venv/bin/python bench/thumbnails.py [--pages 4] [--connections 6] [--backend sqlite|postgresql]

Seeds the demo (200 generated 640x480 JPEGs, the size of most COCO images) into a new database and image root,
serves the app with uvicorn, and for each page of 50 items: reads the page (`items(first: 50)` with thumbnailUrl)
through GraphQL, then fetches its 50 thumbnails over `--connections` connections (a browser opens 6 per host),
timing from the first request to the last byte:
  - cold: the thumbnail cache directory emptied first, so all 50 are made by Pillow in that request burst;
  - warm: the same 50 again, read from the disk cache;
  - originals (the floor): the same items' full images from /images, the same route without Pillow's work.
It also makes the same 50 thumbnails in this process, one after another, without a server (Pillow's work alone).
Budget (issue #15): a page of 50 thumbnails served in ≤ 300 ms with cold thumbnails.
The source images are in the OS page cache (just written): a cold disk adds its read time to both cold and
originals.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import seeded_server  # noqa: E402

PAGE = 50
ITEMS = """query($after: String) { datasets(first: 1) { edges { node { items(first: 50, after: $after) {
  pageInfo { endCursor } edges { node { id referenceId imageUrl thumbnailUrl } } } } } } }"""


def _cpu_seconds(server: psutil.Process) -> float:
    times = server.cpu_times()
    return float(times.user + times.system)


async def _burst(
    client: httpx.AsyncClient, urls: list[str], headers: dict[str, str], server: psutil.Process
) -> tuple[float, float, int]:
    """Seconds from the first request to the last byte of all `urls`, the server's CPU seconds meanwhile (all its
    threads), and the bytes received."""
    cpu = _cpu_seconds(server)
    started = time.perf_counter()
    responses = await asyncio.gather(*(client.get(url, headers=headers) for url in urls))
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds(server) - cpu
    for response in responses:
        response.raise_for_status()
    return elapsed, cpu, sum(len(response.content) for response in responses)


def _pillow_alone(paths: list[Path], cache: Path) -> float:
    from matchscope.services.images import ThumbnailCache

    thumbnails = ThumbnailCache(cache)
    started = time.perf_counter()
    for number, path in enumerate(paths):
        thumbnails.thumbnail(number, path, 256)
    return time.perf_counter() - started


async def _pages(
    base: str, key: str, args: argparse.Namespace, image_root: Path, cache: Path, server: psutil.Process
) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=args.connections, max_keepalive_connections=args.connections)
    results: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await client.get("/healthz")
        after = None
        for _ in range(args.pages):
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": ITEMS, "variables": {"after": after}}, headers=headers
            )
            page_seconds = time.perf_counter() - started
            items = response.json()["data"]["datasets"]["edges"][0]["node"]["items"]
            after = items["pageInfo"]["endCursor"]
            nodes = [edge["node"] for edge in items["edges"]]
            assert len(nodes) == PAGE and all(node["thumbnailUrl"] for node in nodes)
            shutil.rmtree(cache, ignore_errors=True)
            thumbnails = [node["thumbnailUrl"] for node in nodes]
            cold, cold_cpu, cold_bytes = await _burst(client, thumbnails, headers, server)
            warm, warm_cpu, _ = await _burst(client, thumbnails, headers, server)
            originals, originals_cpu, original_bytes = await _burst(
                client, [node["imageUrl"] for node in nodes], headers, server
            )
            with tempfile.TemporaryDirectory() as scratch:
                sources = [image_root / "matchscope-demo" / node["referenceId"] for node in nodes]
                alone = _pillow_alone(sources, Path(scratch))
            timings = {"graphql": page_seconds, "cold": cold, "warm": warm, "originals": originals, "pillow": alone,
                       "cold_cpu": cold_cpu, "warm_cpu": warm_cpu, "originals_cpu": originals_cpu}  # fmt: skip
            results.append({**timings, "thumbnail_kb": cold_bytes / 1024, "original_kb": original_bytes / 1024})
            row = results[-1]
            print(
                f"  page {len(results)}: items query {row['graphql'] * 1000:6.1f} ms | 50 thumbnails cold "
                f"{cold * 1000:6.1f} ms (server CPU {cold_cpu * 1000:5.0f} ms), warm {warm * 1000:6.1f} ms "
                f"(CPU {warm_cpu * 1000:4.0f}) | 50 originals {originals * 1000:6.1f} ms (CPU {originals_cpu * 1000:4.0f}) | "
                f"Pillow alone, serial {alone * 1000:6.1f} ms | {row['thumbnail_kb']:.0f} KiB vs {row['original_kb']:.0f} KiB",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=4, help="pages of 50 (the demo has 200 images)")
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with seeded_server(args.backend, "matchscope-bench-thumbnails") as demo:
        print(f"demo seeded in {demo.seed_seconds:.1f} s ({args.backend}); load average {os.getloadavg()}")
        server = psutil.Process(demo.process.pid)
        results = asyncio.run(_pages(demo.base, demo.key, args, demo.image_root, demo.thumbnail_cache, server))
    names = ("cold", "warm", "originals", "pillow", "cold_cpu", "warm_cpu", "originals_cpu")
    summary = {name: [row[name] * 1000 for row in results] for name in names}
    print(f"load average after: {os.getloadavg()}")
    print(f"{'ms per page of 50':<28} {'median':>8} {'max':>8} {'server CPU (median)':>20}")
    for name, label in (("cold", "thumbnails, cold cache"), ("warm", "thumbnails, warm cache"),
                        ("originals", "originals (floor)"), ("pillow", "Pillow alone, serial")):  # fmt: skip
        cpu = f"{statistics.median(summary[name + '_cpu']):20.1f}" if name + "_cpu" in summary else ""
        print(f"{label:<28} {statistics.median(summary[name]):8.1f} {max(summary[name]):8.1f} {cpu}")
    cold, warm, floor = (statistics.median(summary[name]) for name in ("cold", "warm", "originals"))
    print(f"ratios to the originals: cold {cold / floor:.2f}, warm {warm / floor:.2f}")
    verdict = "within" if max(summary["cold"]) <= 300 else "OVER"
    print(f"budget: cold page ≤ 300 ms — worst page {max(summary['cold']):.1f} ms: {verdict}")


if __name__ == "__main__":
    main()

"""`matchscope serve --demo` as a newcomer runs it: a real process, a printed key, demo data over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from matchscope.services import demo
from matchscope.services.demo_scenes import LABELS
from tests.jobs.servers import free_port

pytestmark = pytest.mark.database_independent


def _serve(
    tmp_path: Path, env: dict[str, str], *, demo: bool = True
) -> Iterator[tuple[str, str, subprocess.Popen[str]]]:
    port = free_port()
    env = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "matchscope", "serve", *(["--demo"] if demo else []), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("matchscope serve did not become healthy in 120 s")
        key = (tmp_path / "serve.db.key").read_text().strip()
        yield base, key, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:  # left open, its ResourceWarning fails whichever test the collector runs in
            process.stdout.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, subprocess.Popen[str]]]:
    yield from _serve(tmp_path, dict(os.environ))


@pytest.mark.serial  # a cold compile (~20 s of CPU) beside 3 other test processes missed the 120 s deadline
def test_the_server_process_loads_the_kernels_a_child_compiled(tmp_path: Path) -> None:
    """With an empty kernel cache, `serve` has a child process compile the kernels: a process that compiles them
    itself is slower on every request afterwards (bench/README.md). Without the demo, whose 200 drawn images have
    nothing to do with the kernels."""
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    served_here = _serve(tmp_path, environment, demo=False)
    _, _, process = next(served_here)
    process.terminate()
    output = process.communicate(timeout=30)[0]
    served_here.close()
    counts = re.search(r"engine kernels: (\d+) loaded from the cache, (\d+) compiled in this process", output)
    assert counts is not None, output
    assert int(counts[1]) > 0 and int(counts[2]) == 0, counts[0]
    assert any((tmp_path / "numba-cache").rglob("*.nbi"))


@pytest.mark.slow
def test_serve_demo_answers_introspection_and_datasets(served: tuple[str, str, subprocess.Popen[str]]) -> None:
    base, key, process = served
    headers = {"Authorization": f"Bearer {key}"}
    introspection = httpx.post(
        f"{base}/graphql", json={"query": "{ __schema { queryType { name } mutationType { name } } }"}, headers=headers
    ).json()
    assert introspection["data"]["__schema"] == {"queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}}
    datasets = httpx.post(
        f"{base}/graphql",
        json={
            "query": "{ datasets { edges { node { name itemCount annotationCount labels items(first: 1) { edges { node { thumbnailUrl } } } } } } models { edges { node { name } } } }"
        },
        headers=headers,
    ).json()["data"]
    (dataset,) = [edge["node"] for edge in datasets["datasets"]["edges"]]
    assert dataset["name"] == demo.DEMO_DATASET
    assert dataset["itemCount"] == demo.DEMO_IMAGES and dataset["annotationCount"] > 2 * demo.DEMO_IMAGES
    assert dataset["labels"] == sorted(LABELS)
    # The demo's images were drawn under the default image root, beside the database.
    (item,) = [edge["node"] for edge in dataset["items"]["edges"]]
    thumbnail = httpx.get(base + item["thumbnailUrl"], headers=headers)
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert len(datasets["models"]["edges"]) == 2
    assert httpx.post(f"{base}/graphql", json={"query": "{ __typename }"}).status_code == 401
    page = httpx.get(f"{base}/evaluations/x", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
    graphiql = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
    assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()
    process.terminate()
    output = process.communicate(timeout=30)[0]
    assert key in output and f"Authorization: Bearer {key}" in output
    assert f"web UI at {base}/" in output

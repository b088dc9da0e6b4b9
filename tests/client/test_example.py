"""examples/evaluate_coco.py runs as is against a server, twice (the second import writes nothing new)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.client.conftest import Server
from tests.jobs.servers import ROOT


def _run(server: Server, key: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MATCHSCOPE_API_KEY": key, "MATCHSCOPE_ENDPOINT": server.endpoint}
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "evaluate_coco.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_example_script_runs_against_the_server(server: Server, key: str) -> None:
    first = _run(server, key)
    assert first.returncode == 0, first.stderr
    assert "COCO  AP " in first.stdout and "most confident false positives:" in first.stdout
    for label in ("person", "car", "dog"):
        assert f"\n{label} " in first.stdout
    assert first.stdout.count("\n  ") >= 1  # at least one false positive listed
    second = _run(server, key)
    assert second.returncode == 0, second.stderr
    assert "0 new predictions" in second.stdout
    assert first.stdout.split("COCO")[1] == second.stdout.split("COCO")[1]


def test_example_script_says_what_is_wrong_with_a_bad_key(server: Server) -> None:
    failed = _run(server, "ms_wrong")
    assert failed.returncode == 1 and "refused the API key" in failed.stderr

"""An unusable database ends every command that touches it with one line naming the URL, the password masked."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from matchscope.commands._common import database_label
from matchscope.settings import Settings

pytestmark = pytest.mark.database_independent

PASSWORD = "s3cret-pw"
MISSING_DATABASE = f"matchscope_missing_{uuid.uuid4().hex[:8]}"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ground_truth(tmp_path: Path) -> Path:
    path = tmp_path / "gt.json"
    image = {"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}
    box = {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0}
    path.write_text(json.dumps({"images": [image], "annotations": [box], "categories": [{"id": 1, "name": "cat"}]}))
    return path


COMMANDS = {
    "serve": ["serve", "--port", "1"],
    "worker": ["worker", "--burst"],
    "keys list": ["keys", "list"],
    "keys create": ["keys", "create", "--account", "alice"],
    "import-coco": ["import-coco", "GT", "--dataset", "d"],
    "demo": ["demo"],
}

CASES = {
    "missing database": (f"127.0.0.1:5432/{MISSING_DATABASE}", f'database "{MISSING_DATABASE}" does not exist'),
    "closed port": (f"127.0.0.1:{_closed_port()}/test", "connection refused"),
}


def _run(tmp_path: Path, arguments: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    arguments = [str(_ground_truth(tmp_path)) if argument == "GT" else argument for argument in arguments]
    return subprocess.run(
        [sys.executable, "-m", "matchscope", *arguments],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", COMMANDS)
def test_unusable_postgresql_is_one_line(tmp_path: Path, command: str, case: str) -> None:
    place, reason = CASES[case]
    result = _run(tmp_path, COMMANDS[command], f"postgresql://postgres:{PASSWORD}@{place}")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("matchscope: error: cannot connect to the database ")
    assert f"postgresql://postgres:***@{place} (DATABASE_URL)" in lines[0]
    assert reason in lines[0]


def test_refused_credentials_are_one_line(tmp_path: Path) -> None:
    result = _run(
        tmp_path, ["keys", "list"], f"postgresql://nobody_{uuid.uuid4().hex[:6]}:{PASSWORD}@127.0.0.1:5432/test"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and PASSWORD not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist" in result.stderr and ":***@127.0.0.1:5432/test" in result.stderr
    assert result.stdout == ""


def test_serve_and_worker_print_the_database_in_use(tmp_path: Path) -> None:
    place = f"127.0.0.1:{_closed_port()}/test"
    for command in ("serve", "worker"):
        result = _run(tmp_path, COMMANDS[command], f"postgresql://postgres:{PASSWORD}@{place}")
        assert result.stdout.splitlines()[0] == f"matchscope {command}: database postgresql://postgres:***@{place}"


def test_default_sqlite_file_is_shown_by_its_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert database_label(Settings()) == f"sqlite:///{tmp_path / 'matchscope.db'}"
    assert database_label(Settings(database_url="sqlite:///:memory:")) == "sqlite:///:memory:"


def test_arq_command_line_worker_ends_with_the_same_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/{MISSING_DATABASE}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "MATCHSCOPE_QUEUE_NAME": f"matchscope-test-{uuid.uuid4().hex[:8]}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "arq", "matchscope.jobs.worker.WorkerSettings"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and PASSWORD not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("matchscope: error: ")]
    assert len(errors) == 1, result.stderr
    assert f"postgresql://postgres:***@127.0.0.1:5432/{MISSING_DATABASE} (DATABASE_URL)" in errors[0]

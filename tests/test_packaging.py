"""The wheel holds the package, the built UI, the migrations and the SDL, and nothing a checkout leaves behind."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_ships_what_runs_and_nothing_else(tmp_path: Path) -> None:
    # Byte code and caches a test run leaves in the tree must not reach the wheel.
    stray = ROOT / "matchscope" / "store" / "migrations" / "versions" / "__pycache__"
    stray.mkdir(exist_ok=True)
    (stray / "stray.cpython-311.pyc").write_bytes(b"")
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path, ROOT],
            check=True,
            cwd=tmp_path,
        )
    finally:
        (stray / "stray.cpython-311.pyc").unlink()
    (wheel,) = tmp_path.glob("matchscope-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in names if name.startswith(("tests/", "ui/", "bench/"))]
    for needed in (
        "matchscope/web/ui/index.html",
        "matchscope/web/ui/graphiql.html",
        "matchscope/schema/schema.graphql",
        "matchscope/store/migrations/env.py",
        "matchscope/store/migrations/script.py.mako",
        "matchscope/store/migrations/versions/0001_initial_tables.py",
        "matchscope/py.typed",
    ):
        assert needed in names, needed
    assert any(name.startswith("matchscope/web/ui/assets/") and name.endswith(".js") for name in names)

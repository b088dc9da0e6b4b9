"""The client package: generated code in step with the SDL and operations, and no server modules imported."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from tests.jobs.servers import ROOT

pytestmark = pytest.mark.database_independent

GENERATED = ROOT / "matchscope" / "client" / "_generated"


@pytest.mark.slow
def test_generated_code_matches_the_schema_and_operations(tmp_path: Path) -> None:
    subprocess.run([str(ROOT / "scripts" / "codegen-client"), str(tmp_path)], cwd=ROOT, check=True, timeout=600)
    fresh = tmp_path / "_generated"
    names = sorted(p.name for p in fresh.glob("*.py"))
    assert names == sorted(p.name for p in GENERATED.glob("*.py")), "run scripts/codegen-client"
    _, mismatch, errors = filecmp.cmpfiles(fresh, GENERATED, names, shallow=False)
    assert mismatch == [] and errors == [], f"out of date: {mismatch or errors}; run scripts/codegen-client"


def test_the_client_imports_nothing_from_the_server_side() -> None:
    code = "import sys, matchscope.client; print('\\n'.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    ours = [name for name in loaded.stdout.split() if name == "matchscope" or name.startswith("matchscope.")]
    assert "matchscope.client.sync" in ours
    assert [name for name in ours if name != "matchscope" and not name.startswith("matchscope.client")] == []
    heavy = {"numpy", "numba", "sqlalchemy", "strawberry", "starlette", "arq", "redis"}
    assert heavy.isdisjoint(name.split(".")[0] for name in loaded.stdout.split())

"""compose.yaml, Dockerfile and .dockerignore read as Docker would (no Docker engine here): one image for api and
worker, health checks and restart policies, named volumes, documented settings only, a non-root user."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_api_and_worker_run_one_image() -> None:
    services = _compose()["services"]
    api, worker = services["api"], services["worker"]
    assert api["image"] == worker["image"] and api["build"] == worker["build"] == "."
    assert api["environment"] == worker["environment"]
    assert api["command"][:2] == ["matchscope", "serve"] and worker["command"] == ["matchscope", "worker"]


def test_every_service_restarts_and_waits_for_healthy_dependencies() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
    for name in ("api", "worker"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert "/healthz" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["postgres"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_data_lives_in_named_volumes() -> None:
    compose = _compose()
    declared = set(compose["volumes"])
    services = compose["services"]
    mounts = {volume.split(":")[0]: volume.split(":")[1] for s in services.values() for volume in s.get("volumes", [])}
    assert set(mounts) == declared == {"pgdata", "images"}
    assert mounts["pgdata"] == "/var/lib/postgresql/data"
    assert mounts["images"] == services["api"]["environment"]["MATCHSCOPE_IMAGE_ROOT"]


def test_settings_in_compose_are_documented_and_read() -> None:
    readme = (ROOT / "README.md").read_text()
    source = "\n".join(path.read_text() for path in (ROOT / "matchscope").rglob("*.py"))
    for variable in _compose()["services"]["api"]["environment"]:
        assert f"| `{variable}` |" in readme, variable
        assert f'"{variable}"' in source, variable


def test_dockerfile_runs_as_a_user_and_ignores_local_state() -> None:
    users = re.findall(r"^USER (\S+)", (ROOT / "Dockerfile").read_text(), flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", "**/.venv", "**/node_modules", "**/*.db", "tests/web/screenshots"} <= ignored

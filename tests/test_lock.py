"""requirements.lock pins every requirement of pyproject.toml (base, dev and pandas) at a version it allows, and the
environment the tests run in holds exactly the locked versions (scripts/bootstrap installs with the lock)."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            assert pinned and ";" not in pinned, f"requirements.lock: {line!r} is not name==version"
            pins[canonicalize_name(name)] = pinned
    return pins


def _required() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(text) for text in [*project["dependencies"], *extras["dev"], *extras["pandas"]]]


def test_every_requirement_is_locked_at_a_version_it_allows() -> None:
    locked = _locked()
    for requirement in _required():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in requirements.lock: run scripts/lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock has {name}=={locked[name]}, pyproject.toml asks {requirement}: run scripts/lock"
        )


def test_the_environment_holds_the_locked_versions() -> None:
    wrong = []
    for name, pinned in _locked().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            wrong.append(f"{name}: {installed}, locked {pinned}")
    assert not wrong, "run scripts/bootstrap dev: " + "; ".join(wrong)

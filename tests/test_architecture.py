"""ARCHITECTURE.md names real code: every module, folder and function it cites exists, and the README links it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
# `path.py`, `path.py:name` or `Class.method` after the colon, `folder/`: paths under matchscope/ (or the
# repository's own, like tests/).
CITED = re.compile(r"`((?:[\w]+/)*[\w]+\.py(?::[\w.]+)?|(?:[\w]+/)+)`")


def cited(text: str) -> list[str]:
    return CITED.findall(text)


def missing(reference: str) -> str | None:
    """Why `reference` names nothing, or None when it does."""
    path, _, qualname = reference.partition(":")
    under = ROOT / "matchscope" / path
    if not under.exists():
        return None if (ROOT / path).exists() and not qualname else f"{reference}: no such file or folder"
    if not qualname:
        return None
    target: object = importlib.import_module("matchscope." + path.removesuffix(".py").replace("/", "."))
    for name in qualname.split("."):
        if not hasattr(target, name):
            return f"{reference}: {name} is not defined there"
        target = getattr(target, name)
    return None


def test_every_module_and_function_named_exists() -> None:
    references = cited((ROOT / "ARCHITECTURE.md").read_text())
    assert len(references) > 40  # the pattern still finds the citations
    assert [problem for reference in references if (problem := missing(reference)) is not None] == []


def test_a_drifted_name_is_reported() -> None:
    assert cited("see `services/evaluate.py:calculate` and `jobs/`") == ["services/evaluate.py:calculate", "jobs/"]
    assert missing("services/evaluate.py:calculate") is None
    assert missing("services/evaluate.py:no_such_use_case") is not None
    assert missing("services/no_such_module.py") is not None
    assert missing("tests/test_layers.py") is None


def test_the_readme_links_it() -> None:
    assert "](ARCHITECTURE.md)" in (ROOT / "README.md").read_text()

"""The layers of ARCHITECTURE.md hold: each package imports only from the layers below it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

PACKAGE = Path(__file__).resolve().parents[1] / "matchscope"

# What each layer must not import (a module or any module under it), TYPE_CHECKING blocks included unless listed
# in TYPE_ONLY: a type named for mypy creates no import at run time.
_PROCESS = ("matchscope.jobs", "matchscope.state", "matchscope.app")
_API = ("matchscope.schema", "matchscope.resolvers")
FORBIDDEN = {
    "schema": (*_PROCESS, "matchscope.store", "sqlalchemy", "sqlmodel"),
    "resolvers": (*_PROCESS, "matchscope.store", "sqlalchemy", "sqlmodel"),
    "services": (*_PROCESS, *_API, "strawberry", "starlette", "graphql"),
    "engine": (*_PROCESS, *_API, "matchscope.services", "matchscope.store", "sqlalchemy", "strawberry"),
}
TYPE_ONLY = {"services": ("matchscope.state",)}


def _imports(tree: ast.Module) -> Iterator[tuple[str, bool]]:
    """(module imported, whether only under `if TYPE_CHECKING:`) for every import of a module."""
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            typing_only.update(id(child) for statement in node.body for child in ast.walk(statement))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in typing_only
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            yield node.module, id(node) in typing_only


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def violations(layer: str) -> list[str]:
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for module, typing_only in _imports(tree):
            if typing_only and _under(module, TYPE_ONLY.get(layer, ())):
                continue
            if _under(module, FORBIDDEN[layer]):
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {module}")
        if layer in ("schema", "resolvers"):
            # Sessions are the services' to open: the API layer never names one.
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in ("sessions", "reads", "state"):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} reaches .{node.attr}")
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_from_the_layers_below(layer: str) -> None:
    assert violations(layer) == []


def test_the_check_sees_an_import_it_forbids(tmp_path: Path) -> None:
    code = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from matchscope.state import A\nimport matchscope.jobs.queue\n"
    found = set(_imports(ast.parse(code)))
    assert found == {("typing", False), ("matchscope.state", True), ("matchscope.jobs.queue", False)}
    assert _under("matchscope.jobs.queue", FORBIDDEN["services"])
    assert not _under("matchscope.jobsite", ("matchscope.jobs",))

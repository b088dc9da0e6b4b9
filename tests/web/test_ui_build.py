"""The committed UI build (matchscope/web/ui) and the generated GraphQL types are current with their sources.

No Node is needed to install or serve matchscope: the build ships in the package. These tests recompute what the
build and the code generator recorded and fail when a source changed without a rebuild."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
BUILD = ROOT / "matchscope" / "web" / "ui"
SDL = ROOT / "matchscope" / "schema" / "schema.graphql"
GENERATED = UI / "src" / "gql" / "graphql.ts"
REBUILD = "rebuild it: cd ui && npm ci && npm run codegen && npm run build"
JS_BUDGET_GZIP = 400 * 1024

# The same list as ui/scripts/sources.mjs.
FILES = (
    "index.html",
    "graphiql.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "eslint.config.js",
    "codegen.ts",
)
TREES = ("src", "scripts")


def sources_hash() -> str:
    """sha256 over "<path>\\0<sha256 of the bytes>\\n" per source file, in sorted path order (as sources.mjs)."""
    paths = [UI / name for name in FILES] + [
        path for tree in TREES for path in (UI / tree).rglob("*") if path.is_file()
    ]
    outer = hashlib.sha256()
    for relative in sorted(path.relative_to(UI).as_posix() for path in paths):
        inner = hashlib.sha256((UI / relative).read_bytes()).hexdigest()
        outer.update(f"{relative}\0{inner}\n".encode())
    return outer.hexdigest()


def build_info() -> dict[str, object]:
    return json.loads((BUILD / "build-info.json").read_text())  # type: ignore[no-any-return]


def test_committed_build_matches_the_ui_sources() -> None:
    assert build_info()["sourcesSha256"] == sources_hash(), f"matchscope/web/ui is stale: {REBUILD}"


def test_generated_graphql_types_match_the_schema() -> None:
    first_line = GENERATED.read_text().splitlines()[0]
    stamp = re.fullmatch(r"/\* schema-sha256: ([0-9a-f]{64}) \*/", first_line)
    assert stamp is not None, f"{GENERATED} has no schema stamp: {REBUILD}"
    assert stamp.group(1) == hashlib.sha256(SDL.read_bytes()).hexdigest(), f"ui/src/gql is stale: {REBUILD}"


def test_pages_load_only_their_own_files_with_no_inline_script() -> None:
    for page in ("index.html", "graphiql.html"):
        html = (BUILD / page).read_text()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        assert scripts, page
        for attributes, body in scripts:
            assert body.strip() == "" and 'src="/assets/' in attributes, f"{page}: inline or foreign script"
        for reference in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert reference.startswith("/assets/"), f"{page} refers to {reference}"
            assert (BUILD / reference.lstrip("/")).is_file(), f"{page} refers to a missing {reference}"


def test_app_javascript_within_budget() -> None:
    sizes = build_info()["javascript"]
    assert isinstance(sizes, dict)
    assert sizes["appWithLazyChunks"]["gzip"] <= JS_BUDGET_GZIP, sizes

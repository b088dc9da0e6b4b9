"""Serving of the built UI: the app's page for every deep link, hashed assets cached for a year, GraphiQL from the
build, security headers; a fake build in a temporary directory stands in for the real one."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from matchscope.app import create_app
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.web.ui import UIFiles

# Serving the build reads no database: without a key nothing reaches the accounts.
pytestmark = pytest.mark.database_independent

INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-3f9a1c.js"></script></head><body><div id="root"></div></body></html>'
GRAPHIQL = '<!doctype html><html><head><script type="module" src="/assets/graphiql-77aa01.js"></script></head><body>GraphiQL</body></html>'
SCRIPT = "console.log('matchscope');\n"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    directory = tmp_path / "ui"
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_text(INDEX)
    (directory / "graphiql.html").write_text(GRAPHIQL)
    (directory / "assets" / "index-3f9a1c.js").write_text(SCRIPT)
    (directory / "assets" / "index-3f9a1c.css").write_text("body{}")
    (directory / "build-info.json").write_text('{"version": "test"}')
    (tmp_path / "secret.txt").write_text("outside the build")
    return directory


@pytest.fixture
def settings(database_url: str, build: Path) -> Settings:
    return Settings(database_url=database_url, debug=True, ui_dir=build)


HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/datasets",
        "/datasets/RGF0YXNldDox",
        "/evaluations/RXZhbHVhdGlvbjox",
        "/evaluations/RXZhbHVhdGlvbjox/entries?outcomes=FALSE_POSITIVE&iou=0.5&sort=asc",
        "/items/RGF0YXNldEl0ZW06Nw",
        "/some/unknown/deep/path",
    ],
)
async def test_every_page_path_serves_the_app_without_a_key(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_root_serves_the_app_to_any_client(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).text == INDEX
    head = await client.head("/")
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) == len(INDEX)


async def test_api_routes_are_not_the_app(client: httpx.AsyncClient) -> None:
    # Without a key the API answers 401, never the page; a non-HTML client on a page path is not sent the page.
    for path in ("/images/RGF0YXNldEl0ZW06Nw", "/thumbnails/RGF0YXNldEl0ZW06Nw?size=256"):
        assert (await client.get(path, headers=HTML)).status_code == 401
    assert (await client.get("/datasets/x", headers={"Accept": "application/json"})).status_code == 401
    assert (await client.post("/", json={})).text != INDEX
    assert (await client.get("/healthz", headers=HTML)).json() == {"status": "ok"}
    assert (await client.post("/graphql", json={"query": "{ __typename }"})).status_code == 401


async def test_hashed_assets_are_immutable_and_typed(client: httpx.AsyncClient) -> None:
    script = await client.get("/assets/index-3f9a1c.js")
    assert script.status_code == 200 and script.text == SCRIPT
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.headers["content-type"].startswith("text/javascript")
    style = await client.get("/assets/index-3f9a1c.css")
    assert style.headers["content-type"].startswith("text/css")
    # A missing asset is a 404, never the app's page (a stale tab would otherwise run HTML as a script).
    missing = await client.get("/assets/index-000000.js", headers=HTML)
    assert missing.status_code == 404 and "immutable" not in missing.headers.get("cache-control", "")


async def test_top_level_build_files_are_served(client: httpx.AsyncClient) -> None:
    info = await client.get("/build-info.json")
    assert info.json() == {"version": "test"} and info.headers["cache-control"] == "no-cache"


async def test_the_page_revalidates_with_its_etag(client: httpx.AsyncClient) -> None:
    first = await client.get("/datasets", headers=HTML)
    again = await client.get("/datasets", headers={**HTML, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("path", ["/", "/datasets/x", "/assets/index-3f9a1c.js", "/graphql"])
async def test_security_headers(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1) for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["default-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["connect-src"].split() == ["'self'", "ws://testserver", "wss://testserver"]
    assert {"http:", "https:", "blob:", "data:"} <= set(policy["img-src"].split())
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_forged_host_header_does_not_reach_the_policy(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Host": "evil.example; script-src *"})
    assert "evil" not in response.headers["content-security-policy"]


async def test_graphiql_is_the_builds_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers=HTML)
    assert page.status_code == 200 and page.text == GRAPHIQL
    assert page.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "relative", ["../secret.txt", "assets/../../secret.txt", "assets//index-3f9a1c.js", "assets/./x", "assets/a\\b"]
)
def test_lookups_stay_inside_the_build(build: Path, relative: str) -> None:
    assert UIFiles(build).find(relative) is None


def test_symlinks_out_of_the_build_are_refused(build: Path) -> None:
    (build / "assets" / "escape.js").symlink_to(build.parent / "secret.txt")
    (build / "assets" / "inside.js").symlink_to(build / "assets" / "index-3f9a1c.js")
    files = UIFiles(build)
    assert files.find("assets/escape.js") is None
    assert files.find("assets/inside.js") == (build / "assets" / "index-3f9a1c.js").resolve()


async def test_encoded_traversal_is_refused(client: httpx.AsyncClient) -> None:
    for raw in (b"/assets/%2e%2e/%2e%2e/secret.txt", b"/assets/..%2f..%2fsecret.txt"):
        response = await client.get(httpx.URL("http://testserver", raw_path=raw))
        assert response.status_code == 404 and "outside the build" not in response.text


async def test_without_a_build_the_root_says_how_to_build_it(state: AppState, tmp_path: Path) -> None:
    settings = Settings(database_url=state.settings.database_url, ui_dir=tmp_path / "missing")
    app = create_app(settings, state=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        page = await http.get("/evaluations/x", headers=HTML)
        assert page.status_code == 200 and "not built" in page.text and "npm run build" in page.text
        as_json = (await http.get("/")).json()
        assert "not built" in as_json["message"] and as_json["graphql"] == "/graphql"
        graphiql = await http.get("/graphql", headers=HTML)
        assert "GraphiQL" in graphiql.text and "not built" in graphiql.text
        assert (await http.get("/assets/index-3f9a1c.js")).status_code == 404


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script_without_src = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href", "action") and value]
        self._in_script_without_src = tag == "script" and not values.get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script_without_src = False


@pytest.mark.parametrize("path", ["/graphql", "/"])
async def test_the_shipped_pages_load_nothing_from_other_hosts(state: AppState, path: str) -> None:
    """The package's own build (or its not-built page): only same-origin URLs, no inline scripts (CSP refuses them)."""
    app = create_app(Settings(database_url=state.settings.database_url), state=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        page = await http.get(path, headers=HTML)
        assert page.status_code == 200
        parser = _References()
        parser.feed(page.text)
        assert parser.inline_scripts == []
        for url in parser.urls:
            parts = urlsplit(url)
            assert parts.scheme in ("", "data") and parts.netloc == "", url
            if parts.path.startswith("/assets/"):
                asset = await http.get(url)
                assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"], url
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.text, re.IGNORECASE)

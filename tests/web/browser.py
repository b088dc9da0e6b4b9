"""Browser-test fixtures: the real server under uvicorn on its own database seeded with the demo, Debian's Chromium
driven by Playwright, and pages that fail their test on any request to a host other than the server."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

from matchscope.commands.serve import fill_kernel_cache
from matchscope.services import accounts, demo
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.migrate import upgrade
from tests.conftest import backend, temporary_pg_database
from tests.jobs.servers import post, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# A loaded CI machine (2 cores, the suite's other servers) can take seconds to answer: wait up to 15 s for a page
# to show what a test expects (Playwright's default is 5).
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)
DEMO_IMAGES = 24

SUBMIT = """
mutation($d: ID!, $m: ID!) { calculateEvaluationMetrics(datasetId: $d, modelId: $m) {
  __typename ... on AsyncJob { id } ... on ValidationError { message } ... on NotFoundError { message } } }
"""
JOB = "query($id: ID!) { job(id: $id) { status errors evaluation { id } } }"
CATALOG = """
{ datasets(first: 10) { edges { node { id name } } } models(first: 10) { edges { node { id name } } } }
"""


@dataclass(frozen=True)
class Site:
    """The running server, its API key, and the demo's ids (the first model already evaluated)."""

    base: str
    key: str
    dataset_id: str
    model_ids: dict[str, str]
    evaluation_id: str
    foreign: list[str] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        return f"http://{self.base}{path}"

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return post(self.base, query, variables or {}, self.key)

    def evaluate(self, model_id: str) -> str:
        """Run an evaluation through the API and wait for it; returns the evaluation's id."""
        payload = self.query(SUBMIT, {"d": self.dataset_id, "m": model_id})["calculateEvaluationMetrics"]
        assert payload["__typename"] == "AsyncJob", payload
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = self.query(JOB, {"id": payload["id"]})["job"]
            if job["status"] == "COMPLETED":
                return str(job["evaluation"]["id"])
            assert job["status"] in {"QUEUED", "RUNNING"}, job
            time.sleep(0.1)
        raise AssertionError("the evaluation did not complete in 60 s")


async def _seed(settings: Settings) -> str:
    state = AppState.create(settings)
    try:
        await upgrade(state.engine)
        async with transaction(state.sessions) as session:
            issued = await accounts.create_key(session, account_name="browser")
            await demo.seed_demo(
                session, account_id=issued.account_id, images=DEMO_IMAGES, image_root=settings.images_dir()
            )
        return issued.secret
    finally:
        await state.close()


@pytest.fixture(scope="session")
def ui_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the browser tests' own, so other tests' clean-ups never touch it."""
    if backend() == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('ui-db') / 'matchscope.db'}"
        return
    yield from temporary_pg_database("matchscope_ui")


@pytest.fixture(scope="session")
def site(ui_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    files = tmp_path_factory.mktemp("ui-files")
    settings = Settings(database_url=ui_database, image_root=files / "images", thumbnail_cache=files / "thumbnails")
    # In a thread of its own: a module's Playwright (sync API) keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        key = pool.submit(asyncio.run, _seed(settings)).result()
    # As `matchscope serve` does: kernels compiled into numba's cache by a child, so the server only loads them.
    fill_kernel_cache()
    with serve(settings) as base:
        catalog = post(base, CATALOG, {}, key)
        dataset_id = next(
            edge["node"]["id"] for edge in catalog["datasets"]["edges"] if edge["node"]["name"] == demo.DEMO_DATASET
        )
        model_ids = {edge["node"]["name"]: edge["node"]["id"] for edge in catalog["models"]["edges"]}
        provisional = Site(base, key, dataset_id, model_ids, evaluation_id="")
        evaluation_id = provisional.evaluate(model_ids[demo.DEMO_MODELS[0]])
        yield Site(base, key, dataset_id, model_ids, evaluation_id)


# Module-scoped: while Playwright's sync API runs, its event loop is the running one in this thread, which asyncio
# tests of later modules could not start theirs under.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


@pytest.fixture
def page(site: Site, browser: Browser) -> Iterator[Page]:
    """A fresh tab; the test fails if the page asked any other host than the server (requests are refused too)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    foreign: list[str] = []
    own = re.compile(rf"^(https?|wss?)://{re.escape(site.base)}(/|$)")

    def refuse(route: Any) -> None:
        foreign.append(route.request.url)
        route.abort()

    context.route(lambda url: not own.match(url) and not url.startswith(("data:", "blob:")), refuse)
    tab = context.new_page()
    tab.on("websocket", lambda socket: None if own.match(socket.url) else foreign.append(socket.url))
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    context.close()
    assert foreign == [], f"the page requested other hosts: {foreign}"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def enter_key(page: Page, site: Site, path: str = "/") -> None:
    """Open a page of the app and paste the key at its prompt."""
    page.goto(site.url(path))
    page.fill("#api-key", site.key)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("header.top")


def scroll_to_count(page: Page, tiles: Locator, total: int) -> None:
    """Scrolls an infinite list down until it shows `total` tiles (and fails if it shows another number)."""
    for _ in range(40):
        if tiles.count() >= total:
            break
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(200)
    expect(tiles).to_have_count(total)

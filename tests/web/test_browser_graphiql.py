"""GraphiQL at /graphql: served by the app (no CDN), loads the schema with the key and runs a query."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from matchscope.services import demo
from tests.web.browser import Site, enter_key, screenshot


def test_graphiql_runs_a_query_with_the_key(page: Page, site: Site) -> None:
    enter_key(page, site)
    page.goto(site.url("/graphql"))
    page.wait_for_selector(".graphiql-container")
    expect(page.locator(".graphiql-query-editor")).to_contain_text("datasets")
    page.locator(".graphiql-execute-button").click()
    response = page.locator(".graphiql-response")
    expect(response).to_contain_text(demo.DEMO_DATASET)
    page.get_by_role("button", name="Show Documentation Explorer").click()
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query")
    expect(page.locator("body")).not_to_contain_text("Error fetching schema")
    screenshot(page, "08-graphiql")


def test_graphiql_asks_for_the_key_when_none_is_stored(page: Page, site: Site) -> None:
    page.goto(site.url("/graphql"))
    page.fill("#api-key", site.key)
    page.get_by_role("button", name="Open GraphiQL").click()
    expect(page.locator(".graphiql-query-editor")).to_contain_text("datasets")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text(demo.DEMO_DATASET)

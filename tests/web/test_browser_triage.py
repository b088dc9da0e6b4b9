"""Triage by keyboard in Chromium: j/k move, c/l/i/u set the review, n the note; the reviews are the API's after a
reload, the review filter counts as the API does, and a refused review is taken back."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.web.browser import Site, enter_key, screenshot

REVIEWS = """
query($id: ID!, $filter: MatchFilter, $first: Int!) { node(id: $id) { ... on Evaluation {
  matches(filter: $filter, orderBy: {field: IOU, direction: ASC}, first: $first) { totalCount
    edges { node { id review { status note } } } } } } }
"""


def reviews(site: Site, filter_: dict[str, Any], first: int) -> tuple[int, list[dict[str, Any]]]:
    answer = site.query(REVIEWS, {"id": site.evaluation_id, "filter": filter_, "first": first})["node"]["matches"]
    return answer["totalCount"], [edge["node"] for edge in answer["edges"]]


def status_of(page: Page, index: int) -> Any:
    return page.get_by_test_id("tile").nth(index).get_by_test_id("review-status")


def test_keyboard_reviews_persist_after_a_reload(page: Page, site: Site) -> None:
    # Unmatched ground truths: each entry is a pair of its own, so no other test's review shows here.
    filter_ = {"outcomes": ["FALSE_NEGATIVE"], "maxIou": 0}
    _total, before = reviews(site, filter_, 5)
    assert len(before) == 5 and all(entry["review"] is None for entry in before), before
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_NEGATIVE&maxIou=0&order=asc")
    tiles = page.get_by_test_id("tile")
    expect(tiles.nth(4)).to_be_visible()
    assert [tiles.nth(i).get_attribute("data-entry-id") for i in range(5)] == [entry["id"] for entry in before]
    page.keyboard.press("c")
    page.keyboard.press("j")
    page.keyboard.press("l")
    page.keyboard.press("j")
    page.keyboard.press("i")
    page.keyboard.press("j")
    page.keyboard.press("n")
    editor = page.get_by_test_id("note-editor")
    editor.locator("textarea").fill("box drawn around two objects")
    editor.locator("select[name=status]").select_option("LABEL_ERROR")
    editor.locator("textarea").press("Enter")
    expect(editor).to_have_count(0)
    wanted = ["CONFIRMED", "LABEL_ERROR", "IGNORED", "LABEL_ERROR", "UNREVIEWED"]
    for index, status in enumerate(wanted):
        expect(status_of(page, index)).to_have_attribute("data-status", status)
    expect(page.locator(".badge.review.pending")).to_have_count(0)
    screenshot(page, "14-gallery-triage")
    _total, after = reviews(site, filter_, 5)
    assert [entry["review"]["status"] if entry["review"] else "UNREVIEWED" for entry in after] == wanted
    assert after[3]["review"]["note"] == "box drawn around two objects"
    page.reload()
    for index, status in enumerate(wanted):
        expect(status_of(page, index)).to_have_attribute("data-status", status)
    # The detail view shows the selected entry's review; the keys work there too.
    tiles.nth(1).click()
    page.keyboard.press("Enter")
    panel = page.get_by_test_id("review-panel")
    expect(panel).to_have_attribute("data-entry-id", after[1]["id"])
    expect(panel.get_by_test_id("review-panel-status")).to_have_text("label error")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(panel).to_have_attribute("data-entry-id", after[3]["id"])
    expect(panel.get_by_test_id("review-note")).to_have_text("box drawn around two objects")
    screenshot(page, "15-detail-review")
    page.keyboard.press("k")
    page.keyboard.press("u")
    expect(panel).to_have_attribute("data-status", "UNREVIEWED")
    expect(page.locator(".badge.review.pending")).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.get_by_test_id("help")).to_contain_text("review: label error")
    page.keyboard.press("Escape")
    _total, after = reviews(site, filter_, 5)
    assert [entry["review"]["status"] if entry["review"] else "UNREVIEWED" for entry in after] == [
        "CONFIRMED", "LABEL_ERROR", "UNREVIEWED", "LABEL_ERROR", "UNREVIEWED"
    ]  # fmt: skip
    # The review filter: as many entries as the API counts, ours among them.
    page.get_by_role("checkbox", name="label error").check()
    expect(page).to_have_url(re.compile(r"review=LABEL_ERROR"))
    total, labelled = reviews(site, {**filter_, "reviewStatuses": ["LABEL_ERROR"]}, 100)
    expect(page.get_by_test_id("total-count")).to_have_text(f"{total} entries")
    assert {after[1]["id"], after[3]["id"]} <= {entry["id"] for entry in labelled}
    expect(tiles).to_have_count(total)


def wait_held(page: Page, held: list[Route]) -> None:
    """Until the review's request has reached the route (the tile shows it as pending before the browser sends it);
    then exactly that one is held."""
    deadline = time.monotonic() + 15
    while not held:
        assert time.monotonic() < deadline, "the review's request never reached the server"
        page.wait_for_timeout(20)  # lets Playwright deliver the route event
    assert len(held) == 1


def test_a_review_shows_at_once_and_a_refused_one_is_taken_back(page: Page, site: Site) -> None:
    held: list[Route] = []

    def hold_reviews(route: Route) -> None:
        if "reviewMatch" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/graphql$"), hold_reviews)
    filter_ = {"outcomes": ["FALSE_POSITIVE"], "minIou": 0.1}
    _total, before = reviews(site, filter_, 2)
    assert all(entry["review"] is None for entry in before), before
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_POSITIVE&minIou=0.1&order=asc")
    expect(page.get_by_test_id("tile").nth(1)).to_be_visible()
    # Shown while the server has not answered yet.
    page.keyboard.press("c")
    expect(status_of(page, 0)).to_have_attribute("data-status", "CONFIRMED")
    expect(status_of(page, 0)).to_have_class(re.compile(r"\bpending\b"))
    wait_held(page, held)
    held.pop().fulfill(status=200, json={"data": None, "errors": [{"message": "refused by the test"}]})
    expect(status_of(page, 0)).to_have_attribute("data-status", "UNREVIEWED")
    expect(page.get_by_role("alert")).to_contain_text("The review was not saved: refused by the test")
    # Answered by the server: kept, no longer pending.
    page.keyboard.press("j")
    page.keyboard.press("i")
    expect(status_of(page, 1)).to_have_class(re.compile(r"\bpending\b"))
    wait_held(page, held)
    held.pop().continue_()
    expect(status_of(page, 1)).to_have_attribute("data-status", "IGNORED")
    expect(status_of(page, 1)).not_to_have_class(re.compile(r"\bpending\b"))
    expect(page.get_by_role("alert")).to_have_count(0)
    _total, after = reviews(site, filter_, 2)
    assert after[0]["review"] is None and after[1]["review"]["status"] == "IGNORED"


METRIC_REVIEWS = """
query($id: ID!) { node(id: $id) { ... on Evaluation {
  metrics(iouThreshold: 0.5, confidenceThreshold: 0) {
    reviews { status truePositives falsePositives falseNegatives total } } } } }
"""


def test_the_reviews_table_counts_as_the_api_and_opens_its_entries(page: Page, site: Site) -> None:
    # One review of our own, so that a reviewed row has a count to open.
    _total, unmatched = reviews(site, {"outcomes": ["FALSE_NEGATIVE"], "maxIou": 0}, 10)
    target = unmatched[-1]
    answer = site.query(
        'mutation($id: ID!) { reviewMatch(id: $id, status: IGNORED, note: "table") { __typename } }',
        {"id": target["id"]},
    )
    assert answer["reviewMatch"]["__typename"] == "Match", answer
    rows = site.query(METRIC_REVIEWS, {"id": site.evaluation_id})["node"]["metrics"]["reviews"]
    assert [row["status"] for row in rows] == ["UNREVIEWED", "CONFIRMED", "LABEL_ERROR", "IGNORED"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}?iou=0.5&conf=0")
    table = page.get_by_test_id("review-counts")
    expect(table).to_be_visible()
    for row in rows:
        shown = table.locator(f"tr[data-status={row['status']}]")
        for column in ("truePositives", "falsePositives", "falseNegatives", "total"):
            expect(shown.locator(f"td[data-col={column}]")).to_have_text(str(row[column]))
    table.scroll_into_view_if_needed()
    screenshot(page, "16-evaluation-reviews")
    ignored = next(row for row in rows if row["status"] == "IGNORED")
    assert ignored["falseNegatives"] >= 1
    table.locator("tr[data-status=IGNORED] td[data-col=falseNegatives] a").click()
    expect(page).to_have_url(
        re.compile(r"outcome=FALSE_NEGATIVE.*review=IGNORED|review=IGNORED.*outcome=FALSE_NEGATIVE")
    )
    expect(page.get_by_test_id("total-count")).to_have_text(f"{ignored['falseNegatives']} entries")
    expect(page.locator(f"[data-testid=tile][data-entry-id='{target['id']}']")).to_be_visible()

"""Error analysis in Chromium: the TIDE bars show the API's numbers."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.browser import Site, enter_key, screenshot

TIDE = """
query($id: ID!) { node(id: $id) { ... on Evaluation { tide { ap50 errors { type count deltaAp } } } } }
"""
ERROR_TYPES = ("CLASSIFICATION", "LOCALIZATION", "BOTH", "DUPLICATE", "BACKGROUND", "MISSED")


def test_tide_bars_show_the_api_numbers(page: Page, site: Site) -> None:
    tide = site.query(TIDE, {"id": site.evaluation_id})["node"]["tide"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}?iou=0.7&conf=0.3")
    bars = page.get_by_test_id("tide-bar")
    expect(bars).to_have_count(len(ERROR_TYPES))
    assert bars.evaluate_all("bars => bars.map(bar => bar.dataset.type)") == list(ERROR_TYPES)
    expect(page.get_by_test_id("tide-ap50")).to_have_text(f"{tide['ap50']:.2f}")
    for error in tide["errors"]:
        bar = page.locator(f"[data-testid=tide-bar][data-type={error['type']}]")
        expect(bar).to_have_attribute("data-count", str(error["count"]))
        assert float(bar.get_attribute("data-delta-ap") or "nan") == error["deltaAp"]
        shown = bar.locator(".tide-delta").inner_text()
        assert abs(float(shown.removeprefix("ΔAP ")) - error["deltaAp"]) <= 0.005, (shown, error)
        expect(bar.locator(".tide-count")).to_have_text(str(error["count"]))
    page.get_by_test_id("tide").scroll_into_view_if_needed()
    screenshot(page, "08-evaluation-tide")

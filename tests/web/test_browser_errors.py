"""Error analysis in Chromium: the TIDE bars show the API's numbers and open the gallery filtered by their error type;
false positives show their type and nearest ground truth."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.web.browser import Site, enter_key, screenshot, scroll_to_count

TIDE = """
query($id: ID!) { node(id: $id) { ... on Evaluation { tide { ap50 errors { type count deltaAp }
  perClass { label errors { type count } } } } } }
"""
ENTRIES = """
query($id: ID!, $filter: MatchFilter, $first: Int!, $iou: Float!) { node(id: $id) { ... on Evaluation {
  matches(iouThreshold: $iou, filter: $filter, orderBy: {field: IOU, direction: DESC}, first: $first) { totalCount
    edges { node { id outcome errorType groundTruth { x y width height }
      nearestGroundTruth { iou groundTruth { label x y width height } } } } } } } }
"""
ERROR_TYPES = ("CLASSIFICATION", "LOCALIZATION", "BOTH", "DUPLICATE", "BACKGROUND", "MISSED")


def entries(site: Site, filter_: dict[str, Any], *, first: int = 100, iou: float = 0.5) -> Any:
    variables = {"id": site.evaluation_id, "filter": filter_, "first": first, "iou": iou}
    return site.query(ENTRIES, variables)["node"]["matches"]


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


def test_a_tide_bar_opens_its_entries_as_a_removable_chip(page: Page, site: Site) -> None:
    unfiltered = entries(site, {}, first=1)["totalCount"]
    counts = {kind: entries(site, {"errorTypes": [kind]}, first=1)["totalCount"] for kind in ERROR_TYPES}
    kind = "LOCALIZATION" if counts["LOCALIZATION"] else max(counts, key=lambda each: counts[each])
    assert 0 < counts[kind] < unfiltered, counts
    # From thresholds of the user's own: the bar opens its entries at TIDE's IoU 0.5.
    enter_key(page, site, f"/evaluations/{site.evaluation_id}?iou=0.7&conf=0.3")
    page.locator(f"[data-testid=tide-bar][data-type={kind}]").click()
    page.wait_for_url(re.compile(rf"/entries\?.*errorType={kind}"))
    assert "iou=0.5" in page.url and "conf=0&" in page.url + "&", page.url
    total = page.get_by_test_id("total-count")
    expect(total).to_have_text(f"{counts[kind]} entries")
    chip = page.get_by_test_id("filter-chip")
    expect(chip).to_have_count(1)
    expect(chip).to_have_attribute("data-value", kind)
    expect(page.locator(f"input[name=errorType-{kind}]")).to_be_checked()
    tiles = page.get_by_test_id("tile")
    scroll_to_count(page, tiles, counts[kind])
    badges = tiles.get_by_test_id("error-type")
    expect(badges).to_have_count(counts[kind])
    assert set(badges.evaluate_all("badges => badges.map(badge => badge.dataset.type)")) == {kind}
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "20-gallery-error-type")
    page.reload()
    expect(total).to_have_text(f"{counts[kind]} entries")
    expect(chip).to_have_attribute("data-value", kind)
    chip.get_by_role("button").click()
    expect(total).to_have_text(f"{unfiltered} entries")
    expect(chip).to_have_count(0)
    assert "errorType" not in page.url
    # The gallery's own error-type filter: two types at once, as the API counts them.
    both = sorted((each for each in ERROR_TYPES if counts[each]), key=lambda each: counts[each])[:2]
    for each in both:
        page.locator(f"input[name=errorType-{each}]").check()
        expect(page.locator(f"[data-testid=filter-chip][data-value={each}]")).to_be_visible()
    expect(total).to_have_text(f"{entries(site, {'errorTypes': both}, first=1)['totalCount']} entries")


ORDERED = """
query($id: ID!, $filter: MatchFilter, $order: MatchOrder, $after: String) { node(id: $id) { ... on Evaluation {
  matches(iouThreshold: 0.5, filter: $filter, orderBy: $order, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { id } } } } } }
"""


def ordered_ids(site: Site, filter_: dict[str, Any], order: dict[str, str]) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        variables = {"id": site.evaluation_id, "filter": filter_, "order": order, "after": after}
        page = site.query(ORDERED, variables)["node"]["matches"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


def test_a_tide_bar_lists_its_entries_in_tides_order(page: Page, site: Site) -> None:
    """A false-positive type's entries by confidence, highest first (TIDE's AP walks detections by score); missed
    ground truths by IoU, highest first; ids break ties: the API's pages in that order, tile by tile, twice alike."""
    counts = {kind: entries(site, {"errorTypes": [kind]}, first=1)["totalCount"] for kind in ERROR_TYPES}
    false_positive = max((kind for kind in ERROR_TYPES if kind != "MISSED"), key=lambda kind: counts[kind])
    assert counts[false_positive] > 1 and counts["MISSED"] > 1, counts
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    for kind, field in ((false_positive, "CONFIDENCE"), ("MISSED", "IOU")):
        expected = ordered_ids(site, {"errorTypes": [kind]}, {"field": field, "direction": "DESC"})
        by_iou = ordered_ids(site, {"errorTypes": [kind]}, {"field": "IOU", "direction": "DESC"})
        assert field == "IOU" or expected != by_iou, "the orders must differ for the test to tell them apart"
        for _ in range(2):
            page.locator(f"[data-testid=tide-bar][data-type={kind}]").click()
            page.wait_for_url(re.compile(rf"/entries\?.*errorType={kind}"))
            expect(page.get_by_test_id("total-count")).to_have_text(f"{counts[kind]} entries")
            tiles = page.get_by_test_id("tile")
            scroll_to_count(page, tiles, counts[kind])
            shown = tiles.evaluate_all("tiles => tiles.map(tile => tile.dataset.entryId)")
            assert shown == expected, kind
            expect(page.locator("select[name=sort]")).to_have_value("conf" if field == "CONFIDENCE" else "iou")
            page.go_back()


def test_a_tide_class_cell_opens_that_class_entries(page: Page, site: Site) -> None:
    tide = site.query(TIDE, {"id": site.evaluation_id})["node"]["tide"]
    cells = [
        (row["label"], error["type"])
        for row in tide["perClass"]
        for error in row["errors"]
        if error["count"] and error["type"] in ("CLASSIFICATION", "MISSED")
    ]
    assert cells, tide["perClass"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    for label, kind in (cells[0], cells[-1]):
        page.get_by_text("Per class (ΔAP, count)").click()
        side = "groundTruthLabels" if kind == "MISSED" else "predictionLabels"
        expected = entries(site, {"errorTypes": [kind], side: [label]}, first=1)["totalCount"]
        row = page.locator(f"[data-testid=tide-per-class] tr[data-label='{label}']")
        row.locator(f"td[data-type={kind}] a").click()
        page.wait_for_url(re.compile(rf"errorType={kind}"))
        expect(page.get_by_test_id("total-count")).to_have_text(f"{expected} entries")
        expect(page.locator(f"select[name={'gt' if kind == 'MISSED' else 'pred'}]")).to_have_value(label)
        page.go_back()


def test_false_positives_draw_their_nearest_ground_truth(page: Page, site: Site) -> None:
    wanted = ("LOCALIZATION", "CLASSIFICATION", "BACKGROUND")
    shown = 0
    keyed = False
    for kind in wanted:
        expected = entries(site, {"outcomes": ["FALSE_POSITIVE"], "errorTypes": [kind]}, first=8)
        if not expected["edges"]:
            continue
        path = f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_POSITIVE&errorType={kind}"
        if keyed:
            page.goto(site.url(path))
        else:
            enter_key(page, site, path)
            keyed = True
        expect(page.get_by_test_id("total-count")).to_have_text(f"{expected['totalCount']} entries")
        tiles = page.get_by_test_id("tile")
        expect(tiles.nth(len(expected["edges"]) - 1)).to_be_visible()
        for index, edge in enumerate(expected["edges"]):
            entry, tile = edge["node"], tiles.nth(index)
            assert tile.get_attribute("data-entry-id") == entry["id"]
            expect(tile.get_by_test_id("error-type")).to_have_attribute("data-type", kind)
            nearest = entry["nearestGroundTruth"]
            rect = tile.locator("rect[data-side=nearest]")
            if nearest is None:
                expect(rect).to_have_count(0)
                expect(tile.get_by_test_id("tile-nearest")).to_have_count(0)
                continue
            shown += 1
            expect(rect).to_have_count(1)
            drawn = {name: float(rect.get_attribute(name) or "nan") for name in ("x", "y", "width", "height")}
            assert drawn == {name: nearest["groundTruth"][name] for name in ("x", "y", "width", "height")}
            assert rect.get_attribute("stroke-dasharray"), "the nearest ground truth is dashed"
            colours = {
                side: tile.locator(f"rect[data-side={side}]").first.get_attribute("stroke")
                for side in ("nearest", "prediction")
            }
            assert colours["nearest"] != colours["prediction"], colours
            if entry["groundTruth"]:
                assert tile.locator("rect[data-side=groundTruth]").get_attribute("stroke") != colours["nearest"]
            label = f"nearest {nearest['groundTruth']['label']} {nearest['iou']:.2f}"
            expect(tile.get_by_test_id("tile-nearest")).to_have_text(label)
            expect(rect.locator("title")).to_have_text(
                f"nearest {nearest['groundTruth']['label']} IoU {nearest['iou']:.2f}"
            )
        screenshot(page, f"21-gallery-nearest-{kind.lower()}")
    assert shown >= 3, "the demo's false positives should have nearest ground truths to draw"


def test_the_detail_view_shows_the_selected_false_positive_nearest_ground_truth(page: Page, site: Site) -> None:
    filter_ = {"outcomes": ["FALSE_POSITIVE"], "errorTypes": ["CLASSIFICATION", "LOCALIZATION"]}
    expected = entries(site, filter_, first=1)
    entry = expected["edges"][0]["node"]
    nearest = entry["nearestGroundTruth"]
    assert nearest is not None, entry
    enter_key(
        page,
        site,
        f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_POSITIVE&errorType=CLASSIFICATION,LOCALIZATION",
    )
    expect(page.get_by_test_id("total-count")).to_have_text(f"{expected['totalCount']} entries")
    expect(page.get_by_test_id("tile").first).to_have_attribute("data-entry-id", entry["id"])
    page.keyboard.press("Enter")
    detail = page.get_by_test_id("item-detail")
    rect = detail.locator("rect[data-side=nearest]")
    expect(rect).to_have_count(1)
    drawn = {name: float(rect.get_attribute(name) or "nan") for name in ("x", "y", "width", "height")}
    assert drawn == {name: nearest["groundTruth"][name] for name in ("x", "y", "width", "height")}
    row = detail.locator(f"tr[data-entry-id='{entry['id']}']")
    expect(row.get_by_test_id("error-type")).to_have_attribute("data-type", entry["errorType"])
    nearest_text = f"nearest {nearest['groundTruth']['label']} {nearest['iou']:.2f}"
    expect(row.locator("[data-col=nearest]")).to_have_text(nearest_text)
    expect(row.locator("td").last.get_by_test_id("review-status")).to_be_attached()
    screenshot(page, "23-detail-nearest")
    # Unchecking the ground-truth layer hides the nearest ground truth too.
    detail.get_by_label("ground truth").uncheck()
    expect(rect).to_have_count(0)


LABELS_PLACED = """
() => {
  const outside = [];
  const overlapping = [];
  let flipped = 0;
  let labels = 0;
  let crowded = 0;
  for (const svg of document.querySelectorAll("[data-testid=tile] svg.boxes")) {
    const view = svg.viewBox.baseVal;
    const placed = [];
    for (const text of svg.querySelectorAll("text.box-label")) {
      labels += 1;
      if (text.getAttribute("text-anchor") === "end") flipped += 1;
      const box = text.getBBox();
      const slack = 0.5;
      if (box.x < view.x - slack || box.x + box.width > view.x + view.width + slack
          || box.y < view.y - slack || box.y + box.height > view.y + view.height + slack) {
        outside.push([text.textContent, box.x, box.y, box.width, box.height, view.x, view.y, view.width, view.height].join(" "));
      }
      for (const [other, otherBox] of placed) {
        if (box.x < otherBox.x + otherBox.width && otherBox.x < box.x + box.width
            && box.y < otherBox.y + otherBox.height && otherBox.y < box.y + box.height) {
          overlapping.push([text.textContent, other.textContent, svg.closest("[data-testid=tile]").dataset.entryId].join(" | "));
        }
      }
      placed.push([text, box]);
    }
    if (placed.length >= 3) crowded += 1;
  }
  return { outside, overlapping, flipped, labels, crowded };
}
"""


def test_box_labels_stay_inside_their_tile_and_apart(page: Page, site: Site) -> None:
    """Every box label of the gallery's tiles lies within the tile's image, those of boxes near its right edge
    ending there instead of running past it, and no two labels of a tile meet (the rendered texts' boxes); zoomed
    tiles (a window on the boxes) too."""
    total = entries(site, {"outcomes": ["FALSE_POSITIVE", "FALSE_NEGATIVE"]}, first=1)["totalCount"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_POSITIVE,FALSE_NEGATIVE")
    tiles = page.get_by_test_id("tile")
    scroll_to_count(page, tiles, total)
    for zoom in (False, True):
        if zoom:
            page.locator("input[name=zoom]").check()
            scroll_to_count(page, tiles, total)
        found = page.evaluate(LABELS_PLACED)
        assert found["labels"] > total, found
        assert found["outside"] == [], found
        assert found["overlapping"] == [], found
        assert found["crowded"] > 0, "tiles of three labels (an FP's own, nearest and prediction boxes) must be there"
        assert found["flipped"] > 0, "boxes near a tile's right edge must be in the data for the test to mean much"
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "25-gallery-labels-inside-zoomed" if zoom else "24-gallery-labels-inside")

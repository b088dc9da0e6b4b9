"""The entry gallery in Chromium: confusion cells open their entries, boxes in image pixels, the keyboard."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.web.browser import Site, enter_key, screenshot, scroll_to_count

MATRIX = """
query($id: ID!) { node(id: $id) { ... on Evaluation { metrics { confusionMatrix { rowLabels columnLabels counts } } } } }
"""
MATCHES = """
query($id: ID!, $filter: MatchFilter, $order: MatchOrder!, $first: Int!, $iou: Float!) { node(id: $id) {
  ... on Evaluation { matches(iouThreshold: $iou, filter: $filter, orderBy: $order, first: $first) { totalCount
    edges { node { id outcome iou groundTruthLabel predictionLabel item { id width height }
      groundTruth { x y width height } prediction { x y width height } } } } } } }
"""
ITEM = """
query($id: ID!, $model: ID!) { node(id: $id) { ... on DatasetItem { annotations { id } predictions(modelId: $model) { id } } } }
"""
MODEL = "query($id: ID!) { node(id: $id) { ... on Evaluation { model { id } } } }"


def matches(site: Site, filter_: dict[str, Any], *, first: int = 100, iou: float = 0.5, desc: bool = True) -> Any:
    order = {"field": "IOU", "direction": "DESC" if desc else "ASC"}
    variables = {"id": site.evaluation_id, "filter": filter_, "order": order, "first": first, "iou": iou}
    return site.query(MATCHES, variables)["node"]["matches"]


def test_confusion_cells_open_their_entries(page: Page, site: Site) -> None:
    matrix = site.query(MATRIX, {"id": site.evaluation_id})["node"]["metrics"]["confusionMatrix"]
    rows, columns, counts = matrix["rowLabels"], matrix["columnLabels"], matrix["counts"]
    diagonal = next(
        (r, c) for r, row in enumerate(rows) for c, col in enumerate(columns) if row == col and counts[r][c]
    )
    background = next(c for c in range(len(columns) - 1) if counts[-1][c])
    missed = next(r for r in range(len(rows) - 1) if counts[r][-1])
    cells = [diagonal, (len(rows) - 1, background), (missed, len(columns) - 1)]
    off_diagonal = [
        (r, c) for r in range(len(rows) - 1) for c in range(len(columns) - 1) if rows[r] != columns[c] and counts[r][c]
    ]
    cells += off_diagonal[:1]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    for row, column in cells:
        cell = page.locator(f'td[data-row="{rows[row]}"][data-column="{columns[column]}"]')
        expect(cell).to_have_attribute("data-count", str(counts[row][column]))
        cell.get_by_role("link").click()
        page.wait_for_url(re.compile(r"/entries\?"))
        expect(page.get_by_test_id("total-count")).to_have_text(f"{counts[row][column]} entries")
        tiles = page.get_by_test_id("tile")
        expect(tiles.first).to_be_visible()
        for tile in tiles.all()[:20]:
            caption = tile.locator(".caption").inner_text()
            if rows[row] != "background":
                assert caption.split("→")[0].split()[-1] == rows[row].split()[-1], caption
            if columns[column] != "missed":
                assert columns[column] in caption.split("→")[1], caption
        if (row, column) == diagonal:
            screenshot(page, "05-gallery-confusion-cell")
        page.go_back()
        expect(page.get_by_test_id("confusion-matrix")).to_be_visible()


def test_tile_boxes_sit_at_the_items_pixel_coordinates(page: Page, site: Site) -> None:
    filter_ = {"outcomes": ["FALSE_POSITIVE"], "minIou": 0.1}
    expected = matches(site, filter_, first=6)
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_POSITIVE&minIou=0.1")
    expect(page.get_by_test_id("total-count")).to_have_text(f"{expected['totalCount']} entries")
    tiles = page.get_by_test_id("tile")
    assert len(expected["edges"]) >= 3, expected
    expect(tiles.nth(len(expected["edges"]) - 1)).to_be_visible()
    for index, edge in enumerate(expected["edges"]):
        entry = edge["node"]
        tile = tiles.nth(index)
        assert tile.get_attribute("data-entry-id") == entry["id"]
        svg = tile.locator("svg.boxes")
        # The demo's thumbnail, fetched with the key and shown from a blob URL, under the boxes.
        expect(svg.locator("image")).to_have_attribute("href", re.compile(r"^blob:"))
        assert svg.get_attribute("viewBox") == f"0 0 {entry['item']['width']} {entry['item']['height']}"
        for side in ("groundTruth", "prediction"):
            box = entry[side]
            rect = svg.locator(f"rect[data-side={side}]")
            assert rect.count() == 1
            drawn = {name: float(rect.get_attribute(name) or "nan") for name in ("x", "y", "width", "height")}
            assert drawn == {name: box[name] for name in ("x", "y", "width", "height")}
    screenshot(page, "06-gallery-fp")
    # Zoomed, a tile shows a window of the image (still in its pixels) that holds both boxes.
    page.get_by_label("zoom on the boxes").check()
    expect(page).to_have_url(re.compile(r"zoom=1"))
    for index, edge in enumerate(expected["edges"]):
        svg = tiles.nth(index).locator("svg.boxes")
        expect(svg).not_to_have_attribute("viewBox", re.compile(r"^0 0 "))
        left, top, width, height = (float(v) for v in (svg.get_attribute("viewBox") or "").split())
        assert left >= 0 and top >= 0 and left + width <= edge["node"]["item"]["width"] + 1e-9
        for side in ("groundTruth", "prediction"):
            box = edge["node"][side]
            assert left <= box["x"] and box["x"] + box["width"] <= left + width + 1e-9
            assert top <= box["y"] and box["y"] + box["height"] <= top + height + 1e-9
    screenshot(page, "06-gallery-fp-zoomed")


def test_keyboard_moves_opens_and_closes(page: Page, site: Site) -> None:
    expected = matches(site, {}, first=60, desc=False)["edges"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries?order=asc")
    tiles = page.get_by_test_id("tile")
    expect(tiles.nth(3)).to_be_visible()
    assert [tiles.nth(i).get_attribute("data-entry-id") for i in range(4)] == [e["node"]["id"] for e in expected[:4]]
    expect(tiles.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(tiles.nth(2)).to_have_attribute("aria-selected", "true")
    expect(tiles.nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("Enter")
    detail = page.get_by_test_id("item-detail")
    item_id = expected[2]["node"]["item"]["id"]
    expect(detail).to_have_attribute("data-item-id", item_id)
    assert f"open={item_id}".replace("=", "") in page.url.replace("%3D", "").replace("=", "")
    model_id = site.query(MODEL, {"id": site.evaluation_id})["node"]["model"]["id"]
    item = site.query(ITEM, {"id": item_id, "model": model_id})["node"]
    expect(detail.locator("rect[data-side=groundTruth]")).to_have_count(len(item["annotations"]))
    expect(detail.locator("rect[data-side=prediction]")).to_have_count(len(item["predictions"]))
    screenshot(page, "07-item-detail")
    detail.get_by_label("predictions").uncheck()
    expect(detail.locator("rect[data-side=prediction]")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("detail")).to_have_count(0)
    page.keyboard.press("?")
    expect(page.get_by_test_id("help")).to_contain_text("next entry")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("help")).to_have_count(0)
    expect(tiles.nth(2)).to_have_attribute("aria-selected", "true")


def test_infinite_scroll_loads_every_entry(page: Page, site: Site) -> None:
    total = matches(site, {"outcomes": ["FALSE_NEGATIVE"]}, first=1)["totalCount"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries?outcome=FALSE_NEGATIVE")
    expect(page.get_by_test_id("total-count")).to_have_text(f"{total} entries")
    scroll_to_count(page, page.get_by_test_id("tile"), total)
    expect(page.locator(".sentinel")).to_have_text("end of the entries")
    # Each page asked once: a page requested before the last one rendered must not be the last one again.
    shown = page.get_by_test_id("tile").evaluate_all("tiles => tiles.map((tile) => tile.dataset.entryId)")
    assert len(shown) == len(set(shown)) == total

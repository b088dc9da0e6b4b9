"""Slices in Chromium: an item-metadata filter on the evaluation page and in the gallery, kept in the URL, applied to
the metrics and the entries as the API applies `itemMetadata`; a value the API refuses shows its message."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.web.browser import Site, enter_key, screenshot, scroll_to_count

ITEMS = """
query($id: ID!) { dataset(id: $id) { items(first: 100) { edges { node { metadata } } } } }
"""
OVERALL = """
query($id: ID!, $iou: Float!, $slice: JSON) { node(id: $id) { ... on Evaluation {
  metrics(iouThreshold: $iou, itemMetadata: $slice) { overall { truePositives falsePositives falseNegatives }
    perClass { label counts { truePositives falsePositives falseNegatives } } } } } }
"""
TOTAL = """
query($id: ID!, $filter: MatchFilter) { node(id: $id) { ... on Evaluation {
  matches(filter: $filter, first: 1) { totalCount } } } }
"""


def overall(site: Site, slice_: Any, iou: float = 0.5) -> Any:
    return site.query(OVERALL, {"id": site.evaluation_id, "iou": iou, "slice": slice_})["node"]["metrics"]


def total(site: Site, filter_: dict[str, Any]) -> int:
    return int(site.query(TOTAL, {"id": site.evaluation_id, "filter": filter_})["node"]["matches"]["totalCount"])


def add_pair(page: Page, key: str, value: str) -> None:
    form = page.get_by_test_id("slice")
    form.locator("input[name=slice-key]").fill(key)
    form.locator("input[name=slice-value]").fill(value)
    form.get_by_role("button", name="add").click()


def slice_in_url(page: Page) -> Any:
    return json.loads(parse_qs(urlsplit(page.url).query)["meta"][0])


def expect_overall(page: Page, counts: dict[str, int]) -> None:
    for key, field in (("tp", "truePositives"), ("fp", "falsePositives"), ("fn", "falseNegatives")):
        expect(page.get_by_test_id(f"overall-{key}")).to_have_text(str(counts[field]))


def common_metadata(site: Site) -> tuple[str, int]:
    """The demo's most frequent background and, on fewer items than the whole, an object count."""
    items = site.query(ITEMS, {"id": site.dataset_id})["dataset"]["items"]["edges"]
    metadata = [edge["node"]["metadata"] for edge in items]
    background = Counter(each["background"] for each in metadata).most_common(1)[0][0]
    objects = Counter(each["objects"] for each in metadata).most_common(1)[0][0]
    return background, objects


def test_a_slice_narrows_the_metrics_and_the_entries(page: Page, site: Site) -> None:
    background, _objects = common_metadata(site)
    whole = overall(site, None)["overall"]
    sliced = overall(site, {"background": background})
    assert sliced["overall"] != whole, "the slice should hold fewer entries than the whole evaluation"
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    expect_overall(page, whole)
    add_pair(page, "background", background)
    assert slice_in_url(page) == {"background": background}
    expect_overall(page, sliced["overall"])
    expect(page.get_by_test_id("slice-chip")).to_have_text(f'background = "{background}"\N{MULTIPLICATION SIGN}')
    expect(page.get_by_test_id("slice-note")).to_be_visible()
    for row in sliced["perClass"]:
        cells = page.locator(f"[data-testid=class-table] tr[data-label='{row['label']}']")
        expect(cells.locator("td[data-col=fp]")).to_have_text(str(row["counts"]["falsePositives"]))
    screenshot(page, "17-evaluation-slice")
    page.reload()
    expect_overall(page, sliced["overall"])
    # A per-class count opens the slice's entries: as many tiles as the API counts under the same filter.
    row = max(sliced["perClass"], key=lambda each: each["counts"]["falseNegatives"])
    page.locator(f"[data-testid=class-table] tr[data-label='{row['label']}'] td[data-col=fn] a").click()
    page.wait_for_url(re.compile(r"/entries\?"))
    assert slice_in_url(page) == {"background": background}
    filter_ = {
        "outcomes": ["FALSE_NEGATIVE"],
        "groundTruthLabels": [row["label"]],
        "itemMetadata": {"background": background},
    }
    expected = total(site, filter_)
    assert expected == row["counts"]["falseNegatives"] > 0
    expect(page.get_by_test_id("total-count")).to_have_text(f"{expected} entries")
    scroll_to_count(page, page.get_by_test_id("tile"), expected)
    page.get_by_test_id("slice-chip").get_by_role("button").click()
    unsliced = total(site, {"outcomes": ["FALSE_NEGATIVE"], "groundTruthLabels": [row["label"]]})
    assert unsliced > expected
    expect(page.get_by_test_id("total-count")).to_have_text(f"{unsliced} entries")
    assert "meta=" not in page.url


def test_slice_values_are_typed_as_json_in_the_gallery(page: Page, site: Site) -> None:
    background, objects = common_metadata(site)
    everything = total(site, {})
    enter_key(page, site, f"/evaluations/{site.evaluation_id}/entries")
    count = page.get_by_test_id("total-count")
    expect(count).to_have_text(f"{everything} entries")
    # The form suggests the keys and values of the dataset's items, typed as it reads them.
    metadata = [
        edge["node"]["metadata"] for edge in site.query(ITEMS, {"id": site.dataset_id})["dataset"]["items"]["edges"]
    ]
    form = page.get_by_test_id("slice")
    form.locator("input[name=slice-key]").focus()
    expect(form.locator("[data-testid=slice-keys] option")).to_have_count(2)
    assert form.locator("[data-testid=slice-keys] option").evaluate_all("os => os.map(o => o.value)") == [
        "background",
        "objects",
    ]
    form.locator("input[name=slice-key]").fill("objects")
    offered = form.locator("[data-testid=slice-values] option").evaluate_all("os => os.map(o => o.value)")
    assert offered == sorted({str(each["objects"]) for each in metadata}), offered
    form.locator("input[name=slice-key]").fill("")
    # A number: the items with that many objects.
    add_pair(page, "objects", str(objects))
    assert slice_in_url(page) == {"objects": objects}
    numeric = total(site, {"itemMetadata": {"objects": objects}})
    assert 0 < numeric < everything
    expect(count).to_have_text(f"{numeric} entries")
    # The string "3" is another value than the number 3: no item has it.
    add_pair(page, "objects", f'"{objects}"')
    assert slice_in_url(page) == {"objects": str(objects)}
    expect(count).to_have_text("0 entries")
    # Two keys: both must hold; kept on reload.
    add_pair(page, "objects", str(objects))
    add_pair(page, "background", background)
    both = total(site, {"itemMetadata": {"objects": objects, "background": background}})
    expect(count).to_have_text(f"{both} entries")
    expect(page.get_by_test_id("slice-chip")).to_have_count(2)
    page.reload()
    expect(count).to_have_text(f"{both} entries")
    page.locator("[data-testid=slice-chip][data-key=objects] button").click()
    expect(count).to_have_text(f"{total(site, {'itemMetadata': {'background': background}})} entries")
    screenshot(page, "18-gallery-slice")


def test_a_refused_value_shows_the_api_message(page: Page, site: Site) -> None:
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    expect(page.get_by_test_id("overall-tp")).to_be_visible()
    add_pair(page, "objects", "[1, 2]")
    # The summary's alert, and the TIDE panel's once its own request has been refused.
    alert = page.get_by_role("alert")
    expect(alert.first).to_contain_text("itemMetadata")
    for shown in alert.all():
        expect(shown).to_contain_text("itemMetadata.objects = [1, 2]: must be a string, number, boolean or null")
    # No stale numbers under a refused slice.
    expect(page.get_by_test_id("metrics")).to_have_count(0)
    screenshot(page, "19-evaluation-slice-refused")
    page.goto(site.url(f"/evaluations/{site.evaluation_id}/entries?meta=%7B%22objects%22%3A%5B1%2C2%5D%7D"))
    expect(page.get_by_role("alert")).to_contain_text("filter.itemMetadata")
    expect(page.get_by_test_id("tile")).to_have_count(0)
    page.locator("[data-testid=slice-chip][data-key=objects] button").click()
    expect(page.get_by_test_id("total-count")).to_have_text(f"{total(site, {})} entries")
    expect(page.get_by_role("alert")).to_have_count(0)


SLICE_RESULTS = """
query($id: ID!, $slice: JSON) { node(id: $id) { ... on Evaluation {
  coco(itemMetadata: $slice) { overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge } }
  tide(itemMetadata: $slice) { ap50 errors { type count deltaAp } } } } }
"""


def cocostat(value: float) -> str:
    return "n/a" if value < 0 else f"{value:.3f}"


def test_a_slice_shows_its_coco_summary_and_tide_bars(page: Page, site: Site) -> None:
    background, _objects = common_metadata(site)
    whole = site.query(SLICE_RESULTS, {"id": site.evaluation_id, "slice": None})["node"]
    sliced = site.query(SLICE_RESULTS, {"id": site.evaluation_id, "slice": {"background": background}})["node"]
    assert sliced["coco"]["overall"]["ap"] != whole["coco"]["overall"]["ap"], "the slice should score otherwise"
    assert sliced["tide"]["errors"] != whole["tide"]["errors"]
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    expect(page.get_by_test_id("tide")).to_have_attribute("data-scope", "evaluation")
    expect(page.get_by_test_id("tide-ap50")).to_have_text(f"{whole['tide']['ap50']:.2f}")
    add_pair(page, "background", background)
    table = page.get_by_test_id("coco-summary")
    for key, value in sliced["coco"]["overall"].items():
        expect(table.locator(f"td[data-slice-stat={key}]")).to_have_text(cocostat(value))
        expect(table.locator(f"td[data-stat={key}]")).to_have_text(cocostat(whole["coco"]["overall"][key]))
    tide = page.get_by_test_id("tide")
    expect(tide).to_have_attribute("data-scope", "slice")
    expect(page.get_by_test_id("tide-ap50")).to_have_text(f"{sliced['tide']['ap50']:.2f}")
    expect(page.get_by_test_id("tide-whole-ap50")).to_have_text(f"{whole['tide']['ap50']:.2f}")
    for error in sliced["tide"]["errors"]:
        bar = tide.locator(f"[data-testid=tide-bar][data-type={error['type']}]")
        expect(bar).to_have_attribute("data-count", str(error["count"]))
        assert float(bar.get_attribute("data-delta-ap") or "nan") == error["deltaAp"]
        expect(bar.locator(".tide-count")).to_have_text(str(error["count"]))
    page.get_by_test_id("coco-summary").scroll_into_view_if_needed()
    screenshot(page, "20-evaluation-slice-coco-tide")
    # A bar of the slice opens the slice's entries of that type.
    kind = max(sliced["tide"]["errors"], key=lambda each: each["count"])["type"]
    tide.locator(f"[data-testid=tide-bar][data-type={kind}]").click()
    page.wait_for_url(re.compile(rf"/entries\?.*errorType={kind}"))
    assert slice_in_url(page) == {"background": background}
    # Removing the slice brings back the whole evaluation's numbers only.
    page.go_back()
    page.get_by_test_id("slice-chip").get_by_role("button").click()
    expect(page.get_by_test_id("tide")).to_have_attribute("data-scope", "evaluation")
    expect(page.get_by_test_id("tide-ap50")).to_have_text(f"{whole['tide']['ap50']:.2f}")
    expect(table.locator("td[data-slice-stat]")).to_have_count(0)

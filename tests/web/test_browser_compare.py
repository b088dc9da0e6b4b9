"""The compare page in Chromium: picked from the dataset page's history, per-class numbers equal to the API's, and
the planted flips of a generated pair of models, page after page, restored by a reload."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from playwright.sync_api import Page, expect

from matchscope.services import demo
from tests.graphql.compare_data import Plan, make_plan, predicted_box, true_positive
from tests.web.browser import Site, enter_key, screenshot, scroll_to_count

CREATE = """
mutation($name: String!) { createDataset(input: {name: $name}) { __typename ... on Dataset { id } } }
"""
APPEND = """
mutation($d: ID!, $items: [DatasetItemInput!]!) { appendItems(datasetId: $d, items: $items) { __typename } }
"""
ANNOTATE = """
mutation($d: ID!, $boxes: [BoxAnnotationInput!]!) { annotate(datasetId: $d, annotations: $boxes) { __typename } }
"""
MODEL = """
mutation($name: String!, $ref: String!) { createModel(input: {name: $name, referenceId: $ref}) {
  __typename ... on Model { id } } }
"""
PREDICT = """
mutation($d: ID!, $m: ID!, $boxes: [BoxPredictionInput!]!) {
  uploadPredictions(datasetId: $d, modelId: $m, predictions: $boxes) { __typename } }
"""
COMPARE = """
query($b: ID!, $o: ID!, $iou: Float!, $c: Float!, $kinds: [FlipKind!], $after: String) {
  compareEvaluations(baseId: $b, otherId: $o) { __typename ... on EvaluationComparison {
    metrics(iouThreshold: $iou, confidenceThreshold: $c) { label
      base { counts { truePositives falsePositives falseNegatives } }
      other { counts { truePositives falsePositives falseNegatives } }
      delta { truePositives falsePositives falseNegatives f1 } }
    flips(iouThreshold: $iou, confidenceThreshold: $c, kinds: $kinds, first: 100, after: $after) { totalCount
      pageInfo { hasNextPage endCursor } edges { node { kind groundTruth { id annotationId } } } } } } }
"""
CURRENT = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { id } }"
# Item width: four 100-pixel cells of one ground truth each (compare_data's layout).
ITEM_WIDTH, ITEM_HEIGHT = 400, 100


def seed_pair(site: Site, plan: Plan, name: str) -> tuple[Site, dict[str, str]]:
    """The plan's dataset and its two models uploaded through the API and evaluated; the evaluations' ids."""
    dataset = site.query(CREATE, {"name": name})["createDataset"]
    assert dataset["__typename"] == "Dataset", dataset
    items = [
        {"referenceId": f"img{index}", "width": ITEM_WIDTH, "height": ITEM_HEIGHT}
        for index in range(max(plan.items) + 1)
    ]
    assert site.query(APPEND, {"d": dataset["id"], "items": items})["appendItems"]["__typename"] == "UploadResult"
    boxes = [
        {"itemReferenceId": f"img{plan.items[i]}", "annotationId": f"g{i}", "label": plan.labels[i],
         "x": x, "y": y, "width": w, "height": h}
        for i, (x, y, w, h) in enumerate(plan.boxes)
    ]  # fmt: skip
    assert site.query(ANNOTATE, {"d": dataset["id"], "boxes": boxes})["annotate"]["__typename"] == "UploadResult"
    pair = dataclasses.replace(site, dataset_id=dataset["id"])
    evaluations = {}
    for reference, answers in plan.answers.items():
        model = site.query(MODEL, {"name": f"{name}-{reference}", "ref": f"{name}-{reference}"})["createModel"]
        predictions = [
            {"itemReferenceId": f"img{plan.items[i]}", "annotationId": f"p{i}", "label": answer.label,
             "x": x, "y": y, "width": w, "height": h, "confidence": answer.confidence}
            for i, answer in enumerate(answers)
            if answer is not None
            for x, y, w, h in [predicted_box(plan, i, answer)]
        ]  # fmt: skip
        uploaded = site.query(PREDICT, {"d": dataset["id"], "m": model["id"], "boxes": predictions})
        assert uploaded["uploadPredictions"]["__typename"] == "UploadResult", uploaded
        evaluations[reference] = pair.evaluate(model["id"])
    return pair, evaluations


def planted_flips(plan: Plan, t: float, c: float) -> dict[str, str]:
    """annotationId -> FIXED/BROKEN, from the plan alone."""
    flips = {}
    for index in range(len(plan.boxes)):
        base, other = (true_positive(plan, model, index, t, c) for model in ("base", "other"))
        if base != other:
            flips[f"g{index}"] = "FIXED" if other else "BROKEN"
    return flips


def api_comparison(site: Site, base: str, other: str, iou: float, c: float, kinds: list[str] | None = None) -> Any:
    """The metrics and every flip (all pages) as the API answers."""
    variables: dict[str, Any] = {"b": base, "o": other, "iou": iou, "c": c, "kinds": kinds, "after": None}
    payload = site.query(COMPARE, variables)["compareEvaluations"]
    flips = payload["flips"]["edges"]
    while payload["flips"]["pageInfo"]["hasNextPage"]:
        variables["after"] = payload["flips"]["pageInfo"]["endCursor"]
        payload = site.query(COMPARE, variables)["compareEvaluations"]
        flips += payload["flips"]["edges"]
    return payload["metrics"], [edge["node"] for edge in flips]


def shown_flips(page: Page, total: int) -> dict[str, str]:
    """Scrolls the flips list to its end; annotationId -> kind of every tile."""
    tiles = page.get_by_test_id("flip")
    scroll_to_count(page, tiles, total)
    expect(page.locator("[data-testid=flips] .sentinel")).to_have_text("end of the flips" if total else "")
    pairs = tiles.evaluate_all("tiles => tiles.map(tile => [tile.dataset.annotationId, tile.dataset.kind])")
    return dict(pairs)


def shown_metrics(page: Page) -> dict[str, tuple[str, ...]]:
    rows = page.get_by_test_id("compare-table").locator("tbody tr")
    columns = ("truePositives-base", "truePositives-other", "truePositives-delta", "falsePositives-delta",
               "falseNegatives-delta", "f1-delta")  # fmt: skip
    return {
        row.get_attribute("data-label") or "": tuple(row.locator(f"td[data-col={col}]").inner_text() for col in columns)
        for row in rows.all()
    }


def expected_metrics(metrics: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    def signed(value: float, digits: int | None = None) -> str:
        text = str(value) if digits is None else f"{value:.{digits}f}"
        return f"+{text}" if value > 0 else text

    return {
        row["label"] or "": (
            str(row["base"]["counts"]["truePositives"]),
            str(row["other"]["counts"]["truePositives"]),
            signed(row["delta"]["truePositives"]),
            signed(row["delta"]["falsePositives"]),
            signed(row["delta"]["falseNegatives"]),
            signed(row["delta"]["f1"], 3),
        )
        for row in metrics
    }


def test_compare_shows_the_planted_flips_and_survives_a_reload(page: Page, site: Site) -> None:
    plan = make_plan(seed=11, items=30)
    pair, evaluations = seed_pair(site, plan, "planted-pair")
    planted = planted_flips(plan, 0.5, 0.0)
    assert {"FIXED", "BROKEN"} <= set(planted.values()) and len(planted) > 40, "one page of flips is 40 tiles"
    # Picked on the dataset page, in its evaluation history.
    enter_key(page, site, f"/datasets/{pair.dataset_id}")
    history = page.get_by_test_id("evaluation-history")
    history.locator(f'tr[data-evaluation-id="{evaluations["base"]}"]').get_by_label("compare: base").check()
    history.locator(f'tr[data-evaluation-id="{evaluations["other"]}"]').get_by_label("compare: other").check()
    page.get_by_test_id("compare-link").click()
    page.wait_for_url(re.compile(r"/compare\?"))
    assert f"base={evaluations['base']}" in page.url and f"other={evaluations['other']}" in page.url
    metrics, flips = api_comparison(site, evaluations["base"], evaluations["other"], 0.5, 0.0)
    assert {flip["groundTruth"]["annotationId"]: flip["kind"] for flip in flips} == planted
    expect(page.get_by_test_id("flip-count")).to_have_text(f"{len(planted)} ground truths")
    expect(page.get_by_test_id("compare-table").locator("tbody tr")).to_have_count(len(metrics))
    assert shown_metrics(page) == expected_metrics(metrics)
    assert shown_flips(page, len(planted)) == planted
    screenshot(page, "10-compare-planted")
    # Other thresholds and one kind, in the URL: a reload brings the same page back.
    page.get_by_test_id("iou-input").fill("0.7")
    page.get_by_test_id("confidence-input").fill("0.5")
    page.get_by_label("broken").check()
    expect(page).to_have_url(re.compile(r"kinds=BROKEN"))
    expect(page).to_have_url(re.compile(r"iou=0.7"))
    expect(page).to_have_url(re.compile(r"conf=0.5"))
    broken = {key: kind for key, kind in planted_flips(plan, 0.7, 0.5).items() if kind == "BROKEN"}
    page.reload()
    expect(page.get_by_label("broken")).to_be_checked()
    expect(page.get_by_test_id("flip-count")).to_have_text(f"{len(broken)} ground truths")
    assert shown_flips(page, len(broken)) == broken
    metrics, _flips = api_comparison(site, evaluations["base"], evaluations["other"], 0.7, 0.5, ["BROKEN"])
    assert shown_metrics(page) == expected_metrics(metrics)


def test_compare_the_demo_models_with_thumbnails(page: Page, site: Site) -> None:
    # The first model's evaluation is the site's (evaluating it again could retire it under other tests).
    base = site.evaluation_id
    model = site.model_ids[demo.DEMO_MODELS[1]]
    current = site.query(CURRENT, {"d": site.dataset_id, "m": model})["evaluation"]
    other = current["id"] if current else site.evaluate(model)
    metrics, flips = api_comparison(site, base, other, 0.5, 0.0)
    assert flips, "the demo's models differ"
    enter_key(page, site, f"/compare?base={base}&other={other}")
    expect(page.get_by_test_id("compare-base")).to_contain_text(demo.DEMO_MODELS[0])
    expect(page.get_by_test_id("compare-other")).to_contain_text(demo.DEMO_MODELS[1])
    assert shown_metrics(page) == expected_metrics(metrics)
    shown = shown_flips(page, len(flips))
    assert shown == {flip["groundTruth"]["annotationId"]: flip["kind"] for flip in flips}
    first = page.get_by_test_id("flip").first
    expect(first.locator("svg.boxes image")).to_have_attribute("href", re.compile(r"^blob:"))
    expect(first.locator("rect[data-side=groundTruth]")).to_have_count(1)
    screenshot(page, "11-compare-demo")
    # Zoomed, a tile shows a window of the full image around the ground truth and both predictions.
    page.get_by_label("zoom on the boxes").check()
    expect(page).to_have_url(re.compile(r"zoom=1"))
    expect(first.locator("svg.boxes")).not_to_have_attribute("viewBox", re.compile(r"^0 0 "))
    # Swapped, every flip changes kind.
    page.get_by_role("link", name="⇄ swap").click()
    expect(page.get_by_test_id("compare-base")).to_contain_text(demo.DEMO_MODELS[1])
    swapped = shown_flips(page, len(flips))
    assert swapped == {key: "BROKEN" if kind == "FIXED" else "FIXED" for key, kind in shown.items()}

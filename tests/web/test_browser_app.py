"""The web app in Chromium: key entry, the dataset page's evaluation job, the evaluation page and deep links."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from matchscope.services import demo
from tests.web.browser import Site, enter_key, screenshot

METRICS = """
query($id: ID!, $iou: Float!, $c: Float!) { node(id: $id) { ... on Evaluation {
  metrics(iouThreshold: $iou, confidenceThreshold: $c) {
    overall { truePositives falsePositives falseNegatives precision recall f1 }
    perClass { label counts { truePositives falsePositives falseNegatives } }
  } } } }
"""


def api_metrics(site: Site, iou: float, confidence: float) -> dict[str, Any]:
    node = site.query(METRICS, {"id": site.evaluation_id, "iou": iou, "c": confidence})["node"]
    return node["metrics"]  # type: ignore[no-any-return]


def page_counts(page: Page) -> dict[str, Any]:
    overall = {
        name: page.get_by_test_id(f"overall-{key}").inner_text()
        for key, name in (("tp", "truePositives"), ("fp", "falsePositives"), ("fn", "falseNegatives"))
    }
    per_class = {}
    for row in page.locator("[data-testid=class-table] tbody tr").all():
        label = row.get_attribute("data-label")
        per_class[label] = tuple(int(row.locator(f"td[data-col={col}]").inner_text()) for col in ("tp", "fp", "fn"))
    return {"overall": {name: int(value) for name, value in overall.items()}, "perClass": per_class}


def expected_counts(metrics: dict[str, Any]) -> dict[str, Any]:
    overall = metrics["overall"]
    return {
        "overall": {name: overall[name] for name in ("truePositives", "falsePositives", "falseNegatives")},
        "perClass": {
            entry["label"]: (
                entry["counts"]["truePositives"],
                entry["counts"]["falsePositives"],
                entry["counts"]["falseNegatives"],
            )
            for entry in metrics["perClass"]
        },
    }


def test_key_entry_refuses_a_wrong_key_and_keeps_the_right_one(page: Page, site: Site) -> None:
    page.goto(site.url("/"))
    expect(page.locator("#api-key")).to_be_visible()
    screenshot(page, "01-key-prompt")
    page.fill("#api-key", "ms_not_a_key")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("401")
    expect(page.locator("#api-key")).to_be_visible()
    page.fill("#api-key", site.key)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("datasets")).to_contain_text(demo.DEMO_DATASET)
    assert page.evaluate("sessionStorage.getItem('matchscope.apiKey')") == site.key
    page.reload()
    expect(page.get_by_test_id("datasets")).to_contain_text(demo.DEMO_DATASET)
    screenshot(page, "02-datasets")


def test_calculate_evaluation_shows_progress_until_completed(page: Page, site: Site) -> None:
    enter_key(page, site)
    page.get_by_role("link", name=demo.DEMO_DATASET).click()
    form = page.get_by_role("form", name="Calculate evaluation metrics")
    expect(page.get_by_test_id("models")).to_contain_text(demo.DEMO_MODELS[0])
    expect(page.get_by_test_id("items").locator("img.thumb").first).to_have_attribute("src", re.compile(r"^blob:"))
    screenshot(page, "03-dataset")
    form.locator("select[name=model]").select_option(label=demo.DEMO_MODELS[1])
    form.get_by_role("button", name="Calculate evaluation metrics").click()
    page.wait_for_url(re.compile(r"/evaluations/[^/?]+\?job="), timeout=60_000)
    banner = page.get_by_test_id("job-banner")
    expect(banner).to_have_attribute("data-status", "COMPLETED")
    expect(banner).to_contain_text("(100%)")
    job_id = page.url.rsplit("job=", 1)[1]
    job = site.query("query($id: ID!) { job(id: $id) { status evaluation { id model { name } } } }", {"id": job_id})
    assert job["job"]["status"] == "COMPLETED"
    assert job["job"]["evaluation"]["model"]["name"] == demo.DEMO_MODELS[1]
    assert f"/evaluations/{job['job']['evaluation']['id']}?" in page.url.replace("%3D", "=")
    expect(page.get_by_test_id("coco-summary")).to_be_visible()
    # The dataset page's history lists every kept evaluation, the new one current.
    page.get_by_role("link", name=demo.DEMO_DATASET).click()
    history = site.query(
        "query($d: ID!) { evaluations(datasetId: $d, first: 50) { edges { node { id isCurrent } } } }",
        {"d": site.dataset_id},
    )["evaluations"]["edges"]
    rows = page.get_by_test_id("evaluation-history").locator("tbody tr")
    expect(rows).to_have_count(len(history))
    expect(rows.first).to_contain_text(demo.DEMO_MODELS[1])
    expect(rows.first).to_have_attribute("data-current", "true")
    screenshot(page, "03-dataset-history")


def test_job_page_follows_the_subscription(page: Page, site: Site) -> None:
    payload = site.query(
        "mutation($d: ID!, $m: ID!) { calculateEvaluationMetrics(datasetId: $d, modelId: $m,"
        " options: {classAgnostic: false}) { ... on AsyncJob { id } } }",
        {"d": site.dataset_id, "m": site.model_ids[demo.DEMO_MODELS[1]]},
    )
    job_id = payload["calculateEvaluationMetrics"]["id"]
    enter_key(page, site, f"/jobs/{job_id}")
    # The job page opens the evaluation when the job reports COMPLETED.
    page.wait_for_url(re.compile(r"/evaluations/"), timeout=60_000)
    expect(page.get_by_test_id("job-banner")).to_have_attribute("data-status", "COMPLETED")


def test_sliders_show_exactly_the_api_counts_at_their_thresholds(page: Page, site: Site) -> None:
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    expect(page.get_by_test_id("metrics")).to_have_attribute("data-iou", "0.5")
    assert page_counts(page) == expected_counts(api_metrics(site, 0.5, 0.0))
    # The lazily loaded charts: one PR curve per class of the API's, both histograms.
    curves = site.query(
        "query($id: ID!) { node(id: $id) { ... on Evaluation { coco { prCurves { label } } } } }",
        {"id": site.evaluation_id},
    )["node"]["coco"]["prCurves"]
    expect(page.get_by_test_id("pr-curves").locator(".recharts-line")).to_have_count(len(curves))
    expect(page.get_by_test_id("iou-histogram").locator(".recharts-bar-rectangle").first).to_be_visible()
    screenshot(page, "04-evaluation")
    for iou, confidence in ((0.75, 0.3), (0.35, 0.6)):
        page.get_by_test_id("iou-input").fill(str(iou))
        page.get_by_test_id("confidence-input").fill(str(confidence))
        metrics = page.get_by_test_id("metrics")
        expect(metrics).to_have_attribute("data-iou", str(iou))
        expect(metrics).to_have_attribute("data-confidence", str(confidence))
        assert f"iou={iou}" in page.url and f"conf={confidence}" in page.url
        assert page_counts(page) == expected_counts(api_metrics(site, iou, confidence))
    # The range input moves the same thresholds.
    page.get_by_test_id("iou-slider").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("metrics")).to_have_attribute("data-iou", "0.36")
    assert page_counts(page) == expected_counts(api_metrics(site, 0.36, 0.6))


def test_deep_links_survive_a_reload(page: Page, site: Site) -> None:
    path = f"/evaluations/{site.evaluation_id}?iou=0.6&conf=0.2&sort=f1&dir=desc"
    enter_key(page, site, path)
    expect(page.get_by_test_id("metrics")).to_have_attribute("data-iou", "0.6")
    before = page_counts(page)
    first_rows = page.locator("[data-testid=class-table] tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.label)"
    )
    page.reload()
    expect(page.get_by_test_id("metrics")).to_have_attribute("data-confidence", "0.2")
    assert page_counts(page) == before == expected_counts(api_metrics(site, 0.6, 0.2))
    assert (
        page.locator("[data-testid=class-table] tbody tr").evaluate_all("rows => rows.map(row => row.dataset.label)")
        == first_rows
    )
    expect(page.get_by_test_id("iou-input")).to_have_value("0.6")

"""The label-error download in Chromium: the evaluation page's file is the API's `labelErrors`, every page, and what
`matchscope label-errors` writes for the same dataset and model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from playwright.sync_api import Page, expect

from matchscope.services import demo
from tests.web.browser import Site, enter_key, screenshot

TRUE_POSITIVES = """
query($id: ID!) { node(id: $id) { ... on Evaluation {
  matches(filter: {outcomes: [TRUE_POSITIVE]}, orderBy: {field: IOU, direction: DESC}, first: 2) {
    edges { node { id groundTruth { annotationId } } } } } } }
"""
REVIEW = """
mutation($id: ID!, $n: String) { reviewMatch(id: $id, status: LABEL_ERROR, note: $n) { __typename } }
"""
LABEL_ERRORS = """
query($id: ID!, $after: String) { node(id: $id) { ... on Evaluation {
  labelErrors(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { coco } } } } } }
"""


def api_label_errors(site: Site) -> list[Any]:
    found: list[Any] = []
    after = None
    while True:
        page = site.query(LABEL_ERRORS, {"id": site.evaluation_id, "after": after})["node"]["labelErrors"]
        found += [edge["node"]["coco"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_the_download_is_the_api_list_and_the_command_line(page: Page, site: Site, ui_database: str) -> None:
    # Two label errors of our own (true positives: no other browser test reviews them).
    edges = site.query(TRUE_POSITIVES, {"id": site.evaluation_id})["node"]["matches"]["edges"]
    notes = {}
    for index, edge in enumerate(edges):
        notes[edge["node"]["groundTruth"]["annotationId"]] = f"box {index} drawn loosely"
        answer = site.query(REVIEW, {"id": edge["node"]["id"], "n": f"box {index} drawn loosely"})
        assert answer["reviewMatch"]["__typename"] == "Match", answer
    expected = api_label_errors(site)
    assert {entry["id"]: entry["note"] for entry in expected if entry["id"] in notes} == notes
    enter_key(page, site, f"/evaluations/{site.evaluation_id}")
    button = page.get_by_test_id("download-label-errors")
    button.scroll_into_view_if_needed()
    with page.expect_download() as started:
        button.click()
    download = started.value
    model = demo.DEMO_MODELS[0]
    assert download.suggested_filename == f"label-errors-{model}-{demo.DEMO_DATASET}.json"
    path = download.path()
    assert path is not None
    with open(path, encoding="utf-8") as file:
        assert json.load(file) == expected
    expect(button).to_be_enabled()
    screenshot(page, "22-evaluation-label-errors")
    command = [sys.executable, "-m", "matchscope", "label-errors", "--dataset", demo.DEMO_DATASET, "--model", model]
    printed = subprocess.run(
        [*command, "--account", "browser"],
        env={**os.environ, "DATABASE_URL": ui_database},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == expected

"""Evaluation.tide over GraphQL: the job's summary equals `matchscope tide`'s and tidecv's (fixtures), and an
evaluation from before migration 0010 gets one on first read, or a clear error once its boxes changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from matchscope.commands import tide as tide_command
from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
from tests.conftest import Caller, GraphQL
from tests.engine import tide_data
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco, wait_finished

_ERRORS = "errors { type count deltaAp }"
TIDE = f"""query($d: ID!, $m: ID!) {{ evaluation(datasetId: $d, modelId: $m) {{
  tide {{ ap50 {_ERRORS} perClass {{ label ap50 {_ERRORS} }} }} }} }}"""
_SHORT = {"CLASSIFICATION": "Cls", "LOCALIZATION": "Loc", "BOTH": "Both", "DUPLICATE": "Dupe", "BACKGROUND": "Bkg"}
_SHORT["MISSED"] = "Miss"


def _as_cli(tide: dict[str, Any]) -> dict[str, Any]:
    """The GraphQL shape in the command's JSON names."""

    def errors(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"type": e["type"], "count": e["count"], "delta_ap": e["deltaAp"]} for e in entries]

    return {
        "ap50": tide["ap50"],
        "errors": errors(tide["errors"]),
        "per_class": [
            {"label": c["label"], "ap50": c["ap50"], "errors": errors(c["errors"])} for c in tide["perClass"]
        ],
    }


async def _evaluate(gql: GraphQL, state: AppState, caller: Caller, gt: Path, dets: Path) -> dict[str, str]:
    dataset, model = await import_coco(state, caller.account_id, gt, dets)
    variables = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    job = (await gql(SUBMIT, {**variables, "o": None}))["calculateEvaluationMetrics"]
    assert (await wait_finished(gql, job["id"]))["status"] == "COMPLETED"
    return variables


@pytest.mark.parametrize("source", ["coco_val2014_100", "generated_plain"])
async def test_service_tide_is_the_cli_s_and_tidecv_s(
    gql: GraphQL, state: AppState, caller: Caller, source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gt, dets = tide_data.SHARED_FILES if source == "coco_val2014_100" else tide_data.write(tmp_path)[source]
    variables = await _evaluate(gql, state, caller, gt, dets)
    service = _as_cli((await gql(TIDE, variables))["evaluation"]["tide"])

    assert tide_command.main(["--gt", str(gt), "--dets", str(dets), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert service["ap50"] == cli["ap50"] and service["errors"] == cli["errors"]
    assert sorted(service["per_class"], key=lambda c: c["label"]) == sorted(cli["per_class"], key=lambda c: c["label"])

    expected = json.loads((tide_data.FIXTURES / f"tide_{source}.json").read_text())
    assert service["ap50"] == pytest.approx(expected["ap50"], abs=1e-9)
    for error in service["errors"]:
        assert error["count"] == expected["counts"][_SHORT[error["type"]]]
        assert error["delta_ap"] == pytest.approx(expected["delta_ap"][_SHORT[error["type"]]], abs=1e-9)
    assert sum(error["count"] for error in service["errors"]) > 0


async def test_old_evaluation_gets_its_summary_on_first_read_or_says_why_not(
    gql: GraphQL, state: AppState, caller: Caller, client: Any
) -> None:
    variables = await _evaluate(gql, state, caller, COCO_GT, COCO_DETS)
    computed = (await gql(TIDE, variables))["evaluation"]["tide"]
    async with state.engine.begin() as connection:
        await connection.execute(text("UPDATE evaluation SET tide = NULL"))  # as migration 0010 leaves old rows
    assert (await gql(TIDE, variables))["evaluation"]["tide"] == computed
    async with state.engine.begin() as connection:
        stored = (await connection.execute(text("SELECT tide FROM evaluation WHERE tide IS NOT NULL"))).all()
        assert len(stored) == 1
        await connection.execute(text("UPDATE evaluation SET tide = NULL"))
        await connection.execute(text("UPDATE dataset SET annotation_version = annotation_version + 1"))

    response = await client.post("/graphql", json={"query": TIDE, "variables": variables}, headers=caller.headers)
    body = response.json()
    assert body["data"] is None or body["data"]["evaluation"] is None
    (error,) = body["errors"]
    assert "computed before TIDE summaries were stored" in error["message"]
    assert "run calculateEvaluationMetrics again" in error["message"]

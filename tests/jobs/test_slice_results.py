"""A slice's COCO metrics and TIDE summary over GraphQL (`coco` / `tide` with `itemMetadata`): equal to the
offline engine (`matchscope evaluate` / `matchscope tide`) run on COCO files holding only the slice's images;
without a slice, or with {}, the stored results; a stale evaluation's slice refused with a clear error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text, update

from matchscope.commands import evaluate as evaluate_command
from matchscope.commands import tide as tide_command
from matchscope.schema.ids import to_global_id
from matchscope.services.evaluation import slice_results
from matchscope.services.evaluation.slice_results import SliceCache
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.db import transaction
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco, wait_finished
from tests.jobs.test_tide import _as_cli

real_load_items = slice_results.load_items
_ERRORS = "errors { type count deltaAp }"
SLICE = f"""query($d: ID!, $m: ID!, $s: JSON) {{ evaluation(datasetId: $d, modelId: $m) {{
  tide(itemMetadata: $s) {{ ap50 {_ERRORS} perClass {{ label ap50 {_ERRORS} }} }}
  coco(itemMetadata: $s) {{ overall {{ stats }} perClass {{ label stats {{ stats }} }} }} }} }}"""
EVEN = {"half": "even"}


def _subset(directory: Path, even: bool) -> tuple[Path, Path]:
    """The shared COCO files with only the images of even (or odd) id, their annotations and results."""
    gt, dets = orjson.loads(COCO_GT.read_bytes()), orjson.loads(COCO_DETS.read_bytes())
    kept = {image["id"] for image in gt["images"] if (image["id"] % 2 == 0) == even}
    gt["images"] = [image for image in gt["images"] if image["id"] in kept]
    gt["annotations"] = [each for each in gt["annotations"] if each["image_id"] in kept]
    gt_path, dets_path = directory / "gt.json", directory / "dets.json"
    gt_path.write_bytes(orjson.dumps(gt))
    dets_path.write_bytes(orjson.dumps([each for each in dets if each["image_id"] in kept]))
    return gt_path, dets_path


async def _evaluated(gql: GraphQL, state: AppState, caller: Caller) -> dict[str, str]:
    """The shared files imported and evaluated, each item's metadata given {"half": "even"|"odd"} by image id."""
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    variables = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    job = (await gql(SUBMIT, {**variables, "o": None}))["calculateEvaluationMetrics"]
    assert (await wait_finished(gql, job["id"]))["status"] == "COMPLETED"
    async with transaction(state.sessions) as session:
        items = (
            await session.execute(select(tables.DatasetItem).where(tables.DatasetItem.dataset_id == dataset))
        ).scalars()  # type: ignore[arg-type]
        for item in list(items):
            assert item.meta is not None
            half = "even" if item.meta["coco_image_id"] % 2 == 0 else "odd"
            await session.execute(
                update(tables.DatasetItem)
                .where(tables.DatasetItem.id == item.id)  # type: ignore[arg-type]
                .values(meta={**item.meta, "half": half})
            )
    return variables


async def test_a_slices_coco_and_tide_are_the_engines_on_its_images_alone(
    gql: GraphQL, state: AppState, caller: Caller, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variables = await _evaluated(gql, state, caller)
    whole = (await gql(SLICE, {**variables, "s": None}))["evaluation"]
    assert (await gql(SLICE, {**variables, "s": {}}))["evaluation"] == whole
    for half in ("even", "odd"):
        served = (await gql(SLICE, {**variables, "s": {"half": half}}))["evaluation"]
        gt, dets = _subset(tmp_path, half == "even")
        assert tide_command.main(["--gt", str(gt), "--dets", str(dets), "--json"]) == 0
        expected_tide = json.loads(capsys.readouterr().out)
        tide = _as_cli(served["tide"])
        assert tide["ap50"] == expected_tide["ap50"] and tide["errors"] == expected_tide["errors"], half
        by_label = sorted(tide["per_class"], key=lambda each: each["label"])
        assert by_label == sorted(expected_tide["per_class"], key=lambda each: each["label"]), half
        assert evaluate_command.main(["--gt", str(gt), "--dets", str(dets), "--json"]) == 0
        expected_coco = json.loads(capsys.readouterr().out)
        assert served["coco"]["overall"]["stats"] == expected_coco["stats"], half
        per_class = {each["label"]: each["stats"]["stats"] for each in served["coco"]["perClass"]}
        compared = 0
        for each in expected_coco["coco"]["perClass"]:
            if each["label"] in per_class:  # the dataset's labels in use; the file lists every category
                assert per_class[each["label"]] == each["stats"]["stats"], (half, each["label"])
                compared += 1
        assert compared == len(per_class) > 10, (compared, len(per_class))
        # Different from the whole evaluation's, or the comparison would tell nothing.
        assert served["tide"]["ap50"] != whole["tide"]["ap50"]
        assert served["coco"]["overall"]["stats"] != whole["coco"]["overall"]["stats"]
    nobody = (await gql(SLICE, {**variables, "s": {"half": "neither"}}))["evaluation"]
    assert nobody["tide"]["errors"] and all(error["count"] == 0 for error in nobody["tide"]["errors"])


async def test_a_stale_evaluations_slice_is_refused(gql: GraphQL, state: AppState, caller: Caller, client: Any) -> None:
    """A slice's results come from the boxes: once they changed, both fields say to re-run (the stored whole
    results still read)."""
    variables = await _evaluated(gql, state, caller)
    assert (await gql(SLICE, {**variables, "s": EVEN}))["evaluation"]["tide"]["ap50"] > 0  # kept by the process
    async with state.engine.begin() as connection:
        await connection.execute(text("UPDATE dataset SET annotation_version = annotation_version + 1"))
    for field, selection in (("tide", "ap50"), ("coco", "overall { stats }")):
        query = f"""query($d: ID!, $m: ID!, $s: JSON) {{ evaluation(datasetId: $d, modelId: $m) {{
          {field}(itemMetadata: $s) {{ {selection} }} }} }}"""
        response = await client.post(
            "/graphql", json={"query": query, "variables": {**variables, "s": EVEN}}, headers=caller.headers
        )
        errors = response.json()["errors"]
        assert [error["path"] for error in errors] == [["evaluation", field]], errors
        assert "run calculateEvaluationMetrics again" in errors[0]["message"], errors
    whole = (await gql(SLICE, {**variables, "s": None}))["evaluation"]
    assert whole["tide"]["ap50"] > 0 and whole["coco"]["overall"]["stats"]


async def test_a_slices_results_are_kept_while_its_items_are_the_same(
    gql: GraphQL, state: AppState, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked again, a slice's COCO and TIDE come from the process's cache without reading a box; once an item
    leaves the slice they are computed again, for the items it holds then."""
    variables = await _evaluated(gql, state, caller)
    box_reads: list[list[int]] = []

    async def load_items(session: Any, **arguments: Any) -> Any:
        box_reads.append(arguments["item_ids"])
        return await real_load_items(session, **arguments)

    monkeypatch.setattr(slice_results, "load_items", load_items)
    first = (await gql(SLICE, {**variables, "s": EVEN}))["evaluation"]
    assert len(box_reads) == 1  # one read of the slice's boxes for both fields
    assert (await gql(SLICE, {**variables, "s": EVEN}))["evaluation"] == first
    assert len(box_reads) == 1
    async with transaction(state.sessions) as session:
        items = (await session.execute(select(tables.DatasetItem).order_by(tables.DatasetItem.id))).scalars()  # type: ignore[arg-type]
        item = next(item for item in items if (item.meta or {}).get("half") == "even" and item.id in box_reads[0])
        await session.execute(
            update(tables.DatasetItem)
            .where(tables.DatasetItem.id == item.id)  # type: ignore[arg-type]
            .values(meta={**(item.meta or {}), "half": "odd"})
        )
    moved = (await gql(SLICE, {**variables, "s": EVEN}))["evaluation"]
    assert len(box_reads) == 2 and moved != first
    assert box_reads[1] == [each for each in box_reads[0] if each != item.id]
    state.services.slice_cache = SliceCache()
    assert (await gql(SLICE, {**variables, "s": EVEN}))["evaluation"] == moved
    assert len(box_reads) == 3

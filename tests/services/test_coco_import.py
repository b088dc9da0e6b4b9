"""COCO import through the ingest service: counts, idempotency, and refusal of bad files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from matchscope.services import coco_import, table_upload
from matchscope.services.accounts import get_or_create_account
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.db import transaction
from tests.conftest import SHARED_DATA

GT = SHARED_DATA / "instances_val2014_100.json"
DETS = SHARED_DATA / "instances_val2014_fakebbox100_results.json"


async def _counts(state: AppState) -> tuple[int, int, int]:
    async with state.sessions() as session:
        result = []
        for table in (tables.DatasetItem, tables.BoxAnnotation, tables.BoxPrediction):
            result.append(int((await session.execute(select(func.count()).select_from(table))).scalar_one()))
    return result[0], result[1], result[2]


async def _import(state: AppState, gt: Any, dets: Any) -> tuple[coco_import.ImportResult, coco_import.ImportResult]:
    async with transaction(state.sessions) as session:
        owner = await get_or_create_account(session, "local")
        assert owner.id is not None
        truth = await coco_import.import_ground_truth(session, account_id=owner.id, dataset_name="val", data=gt)
        preds = await coco_import.import_detections(
            session, account_id=owner.id, dataset_name="val", model_name="fake", data=dets
        )
    return truth, preds


async def test_shared_coco_files_import_and_reimport_is_idempotent(state: AppState) -> None:
    gt, dets = orjson.loads(GT.read_bytes()), orjson.loads(DETS.read_bytes())
    truth, preds = await _import(state, gt, dets)
    assert (truth.items.new, truth.boxes.new, preds.boxes.new) == (100, 839, 734)
    assert await _counts(state) == (100, 839, 734)
    truth, preds = await _import(state, gt, dets)
    assert (truth.items.new, truth.boxes.new, preds.boxes.new) == (0, 0, 0)
    assert (truth.items.ignored, truth.boxes.ignored, preds.boxes.ignored) == (100, 839, 734)
    assert await _counts(state) == (100, 839, 734)
    async with state.sessions() as session:
        crowd = (await session.execute(select(func.count()).where(tables.BoxAnnotation.iscrowd))).scalar_one()
        first = (
            await session.execute(select(tables.BoxPrediction).where(tables.BoxPrediction.annotation_id == "1"))
        ).scalar_one()
    assert crowd == 9
    assert (first.x, first.y, first.width, first.height) == tuple(dets[0]["bbox"])
    assert first.confidence == dets[0]["score"]


async def test_detection_on_unknown_image_is_refused_and_nothing_written(state: AppState) -> None:
    gt, dets = orjson.loads(GT.read_bytes()), orjson.loads(DETS.read_bytes())
    dets[5]["image_id"] = 123456789
    with pytest.raises(coco_import.CocoFileRefused) as raised:
        await _import(state, gt, dets)
    assert raised.value.reason.startswith("detections[5].image_id = 123456789: not an image of the dataset")
    assert await _counts(state) == (0, 0, 0)


async def test_nan_width_in_file_is_refused_naming_row(state: AppState) -> None:
    gt = orjson.loads(GT.read_bytes())
    gt["annotations"][3]["bbox"][2] = float("nan")
    with pytest.raises(coco_import.CocoFileRefused) as raised:
        await _import(state, gt, [])
    assert re.match(r"annotations\[3\] \(id \d+\)\.bbox = \[.*nan.*\]: expected", raised.value.reason)
    assert await _counts(state) == (0, 0, 0)


async def test_a_value_the_dataset_refuses_names_the_file_entry(state: AppState) -> None:
    gt = orjson.loads(GT.read_bytes())
    gt["annotations"][700]["bbox"][3] = -1.5
    with pytest.raises(coco_import.CocoFileRefused) as raised:
        await _import(state, gt, [])
    assert raised.value.reason.startswith("annotations[700].height = -1.5: must not be negative")
    assert await _counts(state) == (0, 0, 0)


@pytest.mark.slow
@pytest.mark.database_independent  # a SQLite file of its own
def test_import_coco_command(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PATH": "/usr/bin:/bin"}
    # The run's kernel cache (scripts/test fills it), a library's variable, not the command's: without it every
    # command compiles the results parser's kernels again (~10 s of CPU each).
    if "NUMBA_CACHE_DIR" in os.environ:
        env["NUMBA_CACHE_DIR"] = os.environ["NUMBA_CACHE_DIR"]
    command = [sys.executable, "-m", "matchscope", "import-coco", "--dataset", "val"]
    first = subprocess.run([*command, str(GT)], env=env, capture_output=True, text=True, check=True)
    assert "items 100 new" in first.stdout and "annotations 839 new" in first.stdout
    second = subprocess.run(
        [*command, "--model", "fake", str(DETS)], env=env, capture_output=True, text=True, check=True
    )
    assert "predictions 734 new, 0 ignored" in second.stdout
    again = subprocess.run(
        [*command, "--model", "fake", str(DETS)], env=env, capture_output=True, text=True, check=True
    )
    assert "predictions 0 new, 734 ignored" in again.stdout
    missing = subprocess.run([*command, str(tmp_path / "nope.json")], env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_categories_sharing_a_name_stay_apart() -> None:
    gt = orjson.loads(GT.read_bytes())
    first, second = gt["categories"][0], gt["categories"][1]
    second["name"] = first["name"]
    records = coco_import.ground_truth_records(gt)
    assert records.categories[str(first["id"])] == f"{first['name']} (id {first['id']})"
    assert records.categories[str(second["id"])] == f"{first['name']} (id {second['id']})"
    assert records.notes == ("categories: 2 share their name with another, labelled 'name (id N)'",)
    labels = {a.label for a in records.annotations}
    assert first["name"] not in labels


async def _shared_ground_truth(state: AppState) -> list[Any]:
    """Imports the shared ground truth as dataset "val"; the shared detections, parsed."""
    async with transaction(state.sessions) as session:
        owner = await get_or_create_account(session, "local")
        assert owner.id is not None
        await coco_import.import_ground_truth(
            session, account_id=owner.id, dataset_name="val", data=orjson.loads(GT.read_bytes())
        )
    detections: list[Any] = orjson.loads(DETS.read_bytes())
    return detections


async def _import_detections(state: AppState, dets: Any, model: str, progress: list[int]) -> coco_import.ImportResult:
    async with transaction(state.sessions) as session:
        owner = await get_or_create_account(session, "local")
        assert owner.id is not None
        return await coco_import.import_detections(
            session, account_id=owner.id, dataset_name="val", model_name=model, data=dets, progress=progress.append
        )


async def _predictions(state: AppState, model: str) -> list[tuple[Any, ...]]:
    """The model's predictions in row-id order."""
    columns = ("annotation_id", "item_id", "label", "x", "y", "width", "height", "confidence")
    statement = (
        select(*(getattr(tables.BoxPrediction, name) for name in columns))
        .join(tables.Model, tables.Model.id == tables.BoxPrediction.model_id)
        .where(tables.Model.name == model)
        .order_by(tables.BoxPrediction.id)
    )
    async with state.sessions() as session:
        return [tuple(row) for row in (await session.execute(statement)).all()]


async def test_a_pipelined_import_writes_the_rows_of_one_chunk_in_file_order(
    state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    dets = await _shared_ground_truth(state)
    whole: list[int] = []
    await _import_detections(state, dets, "whole", whole)
    monkeypatch.setattr(coco_import, "CHUNK", 100)
    monkeypatch.setattr(table_upload, "FIRST_CHUNK", 30)
    chunked: list[int] = []
    result = await _import_detections(state, dets, "chunked", chunked)
    assert whole == [734] and chunked == [30, *[100] * 7, 4] and result.boxes.new == 734
    rows = await _predictions(state, "chunked")
    assert rows == await _predictions(state, "whole")
    assert [row[0] for row in rows] == [str(position) for position in range(1, 735)]  # row ids follow the file
    again: list[int] = []
    result = await _import_detections(state, dets, "chunked", again)
    assert (result.boxes.new, result.boxes.ignored) == (0, 734) and again == chunked
    assert await _predictions(state, "chunked") == rows


async def test_a_refused_chunk_after_written_ones_leaves_nothing_written(
    state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    dets = await _shared_ground_truth(state)
    monkeypatch.setattr(coco_import, "CHUNK", 100)
    monkeypatch.setattr(table_upload, "FIRST_CHUNK", 30)
    dets[500]["score"] = 1.5  # in the sixth chunk: checked while the fifth is written
    written: list[int] = []
    with pytest.raises(coco_import.CocoFileRefused) as raised:
        await _import_detections(state, dets, "fake", written)
    assert raised.value.reason.startswith("detections[500].confidence = 1.5: must be within [0, 1]")
    assert sum(written) == 430  # the chunks before it were written in the transaction, then rolled back
    assert await _counts(state) == (100, 839, 0)
    async with state.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(tables.Model))).scalar_one() == 0

"""`matchscope import-coco` on files pycocotools accepts (notes, ids of every kind) and on files it cannot read
(one line naming the file, the entry and the reason; exit code 2; nothing written), on the test database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from matchscope import cli
from matchscope.state import AppState
from matchscope.store import tables
from tests.commands.coco_cases import detections, ground_truth, rle, write


async def _counts(state: AppState) -> tuple[int, int, int, int, int]:
    async with state.sessions() as session:
        result = []
        for table in (tables.Dataset, tables.Model, tables.DatasetItem, tables.BoxAnnotation, tables.BoxPrediction):
            result.append(int((await session.execute(select(func.count()).select_from(table))).scalar_one()))
    return result[0], result[1], result[2], result[3], result[4]


async def _import(monkeypatch: pytest.MonkeyPatch, database_url: str, path: Path, *options: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return await asyncio.to_thread(cli.main, ["import-coco", "--dataset", "d", *options, str(path)])


def _nan_box(gt: dict[str, Any]) -> dict[str, Any]:
    gt["annotations"][1]["bbox"][2] = float("nan")
    return gt


GT_REFUSED: list[tuple[str, Any, str]] = [
    ("a number", 42, r"expected a COCO instances object with images, annotations and categories, got a number"),
    ("a list", [ground_truth()], r"got a list"),
    (
        "a results list without --model",
        detections(),
        r"got a list, not a COCO instances object: a results list needs --model NAME",
    ),
    ("a NaN box", _nan_box(ground_truth()), r"annotations\[1\] \(id 11\)\.bbox = \[100, 100, nan, 90\]: expected"),
    (
        "image ids mixing numbers and strings",
        {**ground_truth(), "images": [{"id": 1}, {"id": "b"}]},
        r"images: ids mix numbers and strings",
    ),
    ("a missing category list", {"images": [], "annotations": []}, r"categories: missing"),
    (
        "a negative width (pycocotools computes with it; a dataset's boxes cannot hold it)",
        {**ground_truth(), "annotations": [{**ground_truth()["annotations"][2], "bbox": [1, 1, -5, 4]}]},
        r"annotations\[0\]\.width = -5\.0: must not be negative",
    ),
]


@pytest.mark.parametrize(("data", "message"), [case[1:] for case in GT_REFUSED], ids=[case[0] for case in GT_REFUSED])
async def test_refused_ground_truth_writes_nothing(
    state: AppState,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data: Any,
    message: str,
) -> None:
    path = write(tmp_path / "gt.json", data)
    assert await _import(monkeypatch, database_url, path) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(rf"^matchscope: error: {re.escape(str(path))}: .*{message}.*; nothing was written$", err), err
    assert await _counts(state) == (0, 0, 0, 0, 0)


DETS_REFUSED: list[tuple[str, Any, str]] = [
    ("a number", 42, r"expected a list of COCO results, got a number"),
    ("an object", {"annotations": detections()}, r"expected a list of COCO results, got an object"),
    (
        "a detection on an image the dataset lacks",
        [{"image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.5}],
        r"detections\[0\]\.image_id = 9: not an image of the dataset",
    ),
    ("no score", [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}], r"detections\[0\]\.score: missing"),
    (
        "a score the dataset cannot hold",
        [*detections()[:2], {**detections()[2], "score": 1.5}],
        r"detections\[2\]\.confidence = 1\.5",
    ),
    (
        "an uncompressed RLE without bbox",
        [{"image_id": 1, "category_id": 1, "segmentation": {"size": [4, 4], "counts": [0, 16]}, "score": 1}],
        r"detections\[0\]\.segmentation\.counts = \[0, 16\]: expected a compressed RLE string",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [case[1:] for case in DETS_REFUSED], ids=[case[0] for case in DETS_REFUSED]
)
async def test_refused_detections_write_nothing(
    state: AppState,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    data: Any,
    message: str,
) -> None:
    assert await _import(monkeypatch, database_url, write(tmp_path / "gt.json", ground_truth())) == 0
    before = await _counts(state)
    capsys.readouterr()
    path = write(tmp_path / "dets.json", data)
    assert await _import(monkeypatch, database_url, path, "--model", "m") == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(rf"^matchscope: error: {re.escape(str(path))}: .*{message}.*; nothing was written$", err), err
    assert await _counts(state) == before == (1, 0, 3, 5, 0)


async def test_invalid_json_is_one_line(
    state: AppState,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    path = tmp_path / "gt.json"
    path.write_text('{"images": [}')
    assert await _import(monkeypatch, database_url, path) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"matchscope: error: {re.escape(str(path))}: not valid JSON \(.*\); nothing was written\n", err
    )
    assert await _counts(state) == (0, 0, 0, 0, 0)


async def test_files_pycocotools_accepts_are_imported_with_notes(
    state: AppState,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    gt, dets = ground_truth(), detections()
    for record in [*gt["images"], *gt["annotations"], *dets]:
        key = "id" if "file_name" in record else "image_id"
        record[key] = f"img-{record[key]}"
    gt["annotations"].append({"id": 99, "image_id": "img-7", "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4})
    gt["annotations"][0]["id"] = 2**70
    dets[2]["category_id"] = 42
    masks = [rle([10, 10, 20, 20]), *[rle([5, 6, 8, 9])] * 6]
    for det, mask in zip(dets, masks, strict=True):
        del det["bbox"]
        det["segmentation"] = mask
    root = tmp_path / "images"
    assert await _import(monkeypatch, database_url, write(tmp_path / "gt.json", gt), "--image-root", str(root)) == 0
    out, err = capsys.readouterr()
    assert "items 3 new" in out and "annotations 5 new" in out
    assert err.splitlines() == [
        f"matchscope import-coco: {tmp_path / 'gt.json'}: annotations: 1 on images the file does not list, dropped "
        "(COCOeval ignores them)"
    ]
    assert await _import(monkeypatch, database_url, write(tmp_path / "dets.json", dets), "--model", "m") == 0
    out, err = capsys.readouterr()
    assert "predictions 6 new" in out
    assert "results: 1 of categories the dataset does not have, dropped" in err
    assert "results: 7 boxes computed from their segmentation" in err
    async with state.sessions() as session:
        items = (await session.execute(select(tables.DatasetItem))).scalars().all()
        annotation = (
            await session.execute(select(tables.BoxAnnotation).where(tables.BoxAnnotation.annotation_id == str(2**70)))
        ).scalar_one()
        first = (
            await session.execute(select(tables.BoxPrediction).where(tables.BoxPrediction.annotation_id == "1"))
        ).scalar_one()
        dropped = (
            await session.execute(select(tables.BoxPrediction).where(tables.BoxPrediction.annotation_id == "3"))
        ).scalar_one_or_none()
    assert {item.image_location for item in items} == {
        str(root.resolve() / name) for name in ("a.jpg", "b.jpg", "c.jpg")
    }
    assert (annotation.x, annotation.y, annotation.width, annotation.height) == (10, 10, 20, 20)
    assert (first.x, first.y, first.width, first.height) == (10, 10, 20, 20)  # the mask's box
    assert dropped is None


async def test_image_ids_beyond_64_bits(
    state: AppState,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    gt, dets = ground_truth(), detections()
    for record in [*gt["images"], *gt["annotations"], *dets]:
        key = "id" if "file_name" in record else "image_id"
        record[key] = 2**64 + record[key] if record[key] != 2 else 2**63 + 2
    assert await _import(monkeypatch, database_url, write(tmp_path / "gt.json", gt)) == 0
    assert await _import(monkeypatch, database_url, write(tmp_path / "dets.json", dets), "--model", "m") == 0
    assert "predictions 7 new" in capsys.readouterr().out
    async with state.sessions() as session:
        rows = (
            await session.execute(
                select(tables.DatasetItem.reference_id, func.count())
                .join(tables.BoxPrediction, tables.BoxPrediction.item_id == tables.DatasetItem.id)
                .group_by(tables.DatasetItem.reference_id)
            )
        ).all()
    assert sorted(rows) == [("a.jpg", 3), ("b.jpg", 2), ("c.jpg", 2)]

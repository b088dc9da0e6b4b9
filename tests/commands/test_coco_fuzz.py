"""Fuzzing the COCO readers with mutated valid files: every outcome is either accepted — and then, where
pycocotools accepts the same file, with pycocotools' stats — or a CocoFileError (one clean line in the
commands); never another exception. The import-coco record builders likewise accept or refuse cleanly."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from matchscope import cli
from matchscope.engine.coco import evaluate_coco
from matchscope.engine.cocofile import (
    CocoFileError,
    load_ground_truth_file,
    match_detections,
    parse_detections,
)
from matchscope.services import coco_import
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.migrate import upgrade
from tests.commands.coco_cases import detections, ground_truth, pycocotools_stats, rle
from tests.conftest import _empty_all_tables

Path_ = tuple[Any, ...]

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=20)
    | st.sampled_from([2**63, 2**64 + 1, -(2**63) - 1, 10**30])
    | st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
    | st.sampled_from([float("nan"), float("inf"), 1e300, 0.5, -0.0])
    | st.text(max_size=4)
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=6,
)


NUMBERS = (
    st.integers(min_value=-3, max_value=20)
    | st.floats(min_value=-50, max_value=700, allow_nan=False)
    | st.sampled_from([0, -0.0, 1e-9, 2**63 + 1, 2**64 + 1, 0.1 + 0.2])
)


def _paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _mutate(document: Any, data: st.DataObject) -> Any:
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(list(_paths(document))))
        action = data.draw(st.sampled_from(["tweak", "tweak", "tweak", "replace", "delete", "copy"]))
        if not path:
            document = data.draw(JSON_VALUES) if action == "replace" else document  # not a COCO file at all
            continue
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        if action == "tweak" and isinstance(parent[key], int | float) and not isinstance(parent[key], bool):
            parent[key] = data.draw(NUMBERS)  # a plausible value of the same kind: mostly still a COCO file
        elif action in ("replace", "tweak"):
            parent[key] = data.draw(JSON_VALUES)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))  # a repeated entry: same ids
    return document


def _results(kind: str = "bbox") -> list[dict[str, Any]]:
    """The shared detections: boxes with one extra result that also has a mask, or (loadRes' other branches)
    compressed RLE segmentations or keypoints without bbox."""
    results = detections()
    if kind == "keypoints":
        for result in results:
            x, y, w, h = result.pop("bbox")
            result["keypoints"] = [x, y, 2, x + w, y + h, 2, x + w / 2, y + h / 3, 0]
        return results
    if kind == "masks":
        for result in results:
            x, y, w, h = (int(v) % 60 for v in result.pop("bbox"))
            result["segmentation"] = rle([x, y, max(w, 1), max(h, 1)], size=(120, 120))
        return results
    results.append({"image_id": 2, "category_id": 1, "bbox": [3, 4, 20, 10], "segmentation": rle([3, 4, 20, 10])})
    results[-1]["score"] = 0.4
    return results


def _pycocotools(gt: Any, dets: Any) -> list[float] | None:
    try:
        return pycocotools_stats(gt, dets)
    except Exception:  # pycocotools fails on this file: nothing to compare with
        return None


@pytest.mark.database_independent
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    side=st.sampled_from(["gt", "dets", "both"]),
    kind=st.sampled_from(["bbox", "bbox", "masks", "keypoints"]),
)
def test_readers_accept_as_pycocotools_or_refuse_cleanly(data: st.DataObject, side: str, kind: str) -> None:
    gt: Any = ground_truth()
    dets: Any = _results(kind)
    if side in ("gt", "both"):
        gt = _mutate(gt, data)
    if side in ("dets", "both"):
        dets = _mutate(dets, data)
    gt_raw = json.dumps(gt).encode()
    dets_raw = json.dumps(dets).encode()
    try:
        gt_file = load_ground_truth_file(gt_raw)
        dets_file = match_detections(parse_detections(dets_raw), gt_file)
    except CocoFileError as error:
        assert str(error) and "\n" not in str(error)
        event("refused")
        return
    ours = evaluate_coco(gt_file.ground_truth, dets_file.detections).stats.tolist()
    theirs = _pycocotools(json.loads(gt_raw), json.loads(dets_raw))
    event("accepted, pycocotools fails" if theirs is None else "accepted, same stats as pycocotools")
    if theirs is not None:
        assert ours == theirs


@pytest.mark.database_independent
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_import_records_accept_or_refuse_cleanly(data: st.DataObject) -> None:
    gt = _mutate(ground_truth(), data)
    dets = _mutate(_results(), data)
    try:
        truth = coco_import.ground_truth_records(gt)
    except coco_import.CocoFileRefused as error:
        assert "\n" not in str(error)
        return
    images = {coco_import.image_id_of(item.metadata): item.reference_id for item in truth.items}
    try:
        predictions = coco_import.prediction_records(dets, truth.categories, images)
    except coco_import.CocoFileRefused as error:
        assert "\n" not in str(error)
        return
    assert len(predictions.records) == len(predictions.rows) <= len(dets)
    assert all(record.label in truth.categories.values() for record in predictions.records)


@pytest.mark.database_independent
@pytest.mark.parametrize("size", [(1, 1), (7, 5), (60, 80)])
def test_mask_area_and_box_are_pycocotools(size: tuple[int, int]) -> None:
    import numpy as np
    from pycocotools import mask as mask_utils

    from matchscope.engine import rle as rle_module

    rng = np.random.default_rng(size[0] * 100 + size[1])
    for density in (0.0, 0.05, 0.5, 1.0):
        mask = np.asfortranarray((rng.random(size) < density).astype(np.uint8))
        encoded = mask_utils.encode(mask)
        ours = rle_module.decode({"size": list(size), "counts": encoded["counts"].decode()})
        assert ours.area == int(mask_utils.area(encoded))
        assert list(ours.bbox()) == mask_utils.toBbox(encoded).tolist()


async def _table_counts(database_url: str) -> tuple[int, ...]:
    state = AppState.create(Settings(database_url=database_url))
    try:
        await upgrade(state.engine)
        counts = []
        async with state.sessions() as session:
            for table in (tables.Dataset, tables.DatasetItem, tables.BoxAnnotation):
                counts.append(int((await session.execute(select(func.count()).select_from(table))).scalar_one()))
        return tuple(counts)
    finally:
        await state.close()


async def _empty(database_url: str) -> None:
    state = AppState.create(Settings(database_url=database_url))
    try:
        await _empty_all_tables(state)
    finally:
        await state.close()


@pytest.fixture
def emptied_afterwards(database_url: str) -> Iterator[str]:
    yield database_url
    asyncio.run(_empty(database_url))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_import_coco_command_refuses_in_one_line_and_writes_nothing(
    data: st.DataObject,
    emptied_afterwards: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "gt.json"
    path.write_text(json.dumps(_mutate(ground_truth(), data)))
    before = asyncio.run(_table_counts(emptied_afterwards))
    monkeypatch.setenv("DATABASE_URL", emptied_afterwards)
    capsys.readouterr()
    code = cli.main(["import-coco", "--dataset", "fuzz", str(path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    event("imported" if code == 0 else "refused")
    if code != 0:
        assert code == 2 and len(err.splitlines()) == 1 and err.startswith(f"matchscope: error: {path}: "), err
        assert asyncio.run(_table_counts(emptied_afterwards)) == before

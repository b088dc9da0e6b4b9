"""Loading COCO files into arrays: values, defaults and error messages."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from matchscope.engine.cocofile import (
    category_index,
    image_index,
    load_detections,
    load_ground_truth,
    parse_detections,
)
from matchscope.engine.cocoresults import _parse_detections_bytes

GROUND_TRUTH: dict[str, Any] = {
    "images": [{"id": 30}, {"id": 10}, {"id": 20}],
    "categories": [{"id": 5, "name": "dog"}, {"id": 2, "name": "cat"}],
    "annotations": [
        {"id": 7, "image_id": 20, "category_id": 5, "bbox": [1, 2, 3, 4], "area": 10.5, "iscrowd": 0},
        {"id": 3, "image_id": 10, "category_id": 2, "bbox": [0.5, 0.25, 8.0, 2.0], "iscrowd": 1},
        {"id": 9, "image_id": 30, "category_id": 5, "bbox": [0, 0, 1, 1], "area": 1.0},
    ],
}
RESULTS: list[dict[str, Any]] = [
    {"image_id": 10, "category_id": 2, "bbox": [1, 1, 4, 5], "score": 0.9},
    {"image_id": 30, "category_id": 5, "bbox": [0.5, 0.5, 2.5, 2.0], "score": 1},
]


def test_ground_truth_arrays_keep_file_order() -> None:
    gt = load_ground_truth(orjson.dumps(GROUND_TRUTH))
    assert gt.image_ids.tolist() == [10, 20, 30]
    assert gt.category_ids.tolist() == [2, 5]
    assert gt.category_names == ["cat", "dog"]
    assert gt.ann_id.tolist() == [7, 3, 9]
    assert gt.image_id.tolist() == [20, 10, 30]
    assert gt.category_id.tolist() == [5, 2, 5]
    np.testing.assert_array_equal(gt.bbox, [[1, 2, 3, 4], [0.5, 0.25, 8, 2], [0, 0, 1, 1]])
    assert gt.area.tolist() == [10.5, 16.0, 1.0]  # missing area: width * height
    assert gt.iscrowd.tolist() == [False, True, False]  # missing iscrowd: 0
    assert image_index(gt, gt.image_id).tolist() == [1, 0, 2]
    assert category_index(gt, gt.category_id).tolist() == [1, 0, 1]


def test_detections_arrays(tmp_path: Path) -> None:
    gt_path = tmp_path / "gt.json"
    dets_path = tmp_path / "dets.json"
    gt_path.write_bytes(orjson.dumps(GROUND_TRUTH))
    dets_path.write_bytes(orjson.dumps(RESULTS))
    gt = load_ground_truth(gt_path)
    dets = load_detections(str(dets_path), gt)
    assert dets.image_id.dtype == np.int64 and dets.image_id.tolist() == [10, 30]
    assert dets.category_id.tolist() == [2, 5]
    assert dets.bbox.dtype == np.float64 and dets.bbox.tolist() == [[1, 1, 4, 5], [0.5, 0.5, 2.5, 2.0]]
    assert dets.score.dtype == np.float64 and dets.score.tolist() == [0.9, 1.0]
    assert dets.area.tolist() == [20.0, 5.0]


def test_empty_detections() -> None:
    gt = load_ground_truth(orjson.dumps(GROUND_TRUTH))
    dets = load_detections(b"[]", gt)
    assert dets.bbox.shape == (0, 4) and dets.score.shape == (0,)


def _with(index: int, **changes: Any) -> list[dict[str, Any]]:
    results = [dict(r) for r in RESULTS]
    for key, value in changes.items():
        if value is _MISSING:
            del results[index][key]
        else:
            results[index][key] = value
    return results


_MISSING = object()


@pytest.mark.parametrize(
    ("results", "message"),
    [
        (_with(1, bbox=_MISSING), r"detections\[1\]\.bbox: missing"),
        (_with(0, bbox=[1, 2, "3", 4]), r"detections\[0\]\.bbox = \[1, 2, '3', 4\]"),
        (_with(1, bbox=[1, 2, 3]), r"detections\[1\]\.bbox = \[1, 2, 3\]"),
        (_with(0, bbox=[1, 2, None, 4]), r"detections\[0\]\.bbox"),
        (_with(1, score=_MISSING), r"detections\[1\]\.score: missing"),
        (_with(0, score="high"), r"detections\[0\]\.score = 'high'"),
        (_with(1, image_id=99), r"detections\[1\]\.image_id = 99: not an image"),
        (_with(1, image_id=1.5), r"detections\[1\]\.image_id = 1\.5: not an image"),
        (_with(1, image_id=None), r"detections\[1\]\.image_id = None: expected an integer or a string"),
        (_with(0, image_id=_MISSING), r"detections\[0\]\.image_id: missing"),
        ({"not": "a list"}, r"expected a list of COCO results, got an object"),
        (42, r"expected a list of COCO results, got a number"),
        ([1, 2], r"detections\[0\] = 1: expected an object"),
    ],
)
def test_invalid_detections_name_field_index_and_value(results: Any, message: str) -> None:
    gt = load_ground_truth(orjson.dumps(GROUND_TRUTH))
    with pytest.raises(ValueError, match=message):
        load_detections(orjson.dumps(results), gt)


def _gt_with(**changes: Any) -> dict[str, Any]:
    data = orjson.loads(orjson.dumps(GROUND_TRUTH))
    annotation = data["annotations"][1]
    for key, value in changes.items():
        if value is _MISSING:
            del annotation[key]
        else:
            annotation[key] = value
    return dict(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_gt_with(bbox=_MISSING), r"annotations\[1\] \(id 3\)\.bbox: missing"),
        (_gt_with(area="big"), r"annotations\[1\] \(id 3\)\.area = 'big'"),
        (_gt_with(id=7), r"annotations\[1\]\.id = 7: repeats annotations\[0\]'s id"),
        (_gt_with(id=_MISSING), r"annotations\[1\]\.id: missing"),
        (_gt_with(id=[1]), r"annotations\[1\]\.id = \[1\]: expected an integer or a string"),
        ([], r"expected a COCO instances object .*, got a list"),
        (42, r"expected a COCO instances object .*, got a number"),
    ],
)
def test_invalid_ground_truth_name_field_index_and_value(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_ground_truth(orjson.dumps(data))


def test_invalid_json_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        load_ground_truth(b"{")


def _fast_and_orjson(raw: bytes) -> tuple[Any, list[dict[str, Any]]]:
    return _parse_detections_bytes(raw), orjson.loads(raw)


def _assert_bitwise_equal(columns: Any, records: list[dict[str, Any]]) -> None:
    assert columns is not None
    assert columns.image_id.tolist() == [r["image_id"] for r in records]
    assert columns.category_id.tolist() == [r["category_id"] for r in records]
    expected_bbox = np.array([r["bbox"] for r in records], dtype=np.float64).reshape(-1, 4)
    expected_score = np.array([r["score"] for r in records], dtype=np.float64)
    np.testing.assert_array_equal(columns.bbox.view(np.int64), expected_bbox.view(np.int64))
    np.testing.assert_array_equal(columns.score.view(np.int64), expected_score.view(np.int64))


@pytest.mark.parametrize("seed", [0, 1])
def test_byte_parser_reads_numbers_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.concatenate(
        [
            rng.random(3000),  # 16-17 significant digits: some beyond the exact fast path
            np.round(rng.random(3000) * 640, 2),
            np.exp(rng.uniform(-60, 60, 3000)),
            rng.integers(0, 2**62, 100).astype(np.float64),
            [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e22, 1e23, 9007199254740993.0, 0.1, 1e-7],
        ]
    )
    records = [
        {"image_id": int(i), "category_id": -3, "bbox": [v, -v, v / 3, 7.0], "score": v}
        for i, v in enumerate(values.tolist())
    ]
    for raw in (orjson.dumps(records), orjson.dumps(records, option=orjson.OPT_INDENT_2)):
        columns, parsed = _fast_and_orjson(raw)
        _assert_bitwise_equal(columns, parsed)


def test_byte_parser_handles_key_order_extra_fields_and_number_forms() -> None:
    raw = (
        b' [ {"score": 1, "segmentation": [[1, 2, 3]], "extra": {"a": "x\\"}]", "b": [true, null]},\n'
        b'"bbox": [1E2, 1.5e-3, 2e+1, 0], "category_id": 7, "image_id": -12},'
        b'{"image_id":3,"category_id":0,"bbox":[0.000000000000000000000123,12345678901234567890,3,4],'
        b'"score":0.30000000000000004} ] '
    )
    columns, parsed = _fast_and_orjson(raw)
    _assert_bitwise_equal(columns, parsed)


@pytest.mark.parametrize(
    "raw",
    [
        b'[{"image_id":1.0,"category_id":1,"bbox":[1,2,3,4],"score":1}]',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,3],"score":1}]',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,3,4]}]',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":"1"}]',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1},]',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,-3,4],"score":1}]',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1}] x',
        b'[{"image_id":1,"category_id":1,"bbox":[1,2,3,4],"score":1e400}]',
        b"{}",
        b"[1]",
        b"",
    ],
)
def test_byte_parser_leaves_unusual_input_to_orjson(raw: bytes) -> None:
    assert _parse_detections_bytes(raw) is None


def test_detections_from_a_file_a_pipe_and_bytes_agree(tmp_path: Path) -> None:
    """Regular files are memory-mapped; pipes (``--dets /dev/stdin``) and empty files are read."""
    raw = orjson.dumps(RESULTS)
    path = tmp_path / "dets.json"
    path.write_bytes(raw)
    fifo = tmp_path / "dets.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(raw,))
    writer.start()
    from_pipe = parse_detections(fifo)
    writer.join()
    for columns in (parse_detections(path), from_pipe):
        expected = parse_detections(raw)
        assert columns.image_id.tolist() == expected.image_id.tolist()
        assert columns.bbox.tolist() == expected.bbox.tolist()
        assert columns.score.tolist() == expected.score.tolist()
    (tmp_path / "empty.json").write_bytes(b"")
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_detections(tmp_path / "empty.json")

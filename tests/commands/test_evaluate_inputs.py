"""`matchscope evaluate` reads COCO files as pycocotools reads them: same stats, notes for what it drops."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from matchscope.commands.evaluate import main
from tests.commands.coco_cases import detections, ground_truth, pycocotools_stats, rle, write

pytestmark = pytest.mark.database_independent

Change = Callable[[dict[str, Any], list[dict[str, Any]]], None]


def _evaluate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, gt: Any, dets: Any, *options: str
) -> tuple[int, str, str]:
    gt_path, dets_path = write(tmp_path / "gt.json", gt), write(tmp_path / "dets.json", dets)
    code = main(["--gt", str(gt_path), "--dets", str(dets_path), *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _renumber_images(gt: dict[str, Any], dets: list[dict[str, Any]], new_id: Callable[[int], Any]) -> None:
    for record in [*gt["images"], *gt["annotations"], *dets]:
        key = "id" if "file_name" in record else "image_id"
        record[key] = new_id(record[key])


def _renumber_categories(gt: dict[str, Any], dets: list[dict[str, Any]], new_id: Callable[[int], Any]) -> None:
    for category in gt["categories"]:
        category["id"] = new_id(category["id"])
    for record in [*gt["annotations"], *dets]:
        record["category_id"] = new_id(record["category_id"])


def _segmentations_only(gt: dict[str, Any], dets: list[dict[str, Any]]) -> None:
    for det in dets:
        x, y, w, h = (int(v) % 50 for v in det.pop("bbox"))
        det["segmentation"] = rle([x, y, max(w, 1), max(h, 1)])


def _keypoints_only(gt: dict[str, Any], dets: list[dict[str, Any]]) -> None:
    for det in dets:
        x, y, w, h = det.pop("bbox")
        det["keypoints"] = [x, y + h / 2, 2, x + w, y, 2, x + w / 3, y + h, 1]


def _negative_widths(gt: dict[str, Any], dets: list[dict[str, Any]]) -> None:
    dets[1]["bbox"][2] = -40
    dets[4]["bbox"][2:] = [-10, -10]


ACCEPTED: list[tuple[str, Change, list[str]]] = [
    ("as written", lambda gt, dets: None, []),
    (
        "detections of a category the ground truth lacks",
        lambda gt, dets: dets[2].update(category_id=99),
        ["results: 1 of categories the ground truth does not list, dropped"],
    ),
    (
        "annotations on an unknown image and of an unknown category",
        lambda gt, dets: gt["annotations"].extend(
            [
                {"id": 90, "image_id": 77, "category_id": 1, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
                {"id": 91, "image_id": 1, "category_id": 88, "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0},
            ]
        ),
        [
            "annotations: 1 on images the file does not list, dropped",
            "annotations: 1 of categories the file does not list, dropped",
        ],
    ),
    (
        "a category listed twice",
        lambda gt, dets: gt["categories"].append({"id": 2, "name": "dog"}),
        ["categories: 1 entries repeat an earlier category id"],
    ),
    (
        "an image listed twice and images without boxes",
        lambda gt, dets: gt["images"].extend([{"id": 3}, {"id": 4}, {"id": 5}]),
        ["images: 1 entries repeat an earlier image id"],
    ),
    (
        "results with a segmentation and no bbox",
        _segmentations_only,
        ["results: 7 boxes computed from their segmentation"],
    ),
    ("keypoint results without bbox", _keypoints_only, ["results: 7 boxes computed from their keypoints"]),
    ("negative detection widths", _negative_widths, []),
    ("string image ids", lambda gt, dets: _renumber_images(gt, dets, lambda i: f"img-{i}"), []),
    ("float image ids", lambda gt, dets: _renumber_images(gt, dets, lambda i: i + 0.5), []),
    ("integral float ids in detections", lambda gt, dets: [d.update(image_id=float(d["image_id"])) for d in dets], []),
    ("string category ids", lambda gt, dets: _renumber_categories(gt, dets, lambda i: f"c{3 - i}"), []),
    ("image ids of 2^63 and more", lambda gt, dets: _renumber_images(gt, dets, lambda i: 2**63 + 7 - i), []),
    ("image ids beyond 2^64", lambda gt, dets: _renumber_images(gt, dets, lambda i: 2**64 + i), []),
    (
        "annotation ids beyond 2^64 and floats",
        lambda gt, dets: [a.update(id=2**70 + a["id"] if a["id"] % 2 else a["id"] + 0.5) for a in gt["annotations"]],
        [],
    ),
    (
        "annotation id 0 among ids beyond 2^64 (COCOeval takes a match with id 0 for none)",
        lambda gt, dets: [a.update(id=2**70 + a["id"] if a["id"] != 10 else 0) for a in gt["annotations"]],
        [],
    ),
    ("no annotations", lambda gt, dets: gt.update(annotations=[]), []),
    ("no detections", lambda gt, dets: dets.clear(), []),
    ("neither", lambda gt, dets: (gt.update(annotations=[]), dets.clear()), []),
    ("empty lists", lambda gt, dets: (gt.update(images=[], categories=[], annotations=[]), dets.clear()), []),
]


@pytest.mark.parametrize(("change", "notes"), [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED])
def test_accepted_as_pycocotools_reads_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: Change, notes: list[str]
) -> None:
    gt, dets = ground_truth(), detections()
    change(gt, dets)
    code, out, err = _evaluate(capsys, tmp_path, gt, dets, "--json", "--matches", str(tmp_path / "m.jsonl"))
    assert code == 0, err
    assert json.loads(out)["stats"] == pycocotools_stats(gt, dets)
    for note in notes:
        assert note in err
    assert len(err.splitlines()) == len(notes), err
    assert "Traceback" not in err


def test_no_ground_truth_gives_minus_one_and_false_positive_entries(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gt, dets = ground_truth(), detections()
    gt["annotations"] = []
    matches = tmp_path / "m.jsonl"
    code, out, _ = _evaluate(capsys, tmp_path, gt, dets, "--json", "--matches", str(matches))
    assert code == 0
    assert json.loads(out)["stats"] == [-1.0] * 12
    lines = [json.loads(line) for line in matches.read_text().splitlines()]
    assert [(e["outcome"], e["gt_id"], e["det_id"], e["iou"]) for e in lines] == [
        ("FP", None, i, 0.0) for i in sorted(e["det_id"] for e in lines)
    ]
    assert sorted(e["det_id"] for e in lines) == list(range(1, len(dets) + 1))


def test_no_detections_gives_false_negative_entries(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gt = ground_truth()
    matches = tmp_path / "m.jsonl"
    code, out, _ = _evaluate(capsys, tmp_path, gt, [], "--matches", str(matches))
    assert code == 0
    assert out.startswith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.000")
    lines = [json.loads(line) for line in matches.read_text().splitlines()]
    assert sorted((e["outcome"], e["gt_id"], e["det_id"], e["image_id"]) for e in lines) == sorted(
        ("FN", a["id"], None, a["image_id"]) for a in gt["annotations"]
    )


def test_matches_keep_the_files_ids_and_positions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gt, dets = ground_truth(), detections()
    _renumber_images(gt, dets, lambda i: f"img-{i}")
    gt["annotations"][0]["id"] = 2**64 + 3
    dets.insert(0, {"image_id": "img-1", "category_id": 42, "bbox": [11, 11, 20, 20], "score": 0.99})
    matches = tmp_path / "m.jsonl"
    code, _, err = _evaluate(capsys, tmp_path, gt, dets, "--class-aware", "--matches", str(matches))
    assert code == 0 and "results: 1 of categories the ground truth does not list, dropped" in err
    lines = [json.loads(line) for line in matches.read_text().splitlines()]
    first_tp = next(e for e in lines if e["gt_id"] == 2**64 + 3)
    assert (first_tp["outcome"], first_tp["det_id"], first_tp["image_id"]) == ("TP", 2, "img-1")
    assert 1 not in {e["det_id"] for e in lines}  # the dropped detection keeps its place in the numbering


def _with_nan_box(gt: dict[str, Any], dets: list[dict[str, Any]]) -> None:
    dets[3]["bbox"][1] = float("nan")


REFUSED: list[tuple[str, Any, Any, str]] = [
    ("ground truth a number", 42, None, r"--gt \S+gt\.json: expected a COCO instances object .* got a number"),
    ("ground truth a list", [], None, r"--gt \S+: expected a COCO instances object .* got a list"),
    ("detections an object", None, {"a": 1}, r"--dets \S+dets\.json: expected a list of COCO results, got an object"),
    ("detections a string", None, "x", r"--dets \S+: expected a list of COCO results, got a string"),
    ("images a number", {"images": 3, "categories": []}, None, r"images = 3: expected a list, got a number"),
    ("no categories", {"images": []}, None, r"--gt \S+: categories: missing"),
    ("image without id", {"images": [{"file_name": "a"}], "categories": []}, None, r"images\[0\]\.id: missing"),
    (
        "image ids mixing numbers and strings",
        {"images": [{"id": 1}, {"id": "2"}], "categories": []},
        None,
        r"images: ids mix numbers and strings",
    ),
    (
        "detection on an unknown image",
        None,
        [{"image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 1}],
        r"detections\[0\]\.image_id = 9: not an image of the ground truth",
    ),
    ("NaN box", None, "nan", r"detections\[3\]\.bbox = \[55, nan, 70, 40\]: expected \[x, y, width, height\]"),
    (
        "neither bbox nor segmentation",
        None,
        [{"image_id": 1, "category_id": 1, "score": 1}],
        r"detections\[0\]: neither bbox, segmentation nor keypoints",
    ),
    (
        "caption results",
        None,
        [{"image_id": 1, "category_id": 1, "caption": "a cat", "bbox": [1, 1, 2, 2], "score": 1}],
        r"detections\[0\]: a caption result",
    ),
    (
        "a later result without bbox",
        None,
        [
            {"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 1},
            {"image_id": 1, "category_id": 1, "segmentation": {"size": [4, 4], "counts": "04"}, "score": 1},
        ],
        r"detections\[1\]\.bbox: missing",
    ),
    (
        "polygon segmentation without bbox",
        None,
        [{"image_id": 1, "category_id": 1, "segmentation": [[1, 1, 4, 1, 4, 4]], "score": 1}],
        r"detections\[0\]\.segmentation = \[\[1, 1, 4, 1, 4, 4\]\]: expected a compressed RLE",
    ),
    (
        "missing score",
        None,
        [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}],
        r"detections\[0\]\.score: missing",
    ),
    (
        "repeated annotation id",
        "repeat",
        None,
        r"annotations\[1\]\.id = 10: repeats annotations\[0\]'s id",
    ),
    (
        "a string annotation id",
        {**ground_truth(), "annotations": [{**ground_truth()["annotations"][0], "id": "a"}]},
        None,
        r"annotations\[0\]\.id = 'a': expected a number",
    ),
    (
        "iscrowd 0.5 (pycocotools ignores it as a crowd and measures it as none)",
        {**ground_truth(), "annotations": [{**ground_truth()["annotations"][3], "iscrowd": 0.5}]},
        None,
        r"annotations\[0\] \(id 13\)\.iscrowd = 0\.5: expected 0 or 1",
    ),
    (
        "a bbox of three numbers",
        None,
        [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 2], "score": 1}],
        r"detections\[0\]\.bbox = \[1, 1, 2\]: expected",
    ),
    (
        "an id that is a list",
        None,
        [{"image_id": [1], "category_id": 1, "bbox": [1, 1, 2, 2], "score": 1}],
        r"detections\[0\]\.image_id = \[1\]: expected an integer or a string",
    ),
]


@pytest.mark.parametrize(("gt", "dets", "message"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_refused_with_one_line_naming_file_and_entry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, gt: Any, dets: Any, message: str
) -> None:
    gt_data: Any = ground_truth() if gt is None or gt == "repeat" else copy.deepcopy(gt)
    dets_data: Any = detections() if dets is None or dets == "nan" else copy.deepcopy(dets)
    if gt == "repeat":
        gt_data["annotations"][1]["id"] = 10
    if dets == "nan":
        _with_nan_box(gt_data, dets_data)
    matches = tmp_path / "m.jsonl"
    code, out, err = _evaluate(capsys, tmp_path, gt_data, dets_data, "--matches", str(matches))
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and re.search(message, err), err
    assert not matches.exists()


def test_invalid_json_names_the_file_and_position(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gt_path = write(tmp_path / "gt.json", ground_truth())
    dets_path = tmp_path / "dets.json"
    dets_path.write_text('[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": }]')
    code = main(["--gt", str(gt_path), "--dets", str(dets_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert re.fullmatch(r"matchscope evaluate: error: --dets \S+dets\.json: not valid JSON \(.*char \d+\)\)\n", err)

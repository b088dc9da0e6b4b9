"""The TIDE summary equals tidecv 1.0.1's own numbers (fixtures written by scripts/tidecv-fixture).

Counts are exact; ΔAP and AP50 equal tidecv's raw floats within 1e-9 (they differ only in the order the class
APs are added, ~1e-14) and so print the same to tidecv's two decimals. Per class, tidecv's own fixed AP data
read class by class.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matchscope.engine.cocofile import load_ground_truth_file, parse_detections
from matchscope.engine.tide import ERROR_TYPES, coco_tide, tide_summary
from tests.engine import tide_data

_SHORT = dict(zip(ERROR_TYPES, ("Cls", "Loc", "Both", "Dupe", "Bkg", "Miss"), strict=True))
_GENERATED = tuple(tide_data.datasets())


@pytest.fixture(scope="module")
def generated_files() -> Any:
    with tempfile.TemporaryDirectory() as directory:
        yield tide_data.write(Path(directory))


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((tide_data.FIXTURES / f"tide_{name}.json").read_text())  # type: ignore[no-any-return]


def _printed_row(printed: str) -> list[str]:
    line = next(line for line in printed.splitlines() if line.strip().startswith("dAP"))
    return line.split()[1:7]


def check_against_tidecv(gt_path: Path, dets_path: Path, expected: dict[str, Any]) -> dict[str, Any]:
    ground_truth = load_ground_truth_file(gt_path)
    result = coco_tide(ground_truth, parse_detections(dets_path))
    ours = result.to_dict()
    assert ours["ap50"] == pytest.approx(expected["ap50"], abs=1e-9)
    assert f"bbox AP @ 50: {ours['ap50']:.2f}" in expected["printed"]
    assert {_SHORT[e["type"]]: e["count"] for e in ours["errors"]} == expected["counts"]
    for error in ours["errors"]:
        assert error["delta_ap"] == pytest.approx(expected["delta_ap"][_SHORT[error["type"]]], abs=1e-9), error
    assert [f"{e['delta_ap']:.2f}" for e in ours["errors"]] == _printed_row(expected["printed"])

    category_ids = [str(i) for i in ground_truth.ground_truth.category_ids.tolist()]
    key_of = dict(zip(result.labels, category_ids + result.labels[len(category_ids) :], strict=True))
    per_class = {key_of[entry["label"]]: entry for entry in ours["per_class"]}
    assert set(per_class) == set(expected["per_class"])
    for key, entry in per_class.items():
        theirs = expected["per_class"][key]
        assert entry["ap50"] == pytest.approx(theirs["ap50"], abs=1e-9), key
        for error in entry["errors"]:
            short = _SHORT[error["type"]]
            assert error["count"] == theirs["counts"][short], (key, short)
            gain = max(theirs["fixed_ap"][short] - theirs["ap50"], 0.0)
            assert error["delta_ap"] == pytest.approx(gain, abs=1e-9), (key, short)
    return ours


@pytest.mark.slow
def test_equals_tidecv_on_shared_coco_data() -> None:
    ours = check_against_tidecv(*tide_data.SHARED_FILES, _fixture("coco_val2014_100"))
    assert ours["errors"][0]["count"] > 0 and ours["errors"][-1]["count"] > 0  # the data exercises the types


@pytest.mark.parametrize("name", _GENERATED)
def test_equals_tidecv_on_generated_data(name: str, generated_files: dict[str, tuple[Path, Path]]) -> None:
    ours = check_against_tidecv(*generated_files[name], _fixture(name))
    assert all(error["count"] > 0 for error in ours["errors"]), ours["errors"]


def test_fixture_data_exercise_the_quirks() -> None:
    ground_truth, results = tide_data.datasets()["generated_crowded"]
    per_image = np.unique([r["image_id"] for r in results], return_counts=True)[1]
    assert per_image.max() > 100
    assert sum(a["iscrowd"] for a in ground_truth["annotations"]) > 50
    listed = {c["id"] for c in ground_truth["categories"]}
    annotated = {a["category_id"] for a in ground_truth["annotations"]}
    detected = {r["category_id"] for r in results}
    assert detected - listed and (listed - annotated) & detected


def _summary(gt: list[tuple[int, int, list[float], bool]], preds: list[tuple[int, int, list[float], float]]) -> Any:
    return tide_summary(
        np.array([g[0] for g in gt], dtype=np.int64),
        np.array([g[1] for g in gt], dtype=np.int64),
        np.array([g[2] for g in gt], dtype=np.float64).reshape(-1, 4),
        np.array([g[3] for g in gt], dtype=np.bool_),
        np.array([p[0] for p in preds], dtype=np.int64),
        np.array([p[1] for p in preds], dtype=np.int64),
        np.array([p[2] for p in preds], dtype=np.float64).reshape(-1, 4),
        np.array([p[3] for p in preds], dtype=np.float64),
        items=2,
        labels=3,
    )


def test_each_type_on_hand_built_boxes() -> None:
    box = [0.0, 0.0, 10.0, 10.0]
    summary = _summary(
        [(0, 0, box, False), (0, 1, [50.0, 50.0, 10.0, 10.0], False), (1, 2, box, False), (1, 2, [80, 80, 5, 5], True)],
        [
            (0, 0, box, 0.9),  # true positive
            (0, 0, [1.0, 0.0, 10.0, 10.0], 0.8),  # duplicate of it
            (0, 0, [50.0, 50.0, 10.0, 10.0], 0.7),  # right box, wrong class: classification
            (0, 2, [0.0, 5.0, 10.0, 10.0], 0.6),  # IoU 1/3 with a GT of another class: both
            (1, 2, [0.0, 0.0, 10.0, 30.0], 0.5),  # IoU 1/3 with its own class: localization
            (1, 1, [200.0, 200.0, 10.0, 10.0], 0.4),  # background
            (1, 2, [80.0, 80.0, 5.0, 5.0], 0.3),  # inside the crowd region: ignored, yet background
        ],
    )
    assert summary.counts.tolist() == [1, 1, 1, 1, 2, 0]
    assert summary.classes.tolist() == [0, 1, 2]
    assert summary.class_counts.tolist() == [[1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0], [0, 1, 1, 0, 1, 0]]
    # Class 1 has one GT, found by nothing: AP 0; fixing CLASSIFICATION moves the prediction into it.
    assert summary.class_ap50[1] == 0.0 and summary.class_delta_ap[1, 0] == 100.0
    assert np.all(summary.delta_ap >= 0.0)


def test_one_fix_per_ground_truth_and_missed() -> None:
    box = [0.0, 0.0, 10.0, 10.0]
    shifted = [0.0, 0.0, 10.0, 25.0]  # IoU 0.4 with box
    summary = _summary(
        [(0, 0, box, False), (1, 0, box, False)],
        [(0, 0, shifted, 0.9), (0, 0, shifted, 0.8)],  # two localization errors on one GT; item 1's GT missed
    )
    assert summary.counts.tolist() == [0, 2, 0, 0, 0, 1]
    # Fixed: the 0.9 prediction becomes the only true positive, the 0.8 one is dropped: recall 1/2 at precision
    # 1, so 51 of the 101 recall points.
    assert summary.ap50 == 0.0 and summary.delta_ap[1] == 51.0 / 101 * 100
    # MISSED fixed: one GT left, no true positive: still 0.
    assert summary.delta_ap[5] == 0.0


def test_nothing_at_all() -> None:
    summary = _summary([], [])
    assert summary.ap50 == 0.0 and summary.counts.tolist() == [0] * 6 and summary.classes.size == 0

"""`matchscope tide`: tidecv's numbers on the shared COCO data, as text and --json, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matchscope.commands.tide import main
from tests.engine import tide_data
from tests.engine.test_tide import _printed_row

GT_FILE, DETS_FILE = tide_data.SHARED_FILES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_equals_tidecv(capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads((tide_data.FIXTURES / "tide_coco_val2014_100.json").read_text())
    code, out, err = _run(capsys, "--gt", str(GT_FILE), "--dets", str(DETS_FILE), "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    assert report["ap50"] == pytest.approx(expected["ap50"], abs=1e-9)
    short = dict(
        zip(
            ("CLASSIFICATION", "LOCALIZATION", "BOTH", "DUPLICATE", "BACKGROUND", "MISSED"),
            expected["counts"],
            strict=True,
        )
    )
    assert [(e["type"], e["count"]) for e in report["errors"]] == [(t, expected["counts"][s]) for t, s in short.items()]
    for error in report["errors"]:
        assert error["delta_ap"] == pytest.approx(expected["delta_ap"][short[error["type"]]], abs=1e-9)
    assert {entry["label"] for entry in report["per_class"]} >= {"person", "car"}


def test_text_prints_tidecv_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads((tide_data.FIXTURES / "tide_coco_val2014_100.json").read_text())
    code, out, _ = _run(capsys, "--gt", str(GT_FILE), "--dets", str(DETS_FILE))
    assert code == 0
    assert out.splitlines()[0] == "bbox AP @ 50: 64.20"
    assert _printed_row(out) == _printed_row(expected["printed"])
    count_row = next(line for line in out.splitlines() if line.strip().startswith("count"))
    assert [int(v) for v in count_row.split()[1:]] == list(expected["counts"].values())
    assert any(line.startswith("person ") for line in out.splitlines())


def test_unlisted_categories_are_kept_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ground_truth, results = tide_data.datasets()["generated_crowded"]
    gt_path, dets_path = tide_data.write(tmp_path)["generated_crowded"]
    code, out, err = _run(capsys, "--gt", str(gt_path), "--dets", str(dets_path), "--json")
    assert code == 0
    unlisted = sum(r["category_id"] == 999 for r in results)
    assert f"results: {unlisted} of categories the ground truth does not list, kept" in err
    report = json.loads(out)
    (entry,) = [e for e in report["per_class"] if e["label"] == "999"]
    assert entry["ap50"] == 0.0 and len(ground_truth["categories"]) + 1 == len(report["per_class"])


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("dets.json", None, "--dets {dets}: No such file or directory"),
        ("dets.json", "{}", "--dets {dets}: expected a list of COCO results"),
        (
            "dets.json",
            '[{"image_id": 123456789, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]',
            "detections[0].image_id = 123456789: not an image of the ground truth",
        ),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, message: str
) -> None:
    dets = tmp_path / name
    if text is not None:
        dets.write_text(text)
    code, out, err = _run(capsys, "--gt", str(GT_FILE), "--dets", str(dets))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message.format(dets=dets) in err, err


def test_the_command_is_registered() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "matchscope", "tide", "--gt", str(GT_FILE), "--dets", str(DETS_FILE), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["errors"][0]["count"] == 83

"""`matchscope evaluate`: the printed summary, --json, --matches and bad input."""

from __future__ import annotations

import contextlib
import copy
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from matchscope.commands.evaluate import main

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coco-val2014-100"
GT_FILE = DATA / "instances_val2014_100.json"
DETS_FILE = DATA / "instances_val2014_fakebbox100_results.json"


def run_pycocotools(ground_truth: dict[str, Any], results: list[dict[str, Any]]) -> tuple[COCOeval, str]:
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        coco_gt = COCO()
        coco_gt.dataset = copy.deepcopy(ground_truth)
        coco_gt.createIndex()
        evaluator = COCOeval(coco_gt, coco_gt.loadRes(copy.deepcopy(results)), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator, printed.getvalue()


@pytest.fixture(scope="module")
def reference() -> tuple[Any, str]:
    return run_pycocotools(orjson.loads(GT_FILE.read_bytes()), orjson.loads(DETS_FILE.read_bytes()))


def evaluate(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["--gt", str(GT_FILE), "--dets", str(DETS_FILE), *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_output_starts_with_pycocotools_summary(
    capsys: pytest.CaptureFixture[str], reference: tuple[Any, str]
) -> None:
    code, out, err = evaluate(capsys)
    assert code == 0, err
    expected = [line for line in reference[1].splitlines() if line.startswith(" Average")]
    lines = out.splitlines()
    assert lines[:12] == expected
    table = "\n".join(lines[12:])
    assert "class-agnostic" in table
    assert "person" in table and "toothbrush" in table


def test_json_output(capsys: pytest.CaptureFixture[str], reference: tuple[Any, str]) -> None:
    code, out, err = evaluate(capsys, "--json")
    assert code == 0, err
    report = orjson.loads(out)
    assert np.abs(np.array(report["stats"]) - reference[0].stats).max() <= 1e-12
    assert report["metrics"]["AP"] == report["stats"][0]
    assert report["counts"]["ground_truth"] == 839
    assert report["counts"]["detections"] == 734
    assert report["counts"]["images"] == 100
    assert report["matching"] == "class-agnostic"
    per_class = {entry["name"]: entry for entry in report["per_class"]}
    assert len(per_class) == 80
    person = per_class["person"]
    assert person["tp"] + person["fn"] == sum(1 for _ in _annotations_of("person"))
    assert report["counts"]["tp"] == sum(entry["tp"] for entry in report["per_class"])


def _annotations_of(name: str) -> list[dict[str, Any]]:
    data = orjson.loads(GT_FILE.read_bytes())
    category = next(c["id"] for c in data["categories"] if c["name"] == name)
    return [a for a in data["annotations"] if a["category_id"] == category]


@pytest.mark.parametrize("options", [[], ["--class-aware"], ["--allow", "person=dog", "--iou-threshold", "0.7"]])
def test_matches_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, options: list[str]) -> None:
    matches = tmp_path / "entries.jsonl"
    code, out, err = evaluate(capsys, "--json", "--matches", matches, *options)
    assert code == 0, err
    report = orjson.loads(out)
    entries = [orjson.loads(line) for line in matches.read_bytes().splitlines()]
    gt = orjson.loads(GT_FILE.read_bytes())
    dets = orjson.loads(DETS_FILE.read_bytes())
    ann_image = {a["id"]: a["image_id"] for a in gt["annotations"]}
    outcomes = [e["outcome"] for e in entries]
    assert outcomes.count("TP") + outcomes.count("FN") == len(gt["annotations"])
    assert outcomes.count("TP") + outcomes.count("FP") == len(dets)
    assert outcomes.count("TP") == report["counts"]["tp"]
    assert outcomes.count("FP") == report["counts"]["fp"]
    assert outcomes.count("FN") == report["counts"]["fn"]
    assert sorted(e["gt_id"] for e in entries if e["outcome"] != "FP") == sorted(ann_image)
    assert sorted(e["det_id"] for e in entries if e["outcome"] != "FN") == list(range(1, len(dets) + 1))
    threshold = float(options[-1]) if "--iou-threshold" in options else 0.5
    for entry in entries:
        assert set(entry) == {"outcome", "image_id", "gt_id", "det_id", "iou"}
        if entry["gt_id"] is not None:
            assert ann_image[entry["gt_id"]] == entry["image_id"]
        if entry["det_id"] is not None:
            assert dets[entry["det_id"] - 1]["image_id"] == entry["image_id"]
        if entry["outcome"] == "TP":
            assert entry["iou"] >= threshold
    if options:
        assert report["matching"] == "class-aware"


def test_allow_evaluates_coco_with_duplicated_detections(capsys: pytest.CaptureFixture[str]) -> None:
    gt = orjson.loads(GT_FILE.read_bytes())
    dets = orjson.loads(DETS_FILE.read_bytes())
    ids = {c["name"]: c["id"] for c in gt["categories"]}
    duplicated = []
    for det in dets:
        duplicated.append(det)
        if det["category_id"] == ids["dog"]:
            duplicated.append(dict(det, category_id=ids["person"]))
    expected, _ = run_pycocotools(gt, duplicated)
    code, out, err = evaluate(capsys, "--json", "--allow", "person=dog")
    assert code == 0, err
    assert np.abs(np.array(orjson.loads(out)["stats"]) - expected.stats).max() <= 1e-12


def _write(path: Path, data: Any) -> Path:
    path.write_bytes(orjson.dumps(data))
    return path


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda dets: dets[3].pop("bbox"), r"--dets \S+d\.json: detections\[3\]\.bbox: missing"),
        (lambda dets: dets[5].update(bbox=[1, 2, "x", 4]), r"detections\[5\]\.bbox = \[1, 2, 'x', 4\]"),
        (lambda dets: dets[4].pop("score"), r"detections\[4\]\.score: missing"),
        (lambda dets: dets[2].update(image_id=123456789), r"detections\[2\]\.image_id = 123456789"),
        (lambda dets: dets[1].update(score=None), r"detections\[1\]\.score = None"),
    ],
)
def test_bad_detections_exit_2_and_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, break_it: Any, message: str
) -> None:
    dets = orjson.loads(DETS_FILE.read_bytes())
    break_it(dets)
    matches = tmp_path / "entries.jsonl"
    code = main(["--gt", str(GT_FILE), "--dets", str(_write(tmp_path / "d.json", dets)), "--matches", str(matches)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert re.search(message, captured.err), captured.err
    assert not matches.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--allow", "person=unicorn"], "--allow 'person=unicorn'"),
        (["--iou-threshold", "1.5"], "--iou-threshold = 1.5"),
        (["--gt", "/nonexistent/gt.json"], "nonexistent"),
    ],
)
def test_bad_options_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code = main(["--gt", str(GT_FILE), "--dets", str(DETS_FILE), *args])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.out == ""


def test_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "matchscope.commands.evaluate", "--gt", str(GT_FILE), "--dets", str(DETS_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0].startswith(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all")


def test_the_command_process_ends_with_everything_written(tmp_path: Path) -> None:
    """`matchscope evaluate` skips the interpreter's teardown: its output and --matches file must be complete."""
    matches = tmp_path / "entries.jsonl"
    command = ["--gt", str(GT_FILE), "--dets", str(DETS_FILE), "--json", "--matches", str(matches)]
    completed = subprocess.run(
        [sys.executable, "-m", "matchscope", "evaluate", *command], capture_output=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    probe = "import sys; from matchscope.commands.evaluate import main; sys.exit(main(sys.argv[1:]))"
    in_process = subprocess.run(
        [sys.executable, "-c", probe, *command[:-2], "--matches", str(tmp_path / "in_process.jsonl")],
        capture_output=True,
        check=False,
    )
    assert in_process.returncode == 0, in_process.stderr
    assert completed.stdout == in_process.stdout
    assert orjson.loads(completed.stdout)["counts"]["detections"] == len(orjson.loads(DETS_FILE.read_bytes()))
    assert matches.read_bytes() == (tmp_path / "in_process.jsonl").read_bytes()
    bad = subprocess.run(
        [sys.executable, "-m", "matchscope", "evaluate", "--gt", str(GT_FILE), "--dets", str(tmp_path / "missing")],
        capture_output=True,
        check=False,
    )
    assert bad.returncode == 2 and b"error" in bad.stderr


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_a_reader_that_stops_early_gets_no_traceback(output: list[str]) -> None:
    """`matchscope evaluate ... | head`: the closed pipe ends the command quietly, with SIGPIPE's exit status."""
    with subprocess.Popen(
        [sys.executable, "-m", "matchscope", "evaluate", "--gt", str(GT_FILE), "--dets", str(DETS_FILE), *output],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before the command writes anything
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 141
    assert errors == b""

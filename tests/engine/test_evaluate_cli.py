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

from .edges import KINDS, edge_pair

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


GRAPHQL_SDL = Path(__file__).resolve().parents[2] / "matchscope" / "schema" / "schema.graphql"


def _graphql_fields(type_name: str) -> set[str]:
    """The field names of one GraphQL object type of the committed SDL."""
    sdl = GRAPHQL_SDL.read_text()
    body = re.search(rf"^type {type_name} [^{{]*{{(.*?)^}}", sdl, re.S | re.M)
    assert body is not None, type_name
    return set(re.findall(r"^  (\w+)", body.group(1), re.M))


def test_json_output(capsys: pytest.CaptureFixture[str], reference: tuple[Any, str]) -> None:
    code, out, err = evaluate(capsys, "--json")
    assert code == 0, err
    report = orjson.loads(out)
    assert report["stats"] == reference[0].stats.tolist()
    overall = report["coco"]["overall"]
    assert set(overall) == _graphql_fields("CocoStats")
    assert [overall[name] for name in ("ap", "ap50", "arLarge")] == [report["stats"][i] for i in (0, 1, 11)]
    assert overall["stats"] == report["stats"]
    assert (report["annotationCount"], report["predictionCount"], report["itemCount"]) == (839, 734, 100)
    assert report["classAgnostic"] is True and report["allowedLabelMatches"] == []
    metrics = report["metrics"]
    assert metrics["iouThreshold"] == 0.5 and metrics["confidenceThreshold"] == 0.0
    assert set(metrics["overall"]) == _graphql_fields("Counts")
    per_class = {entry["label"]: entry for entry in metrics["perClass"]}
    assert len(per_class) == 80
    person = per_class["person"]
    assert set(person) - {"categoryId"} == _graphql_fields("ClassMetrics")
    assert person["groundTruthCount"] == len(_annotations_of("person"))
    assert person["counts"]["truePositives"] + person["counts"]["falseNegatives"] == len(_annotations_of("person"))
    counts = [entry["counts"] for entry in metrics["perClass"]]
    for name in ("truePositives", "falsePositives", "falseNegatives"):
        assert metrics["overall"][name] == sum(entry[name] for entry in counts)
    assert sum(entry["predictionCount"] for entry in metrics["perClass"]) == 734
    coco_per_class = {entry["label"]: entry for entry in report["coco"]["perClass"]}
    assert set(coco_per_class["person"]) - {"categoryId"} == _graphql_fields("ClassCocoStats")
    assert coco_per_class["person"]["categoryId"] == 1


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
    names = {c["id"]: c["name"] for c in gt["categories"]}
    ann_label = {a["id"]: names[a["category_id"]] for a in gt["annotations"]}
    outcomes = [e["outcome"] for e in entries]
    assert outcomes.count("TP") + outcomes.count("FN") == len(gt["annotations"])
    assert outcomes.count("TP") + outcomes.count("FP") == len(dets)
    overall = report["metrics"]["overall"]
    assert outcomes.count("TP") == overall["truePositives"]
    assert outcomes.count("FP") == overall["falsePositives"]
    assert outcomes.count("FN") == overall["falseNegatives"]
    assert sorted(e["gt_id"] for e in entries if e["outcome"] != "FP") == sorted(ann_image)
    assert sorted(e["det_id"] for e in entries if e["outcome"] != "FN") == list(range(1, len(dets) + 1))
    threshold = float(options[-1]) if "--iou-threshold" in options else 0.5
    for entry in entries:
        assert set(entry) == {"outcome", "image_id", "gt_id", "det_id", "iou", "gt_label", "det_label", "score"}
        if entry["gt_id"] is not None:
            assert ann_image[entry["gt_id"]] == entry["image_id"]
            assert entry["gt_label"] == ann_label[entry["gt_id"]]
        else:
            assert entry["gt_label"] is None
        if entry["det_id"] is not None:
            det = dets[entry["det_id"] - 1]
            assert det["image_id"] == entry["image_id"]
            assert (entry["det_label"], entry["score"]) == (names[det["category_id"]], det["score"])
        else:
            assert entry["det_label"] is None and entry["score"] is None
        if entry["outcome"] == "TP":
            assert entry["iou"] >= threshold
    assert report["classAgnostic"] is not bool(options)
    if "--allow" in options:
        assert report["allowedLabelMatches"] == [{"groundTruthLabel": "person", "modelPredictionLabel": "dog"}]


def _one_pair_per_image(images: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One ground truth and one detection per image, on IoU 0.5 or 0.75 on paper: COCO's matching and the
    greedy one then face the same single decision per image, IoU >= t."""
    rng = np.random.default_rng(11)
    annotations, results = [], []
    for image_id in range(1, images + 1):
        gt_box, det_box = edge_pair(rng, KINDS[image_id % 4], 1 + image_id % 3)
        annotations.append(
            {"id": image_id, "image_id": image_id, "category_id": 1, "bbox": gt_box, "area": 1.0e4, "iscrowd": 0}
        )
        results.append({"image_id": image_id, "category_id": 1, "bbox": det_box, "score": 0.5})
    images_list = [{"id": i, "width": 1000, "height": 1000} for i in range(1, images + 1)]
    return {"images": images_list, "categories": [{"id": 1, "name": "thing"}], "annotations": annotations}, results


@pytest.mark.parametrize(("iou_threshold", "t_index"), [("0.5", 0), ("0.75", 5)])
def test_greedy_true_positives_are_coco_s_matches_at_the_threshold(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, iou_threshold: str, t_index: int
) -> None:
    """The greedy TP count at t and COCO's matching at t read the same IoU values (pycocotools')."""
    gt, results = _one_pair_per_image(240)
    gt_path, dets_path = _write(tmp_path / "gt.json", gt), _write(tmp_path / "dets.json", results)
    matches = tmp_path / "entries.jsonl"
    argv = ["--gt", str(gt_path), "--dets", str(dets_path), "--json", "--matches", str(matches)]
    assert main([*argv, "--iou-threshold", iou_threshold]) == 0
    report = orjson.loads(capsys.readouterr().out)
    entries = [orjson.loads(line) for line in matches.read_bytes().splitlines()]
    greedy_tp = {(e["gt_id"], e["det_id"]) for e in entries if e["outcome"] == "TP"}

    evaluator, _ = run_pycocotools(gt, results)
    coco_tp = set()
    for image in evaluator.evalImgs:
        if image is not None and image["aRng"] == [0, 1e5**2]:
            for det_id, gt_id in zip(image["dtIds"], image["dtMatches"][t_index], strict=True):
                if gt_id > 0:
                    coco_tp.add((int(gt_id), int(det_id)))
    assert greedy_tp == coco_tp
    assert report["metrics"]["overall"]["truePositives"] == len(coco_tp)
    assert 0 < len(coco_tp) < len(results), "every pair fell on the same side: the test proves little"
    ap = evaluator.stats[1 if t_index == 0 else 2]
    assert report["stats"][1 if t_index == 0 else 2] == ap


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
    assert orjson.loads(completed.stdout)["predictionCount"] == len(orjson.loads(DETS_FILE.read_bytes()))
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

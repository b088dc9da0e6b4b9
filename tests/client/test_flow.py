"""The whole flow through the client against a real server, checked against the offline CLI on real COCO data."""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from matchscope.client import Client, Match
from tests.client.conftest import COCO_DETS, COCO_GT, Server, cli_evaluation

OUTCOMES = {"TRUE_POSITIVE": "TP", "FALSE_POSITIVE": "FP", "FALSE_NEGATIVE": "FN"}
MODES = [
    pytest.param({"class_agnostic": True}, (), id="class-agnostic"),
    pytest.param({"class_agnostic": False}, ("--class-aware",), id="class-aware"),
    pytest.param(
        {"allowed_label_matches": [{"ground_truth_label": "car", "model_prediction_label": "truck"},
                                   {"ground_truth_label": "truck", "model_prediction_label": "car"}]},
        ("--allow", "car=truck", "--allow", "truck=car"),
        id="allowed-label-matches",
    ),
]  # fmt: skip


def _image_ids() -> dict[str, int]:
    images = orjson.loads(COCO_GT.read_bytes())["images"]
    return {str(image.get("file_name") or image["id"]): int(image["id"]) for image in images}


def _entry(match: Match, image_ids: dict[str, int]) -> tuple[Any, ...]:
    truth, prediction = match.ground_truth, match.prediction
    return (
        OUTCOMES[match.outcome.value],
        image_ids[match.item.reference_id],
        None if truth is None else int(truth.annotation_id),
        None if prediction is None else int(prediction.annotation_id),
        round(match.iou, 12),
    )


def _cli_entry(line: dict[str, Any]) -> tuple[Any, ...]:
    return (line["outcome"], line["image_id"], line["gt_id"], line["det_id"], round(line["iou"], 12))


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(("options", "flags"), MODES)
def test_import_evaluate_and_read_back_equal_the_cli(
    server: Server, key: str, tmp_path: Path, options: dict[str, Any], flags: tuple[str, ...]
) -> None:
    with Client(key, endpoint=server.endpoint) as client:
        imported = client.import_coco("coco", COCO_GT, model="fake", results=COCO_DETS, progress=False)
        assert (imported.items.new, imported.annotations.new, imported.predictions.new) == (100, 839, 734)
        dataset = client.get_dataset_by_name("coco")
        model = client.get_model_by_reference_id("fake")
        assert dataset.id == imported.dataset_id and model.id == imported.model_id

        job = dataset.calculate_evaluation_metrics(model, options=options)
        assert job.status() in {"QUEUED", "RUNNING", "COMPLETED"}
        final = job.sleep_until_complete(verbose_std_out=False)
        assert final.status.value == "COMPLETED" and job.status() == "COMPLETED" and job.errors() == []

        evaluation = dataset.evaluation(model)
        assert evaluation.info.class_agnostic is (flags == ())
        matches = evaluation.matches()
        image_ids = _image_ids()
        entries = [_entry(match, image_ids) for match in matches]
        summary, lines = cli_evaluation(tmp_path, *flags)
        assert len(entries) == len(lines) == matches.total_count
        assert set(entries) == {_cli_entry(line) for line in lines}

        metrics = evaluation.metrics()
        expected = summary["metrics"]
        assert _counts(metrics.overall) == _cli_counts(expected["overall"])
        ours = {entry.label: (entry.ground_truth_count, entry.prediction_count, _counts(entry.counts))
                for entry in metrics.per_class}  # fmt: skip
        theirs = {entry["label"]: (entry["groundTruthCount"], entry["predictionCount"], _cli_counts(entry["counts"]))
                  for entry in expected["perClass"]}  # fmt: skip
        assert ours.keys() <= theirs.keys()
        for label in theirs.keys() - ours.keys():  # categories the file lists that no box has
            assert theirs[label][:2] == (0, 0) and theirs[label][2][:3] == (0, 0, 0), label
        for label, (truth, predicted, counts) in ours.items():
            assert (truth, predicted) == theirs[label][:2], label
            assert counts[:3] == theirs[label][2][:3], label
            assert all(_close(a, b) for a, b in zip(counts[3:], theirs[label][2][3:], strict=True)), label

        # A slice: one image's entries and counts, by the COCO image id its item's metadata keeps.
        image = max({entry[1] for entry in entries}, key=lambda value: sum(entry[1] == value for entry in entries))
        on_image = sorted(entry for entry in entries if entry[1] == image)
        wanted = {"coco_image_id": image}
        assert sorted(_entry(match, image_ids) for match in evaluation.matches(item_metadata=wanted)) == on_image
        outcomes = Counter(entry[0] for entry in on_image)
        sliced = evaluation.metrics(item_metadata=wanted).overall
        assert (sliced.true_positives, sliced.false_positives, sliced.false_negatives) == (
            outcomes["TP"], outcomes["FP"], outcomes["FN"],
        )  # fmt: skip

        coco = evaluation.coco()
        assert all(_close(a, b) for a, b in zip(coco.stats, summary["stats"], strict=True)), (coco.stats, summary)
        cli_per_class = {entry["label"]: entry["stats"]["stats"] for entry in summary["coco"]["perClass"]}
        assert coco.per_class.keys() <= cli_per_class.keys()
        assert all(cli_per_class[label] == [-1.0] * 12 for label in cli_per_class.keys() - coco.per_class.keys())
        for label, stats in coco.per_class.items():
            assert all(_close(a, b) for a, b in zip(stats, cli_per_class[label], strict=True)), label

        # TIDE does not depend on the matching options: always tidecv's class-aware summary, the command's.
        tide = evaluation.tide()
        cli_tide = cli_tide_summary()
        assert tide.ap_50 == cli_tide["ap50"]
        assert [(e.type_.value, e.count, e.delta_ap) for e in tide.errors] == [
            (e["type"], e["count"], e["delta_ap"]) for e in cli_tide["errors"]
        ]
        assert {c.label: (c.ap_50, [e.delta_ap for e in c.errors]) for c in tide.per_class} == {
            c["label"]: (c["ap50"], [e["delta_ap"] for e in c["errors"]]) for c in cli_tide["per_class"]
        }
        # The slice's TIDE and COCO (tests/jobs/test_slice_results.py holds them to the engine): one image's.
        assert evaluation.tide(item_metadata={}) == tide
        sliced_tide, sliced_coco = evaluation.tide(item_metadata=wanted), evaluation.coco(item_metadata=wanted)
        assert sum(e.count for e in sliced_tide.errors) < sum(e.count for e in tide.errors)
        assert {c.label for c in sliced_tide.per_class} < {c.label for c in tide.per_class}
        assert sliced_coco.stats != coco.stats and sliced_coco.per_class.keys() == coco.per_class.keys()


def cli_tide_summary() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "matchscope", "tide", "--gt", str(COCO_GT), "--dets", str(COCO_DETS), "--json"],
        capture_output=True,
        check=True,
    )
    return orjson.loads(result.stdout)  # type: ignore[no-any-return]


def _counts(counts: Any) -> tuple[Any, ...]:
    return (counts.true_positives, counts.false_positives, counts.false_negatives,
            counts.precision, counts.recall, counts.f_1)  # fmt: skip


def _cli_counts(counts: dict[str, Any]) -> tuple[Any, ...]:
    return (counts["truePositives"], counts["falsePositives"], counts["falseNegatives"],
            counts["precision"], counts["recall"], counts["f1"])  # fmt: skip

"""A job's entries equal the engine's offline matching of the same files, and its COCO stats pycocotools'."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval
from sqlalchemy import text

from matchscope.commands import evaluate as evaluate_command
from matchscope.engine import cocofile
from matchscope.engine.coco import evaluate_coco
from matchscope.engine.matching import greedy_match
from matchscope.engine.outcomes import Outcome, entries_at
from matchscope.engine.synthetic import write_coco
from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
from tests.conftest import Caller, GraphQL
from tests.engine.edges import edge_coco
from tests.jobs.conftest import COCO_DETS, COCO_GT, SUBMIT, import_coco, wait_finished

Entry = tuple[str, int | None, int | None, float]
NAMES = {Outcome.TRUE_POSITIVE: "TP", Outcome.FALSE_POSITIVE: "FP", Outcome.FALSE_NEGATIVE: "FN"}


def offline_entries(gt_path: Path, dets_path: Path, class_agnostic: bool, allowed: list[tuple[str, str]]) -> set[Entry]:
    """The engine on the files: insertion order is the annotation id, then the detection's position."""
    ground_truth = cocofile.load_ground_truth(gt_path)
    detections = cocofile.load_detections(dets_path, ground_truth)
    order, gt, pred = cocofile.matching_inputs(ground_truth, detections)
    code = {name: index for index, name in enumerate(ground_truth.category_names)}
    pairs = np.array([[code[a], code[b]] for a, b in allowed], dtype=np.int32) if allowed else None
    matching = greedy_match(gt, pred, class_agnostic=class_agnostic, allowed_label_matches=pairs)
    entries = entries_at(matching, gt, pred, iou_threshold=0.5)
    ann_ids = ground_truth.ann_id[order]
    return {
        (
            NAMES[Outcome(int(outcome))],
            int(ann_ids[g]) if g >= 0 else None,
            int(p) + 1 if p >= 0 else None,
            float(iou),
        )
        for outcome, g, p, iou in zip(entries.outcome, entries.gt_index, entries.pred_index, entries.iou, strict=True)
    }


async def stored_entries(state: AppState, evaluation_pk: int) -> tuple[set[Entry], int]:
    """The job's entries at IoU 0.5 as the same tuples (COCO annotation id, 1-based detection position)."""
    sql = text(
        "SELECT e.is_prediction, a.annotation_id, p.annotation_id, e.iou, e.compatible "
        "FROM match_entry e LEFT JOIN box_annotation a ON a.id = e.ground_truth_id "
        "LEFT JOIN box_prediction p ON p.id = e.prediction_id WHERE e.evaluation_id = :evaluation_id"
    )
    async with state.sessions() as session:
        rows = (await session.execute(sql, {"evaluation_id": evaluation_pk})).all()
    found: set[Entry] = set()
    for is_prediction, gt_key, det_key, iou, compatible in rows:
        gt_id = int(gt_key) if gt_key is not None else None
        det_id = int(det_key) if det_key is not None else None
        true_positive = gt_id is not None and det_id is not None and iou >= 0.5 and compatible
        if true_positive:
            found.add(("TP", gt_id, det_id, float(iou)))
        elif is_prediction:
            found.add(("FP", gt_id, det_id, float(iou)))
        else:
            found.add(("FN", gt_id, det_id, float(iou)))
    return found, len(rows)


def pycocotools_stats(gt_path: Path, dets_path: Path) -> np.ndarray[Any, Any]:
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO(str(gt_path))
        coco_dt = coco_gt.loadRes(str(dets_path))
        evaluator = COCOeval(coco_gt, coco_dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return np.asarray(evaluator.stats)


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_coco(tmp_path_factory.mktemp("synthetic"), images=150, seed=7, dets_per_image=30, categories=12)


@pytest.fixture(scope="module")
def edge_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Tie-heavy files on IoU 0.5 / 0.75, annotation ids not in file order, one of them 0 (which pycocotools
    never counts as matched)."""
    ground_truth, results = edge_coco(3, images=80)
    ground_truth["annotations"][5]["id"] = 0
    folder = tmp_path_factory.mktemp("edges")
    (folder / "gt.json").write_bytes(orjson.dumps(ground_truth))
    (folder / "dets.json").write_bytes(orjson.dumps(results))
    return folder / "gt.json", folder / "dets.json"


OPTIONS = {
    "agnostic": (None, True, []),
    "aware": ({"classAgnostic": False}, False, []),
    "allowed": (None, False, "pairs"),
}
PAIRS = {
    "coco": [("car", "truck"), ("truck", "car"), ("dog", "cat"), ("person", "person")],
    "synthetic": [("category_1", "category_2"), ("category_3", "category_1"), ("category_4", "category_5")],
    "edges": [("one", "two")],
}


@pytest.mark.parametrize("source", ["coco", "synthetic", "edges"])
@pytest.mark.parametrize("mode", list(OPTIONS))
async def test_job_matches_offline_engine_and_pycocotools(
    gql: GraphQL,
    state: AppState,
    caller: Caller,
    synthetic_files: tuple[Path, Path],
    edge_files: tuple[Path, Path],
    source: str,
    mode: str,
) -> None:
    files = {"coco": (COCO_GT, COCO_DETS), "synthetic": synthetic_files, "edges": edge_files}
    gt_path, dets_path = files[source]
    options, class_agnostic, allowed = OPTIONS[mode]
    pairs = PAIRS[source] if allowed == "pairs" else []
    if pairs:
        options = {"allowedLabelMatches": [{"groundTruthLabel": a, "modelPredictionLabel": b} for a, b in pairs]}
    dataset, model = await import_coco(state, caller.account_id, gt_path, dets_path)
    variables = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model), "o": options}
    job = (await gql(SUBMIT, variables))["calculateEvaluationMetrics"]
    assert job["__typename"] == "AsyncJob", job
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED", done
    assert done["evaluation"]["isCurrent"] and done["evaluation"]["classAgnostic"] == class_agnostic

    async with state.sessions() as session:
        evaluation_pk, coco_json = (
            await session.execute(text("SELECT id, coco FROM evaluation WHERE is_current"))
        ).one()
    coco = coco_json if isinstance(coco_json, dict) else orjson.loads(coco_json)
    stored, rows = await stored_entries(state, evaluation_pk)
    expected = offline_entries(gt_path, dets_path, class_agnostic, pairs)
    n_gt = len(orjson.loads(gt_path.read_bytes())["annotations"])
    n_dets = len(orjson.loads(dets_path.read_bytes()))
    assert rows == n_gt + n_dets
    assert stored == expected

    ground_truth = cocofile.load_ground_truth(gt_path)
    detections = cocofile.load_detections(dets_path, ground_truth)
    if pairs:
        ids = {
            name: cid for cid, name in zip(ground_truth.category_ids.tolist(), ground_truth.category_names, strict=True)
        }
        reference = evaluate_coco(
            ground_truth, detections, allowed_label_matches=np.array([[ids[a], ids[b]] for a, b in pairs])
        ).stats
    else:
        reference = pycocotools_stats(gt_path, dets_path)
    assert coco["stats"] == reference.tolist()
    offline = evaluate_coco(ground_truth, detections)
    if not pairs:
        for k, name in enumerate(ground_truth.category_names):
            if name in coco["per_class"]:
                assert coco["per_class"][name] == offline.per_class_stats[k].tolist(), name
    some = next(iter(coco["pr_curves"].values()))
    assert set(some) == {"iou50", "iou75", "mean"} and all(len(curve) == 101 for curve in some.values())


COCO_STATS = """query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { coco {
  overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge stats } } } }"""
STAT_FIELDS = ["ap", "ap50", "ap75", "apSmall", "apMedium", "apLarge", "ar1", "ar10", "ar100", "arSmall", "arMedium"]
STAT_FIELDS.append("arLarge")


async def test_service_coco_stats_are_the_cli_s_and_pycocotools_bit_for_bit(
    gql: GraphQL, state: AppState, caller: Caller, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same files through a job and GraphQL, through `matchscope evaluate --json` and through pycocotools:
    the 12 stats are equal floats (the service once averaged categories by name, not by COCO id)."""
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    variables = {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}
    job = (await gql(SUBMIT, {**variables, "o": None}))["calculateEvaluationMetrics"]
    assert (await wait_finished(gql, job["id"]))["status"] == "COMPLETED"
    overall = (await gql(COCO_STATS, variables))["evaluation"]["coco"]["overall"]

    assert evaluate_command.main(["--gt", str(COCO_GT), "--dets", str(COCO_DETS), "--json"]) == 0
    cli = orjson.loads(capsys.readouterr().out)["stats"]
    reference = pycocotools_stats(COCO_GT, COCO_DETS).tolist()
    assert overall["stats"] == cli == reference
    assert [overall[field] for field in STAT_FIELDS] == reference

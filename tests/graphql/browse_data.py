"""A small stored evaluation and the engine's offline view of the same boxes, for browse tests and benches.

`store_evaluation` writes items, boxes and an evaluation whose match entries follow the layout of
`match_entry` (one row per box, a kept pair on both rows), computed with the engine's `greedy_match`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.error_types import ErrorEvidence, box_error_types, entry_error_types, error_evidence
from matchscope.engine.matching import GroundTruthBoxes, Matching, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import entries_at
from matchscope.services.evaluation.entries import ENTRY_COLUMNS
from matchscope.state import AppState
from matchscope.store import entry_partitions, tables
from matchscope.store.bulk import bulk_insert
from matchscope.store.db import transaction

LABELS = ("bird", "cat", "dog")


@dataclass
class Boxes:
    """Random boxes: ground truth, and predictions that are jittered, shifted, relabelled or stray copies."""

    gt_item: NDArray[np.int64]
    gt_boxes: NDArray[np.float64]
    gt_label: NDArray[np.int32]
    pred_item: NDArray[np.int64]
    pred_boxes: NDArray[np.float64]
    pred_label: NDArray[np.int32]
    pred_confidence: NDArray[np.float64]  # NaN: none


def random_boxes(seed: int, items: int = 12) -> Boxes:
    rng = np.random.default_rng(seed)
    per_item = rng.integers(0, 6, items)
    gt_item = np.repeat(np.arange(items), per_item)
    n = len(gt_item)
    size = rng.uniform(10, 60, (n, 2))
    gt_boxes = np.column_stack([rng.uniform(0, 200, (n, 2)), size])
    gt_label = rng.integers(0, len(LABELS), n).astype(np.int32)
    copies = rng.integers(0, 3, n)
    source = np.repeat(np.arange(n), copies)
    pred_boxes = gt_boxes[source] + rng.normal(0, 1, (len(source), 4)) * np.array([8.0, 8.0, 4.0, 4.0])
    pred_boxes[:, 2:] = np.abs(pred_boxes[:, 2:]) + 1
    pred_label = np.where(rng.random(len(source)) < 0.2, rng.integers(0, len(LABELS), len(source)), gt_label[source])
    stray = rng.integers(0, items, 6)
    stray_boxes = np.column_stack([rng.uniform(0, 200, (6, 2)), rng.uniform(10, 60, (6, 2))])
    pred_item = np.concatenate([gt_item[source], stray])
    pred_boxes = np.concatenate([pred_boxes, stray_boxes])
    pred_label = np.concatenate([pred_label, rng.integers(0, len(LABELS), 6)]).astype(np.int32)
    confidence = np.round(rng.uniform(0, 1, len(pred_item)), 1)  # rounded: ties
    confidence[rng.random(len(pred_item)) < 0.1] = np.nan
    return Boxes(gt_item, gt_boxes, gt_label, pred_item, pred_boxes, pred_label, confidence)


@dataclass
class StoredEvaluation:
    account_id: int
    dataset_id: int
    model_id: int
    evaluation_id: int
    item_ids: list[int]
    gt_ids: list[int]
    pred_ids: list[int]
    ground_truth: GroundTruthBoxes
    predictions: PredictionBoxes
    matching: Matching
    allowed: NDArray[np.int32] | None
    class_agnostic: bool
    evidence: ErrorEvidence


def entry_rows(
    evaluation_id: int,
    item_ids: NDArray[np.int64],
    gt_ids: NDArray[np.int64],
    pred_ids: NDArray[np.int64],
    ground_truth: GroundTruthBoxes,
    predictions: PredictionBoxes,
    matching: Matching,
    evidence: ErrorEvidence,
    labels: tuple[str, ...] | list[str],
) -> list[tuple[Any, ...]]:
    """Rows in ENTRY_COLUMNS order: one per prediction, then one per ground truth. Items are indices into item_ids."""
    names = list(labels)
    entries = entries_at(matching, ground_truth, predictions)
    pred_type, gt_type = box_error_types(
        entries, entry_error_types(entries, evidence), len(predictions), len(ground_truth)
    )
    confidence = [None if np.isnan(value) else float(value) for value in predictions.confidence]
    rows: list[tuple[Any, ...]] = []

    def gt_id(index: int) -> int | None:
        return int(gt_ids[index]) if index >= 0 else None

    for index in range(len(predictions)):
        partner = int(matching.pred_partner[index])
        rows.append(
            (
                evaluation_id,
                int(item_ids[predictions.item[index]]),
                True,
                int(gt_ids[partner]) if partner >= 0 else None,
                int(pred_ids[index]),
                names[ground_truth.label[partner]] if partner >= 0 else None,
                names[predictions.label[index]],
                float(matching.pred_iou[index]),
                confidence[index],
                bool(matching.pred_compatible[index]),
                float(evidence.compatible_iou[index]),
                gt_id(int(evidence.compatible_gt[index])),
                float(evidence.incompatible_iou[index]),
                gt_id(int(evidence.incompatible_gt[index])),
                gt_id(int(evidence.nearest_gt[index])),
                float(evidence.duplicate_iou[index]),
                float(evidence.duplicate_confidence[index]),
                int(pred_type[index]) if pred_type[index] >= 0 else None,
            )
        )
    for index in range(len(ground_truth)):
        partner = int(matching.gt_partner[index])
        rows.append(
            (
                evaluation_id,
                int(item_ids[ground_truth.item[index]]),
                False,
                int(gt_ids[index]),
                int(pred_ids[partner]) if partner >= 0 else None,
                names[ground_truth.label[index]],
                names[predictions.label[partner]] if partner >= 0 else None,
                float(matching.gt_iou[index]),
                confidence[partner] if partner >= 0 else None,
                bool(matching.gt_compatible[index]),
                *(None,) * 7,
                int(gt_type[index]) if gt_type[index] >= 0 else None,
            )
        )
    return rows


COCO_JSON = {
    "stats": [0.5, 0.7, 0.45, 0.2, 0.4, 0.6, 0.3, 0.5, 0.55, 0.25, 0.45, 0.65],
    "per_class": {label: [0.1 * k] * 12 for k, label in enumerate(LABELS)},
    "pr_curves": {label: {"iou50": [1.0] * 101, "iou75": [0.5] * 101, "mean": [0.75] * 101} for label in LABELS},
}


async def store_evaluation(
    state: AppState,
    account_id: int,
    *,
    seed: int = 0,
    items: int = 12,
    class_agnostic: bool = True,
    allowed_label_matches: list[tuple[str, str]] | None = None,
    via_service: bool = False,
) -> StoredEvaluation:
    """Boxes from `random_boxes(seed)` and their evaluation: entries written here, or by the evaluate service."""
    boxes = random_boxes(seed, items)
    ground_truth = GroundTruthBoxes(item=boxes.gt_item, boxes=boxes.gt_boxes, label=boxes.gt_label)
    predictions = PredictionBoxes(
        item=boxes.pred_item, boxes=boxes.pred_boxes, label=boxes.pred_label, confidence=boxes.pred_confidence
    )
    codes = {label: code for code, label in enumerate(LABELS)}
    allowed = (
        np.array([[codes[g], codes[p]] for g, p in allowed_label_matches], dtype=np.int32)
        if allowed_label_matches
        else None
    )
    matching = greedy_match(ground_truth, predictions, class_agnostic=class_agnostic, allowed_label_matches=allowed)
    evidence = error_evidence(
        ground_truth, predictions, matching, class_agnostic=class_agnostic, allowed_label_matches=allowed
    )
    async with transaction(state.sessions) as session:
        dataset = tables.Dataset(account_id=account_id, name=f"d{seed}")
        model = tables.Model(account_id=account_id, name="m", reference_id=f"m{seed}")
        session.add_all([dataset, model])
        await session.flush()
        assert dataset.id is not None and model.id is not None
        item_rows = [tables.DatasetItem(dataset_id=dataset.id, reference_id=f"img{i}.jpg") for i in range(items)]
        session.add_all(item_rows)
        await session.flush()
        item_ids = np.array([row.id for row in item_rows], dtype=np.int64)
        gt_rows = [
            tables.BoxAnnotation(
                dataset_id=dataset.id,
                item_id=int(item_ids[boxes.gt_item[i]]),
                annotation_id=f"a{i}",
                label=LABELS[boxes.gt_label[i]],
                x=float(boxes.gt_boxes[i, 0]),
                y=float(boxes.gt_boxes[i, 1]),
                width=float(boxes.gt_boxes[i, 2]),
                height=float(boxes.gt_boxes[i, 3]),
            )
            for i in range(len(ground_truth))
        ]
        session.add_all(gt_rows)
        await session.flush()
        pred_rows = [
            tables.BoxPrediction(
                dataset_id=dataset.id,
                model_id=model.id,
                item_id=int(item_ids[boxes.pred_item[i]]),
                annotation_id=f"p{i}",
                label=LABELS[boxes.pred_label[i]],
                x=float(boxes.pred_boxes[i, 0]),
                y=float(boxes.pred_boxes[i, 1]),
                width=float(boxes.pred_boxes[i, 2]),
                height=float(boxes.pred_boxes[i, 3]),
                confidence=None if np.isnan(boxes.pred_confidence[i]) else float(boxes.pred_confidence[i]),
            )
            for i in range(len(predictions))
        ]
        session.add_all(pred_rows)
        await session.flush()
        gt_ids = np.array([row.id for row in gt_rows], dtype=np.int64)
        pred_ids = np.array([row.id for row in pred_rows], dtype=np.int64)
        if via_service:
            evaluation_id = await _run_service(
                state, session, account_id, dataset.id, model.id, class_agnostic, allowed_label_matches
            )
        else:
            evaluation_id = await _write_entries(
                session, account_id, dataset.id, model.id, class_agnostic, allowed_label_matches
            )
            rows = entry_rows(
                evaluation_id, item_ids, gt_ids, pred_ids, ground_truth, predictions, matching, evidence, LABELS
            )
            # As a job writes them: into the evaluation's own table, indexed and attached on PostgreSQL.
            await entry_partitions.create(session, evaluation_id)
            await bulk_insert(session, entry_partitions.entry_table(session, evaluation_id), ENTRY_COLUMNS, rows)
            await entry_partitions.build_indexes(session, evaluation_id)
            await entry_partitions.attach(session, evaluation_id)
    if via_service:
        evaluation_id = await _finish_service(state, evaluation_id)
    return StoredEvaluation(
        account_id=account_id,
        dataset_id=dataset.id,
        model_id=model.id,
        evaluation_id=evaluation_id,
        item_ids=item_ids.tolist(),
        gt_ids=gt_ids.tolist(),
        pred_ids=pred_ids.tolist(),
        ground_truth=ground_truth,
        predictions=predictions,
        matching=matching,
        allowed=allowed,
        class_agnostic=class_agnostic,
        evidence=evidence,
    )


async def _write_entries(
    session: Any,
    account_id: int,
    dataset_id: int,
    model_id: int,
    class_agnostic: bool,
    allowed_label_matches: list[tuple[str, str]] | None,
) -> int:
    evaluation = tables.Evaluation(
        account_id=account_id,
        dataset_id=dataset_id,
        model_id=model_id,
        class_agnostic=class_agnostic,
        allowed_label_matches=[list(pair) for pair in allowed_label_matches or []],
        is_current=True,
        is_complete=True,
        coco=COCO_JSON,
    )
    session.add(evaluation)
    await session.flush()
    assert evaluation.id is not None
    return evaluation.id


async def _run_service(
    state: AppState,
    session: Any,
    account_id: int,
    dataset_id: int,
    model_id: int,
    class_agnostic: bool,
    allowed_label_matches: list[tuple[str, str]] | None,
) -> int:
    """Submits the job inside the caller's transaction; returns the job id (run after commit)."""
    from matchscope.services import evaluate

    options = evaluate.validate_options(class_agnostic, allowed_label_matches)
    job, _created = await evaluate.submit(
        session, account_id=account_id, dataset_id=dataset_id, model_id=model_id, options=options
    )
    assert job.id is not None
    return job.id


async def _finish_service(state: AppState, job_id: int) -> int:
    from matchscope.services import evaluate

    async def ignore(_job: Any) -> None:
        return None

    job = await evaluate.run_evaluation(state.sessions, job_id, chunk_items=5, on_progress=ignore)
    assert job is not None and job.evaluation_id is not None, job
    return job.evaluation_id

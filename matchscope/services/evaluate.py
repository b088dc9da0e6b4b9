"""Evaluation jobs: options, submission, and the job itself (load boxes → engine → save entries, chunk by chunk).

A job writes its match entries under a new Evaluation that nobody reads until, in one last transaction, it is
marked complete and current. A retried job (worker crash) reuses that evaluation and first deletes whatever
entries the previous attempt left, so retries never duplicate rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.engine.coco import CocoDetections, CocoGroundTruth, evaluate_coco
from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes, greedy_match
from matchscope.engine.outcomes import class_counts, entries_at
from matchscope.services import ingest
from matchscope.services.errors import FieldIssue, ValidationFailed
from matchscope.services.staleness import current_versions
from matchscope.store.bulk import bulk_insert
from matchscope.store.db import transaction
from matchscope.store.tables import (
    BoxAnnotation,
    BoxPrediction,
    DatasetItem,
    Evaluation,
    EvaluationClass,
    Job,
    MatchEntry,
    Model,
    utcnow,
)

logger = logging.getLogger(__name__)
DEFAULT_IOU_THRESHOLD = 0.5
ENTRY_COLUMNS = (
    "evaluation_id",
    "item_id",
    "is_prediction",
    "ground_truth_id",
    "prediction_id",
    "ground_truth_label",
    "prediction_label",
    "iou",
    "confidence",
    "compatible",
)
CLASS_COLUMNS = (
    "evaluation_id",
    "label",
    "ground_truth_count",
    "prediction_count",
    "true_positives",
    "false_positives",
    "false_negatives",
)


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    ERRORED = "ERRORED"
    CANCELLED = "CANCELLED"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED = (JobStatus.COMPLETED, JobStatus.ERRORED, JobStatus.CANCELLED)


class JobType(StrEnum):
    EVALUATION = "EVALUATION"


class JobCancelled(Exception):
    """Raised at a chunk boundary when a cancellation was requested."""


@dataclass(frozen=True, slots=True)
class EvaluationOptions:
    class_agnostic: bool = True
    allowed_label_matches: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "class_agnostic": self.class_agnostic,
            "allowed_label_matches": [list(pair) for pair in self.allowed_label_matches],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> EvaluationOptions:
        data = data or {}
        pairs = tuple((str(gt), str(pred)) for gt, pred in data.get("allowed_label_matches") or [])
        return cls(class_agnostic=bool(data.get("class_agnostic", True)), allowed_label_matches=pairs)

    @property
    def key(self) -> str:
        """A short digest equal for equal options (the dedupe key of identical requests)."""
        return hashlib.sha256(orjson.dumps(self.to_json(), option=orjson.OPT_SORT_KEYS)).hexdigest()

    def labels(self) -> set[str]:
        return {label for pair in self.allowed_label_matches for label in pair}


def validate_options(
    class_agnostic: bool | None, allowed_label_matches: Sequence[tuple[str, str]] | None
) -> EvaluationOptions:
    """Omitted `class_agnostic` is True unless `allowed_label_matches` is given (which implies class-aware)."""
    issues: list[FieldIssue] = []
    if allowed_label_matches is not None and class_agnostic is True:
        issues.append(
            FieldIssue(
                "options.classAgnostic",
                True,
                "allowedLabelMatches implies class-aware matching; omit classAgnostic or set it to false",
            )
        )
    for row, (gt_label, pred_label) in enumerate(allowed_label_matches or ()):
        for name, label in (("groundTruthLabel", gt_label), ("modelPredictionLabel", pred_label)):
            if not label.strip():
                issues.append(FieldIssue(f"options.allowedLabelMatches.{name}", label, "must not be empty", row))
    if issues:
        raise ValidationFailed(issues)
    agnostic = class_agnostic if class_agnostic is not None else allowed_label_matches is None
    pairs = tuple(sorted(set(allowed_label_matches or ())))
    return EvaluationOptions(class_agnostic=agnostic, allowed_label_matches=pairs)


async def _labels(session: AsyncSession, *, dataset_id: int, model_id: int) -> list[str]:
    """Every label of the dataset's annotations and of the model's predictions on it, sorted."""
    annotation = select(col(BoxAnnotation.label)).where(col(BoxAnnotation.dataset_id) == dataset_id).distinct()
    prediction = (
        select(col(BoxPrediction.label))
        .where(col(BoxPrediction.model_id) == model_id, col(BoxPrediction.dataset_id) == dataset_id)
        .distinct()
    )
    found = set((await session.execute(annotation)).scalars()) | set((await session.execute(prediction)).scalars())
    return sorted(found)


async def submit(
    session: AsyncSession, *, account_id: int, dataset_id: int, model_id: int, options: EvaluationOptions
) -> tuple[Job, bool]:
    """The job for this request: an identical queued or running job if there is one, else a new QUEUED job.

    Returns (job, created). Raises NotFound for a dataset or model the account does not own.
    """
    await ingest.get_dataset(session, account_id=account_id, dataset_id=dataset_id)
    await ingest.get_model(session, account_id=account_id, model_id=model_id)
    statement = (
        select(Job)
        .where(
            col(Job.account_id) == account_id,
            col(Job.dataset_id) == dataset_id,
            col(Job.model_id) == model_id,
            col(Job.options_key) == options.key,
            col(Job.status).in_(list(ACTIVE)),
        )
        .order_by(col(Job.id))
    )
    existing = (await session.execute(statement)).scalars().first()
    if existing is not None:
        return existing, False
    message = None
    unknown = sorted(options.labels() - set(await _labels(session, dataset_id=dataset_id, model_id=model_id)))
    if unknown:
        message = "labels in allowedLabelMatches that appear in no annotation or prediction: " + ", ".join(
            repr(label) for label in unknown
        )
    job = Job(
        account_id=account_id,
        type=JobType.EVALUATION.value,
        status=JobStatus.QUEUED.value,
        dataset_id=dataset_id,
        model_id=model_id,
        options=options.to_json(),
        options_key=options.key,
        message=message,
        errors=[],
    )
    session.add(job)
    await session.flush()
    return job, True


async def get_job(session: AsyncSession, *, account_id: int, job_id: int) -> Job | None:
    job = await session.get(Job, job_id)
    return job if job is not None and job.account_id == account_id else None


async def request_cancel(session: AsyncSession, *, job: Job) -> Job:
    """QUEUED: cancelled at once. RUNNING: flagged; the job stops at its next chunk boundary."""
    if job.status in FINISHED:
        raise ValidationFailed.single("id", job.status, "the job has already finished; nothing to cancel")
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED.value
        job.finished_at = utcnow()
        job.message = _join(job.message, "cancelled before it started")
    job.cancel_requested = True
    session.add(job)
    await session.flush()
    return job


def _join(*parts: str | None) -> str | None:
    text = "; ".join(part for part in parts if part)
    return text or None


# ---------------------------------------------------------------------------------------------------------
# The job


class _Timer:
    """Seconds spent per phase, summed over chunks (logged when a job completes)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started

    def summary(self) -> str:
        return ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in self.seconds.items())


Progress = Callable[[Job], Awaitable[None]]


@dataclass
class _Loaded:
    """Everything of one chunk the engine and the writer need; arrays are in row-id order."""

    gt_id: NDArray[np.int64]
    gt_item: NDArray[np.int64]
    gt_boxes: NDArray[np.float64]
    gt_label: NDArray[np.int32]
    gt_area: NDArray[np.float64]
    gt_crowd: NDArray[np.bool_]
    pred_id: NDArray[np.int64]
    pred_item: NDArray[np.int64]
    pred_boxes: NDArray[np.float64]
    pred_label: NDArray[np.int32]
    pred_confidence: NDArray[np.float64]


@dataclass
class _Totals:
    """Per-label counts at the default thresholds and the COCO inputs, accumulated over chunks."""

    labels: int
    gt_count: NDArray[np.int64] = field(init=False)
    pred_count: NDArray[np.int64] = field(init=False)
    tp: NDArray[np.int64] = field(init=False)
    fp: NDArray[np.int64] = field(init=False)
    fn: NDArray[np.int64] = field(init=False)
    chunks: list[_Loaded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gt_count, self.pred_count, self.tp, self.fp, self.fn = (
            np.zeros(self.labels, dtype=np.int64) for _ in range(5)
        )


async def _fetch(session: AsyncSession, sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
    """Raw rows through the driver: no ORM objects, no per-row wrappers. `sql` uses `?` placeholders."""
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        parts = sql.split("?")
        sql = "".join(part + (f"${index}" if index < len(parts) else "") for index, part in enumerate(parts, 1))
        return list(await driver.fetch(sql, *params))
    cursor = await driver.execute(sql, tuple(params))
    try:
        return list(await cursor.fetchall())
    finally:
        await cursor.close()


def _columns(rows: list[Sequence[Any]], width: int) -> list[tuple[Any, ...]]:
    if not rows:
        return [() for _ in range(width)]
    return list(zip(*rows, strict=True))


def _codes(labels: Sequence[str], codes: dict[str, int]) -> NDArray[np.int32]:
    return np.fromiter((codes[label] for label in labels), dtype=np.int32, count=len(labels))


def _boxes(*columns: Sequence[Any]) -> NDArray[np.float64]:
    if not columns[0]:
        return np.zeros((0, 4), dtype=np.float64)
    return np.array(columns, dtype=np.float64).T.copy()


async def _load_chunk(
    session: AsyncSession, *, dataset_id: int, model_id: int, first_item: int, last_item: int, codes: dict[str, int]
) -> _Loaded:
    annotations = await _fetch(
        session,
        "SELECT id, item_id, label, x, y, width, height, area, iscrowd FROM box_annotation "
        "WHERE dataset_id = ? AND item_id >= ? AND item_id <= ? ORDER BY id",
        (dataset_id, first_item, last_item),
    )
    predictions = await _fetch(
        session,
        "SELECT id, item_id, label, x, y, width, height, confidence FROM box_prediction "
        "WHERE model_id = ? AND dataset_id = ? AND item_id >= ? AND item_id <= ? ORDER BY id",
        (model_id, dataset_id, first_item, last_item),
    )
    gid, gitem, glabel, gx, gy, gw, gh, garea, gcrowd = _columns(annotations, 9)
    pid, pitem, plabel, px, py, pw, ph, pconf = _columns(predictions, 8)
    gt_boxes = _boxes(gx, gy, gw, gh)
    area = np.array(garea, dtype=np.float64)  # null → NaN
    area = np.where(np.isnan(area), gt_boxes[:, 2] * gt_boxes[:, 3], area) if area.size else area
    return _Loaded(
        gt_id=np.array(gid, dtype=np.int64),
        gt_item=np.array(gitem, dtype=np.int64),
        gt_boxes=gt_boxes,
        gt_label=_codes(glabel, codes),
        gt_area=area,
        gt_crowd=np.array(gcrowd, dtype=np.bool_),
        pred_id=np.array(pid, dtype=np.int64),
        pred_item=np.array(pitem, dtype=np.int64),
        pred_boxes=_boxes(px, py, pw, ph),
        pred_label=_codes(plabel, codes),
        pred_confidence=np.array(pconf, dtype=np.float64),  # null → NaN: "no confidence", counts as 1
    )


def _match_chunk(
    chunk: _Loaded,
    options: EvaluationOptions,
    allowed: NDArray[np.int32] | None,
    totals: _Totals,
    label_names: list[str],
    evaluation_id: int,
) -> list[tuple[Any, ...]]:
    """Greedy matching of one chunk; adds its counts to `totals` and returns its MatchEntry rows."""
    ground_truth = GroundTruthBoxes(item=chunk.gt_item, boxes=chunk.gt_boxes, label=chunk.gt_label)
    predictions = PredictionBoxes(
        item=chunk.pred_item, boxes=chunk.pred_boxes, label=chunk.pred_label, confidence=chunk.pred_confidence
    )
    matching = greedy_match(
        ground_truth,
        predictions,
        class_agnostic=options.class_agnostic,
        allowed_label_matches=None if options.class_agnostic else allowed,
    )
    entries = entries_at(matching, ground_truth, predictions, iou_threshold=DEFAULT_IOU_THRESHOLD)
    counts = class_counts(entries, ground_truth, predictions, totals.labels)
    totals.tp += counts.tp
    totals.fp += counts.fp
    totals.fn += counts.fn
    totals.gt_count += np.bincount(chunk.gt_label, minlength=totals.labels)[: totals.labels]
    totals.pred_count += np.bincount(chunk.pred_label, minlength=totals.labels)[: totals.labels]
    return _entry_rows(
        chunk,
        matching.pred_partner,
        matching.pred_iou,
        matching.pred_compatible,
        matching.gt_partner,
        matching.gt_iou,
        matching.gt_compatible,
        label_names,
        evaluation_id,
    )


def _optional(values: NDArray[Any], present: NDArray[np.bool_]) -> list[Any]:
    listed: list[Any] = values.tolist()
    for index in np.flatnonzero(~present).tolist():
        listed[index] = None
    return listed


def _entry_rows(
    chunk: _Loaded,
    pred_partner: NDArray[np.int64],
    pred_iou: NDArray[np.float64],
    pred_compatible: NDArray[np.bool_],
    gt_partner: NDArray[np.int64],
    gt_iou: NDArray[np.float64],
    gt_compatible: NDArray[np.bool_],
    label_names: list[str],
    evaluation_id: int,
) -> list[tuple[Any, ...]]:
    """One row per prediction, then one per ground truth, as tuples in ENTRY_COLUMNS order."""
    names = np.array(label_names, dtype=object)
    n_pred, n_gt = len(pred_partner), len(gt_partner)
    pred_matched = pred_partner >= 0
    gt_matched = gt_partner >= 0
    safe_pred_partner = np.where(pred_matched, pred_partner, 0)
    safe_gt_partner = np.where(gt_matched, gt_partner, 0)
    confidence = chunk.pred_confidence
    has_confidence = ~np.isnan(confidence)

    pred_rows = zip(
        [evaluation_id] * n_pred,
        chunk.pred_item.tolist(),
        [True] * n_pred,
        _optional(chunk.gt_id[safe_pred_partner] if n_gt else np.zeros(n_pred, np.int64), pred_matched),
        chunk.pred_id.tolist(),
        _optional(names[chunk.gt_label[safe_pred_partner]] if n_gt else np.zeros(n_pred, object), pred_matched),
        names[chunk.pred_label].tolist(),
        pred_iou.tolist(),
        _optional(confidence, has_confidence),
        pred_compatible.tolist(),
        strict=True,
    )
    partner_confidence = confidence[safe_gt_partner] if n_pred else np.zeros(n_gt)
    gt_rows = zip(
        [evaluation_id] * n_gt,
        chunk.gt_item.tolist(),
        [False] * n_gt,
        chunk.gt_id.tolist(),
        _optional(chunk.pred_id[safe_gt_partner] if n_pred else np.zeros(n_gt, np.int64), gt_matched),
        names[chunk.gt_label].tolist(),
        _optional(names[chunk.pred_label[safe_gt_partner]] if n_pred else np.zeros(n_gt, object), gt_matched),
        gt_iou.tolist(),
        _optional(partner_confidence, gt_matched & ~np.isnan(partner_confidence)),
        gt_compatible.tolist(),
        strict=True,
    )
    return [*pred_rows, *gt_rows]


async def _image_keys(session: AsyncSession, dataset_id: int) -> tuple[list[int], dict[int, int]]:
    """Item ids in id order, and each item's COCO image id (imported COCO files) or else its own id.

    pycocotools walks images in image-id order, which decides ties between equal scores; keeping the COCO
    image ids keeps COCO results identical to pycocotools on imported files.
    """
    statement = select(col(DatasetItem.id), col(DatasetItem.meta)).where(col(DatasetItem.dataset_id) == dataset_id)
    rows = (await session.execute(statement.order_by(col(DatasetItem.id)))).all()
    item_ids = [int(item_id) for item_id, _meta in rows]
    coco_ids = [(meta or {}).get("coco_image_id") for _item, meta in rows]
    if rows and all(isinstance(value, int) for value in coco_ids) and len(set(coco_ids)) == len(coco_ids):
        return item_ids, {item_id: int(str(key)) for item_id, key in zip(item_ids, coco_ids, strict=True)}
    return item_ids, {item_id: item_id for item_id in item_ids}


def _coco_results(
    totals: _Totals,
    label_names: list[str],
    image_keys: dict[int, int],
    options: EvaluationOptions,
    allowed: NDArray[np.int32] | None,
) -> dict[str, Any]:
    """COCO bbox metrics over every chunk, as stored in Evaluation.coco."""
    chunks = totals.chunks
    key_of = np.vectorize(image_keys.__getitem__, otypes=[np.int64])

    def cat(name: str, dtype: Any, empty_shape: tuple[int, ...] = (0,)) -> NDArray[Any]:
        parts = [getattr(chunk, name) for chunk in chunks]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(empty_shape, dtype=dtype)

    gt_item = cat("gt_item", np.int64)
    pred_item = cat("pred_item", np.int64)
    pred_boxes = cat("pred_boxes", np.float64, (0, 4))
    confidence = cat("pred_confidence", np.float64)
    ground_truth = CocoGroundTruth(
        image_ids=np.sort(np.array(list(image_keys.values()), dtype=np.int64)),
        category_ids=np.arange(len(label_names), dtype=np.int64),
        category_names=label_names,
        ann_id=cat("gt_id", np.int64),
        image_id=key_of(gt_item) if gt_item.size else gt_item,
        category_id=cat("gt_label", np.int64),
        bbox=cat("gt_boxes", np.float64, (0, 4)),
        area=cat("gt_area", np.float64),
        iscrowd=cat("gt_crowd", np.bool_),
    )
    detections = CocoDetections(
        image_id=key_of(pred_item) if pred_item.size else pred_item,
        category_id=cat("pred_label", np.int64),
        bbox=pred_boxes,
        score=np.where(np.isnan(confidence), 1.0, confidence),
        area=pred_boxes[:, 2] * pred_boxes[:, 3],
    )
    pairs = None if options.class_agnostic or allowed is None else allowed.astype(np.int64)
    result = evaluate_coco(ground_truth, detections, allowed_label_matches=pairs)
    curves = result.precision[:, :, :, 0, -1]  # (T, R, K) at area "all", maxDets 100
    mean = curves.mean(axis=0)
    return {
        "stats": result.stats.tolist(),
        "per_class": {name: result.per_class_stats[k].tolist() for k, name in enumerate(label_names)},
        "pr_curves": {
            name: {"iou50": curves[0, :, k].tolist(), "iou75": curves[5, :, k].tolist(), "mean": mean[:, k].tolist()}
            for k, name in enumerate(label_names)
        },
    }


async def _delete_evaluation_rows(session: AsyncSession, evaluation_id: int) -> None:
    await session.execute(delete(MatchEntry).where(col(MatchEntry.evaluation_id) == evaluation_id))
    await session.execute(delete(EvaluationClass).where(col(EvaluationClass.evaluation_id) == evaluation_id))


async def _locked_job(session: AsyncSession, job_id: int) -> Job | None:
    statement = select(Job).where(col(Job.id) == job_id).with_for_update()
    return (await session.execute(statement)).scalars().first()


async def _start(sessions: async_sessionmaker[AsyncSession], job_id: int) -> tuple[Job, Evaluation] | None:
    """Mark the job RUNNING and give it an empty, incomplete evaluation (the previous attempt's, emptied)."""
    async with transaction(sessions) as session:
        job = await _locked_job(session, job_id)
        if job is None or job.status in FINISHED:
            return None
        if job.cancel_requested:
            raise JobCancelled
        assert job.dataset_id is not None and job.model_id is not None
        options = EvaluationOptions.from_json(job.options)
        annotation_version, prediction_version = await current_versions(
            session, dataset_id=job.dataset_id, model_id=job.model_id
        )
        evaluation = None if job.evaluation_id is None else await session.get(Evaluation, job.evaluation_id)
        if evaluation is not None and evaluation.is_complete:
            return None
        if evaluation is None:
            evaluation = Evaluation(
                account_id=job.account_id,
                dataset_id=job.dataset_id,
                model_id=job.model_id,
                job_id=job.id,
                class_agnostic=options.class_agnostic,
                allowed_label_matches=[list(pair) for pair in options.allowed_label_matches],
            )
        else:
            assert evaluation.id is not None
            await _delete_evaluation_rows(session, evaluation.id)
        evaluation.annotation_version = annotation_version
        evaluation.prediction_version = prediction_version
        session.add(evaluation)
        await session.flush()
        item_count = len((await _image_keys(session, job.dataset_id))[0])
        job.status = JobStatus.RUNNING.value
        job.started_at = job.started_at or utcnow()
        job.attempts += 1
        job.evaluation_id = evaluation.id
        job.completed_steps = 0
        job.total_steps = item_count
        job.progress = 0.0
        job.errors = []
        session.add(job)
    return job, evaluation


async def _cancel_requested(session: AsyncSession, job_id: int) -> bool:
    statement = select(col(Job.cancel_requested)).where(col(Job.id) == job_id)
    return bool((await session.execute(statement)).scalar())


async def run_evaluation(
    sessions: async_sessionmaker[AsyncSession], job_id: int, *, chunk_items: int, on_progress: Progress
) -> Job | None:
    """Run evaluation job `job_id` to completion; None if it has nothing to do (finished, or gone).

    Raises JobCancelled when a cancellation was requested, and whatever else fails; the caller then calls
    :func:`abandon`, which deletes the partial evaluation.
    """
    started = await _start(sessions, job_id)
    if started is None:
        return None
    job, evaluation = started
    await on_progress(job)
    assert job.dataset_id is not None and job.model_id is not None and evaluation.id is not None
    dataset_id, model_id, evaluation_id = job.dataset_id, job.model_id, evaluation.id
    options = EvaluationOptions.from_json(job.options)
    async with sessions() as session:
        label_names = sorted(set(await _labels(session, dataset_id=dataset_id, model_id=model_id)) | options.labels())
        item_ids, image_keys = await _image_keys(session, dataset_id)
    codes = {label: code for code, label in enumerate(label_names)}
    allowed = (
        np.array([[codes[gt], codes[pred]] for gt, pred in options.allowed_label_matches], dtype=np.int32)
        if options.allowed_label_matches
        else None
    )
    totals = _Totals(labels=len(label_names))
    size = max(1, chunk_items)
    bounds = [
        (item_ids[start], item_ids[min(start + size, len(item_ids)) - 1], min(start + size, len(item_ids)))
        for start in range(0, len(item_ids), size)
    ]

    async def load(first_item: int, last_item: int) -> _Loaded:
        async with sessions() as reader:
            return await _load_chunk(
                reader,
                dataset_id=dataset_id,
                model_id=model_id,
                first_item=first_item,
                last_item=last_item,
                codes=codes,
            )

    timer = _Timer()
    # The next chunk is read (on its own connection) while this one is matched and written.
    pending = asyncio.create_task(load(*bounds[0][:2])) if bounds else None
    try:
        for index, (_first, _last, done) in enumerate(bounds):
            assert pending is not None
            with timer("load (waiting)"):
                chunk = await pending
            pending = asyncio.create_task(load(*bounds[index + 1][:2])) if index + 1 < len(bounds) else None
            async with transaction(sessions) as session:
                if await _cancel_requested(session, job_id):
                    raise JobCancelled
                with timer("match"):
                    rows = await asyncio.to_thread(
                        _match_chunk, chunk, options, allowed, totals, label_names, evaluation_id
                    )
                with timer("write"):
                    await bulk_insert(session, MatchEntry.__table__, ENTRY_COLUMNS, rows)  # type: ignore[attr-defined]
                    job.completed_steps = done
                    job.progress = job.completed_steps / max(1, job.total_steps)
                    await session.execute(
                        update(Job)
                        .where(col(Job.id) == job_id)
                        .values(completed_steps=job.completed_steps, progress=job.progress)
                    )
            totals.chunks.append(chunk)
            await on_progress(job)
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
    with timer("coco"):
        coco = await asyncio.to_thread(_coco_results, totals, label_names, image_keys, options, allowed)
    logger.info("job %s: %s", job_id, timer.summary())
    return await _complete(sessions, job_id, evaluation_id, totals, label_names, coco, len(item_ids))


async def _complete(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    evaluation_id: int,
    totals: _Totals,
    label_names: list[str],
    coco: dict[str, Any],
    item_count: int,
) -> Job:
    """The one transaction that makes the evaluation complete and current and the job COMPLETED."""
    async with transaction(sessions) as session:
        job = await _locked_job(session, job_id)
        assert job is not None
        if job.cancel_requested:
            raise JobCancelled
        evaluation = await session.get(Evaluation, evaluation_id)
        assert evaluation is not None
        # Serialise completions for one (dataset, model) so that exactly one evaluation ends up current.
        await session.execute(select(col(Model.id)).where(col(Model.id) == evaluation.model_id).with_for_update())
        class_rows = [
            (
                evaluation_id,
                name,
                *(int(counts[k]) for counts in (totals.gt_count, totals.pred_count, totals.tp, totals.fp, totals.fn)),
            )
            for k, name in enumerate(label_names)
        ]
        await bulk_insert(session, EvaluationClass.__table__, CLASS_COLUMNS, class_rows)  # type: ignore[attr-defined]
        await session.execute(
            update(Evaluation)
            .where(
                col(Evaluation.dataset_id) == evaluation.dataset_id,
                col(Evaluation.model_id) == evaluation.model_id,
                col(Evaluation.is_current).is_(True),
            )
            .values(is_current=False)
        )
        now = utcnow()
        evaluation.coco = coco
        evaluation.is_complete = True
        evaluation.is_current = True
        evaluation.completed_at = now
        session.add(evaluation)
        predictions, ground_truth = int(totals.pred_count.sum()), int(totals.gt_count.sum())
        summary = f"evaluated {item_count} items: {predictions} predictions, {ground_truth} ground-truth boxes"
        job.status = JobStatus.COMPLETED.value
        job.completed_steps = job.total_steps
        job.progress = 1.0
        job.finished_at = now
        job.message = _join(summary, _note(job.message))
        session.add(job)
    return job


def _note(message: str | None) -> str | None:
    """The part of a job's message that was there at submission (e.g. the unknown labels)."""
    if message and message.startswith("labels in allowedLabelMatches"):
        return message
    return None


async def abandon(
    sessions: async_sessionmaker[AsyncSession], job_id: int, *, status: JobStatus, message: str, errors: list[str]
) -> Job | None:
    """End a job CANCELLED or ERRORED: delete its partial evaluation; the previous current one stays."""
    async with transaction(sessions) as session:
        job = await _locked_job(session, job_id)
        if job is None:
            return None
        if job.status == JobStatus.COMPLETED:
            return job
        if job.evaluation_id is not None:
            evaluation = await session.get(Evaluation, job.evaluation_id)
            if evaluation is not None and not evaluation.is_complete:
                await _delete_evaluation_rows(session, job.evaluation_id)
                await session.delete(evaluation)
            job.evaluation_id = None
        job.status = status.value
        job.finished_at = job.finished_at or utcnow()
        job.message = _join(message, _note(job.message))
        job.errors = errors
        session.add(job)
    return job

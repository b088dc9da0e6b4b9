"""Import COCO files into a dataset (ground truth) or a model's predictions, through the ingest service.

Files are read by the engine's COCO readers, as pycocotools reads them (DESIGN §7): what they drop or repair is
returned as ``notes``; a file they refuse, or a value the dataset cannot hold, raises ``CocoFileRefused`` naming
the entry before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.engine.cocofile import CocoFileError, DetectionColumns, read_detections, read_ground_truth
from matchscope.engine.cocoids import IdKey, id_key
from matchscope.services import ingest, table_upload
from matchscope.services.errors import DomainError, ValidationFailed
from matchscope.services.records import (
    AnnotationRecord,
    ItemRecord,
    PredictionRecord,
    PredictionTable,
    UploadCounts,
    distinct,
)
from matchscope.store.tables import Dataset, DatasetItem, Model

CHUNK = 50_000
Progress = Callable[[int], object]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ImportResult:
    dataset: Dataset
    model: Model | None
    items: UploadCounts
    boxes: UploadCounts
    notes: tuple[str, ...] = ()  # what was dropped or repaired, as pycocotools reads the file


@dataclass
class CocoFileRefused(DomainError):
    """The file is not one pycocotools could evaluate, or holds a value a dataset cannot; ``reason`` names the
    entry, the value and why."""

    reason: str

    def __post_init__(self) -> None:
        super().__init__(f"{self.reason}; nothing was written")


def _add(total: UploadCounts, part: UploadCounts) -> UploadCounts:
    return UploadCounts(total.new + part.new, total.updated + part.updated, total.ignored + part.ignored)


def category_key(category_id: IdKey) -> str:
    """How a COCO category id is kept in the dataset's metadata: numbers as written (as always), strings quoted."""
    return json.dumps(category_id) if isinstance(category_id, str) else repr(category_id)


def _read(read: Callable[[], T]) -> T:
    try:
        return read()
    except CocoFileError as error:
        raise CocoFileRefused(str(error)) from None


async def find_or_create_dataset(session: AsyncSession, *, account_id: int, name: str) -> Dataset:
    statement = (
        select(Dataset)
        .where(col(Dataset.account_id) == account_id, col(Dataset.name) == name)
        .order_by(col(Dataset.id))
    )
    found = (await session.execute(statement)).scalars().first()
    return found or await ingest.create_dataset(session, account_id=account_id, name=name)


def _refusal(error: ValidationFailed, rows: Sequence[int], entries: str, start: int = 0) -> CocoFileRefused | None:
    """The refusal of the record at `start` + the issue's row, named by its entry in the file (``rows``: its
    position), or None when the issue names no row."""
    issue = error.issues[0]
    if issue.row is None:
        return None
    where = f"{entries}[{rows[start + issue.row]}]"
    return CocoFileRefused(f"{where}.{issue.field} = {issue.value!r}: {issue.message}")


async def _chunked(
    records: Sequence[Any],
    write: Callable[[Any], Any],
    progress: Progress | None,
    rows: Sequence[int],
    entries: str,
) -> UploadCounts:
    """Writes the records in chunks; a refusal names the record's entry in the file."""
    total = UploadCounts()
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        try:
            total = _add(total, await write(chunk))
        except ValidationFailed as error:
            refusal = _refusal(error, rows, entries, start)
            if refusal is None:
                raise
            raise refusal from None
        if progress is not None:
            progress(len(chunk))
    return total


@dataclass(frozen=True, slots=True)
class GroundTruthRecords:
    items: list[ItemRecord]
    image_rows: list[int]  # each item's image entry in the file
    annotations: list[AnnotationRecord]
    rows: list[int]  # each annotation's position in the file
    categories: dict[str, str]  # category_key(id) -> name
    notes: tuple[str, ...]


_JSON_INTEGERS = range(-(2**63), 2**64)  # what a JSON column holds as a number


def _image_meta(image_id: IdKey) -> dict[str, Any]:
    if isinstance(image_id, int) and image_id not in _JSON_INTEGERS:
        return {"coco_image_id_digits": str(image_id)}
    return {"coco_image_id": image_id}


def image_id_of(meta: dict[str, Any] | None) -> IdKey | None:
    """The COCO image id an imported item's metadata keeps, or None."""
    if not meta:
        return None
    if "coco_image_id_digits" in meta:
        return int(meta["coco_image_id_digits"])
    return id_key(meta.get("coco_image_id"))


def _size(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def ground_truth_records(data: Any, *, raw: bytes | None = None, image_root: Path | None = None) -> GroundTruthRecords:
    """COCO instances → items (referenceId = file name) and annotations (annotationId = COCO id).

    With ``image_root``, an image's location is its ``file_name`` under that root, as an absolute path (the server
    serves it when it lies under MATCHSCOPE_IMAGE_ROOT); else its ``coco_url`` or ``file_name`` as given.
    ``raw``: the bytes ``data`` was parsed from by orjson (see ``read_ground_truth``).
    """
    file = _read(lambda: read_ground_truth(data, raw=raw))
    truth = file.ground_truth
    root = image_root.resolve() if image_root is not None else None
    images = data["images"]
    references: dict[int, str] = {}
    items = []
    for code, image_id, row in zip(
        truth.image_ids.tolist(), file.images.ids(truth.image_ids), file.image_rows.tolist(), strict=True
    ):
        image = images[row]
        file_name = image.get("file_name")
        reference = str(file_name or image_id)
        references[code] = reference
        location = image.get("coco_url") or file_name
        if root is not None and isinstance(file_name, str) and file_name:
            location = str(root / file_name)
        items.append(
            ItemRecord(
                reference_id=reference,
                image_location=location if isinstance(location, str) else None,
                width=_size(image.get("width")),
                height=_size(image.get("height")),
                metadata=_image_meta(image_id),
            )
        )
    labels = _labels(truth.category_names, file.categories.ids(truth.category_ids))
    label_of = dict(zip(truth.category_ids.tolist(), labels, strict=True))
    annotations = [
        AnnotationRecord(
            item_reference_id=references[image],
            annotation_id=str(annotation_id),
            label=label_of[category],
            x=x,
            y=y,
            width=width,
            height=height,
            iscrowd=crowd,
            area=area,
        )
        for image, category, annotation_id, (x, y, width, height), crowd, area in zip(
            truth.image_id.tolist(),
            truth.category_id.tolist(),
            file.annotations.ids(truth.ann_id),
            truth.bbox.tolist(),
            truth.iscrowd.tolist(),
            truth.area.tolist(),
            strict=True,
        )
    ]
    categories = {
        category_key(category_id): label
        for category_id, label in zip(file.categories.ids(truth.category_ids), labels, strict=True)
    }
    notes = file.notes
    shared = sum(label != name for label, name in zip(labels, truth.category_names, strict=True))
    if shared:
        notes += (f"categories: {shared} share their name with another, labelled 'name (id N)'",)
    return GroundTruthRecords(items, file.image_rows.tolist(), annotations, file.rows.tolist(), categories, notes)


def _labels(names: list[str], category_ids: list[Any]) -> list[str]:
    """A dataset's labels are names; categories that share one (pycocotools tells them apart by id) get theirs."""
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [
        name if counts[name] == 1 else f"{name} (id {category_id})"
        for name, category_id in zip(names, category_ids, strict=True)
    ]


async def import_ground_truth(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_name: str,
    data: Any,
    raw: bytes | None = None,
    image_root: Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    records = ground_truth_records(data, raw=raw, image_root=image_root)
    dataset = await find_or_create_dataset(session, account_id=account_id, name=dataset_name)
    assert dataset.id is not None
    dataset_id = dataset.id
    dataset.meta = {**(dataset.meta or {}), "coco_categories": records.categories}
    session.add(dataset)

    async def add_items(chunk: Sequence[ItemRecord]) -> UploadCounts:
        return await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=chunk)

    async def write(chunk: Sequence[AnnotationRecord]) -> UploadCounts:
        return await ingest.annotate(session, account_id=account_id, dataset_id=dataset_id, annotations=chunk)

    item_counts = await _chunked(records.items, add_items, progress, records.image_rows, "images")

    box_counts = await _chunked(records.annotations, write, progress, records.rows, "annotations")
    return ImportResult(dataset=dataset, model=None, items=item_counts, boxes=box_counts, notes=records.notes)


async def _coco_index(session: AsyncSession, dataset: Dataset) -> tuple[dict[str, str], dict[IdKey, str]]:
    categories = (dataset.meta or {}).get("coco_categories")
    if not categories:
        raise ValidationFailed.single(
            "dataset", dataset.name, "has no COCO categories: import its ground-truth file first"
        )
    statement = select(col(DatasetItem.reference_id), col(DatasetItem.meta)).where(
        col(DatasetItem.dataset_id) == dataset.id
    )
    images: dict[IdKey, str] = {}
    for reference, meta in (await session.execute(statement)).all():
        key = image_id_of(meta)
        if key is not None:
            images[key] = reference
    return dict(categories), images


@dataclass(frozen=True, slots=True)
class PredictionRecords:
    records: list[PredictionRecord]
    rows: list[int]  # each record's position in the file
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Predictions:
    table: PredictionTable
    rows: list[int]  # each row's position in the file
    notes: tuple[str, ...]


def _distinct(ids: NDArray[np.int64], keys: list[IdKey] | None) -> tuple[list[IdKey], NDArray[np.int64]]:
    """The distinct ids of a column and each row's position among them."""
    if keys is not None:  # the column already holds positions in `keys`
        return list(keys), ids
    found, code = distinct(ids)
    return found.tolist(), code


def prediction_table(data: Any, categories: dict[str, str], images: dict[IdKey, str]) -> Predictions:
    """COCO results (parsed, or already read into ``DetectionColumns``) → a table of predictions; annotationId is
    the 1-based position, as ``loadRes`` numbers them.

    Every image must be one of the dataset's (``loadRes`` asserts it); detections of categories the dataset
    does not have are dropped, as COCOeval never evaluates them.
    """
    columns = data if isinstance(data, DetectionColumns) else _read(lambda: read_detections(data))
    image_keys, image_code = _distinct(columns.image_id, columns.image_keys)
    references = [images.get(key) for key in image_keys]
    unknown = [code for code, reference in enumerate(references) if reference is None]
    if unknown:
        row = int(np.flatnonzero(np.isin(image_code, unknown))[0])
        raise CocoFileRefused(
            f"detections[{row}].image_id = {image_keys[image_code[row]]!r}: not an image of the dataset "
            "(pycocotools' loadRes refuses such a results file)"
        )
    category_keys, category_code = _distinct(columns.category_id, columns.category_keys)
    labels = [categories.get(category_key(key)) for key in category_keys]
    kept = np.flatnonzero(np.isin(category_code, [code for code, label in enumerate(labels) if label is not None]))
    every = len(kept) == len(columns.score)  # the usual case: no copies of the columns
    used_images, reference_code = distinct(image_code if every else image_code[kept])
    used_labels, label_code = distinct(category_code if every else category_code[kept])
    table = PredictionTable(
        references=[references[code] or "" for code in used_images.tolist()],
        reference_code=reference_code,
        labels=[labels[code] or "" for code in used_labels.tolist()],
        label_code=label_code,
        boxes=columns.bbox if every else columns.bbox[kept],
        confidence=columns.score if every else columns.score[kept],
        annotation_ids=list(map(str, range(1, len(kept) + 1) if every else (kept + 1).tolist())),
    )
    notes = []
    if len(kept) < len(columns.score):
        notes.append(
            f"results: {len(columns.score) - len(kept)} of categories the dataset does not have, dropped "
            "(COCOeval never evaluates them)"
        )
    if columns.boxes_computed:
        notes.append(f"results: {columns.boxes_computed} boxes computed from their {columns.computed_from}")
    return Predictions(table, kept.tolist(), tuple(notes))


def prediction_records(data: Any, categories: dict[str, str], images: dict[IdKey, str]) -> PredictionRecords:
    """`prediction_table` as one record per prediction."""
    predictions = prediction_table(data, categories, images)
    return PredictionRecords(predictions.table.records(), predictions.rows, predictions.notes)


async def import_detections(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_name: str,
    model_name: str,
    data: Any,
    raw: bytes | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    statement = select(Dataset).where(col(Dataset.account_id) == account_id, col(Dataset.name) == dataset_name)
    dataset = (await session.execute(statement.order_by(col(Dataset.id)))).scalars().first()
    if dataset is None:
        raise ValidationFailed.single("dataset", dataset_name, "no such dataset: import its ground truth first")
    categories, images = await _coco_index(session, dataset)
    if not isinstance(data, DetectionColumns):
        data = _read(lambda: read_detections(data, raw=raw))
    predictions = prediction_table(data, categories, images)
    model = await ingest.find_model(session, account_id=account_id, reference_id=model_name)
    if model is None:
        model = await ingest.create_model(session, account_id=account_id, name=model_name, reference_id=model_name)
    assert dataset.id is not None and model.id is not None
    try:
        box_counts = await table_upload.upload_prediction_table(
            session,
            account_id=account_id,
            dataset_id=dataset.id,
            model_id=model.id,
            table=predictions.table,
            chunk_rows=CHUNK,
            progress=progress,
        )
    except ValidationFailed as error:
        refusal = _refusal(error, predictions.rows, "detections")
        if refusal is None:
            raise
        raise refusal from None
    return ImportResult(dataset=dataset, model=model, items=UploadCounts(), boxes=box_counts, notes=predictions.notes)

"""Import COCO files into a dataset (ground truth) or a model's predictions, through the ingest service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.services import ingest
from matchscope.services.errors import ValidationFailed
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord, UploadCounts
from matchscope.store.tables import Dataset, DatasetItem, Model

CHUNK = 50_000
Progress = Callable[[int], object]


@dataclass(frozen=True, slots=True)
class ImportResult:
    dataset: Dataset
    model: Model | None
    items: UploadCounts
    boxes: UploadCounts


def _add(total: UploadCounts, part: UploadCounts) -> UploadCounts:
    return UploadCounts(total.new + part.new, total.updated + part.updated, total.ignored + part.ignored)


def _field(record: dict[str, Any], name: str, where: str) -> Any:
    if name not in record:
        raise ValidationFailed.single(f"{where}.{name}", None, "is missing")
    return record[name]


def _bbox(record: dict[str, Any], where: str) -> tuple[float, float, float, float]:
    bbox = _field(record, "bbox", where)
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise ValidationFailed.single(f"{where}.bbox", bbox, "must be [x, y, width, height]")
    return bbox[0], bbox[1], bbox[2], bbox[3]


async def find_or_create_dataset(session: AsyncSession, *, account_id: int, name: str) -> Dataset:
    statement = (
        select(Dataset)
        .where(col(Dataset.account_id) == account_id, col(Dataset.name) == name)
        .order_by(col(Dataset.id))
    )
    found = (await session.execute(statement)).scalars().first()
    return found or await ingest.create_dataset(session, account_id=account_id, name=name)


async def _chunked(
    records: Sequence[Any], write: Callable[[Sequence[Any]], Any], progress: Progress | None
) -> UploadCounts:
    total = UploadCounts()
    for start in range(0, len(records), CHUNK):
        chunk = records[start : start + CHUNK]
        total = _add(total, await write(chunk))
        if progress is not None:
            progress(len(chunk))
    return total


def ground_truth_records(
    data: dict[str, Any],
) -> tuple[list[ItemRecord], list[AnnotationRecord], dict[str, str]]:
    """COCO instances → items (referenceId = file name) and annotations (annotationId = COCO id)."""
    categories = {int(c["id"]): str(c["name"]) for c in _field(data, "categories", "file")}
    image_names: dict[int, str] = {}
    items = []
    for index, image in enumerate(_field(data, "images", "file")):
        where = f"images[{index}]"
        image_id = int(_field(image, "id", where))
        name = str(image.get("file_name") or image_id)
        image_names[image_id] = name
        items.append(
            ItemRecord(
                reference_id=name,
                image_location=image.get("coco_url") or image.get("file_name"),
                width=image.get("width"),
                height=image.get("height"),
                metadata={"coco_image_id": image_id},
            )
        )
    annotations = []
    for index, ann in enumerate(_field(data, "annotations", "file")):
        where = f"annotations[{index}]"
        category = int(_field(ann, "category_id", where))
        if category not in categories:
            raise ValidationFailed.single(f"{where}.category_id", category, "no such category", index)
        image_id = int(_field(ann, "image_id", where))
        if image_id not in image_names:
            raise ValidationFailed.single(f"{where}.image_id", image_id, "no such image", index)
        x, y, width, height = _bbox(ann, where)
        annotations.append(
            AnnotationRecord(
                item_reference_id=image_names[image_id],
                annotation_id=str(_field(ann, "id", where)),
                label=categories[category],
                x=x,
                y=y,
                width=width,
                height=height,
                iscrowd=bool(ann.get("iscrowd", 0)),
                area=ann.get("area"),
            )
        )
    return items, annotations, {str(k): v for k, v in categories.items()}


async def import_ground_truth(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_name: str,
    data: dict[str, Any],
    progress: Progress | None = None,
) -> ImportResult:
    items, annotations, categories = ground_truth_records(data)
    dataset = await find_or_create_dataset(session, account_id=account_id, name=dataset_name)
    assert dataset.id is not None
    dataset.meta = {**(dataset.meta or {}), "coco_categories": categories}
    session.add(dataset)
    item_counts = await ingest.append_items(session, account_id=account_id, dataset_id=dataset.id, items=items)
    if progress is not None:
        progress(len(items))

    async def write(chunk: Sequence[AnnotationRecord]) -> UploadCounts:
        assert dataset.id is not None
        return await ingest.annotate(session, account_id=account_id, dataset_id=dataset.id, annotations=chunk)

    box_counts = await _chunked(annotations, write, progress)
    return ImportResult(dataset=dataset, model=None, items=item_counts, boxes=box_counts)


async def _coco_index(session: AsyncSession, dataset: Dataset) -> tuple[dict[int, str], dict[int, str]]:
    categories = (dataset.meta or {}).get("coco_categories")
    if not categories:
        raise ValidationFailed.single(
            "dataset", dataset.name, "has no COCO categories: import its ground-truth file first"
        )
    statement = select(col(DatasetItem.reference_id), col(DatasetItem.meta)).where(
        col(DatasetItem.dataset_id) == dataset.id
    )
    images = {
        int(meta["coco_image_id"]): reference
        for reference, meta in (await session.execute(statement)).all()
        if meta and "coco_image_id" in meta
    }
    return {int(k): v for k, v in categories.items()}, images


def _prediction_record(
    index: int, det: dict[str, Any], categories: dict[int, str], images: dict[int, str]
) -> PredictionRecord:
    """One detection, checked field by field so that an error names the row, the field and the value."""
    where = f"[{index}]"
    image_id = int(_field(det, "image_id", where))
    if image_id not in images:
        raise ValidationFailed.single(f"{where}.image_id", image_id, "no such image in the dataset", index)
    category = int(_field(det, "category_id", where))
    if category not in categories:
        raise ValidationFailed.single(f"{where}.category_id", category, "no such category", index)
    x, y, width, height = _bbox(det, where)
    return PredictionRecord(
        images[image_id], categories[category], x, y, width, height, str(index + 1), det.get("score")
    )


def prediction_records(
    detections: list[dict[str, Any]], categories: dict[int, str], images: dict[int, str]
) -> list[PredictionRecord]:
    """COCO results → predictions; annotationId is the 1-based position, as pycocotools' loadRes numbers them."""
    if not isinstance(detections, list):
        raise ValidationFailed.single("file", type(detections).__name__, "a COCO results file is a JSON list")
    records: list[PredictionRecord] = []
    append = records.append
    try:
        # The fast path builds records positionally; any malformed detection sends us to the checked path.
        for index, det in enumerate(detections, start=1):
            x, y, width, height = det["bbox"]
            append(
                PredictionRecord(
                    images[det["image_id"]],
                    categories[det["category_id"]],
                    x,
                    y,
                    width,
                    height,
                    str(index),
                    det.get("score"),
                )
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        return [_prediction_record(index, det, categories, images) for index, det in enumerate(detections)]
    return records


async def import_detections(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_name: str,
    model_name: str,
    data: list[dict[str, Any]],
    progress: Progress | None = None,
) -> ImportResult:
    statement = select(Dataset).where(col(Dataset.account_id) == account_id, col(Dataset.name) == dataset_name)
    dataset = (await session.execute(statement.order_by(col(Dataset.id)))).scalars().first()
    if dataset is None:
        raise ValidationFailed.single("dataset", dataset_name, "no such dataset: import its ground truth first")
    categories, images = await _coco_index(session, dataset)
    records = prediction_records(data, categories, images)
    model = await ingest.find_model(session, account_id=account_id, reference_id=model_name)
    if model is None:
        model = await ingest.create_model(session, account_id=account_id, name=model_name, reference_id=model_name)
    assert dataset.id is not None and model.id is not None
    dataset_id, model_id = dataset.id, model.id

    async def write(chunk: Sequence[PredictionRecord]) -> UploadCounts:
        return await ingest.upload_predictions(
            session, account_id=account_id, dataset_id=dataset_id, model_id=model_id, predictions=chunk
        )

    box_counts = await _chunked(records, write, progress)
    return ImportResult(dataset=dataset, model=model, items=UploadCounts(), boxes=box_counts)

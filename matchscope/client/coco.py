"""COCO files → the client's records, with the keys `matchscope import-coco` gives them: an item's referenceId is
the image's file name, a ground-truth box's annotationId its COCO id, a detection's its 1-based position in the
results file (as pycocotools' loadRes numbers them)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matchscope.client.errors import FieldError, ValidationError
from matchscope.client.records import BoxAnnotation, DatasetItem, PredictionTable


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """A COCO instances file as items and annotations, with the lookups detections need."""

    items: list[DatasetItem]
    annotations: list[BoxAnnotation]
    categories: dict[int, str]
    references: dict[int, str]  # COCO image id → item referenceId
    notes: list[str]  # what was dropped, as pycocotools' evaluation never looks at it


def read_json(path: str | Path) -> Any:
    """Parse a JSON file (with orjson when it is installed: COCO results files run to hundreds of MB)."""
    data = Path(path).read_bytes()
    try:
        import orjson
    except ImportError:
        return json.loads(data)
    return orjson.loads(data)


def _refused(field: str, value: Any, message: str, row: int | None = None) -> ValidationError:
    error = FieldError(row=row, field=field, value=repr(value)[:200], message=message)
    return ValidationError(f"{error.describe()}; nothing was uploaded", [error])


def _get(record: Any, name: str, where: str, row: int | None = None) -> Any:
    if not isinstance(record, dict) or name not in record:
        raise _refused(f"{where}.{name}", None, "is missing", row)
    return record[name]


def _list(record: Any, name: str) -> list[Any]:
    value = _get(record, name, "file")
    if not isinstance(value, list):
        raise _refused(f"file.{name}", value, "must be a list")
    return value


def _id(record: Any, name: str, where: str, row: int) -> int:
    value = _get(record, name, where, row)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _refused(f"{where}.{name}", value, "must be a number", row)
    try:
        return int(value)
    except ValueError:
        raise _refused(f"{where}.{name}", value, "must be a number", row) from None


def _bbox(record: dict[str, Any], where: str, row: int) -> tuple[float, float, float, float]:
    bbox = _get(record, "bbox", where, row)
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise _refused(f"{where}.bbox", bbox, "must be [x, y, width, height]", row)
    return bbox[0], bbox[1], bbox[2], bbox[3]


def ground_truth(data: Any) -> GroundTruth:
    """A parsed COCO instances file → items and annotations."""
    if not isinstance(data, dict):
        raise _refused("file", type(data).__name__, "a COCO instances file is a JSON object")
    categories: dict[int, str] = {}
    for row, category in enumerate(_list(data, "categories")):
        categories.setdefault(_id(category, "id", f"categories[{row}]", row), str(category.get("name")))
    references: dict[int, str] = {}
    items = []
    repeated = 0
    for row, image in enumerate(_list(data, "images")):
        image_id = _id(image, "id", f"images[{row}]", row)
        if image_id in references:
            repeated += 1
            continue
        reference = str(image.get("file_name") or image_id)
        references[image_id] = reference
        items.append(
            DatasetItem(
                reference_id=reference,
                image_location=image.get("coco_url") or image.get("file_name"),
                width=image.get("width"),
                height=image.get("height"),
                metadata={"coco_image_id": image_id},
            )
        )
    annotations = []
    unlisted = 0
    for row, ann in enumerate(_list(data, "annotations")):
        where = f"annotations[{row}]"
        category = _id(ann, "category_id", where, row)
        image_id = _id(ann, "image_id", where, row)
        if category not in categories or image_id not in references:
            unlisted += 1
            continue
        x, y, width, height = _bbox(ann, where, row)
        annotations.append(
            BoxAnnotation(
                label=categories[category],
                x=x,
                y=y,
                width=width,
                height=height,
                reference_id=references[image_id],
                annotation_id=str(_get(ann, "id", where, row)),
                iscrowd=bool(ann.get("iscrowd", 0)),
                area=ann.get("area"),
            )
        )
    notes = [f"{repeated} image(s) listed twice, read once"] if repeated else []
    if unlisted:
        notes.append(f"{unlisted} annotation(s) on images or of categories the file does not list, dropped")
    return GroundTruth(items, annotations, categories, references, notes)


def _plain(det: Any) -> tuple[int, int, Sequence[Any], Any] | None:
    """(image id, category id, bbox, score) of a detection with plain integer ids and a 4-list bbox (nearly all of
    them: a results file holds hundreds of thousands), else None: the entry is read field by field."""
    if type(det) is dict and "score" in det:
        image_id, category, bbox = det.get("image_id"), det.get("category_id"), det.get("bbox")
        if type(image_id) is int and type(category) is int and type(bbox) is list and len(bbox) == 4:
            return image_id, category, bbox, det["score"]
    return None


def predictions(detections: Any, truth: GroundTruth) -> tuple[PredictionTable, list[str]]:
    """A parsed COCO results list → predictions as columns (annotationId: the 1-based position in the file, dropped
    ones counted) and notes on what was dropped: detections of categories the ground truth does not list."""
    if not isinstance(detections, list):
        raise _refused("file", type(detections).__name__, "a COCO results file is a JSON list")
    table = PredictionTable([], [], [], [], [], [], [], [])
    labels, xs, ys, widths, heights = table.labels, table.x, table.y, table.width, table.height
    reference_ids, confidences, keys = table.reference_ids, table.confidences, table.annotation_ids
    dropped = 0
    references, categories = truth.references, truth.categories
    for row, det in enumerate(detections):
        plain = _plain(det)
        if plain is not None:
            image_id, category, bbox, score = plain
            reference, label = references.get(image_id), categories.get(category)
            if reference is None or label is None:
                plain = None
        if plain is None:
            where = f"[{row}]"
            image_id = _id(det, "image_id", where, row)
            if image_id not in references:
                raise _refused(f"{where}.image_id", image_id, "no such image in the ground truth", row)
            category = _id(det, "category_id", where, row)
            if category not in categories:
                dropped += 1
                continue
            bbox, score = _bbox(det, where, row), _get(det, "score", where, row)
            reference, label = references[image_id], categories[category]
        x, y, width, height = bbox
        labels.append(label)
        xs.append(x)
        ys.append(y)
        widths.append(width)
        heights.append(height)
        reference_ids.append(reference)
        confidences.append(score)
        keys.append(str(row + 1))
    notes = [f"{dropped} detection(s) of categories the ground truth does not list, dropped"] if dropped else []
    return table, notes

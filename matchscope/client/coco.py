"""COCO files → the client's records, with the keys `matchscope import-coco` gives them: an item's referenceId is
the image's file name, a ground-truth box's annotationId its COCO id, a detection's its 1-based position in the
results file (as pycocotools' loadRes numbers them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matchscope.client.errors import FieldError, ValidationError
from matchscope.client.records import BoxAnnotation, BoxPrediction, DatasetItem


@dataclass(frozen=True, slots=True)
class GroundTruth:
    """A COCO instances file as items and annotations, with the lookups detections need."""

    items: list[DatasetItem]
    annotations: list[BoxAnnotation]
    categories: dict[int, str]
    references: dict[int, str]  # COCO image id → item referenceId


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


def _bbox(record: dict[str, Any], where: str, row: int) -> tuple[float, float, float, float]:
    bbox = _get(record, "bbox", where, row)
    if not isinstance(bbox, list) or len(bbox) != 4:
        raise _refused(f"{where}.bbox", bbox, "must be [x, y, width, height]", row)
    return bbox[0], bbox[1], bbox[2], bbox[3]


def ground_truth(data: Any) -> GroundTruth:
    """A parsed COCO instances file → items and annotations."""
    if not isinstance(data, dict):
        raise _refused("file", type(data).__name__, "a COCO instances file is a JSON object")
    categories = {int(c["id"]): str(c["name"]) for c in _get(data, "categories", "file")}
    references: dict[int, str] = {}
    items = []
    for row, image in enumerate(_get(data, "images", "file")):
        image_id = int(_get(image, "id", f"images[{row}]", row))
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
    for row, ann in enumerate(_get(data, "annotations", "file")):
        where = f"annotations[{row}]"
        category = int(_get(ann, "category_id", where, row))
        if category not in categories:
            raise _refused(f"{where}.category_id", category, "no such category", row)
        image_id = int(_get(ann, "image_id", where, row))
        if image_id not in references:
            raise _refused(f"{where}.image_id", image_id, "no such image", row)
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
    return GroundTruth(items, annotations, categories, references)


def predictions(detections: Any, truth: GroundTruth) -> list[BoxPrediction]:
    """A parsed COCO results list → predictions; annotationId is the 1-based position."""
    if not isinstance(detections, list):
        raise _refused("file", type(detections).__name__, "a COCO results file is a JSON list")
    boxes = []
    for row, det in enumerate(detections):
        where = f"[{row}]"
        image_id = int(_get(det, "image_id", where, row))
        if image_id not in truth.references:
            raise _refused(f"{where}.image_id", image_id, "no such image in the ground truth", row)
        category = int(_get(det, "category_id", where, row))
        if category not in truth.categories:
            raise _refused(f"{where}.category_id", category, "no such category", row)
        x, y, width, height = _bbox(det, where, row)
        boxes.append(
            BoxPrediction(
                label=truth.categories[category],
                x=x,
                y=y,
                width=width,
                height=height,
                reference_id=truth.references[image_id],
                confidence=det.get("score"),
                annotation_id=str(row + 1),
            )
        )
    return boxes

"""Plain records that every ingest path (GraphQL, COCO import, demo) hands to the ingest service.

Not frozen: building hundreds of thousands of frozen dataclasses costs seconds on a COCO import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class ItemRecord:
    reference_id: str
    image_location: str | None = None
    width: int | None = None
    height: int | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class AnnotationRecord:
    item_reference_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: str | None = None
    iscrowd: bool = False
    metadata: dict[str, Any] | None = None
    area: float | None = None


@dataclass(slots=True)
class PredictionRecord:
    item_reference_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: str | None = None
    confidence: float | None = None
    class_pdf: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class UploadCounts:
    new: int = 0
    updated: int = 0
    ignored: int = 0

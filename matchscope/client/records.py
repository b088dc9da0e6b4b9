"""What callers upload (Nucleus' field names) and the plain results the facade returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matchscope.client._generated import (
    BoxAnnotationInput,
    BoxPredictionInput,
    DatasetItemInput,
)


@dataclass(slots=True)
class DatasetItem:
    """An image of a dataset, keyed by `reference_id` within it."""

    reference_id: str
    image_location: str | None = None
    width: int | None = None
    height: int | None = None
    metadata: dict[str, Any] | None = None

    def to_input(self) -> DatasetItemInput:
        """The GraphQL input of this item."""
        return DatasetItemInput.model_construct(
            reference_id=self.reference_id,
            image_location=self.image_location,
            width=self.width,
            height=self.height,
            metadata=self.metadata,
        )


@dataclass(slots=True)
class Box:
    """What both box kinds start with, in Nucleus' positional order."""

    label: str
    x: float
    y: float
    width: float
    height: float
    reference_id: str

    def _box_input(self) -> dict[str, Any]:
        """The box's fields of its GraphQL input."""
        return {
            "item_reference_id": self.reference_id,
            "label": self.label,
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
        }


@dataclass(slots=True)
class BoxAnnotation(Box):
    """A ground-truth box on the item `reference_id`; `x, y` is its left/top corner, in pixels."""

    annotation_id: str | None = None
    iscrowd: bool = False
    metadata: dict[str, Any] | None = None
    area: float | None = None  # COCO's segment area (size ranges of COCO metrics); None: width * height

    def to_input(self) -> BoxAnnotationInput:
        """The GraphQL input of this box."""
        return BoxAnnotationInput.model_construct(
            **self._box_input(),
            annotation_id=self.annotation_id,
            iscrowd=self.iscrowd,
            metadata=self.metadata,
            area=self.area,
        )


@dataclass(slots=True)
class BoxPrediction(Box):
    """A model's predicted box on the item `reference_id`; `confidence` in [0, 1] or None."""

    confidence: float | None = None
    annotation_id: str | None = None
    class_pdf: dict[str, float] | None = None
    metadata: dict[str, Any] | None = None

    def to_input(self) -> BoxPredictionInput:
        """The GraphQL input of this box."""
        return BoxPredictionInput.model_construct(
            **self._box_input(),
            annotation_id=self.annotation_id,
            confidence=self.confidence,
            class_pdf=self.class_pdf,
            metadata=self.metadata,
        )


@dataclass(slots=True)
class PredictionTable:
    """Predictions as columns, entry i of every list being row i: a COCO results file read by `import_coco` (500,000
    rows as a few lists instead of 500,000 objects)."""

    labels: list[Any]
    x: list[Any]
    y: list[Any]
    width: list[Any]
    height: list[Any]
    reference_ids: list[Any]
    confidences: list[Any]
    annotation_ids: list[Any]

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, part: slice) -> PredictionTable:
        return PredictionTable(*(getattr(self, name)[part] for name in self.__slots__))

    def rows(self) -> list[BoxPrediction]:
        """The table as one BoxPrediction a row."""
        columns = (self.labels, self.x, self.y, self.width, self.height, self.reference_ids, self.confidences)
        return [
            BoxPrediction(label, x, y, width, height, reference, confidence, key)
            for label, x, y, width, height, reference, confidence, key in zip(
                *columns, self.annotation_ids, strict=True
            )
        ]


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What an upload did over all its batches: new keys, replaced keys (update=True), existing keys left."""

    new: int = 0
    updated: int = 0
    ignored: int = 0

    def __add__(self, other: UploadResult) -> UploadResult:
        return UploadResult(self.new + other.new, self.updated + other.updated, self.ignored + other.ignored)


@dataclass(frozen=True, slots=True)
class CocoMetrics:
    """pycocotools' 12 summary numbers overall (`stats`) and per class, and the PR curves (101 recall points)."""

    stats: list[float]
    per_class: dict[str, list[float]]
    pr_curves: dict[str, dict[str, list[float]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What `import_coco` wrote."""

    dataset_id: str
    model_id: str | None
    items: UploadResult
    annotations: UploadResult
    predictions: UploadResult
    notes: tuple[str, ...] = ()  # what was dropped, as pycocotools reads the files

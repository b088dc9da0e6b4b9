"""Plain records that every ingest path (GraphQL, COCO import, demo) hands to the ingest service.

Not frozen: building hundreds of thousands of frozen dataclasses costs seconds on a COCO import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(slots=True)
class ItemRecord:
    reference_id: str
    image_location: str | None = None
    width: int | None = None
    height: int | None = None
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class BoxRecord:
    """What a ground-truth box and a prediction both have: their item, label, box (x, y: top-left corner, pixels)
    and key on the item (derived from the box when None)."""

    item_reference_id: str
    label: str
    x: float
    y: float
    width: float
    height: float
    annotation_id: str | None = None


@dataclass(slots=True)
class AnnotationRecord(BoxRecord):
    iscrowd: bool = False
    metadata: dict[str, Any] | None = None
    area: float | None = None


@dataclass(slots=True)
class PredictionRecord(BoxRecord):
    confidence: float | None = None
    class_pdf: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None


def distinct(values: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The sorted distinct values and each value's position among them: `np.unique(values, return_inverse=True)`,
    without its sort when the values span a range not much wider than their count (ids, codes): ~10x faster."""
    if values.size == 0:
        return values[:0].copy(), np.zeros(0, dtype=np.int64)
    low, high = int(values.min()), int(values.max())
    if high - low > 2 * values.size + 1024:
        found, code = np.unique(values, return_inverse=True)
        return found, code.reshape(-1).astype(np.int64, copy=False)
    offsets = values - low
    present = np.zeros(high - low + 1, dtype=bool)
    present[offsets] = True
    code_of = np.cumsum(present, dtype=np.int64) - 1
    return (np.flatnonzero(present) + low).astype(values.dtype, copy=False), code_of[offsets]


@dataclass(frozen=True, slots=True)
class PredictionTable:
    """Predictions as columns, for imports of hundreds of thousands of rows: no object per row (building, checking
    and unpacking one record per detection was most of a COCO import's time). Item references and labels are
    codes into lists of the distinct values the rows use, so each is looked up and checked once."""

    references: list[str]
    reference_code: NDArray[np.int64]
    labels: list[str]
    label_code: NDArray[np.int64]
    boxes: NDArray[np.float64]  # (N, 4): x, y, width, height
    confidence: NDArray[np.float64]
    annotation_ids: list[str]

    def __len__(self) -> int:
        return len(self.annotation_ids)

    def __getitem__(self, rows: slice) -> PredictionTable:
        """The rows `rows`, with only the references and labels they use (a chunk looks up only its own items)."""
        references, reference_code = distinct(self.reference_code[rows])
        labels, label_code = distinct(self.label_code[rows])
        return PredictionTable(
            [self.references[code] for code in references.tolist()],
            reference_code,
            [self.labels[code] for code in labels.tolist()],
            label_code,
            self.boxes[rows],
            self.confidence[rows],
            self.annotation_ids[rows],
        )

    def record(self, row: int) -> PredictionRecord:
        x, y, width, height = self.boxes[row].tolist()
        reference, label = self.references[self.reference_code[row]], self.labels[self.label_code[row]]
        return PredictionRecord(
            reference, label, x, y, width, height, self.annotation_ids[row], float(self.confidence[row])
        )

    def records(self) -> list[PredictionRecord]:
        return [self.record(row) for row in range(len(self))]


@dataclass(frozen=True, slots=True)
class UploadCounts:
    new: int = 0
    updated: int = 0
    ignored: int = 0

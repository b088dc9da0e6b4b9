"""Loading COCO instances files and results lists straight into arrays.

Results lists (the big file) go through a byte-level numba parser (``_kernels_json``) when they have the
usual shape. Everything else, and instances files, are parsed by orjson with the garbage collector paused
(half a million small dicts would otherwise trigger many useless collections); the columns are then pulled
out with C-level iteration and converted by numpy in one go. Errors name the field, the index and the value.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import operator
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
from numpy.typing import NDArray

from matchscope.engine.coco import CocoDetections, CocoGroundTruth, _index_in

if TYPE_CHECKING:
    from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes

Source = str | Path | bytes


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def _parse(source: Source, what: str) -> Any:
    raw = _read(source)
    try:
        with _gc_paused():
            return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"{what}: not valid JSON ({error})") from None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_bbox(where: str, bbox: object) -> None:
    if not isinstance(bbox, list) or len(bbox) != 4 or not all(_is_number(v) for v in bbox):
        raise ValueError(f"{where}.bbox = {bbox!r}: expected [x, y, width, height] numbers")
    if bbox[2] < 0 or bbox[3] < 0:
        raise ValueError(f"{where}.bbox = {bbox!r}: negative width or height")


def _field(where: str, record: object, name: str) -> Any:
    if not isinstance(record, dict):
        raise ValueError(f"{where} = {record!r}: expected an object")
    if name not in record:
        raise ValueError(f"{where}.{name}: missing")
    return record[name]


def _integer(where: str, record: object, name: str) -> int:
    value = _field(where, record, name)
    if not _is_integer(value):
        raise ValueError(f"{where}.{name} = {value!r}: expected an integer")
    return int(value)


def _list_of(data: dict[str, Any], key: str, what: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{what}.{key}: expected a list, got {type(value).__name__}")
    return value


def load_ground_truth(source: Source) -> CocoGroundTruth:
    """Read a COCO instances file (path or bytes): images, categories and annotations as arrays.

    Annotations keep file order; ``area`` defaults to width * height and ``iscrowd`` to 0 when absent.
    Raises ValueError naming the field, index and value of the first invalid entry.
    """
    data = _parse(source, "ground truth")
    if not isinstance(data, dict):
        raise ValueError("ground truth: expected a COCO instances object with images, annotations, categories")
    images = _list_of(data, "images", "ground truth")
    categories = _list_of(data, "categories", "ground truth")
    annotations = _list_of(data, "annotations", "ground truth")
    image_ids = np.array([_integer(f"images[{i}]", img, "id") for i, img in enumerate(images)], dtype=np.int64)
    unique_images = np.unique(image_ids)
    category_pairs = []
    for i, category in enumerate(categories):
        cat_id = _integer(f"categories[{i}]", category, "id")
        category_pairs.append((cat_id, str(category.get("name", cat_id))))
    category_pairs.sort()
    category_ids = np.array([c for c, _ in category_pairs], dtype=np.int64)
    if np.unique(category_ids).size != category_ids.size:
        raise ValueError("ground truth: categories: duplicate category id")
    try:
        ann_id, image_id, category_id, bbox, area, iscrowd = _annotation_columns(annotations)
    except (KeyError, TypeError, ValueError):
        ann_id, image_id, category_id, bbox, area, iscrowd = _annotation_rows(annotations)
    _check_known(image_id, unique_images, "annotations", "image_id", "not an image of the file")
    _check_known(category_id, category_ids, "annotations", "category_id", "not a category of the file")
    if np.unique(ann_id).size != ann_id.size:
        ids, counts = np.unique(ann_id, return_counts=True)
        raise ValueError(f"annotations: duplicate id {int(ids[counts > 1][0])}")
    return CocoGroundTruth(
        image_ids=unique_images,
        category_ids=category_ids,
        category_names=[name for _, name in category_pairs],
        ann_id=ann_id,
        image_id=image_id,
        category_id=category_id,
        bbox=bbox,
        area=area,
        iscrowd=iscrowd,
    )


_Annotations = tuple[
    NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]
]
_ANNOTATION_COLUMNS = operator.itemgetter("id", "image_id", "category_id", "bbox")


def _annotation_columns(annotations: list[Any]) -> _Annotations:
    """Fast path: whole columns converted by numpy; any doubt raises and the row-by-row path takes over."""
    n = len(annotations)
    if n == 0:
        return _annotation_rows(annotations)
    with _gc_paused():
        ids, image_ids, category_ids, boxes = zip(*map(_ANNOTATION_COLUMNS, annotations), strict=True)
        areas = [ann.get("area") for ann in annotations]
        crowds = [ann.get("iscrowd", 0) for ann in annotations]
    columns = [np.array(ids), np.array(image_ids), np.array(category_ids)]
    bbox = np.array(boxes)
    area = np.array(areas)
    iscrowd = np.array(crowds)
    if (
        any(column.dtype.kind != "i" for column in columns)
        or bbox.dtype.kind not in "iuf"
        or bbox.shape != (n, 4)
        or area.dtype.kind not in "iuf"
        or iscrowd.dtype.kind not in "biu"
    ):
        raise ValueError("not plain columns")
    bbox = bbox.astype(np.float64)
    area = area.astype(np.float64)
    if (bbox[:, 2:] < 0).any() or (area < 0).any():
        raise ValueError("negative sizes")
    return columns[0], columns[1], columns[2], bbox, area, iscrowd.astype(np.bool_)


def _annotation_rows(annotations: list[Any]) -> _Annotations:
    """Row by row, with the error message for the first invalid annotation."""
    n = len(annotations)
    ann_id = np.empty(n, dtype=np.int64)
    image_id = np.empty(n, dtype=np.int64)
    category_id = np.empty(n, dtype=np.int64)
    bbox = np.empty((n, 4), dtype=np.float64)
    area = np.empty(n, dtype=np.float64)
    iscrowd = np.empty(n, dtype=np.bool_)
    for i, ann in enumerate(annotations):
        where = f"annotations[{i}]"
        ann_id[i] = _integer(where, ann, "id")
        image_id[i] = _integer(where, ann, "image_id")
        category_id[i] = _integer(where, ann, "category_id")
        box = _field(where, ann, "bbox")
        _check_bbox(where, box)
        bbox[i] = box
        value = ann.get("area", box[2] * box[3])
        if not _is_number(value) or value < 0:
            raise ValueError(f"{where}.area = {value!r}: expected a non-negative number")
        area[i] = value
        crowd = ann.get("iscrowd", 0)
        if not _is_number(crowd) and not isinstance(crowd, bool):
            raise ValueError(f"{where}.iscrowd = {crowd!r}: expected 0 or 1")
        iscrowd[i] = bool(crowd)
    return ann_id, image_id, category_id, bbox, area, iscrowd


def _check_known(values: NDArray[np.int64], known: NDArray[np.int64], what: str, field: str, reason: str) -> None:
    if values.size == 0:
        return
    ok = _index_in(values, known)[1]
    if not ok.all():
        bad = int(np.flatnonzero(~ok)[0])
        raise ValueError(f"{what}[{bad}].{field} = {int(values[bad])}: {reason}")


_COLUMNS = operator.itemgetter("image_id", "category_id", "bbox", "score")


@dataclass(frozen=True, slots=True)
class DetectionColumns:
    """A results list as validated columns (M rows, file order), not yet checked against a ground truth."""

    image_id: NDArray[np.int64]
    category_id: NDArray[np.int64]
    bbox: NDArray[np.float64]
    score: NDArray[np.float64]


def parse_detections(source: Source) -> DetectionColumns:
    """Read a COCO results list (path or bytes) of bbox detections into columns.

    Raises ValueError naming the field, index and value of the first invalid detection.
    """
    raw: bytes | mmap.mmap = source if isinstance(source, bytes) else _map(source)
    fast = _parse_detections_bytes(raw)
    if fast is not None:
        return fast
    data = _parse(raw[:], "detections")
    if not isinstance(data, list):
        raise ValueError("detections: expected a list of COCO results")
    n = len(data)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return DetectionColumns(empty, empty.copy(), np.zeros((0, 4)), np.zeros(0))
    try:
        with _gc_paused():
            image_ids, category_ids, boxes, scores = zip(*map(_COLUMNS, data), strict=True)
        image_id = np.array(image_ids)
        category_id = np.array(category_ids)
        bbox = np.array(boxes)
        score = np.array(scores)
    except (KeyError, TypeError, ValueError):
        _find_invalid(data)
        raise
    if (
        image_id.dtype.kind != "i"
        or category_id.dtype.kind != "i"
        or bbox.dtype.kind not in "iuf"
        or bbox.shape != (n, 4)
        or score.dtype.kind not in "iuf"
    ):
        _find_invalid(data)
    bbox = bbox.astype(np.float64, copy=False)
    if (bbox[:, 2:] < 0).any():
        _find_invalid(data)
    return DetectionColumns(
        image_id.astype(np.int64, copy=False),
        category_id.astype(np.int64, copy=False),
        bbox,
        score.astype(np.float64, copy=False),
    )


def _map(path: str | Path) -> bytes | mmap.mmap:
    """The file's bytes, mapped rather than copied (prefaulted where the OS can): 10x faster than reading
    400 MB into a bytes object. Unmapped when the last reference goes."""
    with open(path, "rb") as file:
        status = os.fstat(file.fileno())
        if os.name != "posix" or not stat.S_ISREG(status.st_mode) or status.st_size == 0:
            return file.read()  # pipes (/dev/stdin), empty files, other systems' mmap
        flags = mmap.MAP_PRIVATE | getattr(mmap, "MAP_POPULATE", 0)
        return mmap.mmap(file.fileno(), 0, flags=flags, prot=mmap.PROT_READ)


def _parse_detections_bytes(raw: bytes | mmap.mmap) -> DetectionColumns | None:
    """The byte-level numba parser (the common case), or None: then orjson reads it and explains errors."""
    from matchscope.engine import _kernels_json

    status, image_id, category_id, bbox, score, spans = _kernels_json.parse_results(np.frombuffer(raw, dtype=np.uint8))
    if status != _kernels_json.OK:
        return None
    # Numbers the kernel could not convert exactly (more than 18 digits, or far exponents): Python's float.
    if spans.size:
        for row, column, start, end in spans.tolist():
            value = float(raw[start:end])
            if column == 4:
                score[row] = value
            else:
                bbox[row, column] = value
        if (bbox[:, 2:] < 0).any() or not (np.isfinite(bbox).all() and np.isfinite(score).all()):
            return None
    return DetectionColumns(image_id, category_id, bbox, score)


def detections_for(columns: DetectionColumns, ground_truth: CocoGroundTruth) -> CocoDetections:
    """Check the columns against the ground truth (known images, as loadRes asserts, and categories)."""
    _check_known(columns.image_id, ground_truth.image_ids, "detections", "image_id", "not an image of the ground truth")
    _check_known(
        columns.category_id,
        ground_truth.category_ids,
        "detections",
        "category_id",
        "not a category of the ground truth",
    )
    bbox = columns.bbox
    return CocoDetections(
        image_id=columns.image_id,
        category_id=columns.category_id,
        bbox=bbox,
        score=columns.score,
        area=bbox[:, 2] * bbox[:, 3],
    )


def load_detections(source: Source, ground_truth: CocoGroundTruth) -> CocoDetections:
    """Read a COCO results list (path or bytes) of bbox detections; detection ids are 1-based positions.

    Every detection must name an image and a category of ``ground_truth`` (pycocotools' loadRes asserts the
    former). Raises ValueError naming the field, index and value of the first invalid detection.
    """
    return detections_for(parse_detections(source), ground_truth)


def _find_invalid(data: list[Any]) -> None:
    """Slow path after the fast conversion failed: raise for the first invalid detection."""
    for i, det in enumerate(data):
        where = f"detections[{i}]"
        _integer(where, det, "image_id")
        _integer(where, det, "category_id")
        _check_bbox(where, _field(where, det, "bbox"))
        score = _field(where, det, "score")
        if not _is_number(score):
            raise ValueError(f"{where}.score = {score!r}: expected a number")
    raise ValueError("detections: invalid results list")


def image_index(ground_truth: CocoGroundTruth, image_id: NDArray[np.int64]) -> NDArray[np.int64]:
    """Item index (position in the sorted ``ground_truth.image_ids``) of each image id; ids must be known."""
    return _index_in(image_id, ground_truth.image_ids)[0]


def category_index(ground_truth: CocoGroundTruth, category_id: NDArray[np.int64]) -> NDArray[np.int64]:
    """Label index (position in the sorted ``ground_truth.category_ids``) of each category id; ids must be known."""
    return _index_in(category_id, ground_truth.category_ids)[0]


def matching_inputs(
    ground_truth: CocoGroundTruth, detections: CocoDetections
) -> tuple[NDArray[np.int64], GroundTruthBoxes, PredictionBoxes]:
    """The greedy matcher's boxes for COCO files, and the ground-truth rows in the order it was given them.

    Ground truth goes in annotation-id order, the insertion order the greedy tie-break uses; detections in
    file order. Items are image indexes, labels category indexes.
    """
    from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes  # numba kernels: loaded on use

    gt_rows = np.argsort(ground_truth.ann_id, kind="stable")
    gt_boxes = GroundTruthBoxes(
        item=image_index(ground_truth, ground_truth.image_id[gt_rows]),
        boxes=ground_truth.bbox[gt_rows],
        label=category_index(ground_truth, ground_truth.category_id[gt_rows]).astype(np.int32),
    )
    pred_boxes = PredictionBoxes(
        item=image_index(ground_truth, detections.image_id),
        boxes=detections.bbox,
        label=category_index(ground_truth, detections.category_id).astype(np.int32),
        confidence=detections.score,
    )
    return gt_rows, gt_boxes, pred_boxes

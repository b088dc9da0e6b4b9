"""COCO results lists read into columns, as pycocotools' ``loadRes`` reads them: see
``matchscope.engine.cocofile``."""

from __future__ import annotations

import json
import mmap
import operator
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchscope.engine import rle
from matchscope.engine.cocoids import CocoFileError, IdKey
from matchscope.engine.cocojson import (
    EMPTY_INTS,
    InexactId,
    Source,
    finite_number,
    gc_paused,
    kind_of,
    parse_json,
    read_bbox,
    read_id,
    record_at,
    short,
)

_CAPTION_WINDOW = 1 << 20  # the first result lies within the first MB but for a huge segmentation


@dataclass(frozen=True, slots=True)
class DetectionColumns:
    """A results list as validated columns (M rows, file order), not yet checked against a ground truth.

    ``image_id`` and ``category_id`` are the ids, or positions in ``image_keys`` / ``category_keys`` when
    those are given (some ids are not 64-bit integers). ``area`` is given when the boxes come from
    segmentations (pycocotools then uses the masks' areas); else the area is width * height.
    """

    image_id: NDArray[np.int64]
    category_id: NDArray[np.int64]
    bbox: NDArray[np.float64]
    score: NDArray[np.float64]
    image_keys: list[IdKey] | None = None
    category_keys: list[IdKey] | None = None
    area: NDArray[np.float64] | None = None
    boxes_computed: int = 0  # results without bbox whose box comes from ``computed_from``
    computed_from: str = "segmentation"

    def image_ids(self) -> NDArray[np.int64] | list[IdKey]:
        return self.image_id if self.image_keys is None else [self.image_keys[i] for i in self.image_id.tolist()]

    def category_ids(self) -> NDArray[np.int64] | list[IdKey]:
        if self.category_keys is None:
            return self.category_id
        return [self.category_keys[i] for i in self.category_id.tolist()]


def _empty_columns() -> DetectionColumns:
    return DetectionColumns(EMPTY_INTS, EMPTY_INTS.copy(), np.zeros((0, 4)), np.zeros(0))


def parse_detections(source: Source) -> DetectionColumns:
    """Read a COCO results list (path or bytes) of detections into columns.

    Raises CocoFileError naming the field, index and value of the first detection that cannot be read.
    """
    raw: bytes | mmap.mmap = source if isinstance(source, bytes) else _map(source)
    # The byte parser skips keys it does not know; a caption result first makes pycocotools read captions.
    fast = _parse_detections_bytes(raw) if raw.find(b'"caption"', 0, _CAPTION_WINDOW) < 0 else None
    if fast is not None:
        return fast
    data = raw if isinstance(raw, bytes) else raw[:]
    return read_detections(parse_json(data), raw=data)


_COLUMNS = operator.itemgetter("image_id", "category_id", "bbox", "score")


def read_detections(data: Any, *, raw: bytes | None = None) -> DetectionColumns:
    """A parsed COCO results list (``raw`` as for ``read_ground_truth``)."""
    try:
        return _read_detections(data, raw)
    except InexactId:
        return _read_detections(json.loads(raw or b""), None)


def _read_detections(data: Any, raw: bytes | None) -> DetectionColumns:
    if not isinstance(data, list):
        raise CocoFileError(f"expected a list of COCO results, got {kind_of(data)}")
    n = len(data)
    if n == 0:
        return _empty_columns()
    if not isinstance(data[0], dict) or "caption" in data[0] or "bbox" not in data[0]:
        return _detection_rows(data, raw)
    try:
        with gc_paused():
            image_ids, category_ids, boxes, scores = zip(*map(_COLUMNS, data), strict=True)
        image_id = np.array(image_ids)
        category_id = np.array(category_ids)
        bbox = np.array(boxes)
        score = np.array(scores)
    except (KeyError, TypeError, ValueError, OverflowError):
        return _detection_rows(data, raw)
    if (
        image_id.dtype != np.int64
        or image_id.shape != (n,)
        or category_id.dtype != np.int64
        or category_id.shape != (n,)
        or bbox.dtype.kind not in "iuf"
        or bbox.shape != (n, 4)
        or score.dtype.kind not in "iuf"
        or score.shape != (n,)
    ):
        return _detection_rows(data, raw)
    bbox = bbox.astype(np.float64, copy=False)
    score = score.astype(np.float64, copy=False)
    if not (np.isfinite(bbox).all() and np.isfinite(score).all()):
        return _detection_rows(data, raw)
    return DetectionColumns(image_id, category_id, bbox, score)


def _result_kind(first: dict[str, Any]) -> str:
    """Which branch of ``loadRes`` reads the file: the first result decides for all."""
    if "caption" in first:
        raise CocoFileError("detections[0]: a caption result (pycocotools reads the file as captions, not boxes)")
    if "bbox" in first and first["bbox"] != []:
        return "bbox"
    if "segmentation" in first:
        return "segmentation"
    if "keypoints" in first:
        return "keypoints"
    raise CocoFileError(
        "detections[0]: neither bbox, segmentation nor keypoints (pycocotools reads every result as the first one)"
    )


def _keypoint_box(where: str, record: dict[str, Any]) -> tuple[list[float], float]:
    """``loadRes``' keypoint branch: the box of the points (x, y, visibility triples) and its area."""
    if "keypoints" not in record:
        raise CocoFileError(f"{where}.keypoints: missing (detections[0] is a keypoint result, so every one is)")
    points = record["keypoints"]
    if not isinstance(points, list) or len(points) < 2 or not all(finite_number(v) for v in points):
        raise CocoFileError(f"{where}.keypoints = {short(points)}: expected x, y, v triples, finite numbers")
    xs, ys = np.array(points[0::3]), np.array(points[1::3])
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    return [float(x0), float(y0), float(x1 - x0), float(y1 - y0)], float((x1 - x0) * (y1 - y0))


def _detection_rows(data: list[Any], raw: bytes | None) -> DetectionColumns:
    """Entry by entry, as ``loadRes`` reads them: the first entry decides whether boxes, masks or keypoints are
    read (masks and keypoints give the area; keypoints replace any bbox)."""
    kind = _result_kind(record_at("detections[0]", data[0]))
    n = len(data)
    image_keys: list[IdKey] = []
    category_keys: list[IdKey] = []
    bbox = np.empty((n, 4), dtype=np.float64)
    score = np.empty(n, dtype=np.float64)
    area = np.empty(n, dtype=np.float64) if kind != "bbox" else None
    repaired = 0
    for i, detection in enumerate(data):
        where = f"detections[{i}]"
        record = record_at(where, detection)
        image_keys.append(read_id(where, record, "image_id", raw))
        category_keys.append(read_id(where, record, "category_id", raw))
        if "score" not in record:
            raise CocoFileError(f"{where}.score: missing")
        if not finite_number(record["score"]):
            raise CocoFileError(f"{where}.score = {short(record['score'])}: expected a finite number")
        score[i] = record["score"]
        if area is None:
            bbox[i] = read_bbox(where, record)
            continue
        if kind == "keypoints":
            bbox[i], area[i] = _keypoint_box(where, record)
            repaired += 1
            continue
        if "segmentation" not in record:
            raise CocoFileError(
                f"{where}.segmentation: missing (detections[0] has no bbox, so pycocotools reads every result's mask)"
            )
        try:
            mask = rle.decode(record["segmentation"])
        except ValueError as error:
            raise CocoFileError(f"{where}.{error}") from None
        area[i] = mask.area
        if "bbox" in record:
            bbox[i] = read_bbox(where, record)
        else:
            bbox[i] = mask.bbox()
            repaired += 1
    image_table = {k: None for k in image_keys}
    category_table = {k: None for k in category_keys}
    image_list, category_list = list(image_table), list(category_table)
    image_code = {k: i for i, k in enumerate(image_list)}
    category_code = {k: i for i, k in enumerate(category_list)}
    return DetectionColumns(
        np.array([image_code[k] for k in image_keys], dtype=np.int64),
        np.array([category_code[k] for k in category_keys], dtype=np.int64),
        bbox,
        score,
        image_keys=image_list,
        category_keys=category_list,
        area=area,
        boxes_computed=repaired,
        computed_from=kind,
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
    # Numbers the kernel left undecided (a cut-off mantissa whose two bounds round apart): Python's float.
    if spans.size:
        for row, column, start, end in spans.tolist():
            value = float(raw[start:end])
            if column == 4:
                score[row] = value
            else:
                bbox[row, column] = value
        if not (np.isfinite(bbox).all() and np.isfinite(score).all()):
            return None
    return DetectionColumns(image_id, category_id, bbox, score)

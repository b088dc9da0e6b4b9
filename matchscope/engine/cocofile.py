"""Loading COCO instances files and results lists into arrays, as pycocotools reads them (DESIGN §7).

What pycocotools accepts is accepted: detections of categories the ground truth does not have and annotations
on images or categories it does not list are dropped (COCOeval never looks at them), ids may be any JSON
integer, float or string, a category or image listed twice is read once, results that give a compressed-RLE
segmentation and no box get the mask's box and area (``loadRes``' segmentation branch). Each such drop or
repair is one line of ``notes``. What pycocotools would fail on, or could only evaluate as nonsense (a
non-finite number, a missing box, a repeated annotation id), raises ``CocoFileError`` naming the entry.

Results lists (the big file) go through a byte-level numba parser (``_kernels_json``) when they have the
usual shape. Everything else, and instances files, are parsed by orjson with the garbage collector paused
(half a million small dicts would otherwise trigger many useless collections); the columns are then pulled
out with C-level iteration and converted by numpy in one go, and only a file that is not plain columns is
read entry by entry.
"""

from __future__ import annotations

import contextlib
import gc
import json
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

from matchscope.engine import rle
from matchscope.engine.coco import CocoDetections, CocoGroundTruth, _index_in
from matchscope.engine.cocoids import CocoFileError as CocoFileError  # raised by both modules
from matchscope.engine.cocoids import IdKey, IdTable, id_key

if TYPE_CHECKING:
    from matchscope.engine.matching import GroundTruthBoxes, PredictionBoxes

Source = str | Path | bytes
_EMPTY_INTS = np.zeros(0, dtype=np.int64)
_CAPTION_WINDOW = 1 << 20  # the first result lies within the first MB but for a huge segmentation


class _InexactId(Exception):
    """orjson read an integer id beyond 64 bits as a float: the file is read again by the json module."""


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


def parse_json(raw: bytes) -> Any:
    """The JSON value of ``raw``: orjson, or Python's json module for what only it reads (``NaN``, numbers out
    of float range), as pycocotools reads files with it. Invalid JSON raises CocoFileError with the position."""
    try:
        with _gc_paused():
            return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise CocoFileError(f"not valid JSON ({error})") from None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(
        type(value), "a number"
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float)  # true and false too: Python's arithmetic takes them, so pycocotools does


def _finite_number(value: object) -> bool:
    return _is_number(value) and bool(np.isfinite(float(value)))  # type: ignore[arg-type]


def _record(where: str, record: object) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise CocoFileError(f"{where} = {_short(record)}: expected an object")
    return record


def _id(where: str, record: dict[str, Any], name: str, raw: bytes | None) -> IdKey:
    if name not in record:
        raise CocoFileError(f"{where}.{name}: missing")
    value = record[name]
    key = id_key(value)
    if key is None:
        raise CocoFileError(f"{where}.{name} = {_short(value)}: expected an integer or a string")
    if raw is not None and isinstance(value, float) and abs(value) >= 2.0**63:
        raise _InexactId
    return key


def _bbox(where: str, record: dict[str, Any]) -> list[float]:
    if "bbox" not in record:
        raise CocoFileError(f"{where}.bbox: missing")
    box = record["bbox"]
    if not isinstance(box, list) or len(box) != 4 or not all(_finite_number(v) for v in box):
        raise CocoFileError(f"{where}.bbox = {_short(box)}: expected [x, y, width, height], 4 finite numbers")
    return box


def _list_of(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CocoFileError(f"{key} = {_short(value)}: expected a list, got {_kind(value)}")
    return value


def _count(what: str, count: int, text: str) -> list[str]:
    return [f"{what}: {count} {text}"] if count else []


@dataclass(frozen=True, slots=True)
class GroundTruthFile:
    """A COCO instances file as read: the arrays, their ids and what was dropped or repaired.

    ``ground_truth``'s image, category and annotation ids are the codes of ``images``, ``categories`` and
    ``annotations`` (the ids themselves when all are 64-bit integers). ``rows`` (N,) gives each kept
    annotation's position in the file, ``image_rows`` (I,) the entry read for each image (pycocotools' index
    keeps the last of a repeated id), ``category_rows`` (K,) likewise.
    """

    ground_truth: CocoGroundTruth
    images: IdTable
    categories: IdTable
    annotations: IdTable
    rows: NDArray[np.int64]
    image_rows: NDArray[np.int64]
    category_rows: NDArray[np.int64]
    notes: tuple[str, ...]


def _last_rows(table: IdTable, keys: list[IdKey]) -> NDArray[np.int64]:
    codes = table.find(keys)[0]
    positions = np.searchsorted(table.codes, codes)
    rows = np.zeros(table.size, dtype=np.int64)
    for position, row in zip(positions.tolist(), range(len(keys)), strict=True):
        rows[position] = row  # later entries of one id overwrite earlier ones, as a dict does
    return rows


def load_ground_truth_file(source: Source) -> GroundTruthFile:
    """Read a COCO instances file (path or bytes); CocoFileError names the first entry that cannot be read."""
    raw = _read(source)
    return read_ground_truth(parse_json(raw), raw=raw)


def load_ground_truth(source: Source) -> CocoGroundTruth:
    """Read a COCO instances file (path or bytes): images, categories and annotations as arrays."""
    return load_ground_truth_file(source).ground_truth


def read_ground_truth(data: Any, *, raw: bytes | None = None) -> GroundTruthFile:
    """A parsed COCO instances file. Pass ``raw`` when ``data`` came from orjson, which reads integers beyond
    64 bits as floats: ids of that size are then read again from ``raw`` exactly."""
    try:
        return _read_ground_truth(data, raw)
    except _InexactId:
        return _read_ground_truth(json.loads(raw or b""), None)


def _read_ground_truth(data: Any, raw: bytes | None) -> GroundTruthFile:
    if not isinstance(data, dict):
        raise CocoFileError(
            f"expected a COCO instances object with images, annotations and categories, got {_kind(data)}"
        )
    for key in ("images", "categories"):
        if key not in data:
            raise CocoFileError(f"{key}: missing (pycocotools needs the list, even empty)")
    images = _list_of(data, "images")
    categories = _list_of(data, "categories")
    annotations = _list_of(data, "annotations")
    image_keys = [_id(f"images[{i}]", _record(f"images[{i}]", image), "id", raw) for i, image in enumerate(images)]
    image_table = IdTable.of(image_keys, "images")
    category_keys = [
        _id(f"categories[{i}]", _record(f"categories[{i}]", category), "id", raw)
        for i, category in enumerate(categories)
    ]
    category_table = IdTable.of(category_keys, "categories")
    category_rows = _last_rows(category_table, category_keys)
    names = [str(categories[row].get("name", category_keys[row])) for row in category_rows.tolist()]
    notes = [
        *_count("images", len(image_keys) - image_table.size, "entries repeat an earlier image id, read once"),
        *_count(
            "categories",
            len(category_keys) - category_table.size,
            "entries repeat an earlier category id, evaluated once (as COCOeval does)",
        ),
    ]
    columns = _annotation_columns(annotations)
    if columns is None:
        columns = _annotation_ids(annotations, raw)
    ann_ids, image_ids, category_ids = columns
    image_codes, on_image = image_table.find(image_ids)
    category_codes, on_category = category_table.find(category_ids)
    kept = on_image & on_category
    notes += _count(
        "annotations", int((~on_image).sum()), "on images the file does not list, dropped (COCOeval ignores them)"
    )
    notes += _count(
        "annotations",
        int((on_image & ~on_category).sum()),
        "of categories the file does not list, dropped (COCOeval ignores them)",
    )
    if isinstance(ann_ids, list) and any(isinstance(k, str) for k in ann_ids):
        bad = next(i for i, k in enumerate(ann_ids) if isinstance(k, str))
        raise CocoFileError(
            f"annotations[{bad}].id = {ann_ids[bad]!r}: expected a number "
            "(COCOeval keeps the ids of matched annotations in a float array)"
        )
    annotation_table = IdTable.of(ann_ids, "annotations", zero_is_zero=True)
    if annotation_table.size != len(ann_ids):
        _refuse_repeated_id(annotations)
    rows = np.flatnonzero(kept)
    bbox, area, iscrowd, repairs = _annotation_geometry(annotations, rows)
    notes += repairs
    ground_truth = CocoGroundTruth(
        image_ids=image_table.codes,
        category_ids=category_table.codes,
        category_names=names,
        ann_id=annotation_table.find(ann_ids)[0][rows],
        image_id=image_codes[rows],
        category_id=category_codes[rows],
        bbox=bbox,
        area=area,
        iscrowd=iscrowd,
    )
    image_rows = _last_rows(image_table, image_keys)
    return GroundTruthFile(
        ground_truth, image_table, category_table, annotation_table, rows, image_rows, category_rows, tuple(notes)
    )


_Ids = NDArray[np.int64] | list[IdKey]
_ANNOTATION_IDS = operator.itemgetter("id", "image_id", "category_id")


def _annotation_columns(annotations: list[Any]) -> tuple[_Ids, _Ids, _Ids] | None:
    """Fast path: the id columns converted by numpy when they are plain 64-bit integers, else None."""
    if not annotations:
        return _EMPTY_INTS, _EMPTY_INTS, _EMPTY_INTS
    try:
        with _gc_paused():
            ids, image_ids, category_ids = zip(*map(_ANNOTATION_IDS, annotations), strict=True)
        columns = [np.array(ids), np.array(image_ids), np.array(category_ids)]
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if any(column.dtype != np.int64 or column.ndim != 1 for column in columns):
        return None
    return columns[0], columns[1], columns[2]


def _annotation_ids(annotations: list[Any], raw: bytes | None) -> tuple[_Ids, _Ids, _Ids]:
    ids, image_ids, category_ids = [], [], []
    for i, annotation in enumerate(annotations):
        where = f"annotations[{i}]"
        record = _record(where, annotation)
        ids.append(_id(where, record, "id", raw))
        where = f"{where} (id {record['id']!r})"
        image_ids.append(_id(where, record, "image_id", raw))
        category_ids.append(_id(where, record, "category_id", raw))
    return ids, image_ids, category_ids


def _refuse_repeated_id(annotations: list[Any]) -> None:
    first: dict[IdKey, int] = {}
    for i, annotation in enumerate(annotations):
        key = id_key(annotation["id"])
        assert key is not None
        if key in first:
            raise CocoFileError(
                f"annotations[{i}].id = {_short(annotation['id'])}: repeats annotations[{first[key]}]'s id "
                "(pycocotools' index would keep one of the two for both)"
            )
        first[key] = i


_BBOX = operator.itemgetter("bbox")


def _annotation_geometry(
    annotations: list[Any], rows: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], list[str]]:
    """Boxes, areas and crowd flags of the kept annotations (a null area or iscrowd counts as absent)."""
    kept = annotations if rows.size == len(annotations) else [annotations[row] for row in rows.tolist()]
    columns = _geometry_columns(kept)
    if columns is None:
        columns = _geometry_rows(kept, rows)
    bbox, area, iscrowd, no_area, no_crowd = columns
    notes = [
        *_count("annotations", no_area, "without area, width * height used"),
        *_count("annotations", no_crowd, "without iscrowd, 0 used"),
    ]
    return bbox, area, iscrowd, notes


_Geometry = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], int, int]


def _geometry_columns(kept: list[dict[str, Any]]) -> _Geometry | None:
    """Whole columns converted by numpy, or None when they are not plain numbers."""
    n = len(kept)
    try:
        with _gc_paused():
            boxes = list(map(_BBOX, kept))
            areas = [annotation.get("area") for annotation in kept]
            crowds = [annotation.get("iscrowd") for annotation in kept]
        bbox = np.array(boxes)
        no_area, no_crowd = areas.count(None), crowds.count(None)
        if no_area:
            areas = [float(b[2] * b[3]) if a is None else a for a, b in zip(areas, boxes, strict=True)]
        if no_crowd:
            crowds = [0 if c is None else c for c in crowds]
        area = np.array(areas)
        iscrowd = np.array(crowds)
    except (KeyError, TypeError, ValueError, OverflowError, IndexError):
        return None
    if (
        bbox.dtype.kind not in "biuf"
        or bbox.shape != (n, 4)
        or any(not isinstance(box, list) for box in boxes)
        or area.dtype.kind not in "biuf"
        or area.shape != (n,)
        or iscrowd.dtype.kind not in "biuf"
        or iscrowd.shape != (n,)
        or not np.isfinite(bbox.astype(np.float64)).all()
        or not np.isfinite(area.astype(np.float64)).all()
        or not np.isfinite(iscrowd.astype(np.float64)).all()
        or ((iscrowd != 0) != (np.trunc(iscrowd.astype(np.float64)) != 0)).any()
    ):
        return None
    return bbox.astype(np.float64), area.astype(np.float64), iscrowd.astype(np.bool_), no_area, no_crowd


def _geometry_rows(kept: list[dict[str, Any]], rows: NDArray[np.int64]) -> _Geometry:
    """Entry by entry, raising for the first value that cannot be read."""
    n = len(kept)
    bbox = np.empty((n, 4), dtype=np.float64)
    area = np.empty(n, dtype=np.float64)
    iscrowd = np.zeros(n, dtype=np.bool_)
    no_area = no_crowd = 0
    for j, (row, annotation) in enumerate(zip(rows.tolist(), kept, strict=True)):
        where = f"annotations[{row}] (id {annotation['id']!r})"
        box = _bbox(where, annotation)
        bbox[j] = box
        value = annotation.get("area")
        if value is None:
            value = box[2] * box[3]
            no_area += 1
        elif not _finite_number(value):
            raise CocoFileError(f"{where}.area = {_short(value)}: expected a finite number")
        area[j] = value
        crowd = annotation.get("iscrowd")
        if crowd is None:
            no_crowd += 1
        elif not _finite_number(crowd) or bool(crowd) != bool(int(crowd)):
            # pycocotools ignores a box by iscrowd's truth and measures it as a crowd by int(iscrowd)
            raise CocoFileError(f"{where}.iscrowd = {_short(crowd)}: expected 0 or 1")
        else:
            iscrowd[j] = bool(crowd)
    if not np.isfinite(area).all():
        bad = int(np.flatnonzero(~np.isfinite(area))[0])
        raise CocoFileError(f"annotations[{int(rows[bad])}]: width * height overflows, give its area")
    return bbox, area, iscrowd, no_area, no_crowd


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
    return DetectionColumns(_EMPTY_INTS, _EMPTY_INTS.copy(), np.zeros((0, 4)), np.zeros(0))


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
    except _InexactId:
        return _read_detections(json.loads(raw or b""), None)


def _read_detections(data: Any, raw: bytes | None) -> DetectionColumns:
    if not isinstance(data, list):
        raise CocoFileError(f"expected a list of COCO results, got {_kind(data)}")
    n = len(data)
    if n == 0:
        return _empty_columns()
    if not isinstance(data[0], dict) or "caption" in data[0] or "bbox" not in data[0]:
        return _detection_rows(data, raw)
    try:
        with _gc_paused():
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
    if not isinstance(points, list) or len(points) < 2 or not all(_finite_number(v) for v in points):
        raise CocoFileError(f"{where}.keypoints = {_short(points)}: expected x, y, v triples, finite numbers")
    xs, ys = np.array(points[0::3]), np.array(points[1::3])
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    return [float(x0), float(y0), float(x1 - x0), float(y1 - y0)], float((x1 - x0) * (y1 - y0))


def _detection_rows(data: list[Any], raw: bytes | None) -> DetectionColumns:
    """Entry by entry, as ``loadRes`` reads them: the first entry decides whether boxes, masks or keypoints are
    read (masks and keypoints give the area; keypoints replace any bbox)."""
    kind = _result_kind(_record("detections[0]", data[0]))
    n = len(data)
    image_keys: list[IdKey] = []
    category_keys: list[IdKey] = []
    bbox = np.empty((n, 4), dtype=np.float64)
    score = np.empty(n, dtype=np.float64)
    area = np.empty(n, dtype=np.float64) if kind != "bbox" else None
    repaired = 0
    for i, detection in enumerate(data):
        where = f"detections[{i}]"
        record = _record(where, detection)
        image_keys.append(_id(where, record, "image_id", raw))
        category_keys.append(_id(where, record, "category_id", raw))
        if "score" not in record:
            raise CocoFileError(f"{where}.score: missing")
        if not _finite_number(record["score"]):
            raise CocoFileError(f"{where}.score = {_short(record['score'])}: expected a finite number")
        score[i] = record["score"]
        if area is None:
            bbox[i] = _bbox(where, record)
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
            bbox[i] = _bbox(where, record)
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


@dataclass(frozen=True, slots=True)
class DetectionsFile:
    """Detections checked against a ground truth: ``positions`` (M,) are the kept rows' 0-based places in the
    results list (pycocotools' detection id - 1), ``notes`` what was dropped or repaired."""

    detections: CocoDetections
    positions: NDArray[np.int64]
    notes: tuple[str, ...]


def match_detections(columns: DetectionColumns, ground_truth: GroundTruthFile) -> DetectionsFile:
    """Detections on the ground truth's ids: every image must be one of its images (``loadRes`` asserts it);
    detections of categories it does not list are dropped, as COCOeval never evaluates them."""
    image_id, on_image = ground_truth.images.find(columns.image_ids())
    if not on_image.all():
        bad = int(np.flatnonzero(~on_image)[0])
        ids = columns.image_ids()
        value = int(ids[bad]) if isinstance(ids, np.ndarray) else ids[bad]
        raise CocoFileError(
            f"detections[{bad}].image_id = {_short(value)}: not an image of the ground truth "
            "(pycocotools' loadRes refuses such a results file)"
        )
    category_id, on_category = ground_truth.categories.find(columns.category_ids())
    kept = np.flatnonzero(on_category)
    notes = _count(
        "results",
        columns.score.size - kept.size,
        "of categories the ground truth does not list, dropped (COCOeval never evaluates them)",
    )
    notes += _count("results", columns.boxes_computed, f"boxes computed from their {columns.computed_from}")
    if kept.size == columns.score.size:  # the usual case: no copies
        bbox, score, area = columns.bbox, columns.score, columns.area
    else:
        image_id, category_id = image_id[kept], category_id[kept]
        bbox, score = columns.bbox[kept], columns.score[kept]
        area = None if columns.area is None else columns.area[kept]
    detections = CocoDetections(
        image_id=image_id,
        category_id=category_id,
        bbox=bbox,
        score=score,
        area=bbox[:, 2] * bbox[:, 3] if area is None else area,
    )
    return DetectionsFile(detections, kept, tuple(notes))


def _plain_file(ground_truth: CocoGroundTruth) -> GroundTruthFile:
    rows = np.arange(ground_truth.ann_id.size)
    return GroundTruthFile(
        ground_truth,
        IdTable(ground_truth.image_ids, None),
        IdTable(ground_truth.category_ids, None),
        IdTable(np.unique(ground_truth.ann_id), None),
        rows,
        np.arange(ground_truth.image_ids.size),
        np.arange(ground_truth.category_ids.size),
        (),
    )


def detections_for(columns: DetectionColumns, ground_truth: GroundTruthFile | CocoGroundTruth) -> CocoDetections:
    """``match_detections``' detections (a bare CocoGroundTruth's ids are its arrays' values)."""
    if isinstance(ground_truth, CocoGroundTruth):
        ground_truth = _plain_file(ground_truth)
    return match_detections(columns, ground_truth).detections


def load_detections(source: Source, ground_truth: GroundTruthFile | CocoGroundTruth) -> CocoDetections:
    """Read a COCO results list (path or bytes) against ``ground_truth``; see ``match_detections``."""
    return detections_for(parse_detections(source), ground_truth)


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

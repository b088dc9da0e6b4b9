"""COCO instances files read into arrays, as pycocotools reads them: see ``matchscope.engine.cocofile``."""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchscope.engine.coco import CocoGroundTruth
from matchscope.engine.cocoids import CocoFileError, IdKey, IdTable, id_key
from matchscope.engine.cocojson import (
    EMPTY_INTS,
    InexactId,
    Source,
    count_note,
    finite_number,
    gc_paused,
    kind_of,
    list_of,
    parse_json,
    read_bbox,
    read_id,
    read_source,
    record_at,
    short,
)


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
    raw = read_source(source)
    return read_ground_truth(parse_json(raw), raw=raw)


def load_ground_truth(source: Source) -> CocoGroundTruth:
    """Read a COCO instances file (path or bytes): images, categories and annotations as arrays."""
    return load_ground_truth_file(source).ground_truth


def read_ground_truth(data: Any, *, raw: bytes | None = None) -> GroundTruthFile:
    """A parsed COCO instances file. Pass ``raw`` when ``data`` came from orjson, which reads integers beyond
    64 bits as floats: ids of that size are then read again from ``raw`` exactly."""
    try:
        return _read_ground_truth(data, raw)
    except InexactId:
        return _read_ground_truth(json.loads(raw or b""), None)


def _read_ground_truth(data: Any, raw: bytes | None) -> GroundTruthFile:
    if not isinstance(data, dict):
        raise CocoFileError(
            f"expected a COCO instances object with images, annotations and categories, got {kind_of(data)}"
        )
    for key in ("images", "categories"):
        if key not in data:
            raise CocoFileError(f"{key}: missing (pycocotools needs the list, even empty)")
    images = list_of(data, "images")
    categories = list_of(data, "categories")
    annotations = list_of(data, "annotations")
    image_keys = [
        read_id(f"images[{i}]", record_at(f"images[{i}]", image), "id", raw) for i, image in enumerate(images)
    ]
    image_table = IdTable.of(image_keys, "images")
    category_keys = [
        read_id(f"categories[{i}]", record_at(f"categories[{i}]", category), "id", raw)
        for i, category in enumerate(categories)
    ]
    category_table = IdTable.of(category_keys, "categories")
    category_rows = _last_rows(category_table, category_keys)
    names = [str(categories[row].get("name", category_keys[row])) for row in category_rows.tolist()]
    notes = [
        *count_note("images", len(image_keys) - image_table.size, "entries repeat an earlier image id, read once"),
        *count_note(
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
    notes += count_note(
        "annotations", int((~on_image).sum()), "on images the file does not list, dropped (COCOeval ignores them)"
    )
    notes += count_note(
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
        return EMPTY_INTS, EMPTY_INTS, EMPTY_INTS
    try:
        with gc_paused():
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
        record = record_at(where, annotation)
        ids.append(read_id(where, record, "id", raw))
        where = f"{where} (id {record['id']!r})"
        image_ids.append(read_id(where, record, "image_id", raw))
        category_ids.append(read_id(where, record, "category_id", raw))
    return ids, image_ids, category_ids


def _refuse_repeated_id(annotations: list[Any]) -> None:
    first: dict[IdKey, int] = {}
    for i, annotation in enumerate(annotations):
        key = id_key(annotation["id"])
        assert key is not None
        if key in first:
            raise CocoFileError(
                f"annotations[{i}].id = {short(annotation['id'])}: repeats annotations[{first[key]}]'s id "
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
        *count_note("annotations", no_area, "without area, width * height used"),
        *count_note("annotations", no_crowd, "without iscrowd, 0 used"),
    ]
    return bbox, area, iscrowd, notes


_Geometry = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], int, int]


def _geometry_columns(kept: list[dict[str, Any]]) -> _Geometry | None:
    """Whole columns converted by numpy, or None when they are not plain numbers."""
    n = len(kept)
    try:
        with gc_paused():
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
        box = read_bbox(where, annotation)
        bbox[j] = box
        value = annotation.get("area")
        if value is None:
            value = box[2] * box[3]
            no_area += 1
        elif not finite_number(value):
            raise CocoFileError(f"{where}.area = {short(value)}: expected a finite number")
        area[j] = value
        crowd = annotation.get("iscrowd")
        if crowd is None:
            no_crowd += 1
        elif not finite_number(crowd) or bool(crowd) != bool(int(crowd)):
            # pycocotools ignores a box by iscrowd's truth and measures it as a crowd by int(iscrowd)
            raise CocoFileError(f"{where}.iscrowd = {short(crowd)}: expected 0 or 1")
        else:
            iscrowd[j] = bool(crowd)
    if not np.isfinite(area).all():
        bad = int(np.flatnonzero(~np.isfinite(area))[0])
        raise CocoFileError(f"annotations[{int(rows[bad])}]: width * height overflows, give its area")
    return bbox, area, iscrowd, no_area, no_crowd

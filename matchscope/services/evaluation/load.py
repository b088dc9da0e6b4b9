"""Reading an evaluation's input: the dataset's items, and one chunk of boxes as arrays (raw driver rows)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.store.column_reads import ColumnsRead, read_columns, read_columns_from
from matchscope.store.dialect import is_postgresql
from matchscope.store.reads import open_sqlite_reader
from matchscope.store.tables import Dataset, DatasetItem


@dataclass
class Loaded:
    """Everything of one chunk the engine and the writer need.

    Arrays are in insertion order, the greedy tie-break of DESIGN §3: row-id order, except for the
    annotations of an imported COCO file, which go by COCO annotation id (predictions by row id are
    already in results-file order).
    """

    gt_id: NDArray[np.int64]
    gt_item: NDArray[np.int64]
    gt_boxes: NDArray[np.float64]
    gt_label: NDArray[np.int32]
    gt_area: NDArray[np.float64]
    gt_crowd: NDArray[np.bool_]
    pred_id: NDArray[np.int64]
    pred_item: NDArray[np.int64]
    pred_boxes: NDArray[np.float64]
    pred_label: NDArray[np.int32]
    pred_confidence: NDArray[np.float64]
    # The COCO annotation id is 0: pycocotools records matches by id, so such a ground truth never counts
    # as matched in its COCO metrics (greedy matching ignores this).
    gt_coco_id_zero: NDArray[np.bool_]


def stacked(chunks: list[Loaded]) -> Callable[..., NDArray[Any]]:
    """``cat(name, dtype, empty_shape=(0,))``: field `name` of every chunk, concatenated. Ground-truth fields
    come in row-id order within each chunk, the file order of an imported COCO file (chunks may hold them in
    COCO annotation-id order, the greedy tie-break)."""
    file_order = [np.argsort(chunk.gt_id, kind="stable") for chunk in chunks]

    def cat(name: str, dtype: Any, empty_shape: tuple[int, ...] = (0,)) -> NDArray[Any]:
        parts = [getattr(chunk, name) for chunk in chunks]
        if name.startswith("gt_"):
            parts = [part[order] for part, order in zip(parts, file_order, strict=True)]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(empty_shape, dtype=dtype)

    return cat


def _codes(labels: NDArray[Any], codes: dict[str, int]) -> NDArray[np.int32]:
    return np.fromiter((codes[label] for label in labels), dtype=np.int32, count=len(labels))


def _by_annotation_id(keys: NDArray[Any]) -> NDArray[np.int64]:
    """Stable order of rows by their COCO annotation id (``annotationId`` of a COCO import: an integer);
    ids that are not integers (added later by hand) follow, in row order."""
    try:
        return np.argsort(keys.astype(np.int64), kind="stable")
    except (ValueError, OverflowError, TypeError):
        numbers = [int(key) if str(key).lstrip("-").isdigit() else None for key in keys]
        return np.array(
            sorted(range(len(keys)), key=lambda row: (numbers[row] is None, numbers[row] or 0, row)), dtype=np.int64
        )


# A chunk's boxes. The item range must drive both reads: an index on (dataset, model, id) would return rows in id
# order without a sort, and a planner without statistics (a table just imported, autovacuum off) takes it and reads
# every box of the dataset for each chunk. `dataset_id + 0` keeps that index out; rows are put in id order here.
# The columns read of each box (labels as text, read as codes here), then an annotation's or a prediction's own.
_BOX: tuple[tuple[str, str], ...] = (("id", "int4"), ("item_id", "int4"), ("label", "text"))
_BOX += (("x", "float8"), ("y", "float8"), ("width", "float8"), ("height", "float8"))
_ANNOTATION_COLUMNS = (*_BOX, ("area", "float8"), ("iscrowd", "bool"))
_IN_CHUNK = "item_id >= :first_item AND item_id <= :last_item"
# A list of items (a slice's), as one parameter whatever its length: each item a lookup of the item index.
_IN_LIST = {
    False: "item_id IN (SELECT value FROM json_each(:item_ids))",
    True: "item_id = ANY(CAST(:item_ids AS BIGINT[]))",
}


@dataclass(frozen=True, slots=True)
class _Statements:
    annotations: ColumnsRead
    coco_annotations: ColumnsRead
    predictions: ColumnsRead


def _statements(items: str) -> _Statements:
    where = f"{items} AND dataset_id + 0 = :dataset_id"
    return _Statements(
        annotations=ColumnsRead(f"box_annotation WHERE {where}", _ANNOTATION_COLUMNS),
        coco_annotations=ColumnsRead(
            f"box_annotation WHERE {where}", (*_ANNOTATION_COLUMNS, ("annotation_id", "text"))
        ),
        predictions=ColumnsRead(
            f"box_prediction WHERE model_id = :model_id AND {where}", (*_BOX, ("confidence", "float8"))
        ),
    )


IN_CHUNK = _statements(_IN_CHUNK)
IN_LIST = {postgresql: _statements(items) for postgresql, items in _IN_LIST.items()}


async def load_chunk(
    session: AsyncSession,
    *,
    dataset_id: int,
    model_id: int,
    first_item: int,
    last_item: int,
    codes: dict[str, int],
    by_annotation_id: bool = False,
) -> Loaded:
    """The boxes of items `first_item`..`last_item` (ids, inclusive); labels as codes of `codes`.

    With `by_annotation_id` (an imported COCO file) the annotations come in COCO annotation-id order.
    """
    chunk = {"first_item": first_item, "last_item": last_item, "dataset_id": dataset_id}
    return await _load(session, IN_CHUNK, chunk, model_id, codes, by_annotation_id)


async def load_items(
    session: AsyncSession,
    *,
    dataset_id: int,
    model_id: int,
    item_ids: list[int],
    codes: dict[str, int],
    by_annotation_id: bool = False,
) -> Loaded:
    """The boxes of these items, as `load_chunk` reads those of a range (the same order within them): a slice's
    items, which may be a few of every range, cost what they hold."""
    postgresql = is_postgresql(session)
    listed = item_ids if postgresql else orjson.dumps(item_ids).decode()
    parameters = {"item_ids": listed, "dataset_id": dataset_id}
    return await _load(session, IN_LIST[postgresql], parameters, model_id, codes, by_annotation_id)


async def _load(
    session: AsyncSession,
    statements: _Statements,
    parameters: dict[str, Any],
    model_id: int,
    codes: dict[str, int],
    by_annotation_id: bool,
) -> Loaded:
    read = statements.coco_annotations if by_annotation_id else statements.annotations
    annotations = await read_columns(session, read, parameters)
    predictions = await read_columns(session, statements.predictions, {**parameters, "model_id": model_id})
    return _assembled(annotations, predictions, codes, by_annotation_id)


def load_chunk_from(
    path: str,
    *,
    dataset_id: int,
    model_id: int,
    first_item: int,
    last_item: int,
    codes: dict[str, int],
    by_annotation_id: bool = False,
) -> Loaded:
    """`load_chunk` from the SQLite database file at `path`, through a read-only sqlite3 connection of this process
    (kept for the next chunk), in one read transaction."""
    connection = _file_reader(path)
    parameters = {"first_item": first_item, "last_item": last_item, "dataset_id": dataset_id}
    read = IN_CHUNK.coco_annotations if by_annotation_id else IN_CHUNK.annotations
    connection.execute("BEGIN")
    try:
        annotations = read_columns_from(connection, read, parameters)
        predictions = read_columns_from(connection, IN_CHUNK.predictions, {**parameters, "model_id": model_id})
    finally:
        connection.execute("ROLLBACK")
    return _assembled(annotations, predictions, codes, by_annotation_id)


@lru_cache(maxsize=4)
def _file_reader(path: str) -> sqlite3.Connection:
    return open_sqlite_reader(path)


def _assembled(
    annotations: list[NDArray[Any]], predictions: list[NDArray[Any]], codes: dict[str, int], by_annotation_id: bool
) -> Loaded:
    """A chunk from its columns as read: annotations (`_ANNOTATION_COLUMNS`, then their COCO ids when
    `by_annotation_id`) and predictions (`_BOX` and the confidence)."""
    gt_id, gt_item, gt_labels, *gt_box, area, gt_crowd = annotations[: len(_ANNOTATION_COLUMNS)]
    order = np.argsort(gt_id, kind="stable")
    keys = None
    if by_annotation_id:  # the COCO annotation ids, last
        order = order[_by_annotation_id(annotations[-1][order])]
        keys = annotations[-1][order]
    pred_id, pred_item, pred_labels, *pred_box, confidence = predictions
    pred_order = np.argsort(pred_id, kind="stable")
    gt_boxes = np.stack(gt_box, axis=1)[order]
    area = area[order]  # null → NaN: width * height
    return Loaded(
        gt_id=gt_id[order],
        gt_item=gt_item[order],
        gt_boxes=gt_boxes,
        gt_label=_codes(gt_labels[order], codes),
        gt_area=np.where(np.isnan(area), gt_boxes[:, 2] * gt_boxes[:, 3], area),
        gt_crowd=gt_crowd[order],
        pred_id=pred_id[pred_order],
        pred_item=pred_item[pred_order],
        pred_boxes=np.stack(pred_box, axis=1)[pred_order],
        pred_label=_codes(pred_labels[pred_order], codes),
        pred_confidence=confidence[pred_order],  # null → NaN: "no confidence", counts as 1
        gt_coco_id_zero=(keys == "0") if keys is not None else np.zeros(len(gt_id), np.bool_),
    )


async def image_keys(session: AsyncSession, dataset_id: int) -> tuple[list[int], dict[int, int]]:
    """Item ids in id order, and each item's COCO image id (imported COCO files) or else its own id.

    pycocotools walks images in image-id order, which decides ties between equal scores; keeping the COCO
    image ids keeps COCO results identical to pycocotools on imported files.
    """
    statement = select(col(DatasetItem.id), col(DatasetItem.meta)).where(col(DatasetItem.dataset_id) == dataset_id)
    rows = (await session.execute(statement.order_by(col(DatasetItem.id)))).all()
    item_ids = [int(item_id) for item_id, _meta in rows]
    coco_ids = [(meta or {}).get("coco_image_id") for _item, meta in rows]
    if rows and all(isinstance(value, int) for value in coco_ids) and len(set(coco_ids)) == len(coco_ids):
        return item_ids, {item_id: int(str(key)) for item_id, key in zip(item_ids, coco_ids, strict=True)}
    return item_ids, {item_id: item_id for item_id in item_ids}


@dataclass(frozen=True, slots=True)
class CocoOrders:
    """How an evaluation orders what pycocotools and DESIGN §3 order by COCO ids.

    ``categories``: label codes in the order COCO metrics take categories. pycocotools averages its stats
    over categories in category-id order, and a float sum depends on its order: the categories of an
    imported COCO file come first, by COCO id, then any other label by name.
    ``by_annotation_id``: the dataset is an imported COCO file, whose ground truth is matched in
    annotation-id order.
    """

    categories: list[int]
    by_annotation_id: bool


async def coco_orders(session: AsyncSession, dataset_id: int, label_names: list[str]) -> CocoOrders:
    meta = (await session.execute(select(col(Dataset.meta)).where(col(Dataset.id) == dataset_id))).scalar_one()
    categories = (meta or {}).get("coco_categories") or {}
    code_of = {name: code for code, name in enumerate(label_names)}
    coco_ids: dict[str, int] = {}
    for key, name in categories.items():
        if name in code_of and str(key).lstrip("-").isdigit():
            coco_ids[name] = min(int(key), coco_ids.get(name, int(key)))

    def position(code: int) -> tuple[bool, int, int]:
        name = label_names[code]
        return name not in coco_ids, coco_ids.get(name, 0), code

    return CocoOrders(sorted(range(len(label_names)), key=position), by_annotation_id=bool(categories))

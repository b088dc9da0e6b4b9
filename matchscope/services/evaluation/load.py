"""Reading an evaluation's input: the dataset's items, and one chunk of boxes as arrays (raw driver rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from matchscope.store.tables import DatasetItem


@dataclass
class Loaded:
    """Everything of one chunk the engine and the writer need; arrays are in row-id order."""

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


async def _fetch(session: AsyncSession, sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
    """Raw rows through the driver: no ORM objects, no per-row wrappers. `sql` uses `?` placeholders."""
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    if connection.dialect.name == "postgresql":
        parts = sql.split("?")
        sql = "".join(part + (f"${index}" if index < len(parts) else "") for index, part in enumerate(parts, 1))
        return list(await driver.fetch(sql, *params))
    cursor = await driver.execute(sql, tuple(params))
    try:
        return list(await cursor.fetchall())
    finally:
        await cursor.close()


def _columns(rows: list[Sequence[Any]], width: int) -> list[tuple[Any, ...]]:
    if not rows:
        return [() for _ in range(width)]
    return list(zip(*rows, strict=True))


def _codes(labels: Sequence[str], codes: dict[str, int]) -> NDArray[np.int32]:
    return np.fromiter((codes[label] for label in labels), dtype=np.int32, count=len(labels))


def _boxes(*columns: Sequence[Any]) -> NDArray[np.float64]:
    if not columns[0]:
        return np.zeros((0, 4), dtype=np.float64)
    return np.array(columns, dtype=np.float64).T.copy()


async def load_chunk(
    session: AsyncSession, *, dataset_id: int, model_id: int, first_item: int, last_item: int, codes: dict[str, int]
) -> Loaded:
    """The boxes of items `first_item`..`last_item` (ids, inclusive); labels as codes of `codes`."""
    annotations = await _fetch(
        session,
        "SELECT id, item_id, label, x, y, width, height, area, iscrowd FROM box_annotation "
        "WHERE dataset_id = ? AND item_id >= ? AND item_id <= ? ORDER BY id",
        (dataset_id, first_item, last_item),
    )
    predictions = await _fetch(
        session,
        "SELECT id, item_id, label, x, y, width, height, confidence FROM box_prediction "
        "WHERE model_id = ? AND dataset_id = ? AND item_id >= ? AND item_id <= ? ORDER BY id",
        (model_id, dataset_id, first_item, last_item),
    )
    gid, gitem, glabel, gx, gy, gw, gh, garea, gcrowd = _columns(annotations, 9)
    pid, pitem, plabel, px, py, pw, ph, pconf = _columns(predictions, 8)
    gt_boxes = _boxes(gx, gy, gw, gh)
    area = np.array(garea, dtype=np.float64)  # null → NaN
    area = np.where(np.isnan(area), gt_boxes[:, 2] * gt_boxes[:, 3], area) if area.size else area
    return Loaded(
        gt_id=np.array(gid, dtype=np.int64),
        gt_item=np.array(gitem, dtype=np.int64),
        gt_boxes=gt_boxes,
        gt_label=_codes(glabel, codes),
        gt_area=area,
        gt_crowd=np.array(gcrowd, dtype=np.bool_),
        pred_id=np.array(pid, dtype=np.int64),
        pred_item=np.array(pitem, dtype=np.int64),
        pred_boxes=_boxes(px, py, pw, ph),
        pred_label=_codes(plabel, codes),
        pred_confidence=np.array(pconf, dtype=np.float64),  # null → NaN: "no confidence", counts as 1
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

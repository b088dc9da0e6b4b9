"""Ingest use cases: datasets, items, annotations, models and predictions, with idempotent keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import orjson
from sqlalchemy import ARRAY, Integer, Text, bindparam, func, tuple_
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.services import catalog, validation
from matchscope.services.errors import NotFound, ValidationFailed
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord, UploadCounts
from matchscope.services.tokens import global_id
from matchscope.store import dialect
from matchscope.store.bulk import bulk_insert, bulk_select, bulk_update
from matchscope.store.tables import BoxAnnotation, BoxPrediction, Dataset, DatasetItem, Model, PredictionSet

LOOKUP_CHUNK = 500
T = TypeVar("T")


def _unnest(name: str, column: str, item_type: Any) -> Any:
    """The array parameter `name` as a table of one column (PostgreSQL)."""
    return func.unnest(bindparam(name, type_=ARRAY(item_type))).table_valued(column).render_derived(name=name)


_WANTED_REFERENCES = _unnest("wanted", "reference_id", Text)
_WANTED_ITEMS = _unnest("wanted", "item_id", Integer)
_ITEMS_BY_REFERENCE = (
    select(col(DatasetItem.reference_id), col(DatasetItem.id))
    .join(_WANTED_REFERENCES, col(DatasetItem.reference_id) == _WANTED_REFERENCES.c.reference_id)
    .where(col(DatasetItem.dataset_id) == bindparam("dataset_id"))
)


def _chunks(values: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _json_text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


async def get_dataset(session: AsyncSession, *, account_id: int, dataset_id: int) -> Dataset:
    dataset = await session.get(Dataset, dataset_id)
    if dataset is None or dataset.account_id != account_id:
        raise NotFound("Dataset", dataset_id)
    return dataset


async def get_model(session: AsyncSession, *, account_id: int, model_id: int) -> Model:
    model = await session.get(Model, model_id)
    if model is None or model.account_id != account_id:
        raise NotFound("Model", model_id)
    return model


async def create_dataset(
    session: AsyncSession, *, account_id: int, name: str, metadata: dict[str, Any] | None = None
) -> Dataset:
    validation.require_name("name", name)
    taken = await catalog.dataset_by_name(session, account_id=account_id, name=name)
    if taken is not None:
        assert taken.id is not None
        raise ValidationFailed.single(
            "name", name, f"you already have a dataset with this name: {global_id('Dataset', taken.id)}"
        )
    dataset = Dataset(account_id=account_id, name=name, meta=metadata)
    session.add(dataset)
    await session.flush()
    return dataset


async def create_model(
    session: AsyncSession,
    *,
    account_id: int,
    name: str,
    reference_id: str,
    metadata: dict[str, Any] | None = None,
) -> Model:
    validation.require_name("name", name)
    validation.require_name("referenceId", reference_id)
    existing = await find_model(session, account_id=account_id, reference_id=reference_id)
    if existing is not None:
        raise ValidationFailed.single("referenceId", reference_id, "a model with this referenceId exists")
    model = Model(account_id=account_id, name=name, reference_id=reference_id, meta=metadata)
    session.add(model)
    await session.flush()
    return model


async def find_model(session: AsyncSession, *, account_id: int, reference_id: str) -> Model | None:
    statement = select(Model).where(col(Model.account_id) == account_id, col(Model.reference_id) == reference_id)
    return (await session.execute(statement)).scalars().first()


async def item_ids_by_reference(session: AsyncSession, dataset_id: int, reference_ids: Iterable[str]) -> dict[str, int]:
    # No stored reference contains U+0000 (validation refuses it; PostgreSQL text cannot hold it), and PostgreSQL
    # refuses the whole query if one is sent: such a key simply names no item.
    wanted = sorted({reference for reference in reference_ids if "\x00" not in reference})
    # On PostgreSQL a key lookup is one query joining an array of the keys: with a query per IN list of 500 bound
    # values, the ground truth of bench/pg_bulk.py --full (12,000 images) took 9.2 s to import, 8x SQLite.
    if dialect.is_postgresql(session):
        rows = await bulk_select(session, _ITEMS_BY_REFERENCE, {"wanted": wanted, "dataset_id": dataset_id})
        return {reference: item_id for reference, item_id in rows}
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        statement = select(col(DatasetItem.reference_id), col(DatasetItem.id)).where(
            col(DatasetItem.dataset_id) == dataset_id,
            col(DatasetItem.reference_id).in_(chunk),
        )
        found.update({reference: item_id for reference, item_id in (await session.execute(statement)).all()})
    return found


async def append_items(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_id: int,
    items: Sequence[ItemRecord],
    update: bool = False,
    max_rows: int | None = None,
) -> UploadCounts:
    validation.check_batch_size("items", len(items), max_rows)
    await get_dataset(session, account_id=account_id, dataset_id=dataset_id)
    validation.check_items(items)
    existing = await item_ids_by_reference(session, dataset_id, (item.reference_id for item in items))
    fresh = [item for item in items if item.reference_id not in existing]
    known = [item for item in items if item.reference_id in existing]
    table = DatasetItem.__table__  # type: ignore[attr-defined]
    await bulk_insert(
        session,
        table,
        ("dataset_id", "reference_id", "image_location", "width", "height", "metadata"),
        [(dataset_id, i.reference_id, i.image_location, i.width, i.height, _json_text(i.metadata)) for i in fresh],
    )
    if update:
        await bulk_update(
            session,
            table,
            "id",
            ("image_location", "width", "height", "metadata"),
            [(i.image_location, i.width, i.height, _json_text(i.metadata), existing[i.reference_id]) for i in known],
        )
        return UploadCounts(new=len(fresh), updated=len(known))
    return UploadCounts(new=len(fresh), ignored=len(known))


async def existing_box_keys(
    session: AsyncSession, table: Any, item_ids: Iterable[int], model_id: int | None
) -> dict[tuple[int, str], int]:
    wanted = sorted(set(item_ids))
    if dialect.is_postgresql(session):  # one query, as in item_ids_by_reference
        statement = select(table.c.item_id, table.c.annotation_id, table.c.id).join(
            _WANTED_ITEMS, table.c.item_id == _WANTED_ITEMS.c.item_id
        )
        if model_id is not None:
            statement = statement.where(table.c.model_id == model_id)
        return {(item, key): row_id for item, key, row_id in await bulk_select(session, statement, {"wanted": wanted})}
    found: dict[tuple[int, str], int] = {}
    for chunk in _chunks(wanted):
        statement = select(table.c.item_id, table.c.annotation_id, table.c.id).where(table.c.item_id.in_(chunk))
        if model_id is not None:
            statement = statement.where(table.c.model_id == model_id)
        found.update({(item, key): row_id for item, key, row_id in (await session.execute(statement)).all()})
    return found


_GEOMETRY = ("label", "x", "y", "width", "height")


def _box_values(
    boxes: Sequence[AnnotationRecord] | Sequence[PredictionRecord], fields: Sequence[str], json_fields: Sequence[str]
) -> tuple[list[str], list[list[Any]], dict[str, None]]:
    """Column names, their values (one list per column), and the JSON columns that no box fills (written as NULL)."""
    filled = [name for name in json_fields if any(getattr(box, name) is not None for box in boxes)]
    # Record fields are named after their columns.
    values = [[getattr(box, name) for box in boxes] for name in fields]
    values += [[_json_text(getattr(box, name)) for box in boxes] for name in filled]
    return [*fields, *filled], values, {name: None for name in json_fields if name not in filled}


async def _write_boxes(
    session: AsyncSession,
    table: Any,
    *,
    scope: dict[str, int],
    boxes: Sequence[AnnotationRecord] | Sequence[PredictionRecord],
    keys: Sequence[str],
    item_ids: dict[str, int],
    fields: Sequence[str],
    json_fields: Sequence[str],
    update: bool,
) -> UploadCounts:
    """Insert new keys in bulk and, with `update`, replace existing ones; `scope` columns are the same for all."""
    box_items = [item_ids[box.item_reference_id] for box in boxes]
    columns, values, nulls = _box_values(boxes, fields, json_fields)
    rows = list(zip(box_items, keys, *values, strict=True))
    existing = await existing_box_keys(session, table, box_items, scope.get("model_id"))
    return await write_box_rows(
        session, table, scope=scope, existing=existing, rows=rows, columns=columns, nulls=nulls, update=update
    )


async def write_box_rows(
    session: AsyncSession,
    table: Any,
    *,
    scope: dict[str, int],
    existing: dict[tuple[int, str], int],
    rows: Sequence[tuple[Any, ...]],
    columns: Sequence[str],
    nulls: dict[str, None],
    update: bool,
) -> UploadCounts:
    """`_write_boxes` once the boxes are rows (item id, key, *values in `columns` order) of the checked batch and
    `existing` the row ids of the keys stored on their items (`existing_box_keys`)."""
    inserts: Sequence[tuple[Any, ...]] = rows
    updates: list[tuple[Any, ...]] = []
    if existing:
        known = [existing.get((row[0], row[1])) for row in rows]
        inserts = [row for row, row_id in zip(rows, known, strict=True) if row_id is None]
        if update:
            blanks = (None,) * len(nulls)
            pairs = zip(rows, known, strict=True)
            updates = [(*row[2:], *blanks, row_id) for row, row_id in pairs if row_id is not None]
    await bulk_insert(session, table, ("item_id", "annotation_id", *columns), inserts, constants={**scope, **nulls})
    await bulk_update(session, table, "id", (*columns, *nulls), updates)
    return UploadCounts(new=len(inserts), updated=len(updates), ignored=len(rows) - len(inserts) - len(updates))


async def annotate(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_id: int,
    annotations: Sequence[AnnotationRecord],
    update: bool = False,
    max_rows: int | None = None,
) -> UploadCounts:
    validation.check_batch_size("annotations", len(annotations), max_rows)
    dataset = await get_dataset(session, account_id=account_id, dataset_id=dataset_id)
    item_ids = await item_ids_by_reference(session, dataset_id, (a.item_reference_id for a in annotations))
    keys = validation.box_keys(annotations)
    validation.check_boxes(annotations, keys, item_ids)
    counts = await _write_boxes(
        session,
        BoxAnnotation.__table__,  # type: ignore[attr-defined]
        scope={"dataset_id": dataset_id},
        boxes=annotations,
        keys=keys,
        item_ids=item_ids,
        fields=(*_GEOMETRY, "area", "iscrowd"),
        json_fields=("metadata",),
        update=update,
    )
    if counts.new or counts.updated:
        await session.execute(
            sql_update(Dataset)
            .where(col(Dataset.id) == dataset.id)
            .values(annotation_version=col(Dataset.annotation_version) + 1)
        )
    return counts


async def upload_predictions(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_id: int,
    model_id: int,
    predictions: Sequence[PredictionRecord],
    update: bool = False,
    max_rows: int | None = None,
) -> UploadCounts:
    validation.check_batch_size("predictions", len(predictions), max_rows)
    await get_dataset(session, account_id=account_id, dataset_id=dataset_id)
    await get_model(session, account_id=account_id, model_id=model_id)
    item_ids = await item_ids_by_reference(session, dataset_id, (p.item_reference_id for p in predictions))
    keys = validation.box_keys(predictions)
    validation.check_boxes(predictions, keys, item_ids)
    counts = await _write_boxes(
        session,
        BoxPrediction.__table__,  # type: ignore[attr-defined]
        scope={"dataset_id": dataset_id, "model_id": model_id},
        boxes=predictions,
        keys=keys,
        item_ids=item_ids,
        fields=(*_GEOMETRY, "confidence"),
        json_fields=("class_pdf", "metadata"),
        update=update,
    )
    if counts.new or counts.updated:
        await bump_prediction_version(session, dataset_id=dataset_id, model_id=model_id)
    return counts


async def bump_prediction_version(session: AsyncSession, *, dataset_id: int, model_id: int) -> None:
    key = (dataset_id, model_id)
    current = await session.get(PredictionSet, key)
    if current is None:
        session.add(PredictionSet(dataset_id=dataset_id, model_id=model_id, version=1))
        await session.flush()
        return
    await session.execute(
        sql_update(PredictionSet)
        .where(tuple_(col(PredictionSet.dataset_id), col(PredictionSet.model_id)) == key)
        .values(version=col(PredictionSet.version) + 1)
    )

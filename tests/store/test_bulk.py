"""The bulk write paths (on PostgreSQL COPY, and one UPDATE ... FROM a COPY-filled staging table; executemany on
SQLite) write exactly the rows the row-by-row semantics would: the same rows, ids in upload order with no gaps,
the same counts, nothing on failure.

Run on SQLite by default and on PostgreSQL with MATCHSCOPE_TEST_DATABASE=postgresql; the expected rows are the
same literal values on both.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import orjson
import pytest
from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, MetaData, String, Table, text

from matchscope.services import ingest
from matchscope.services.errors import ValidationFailed
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord, UploadCounts
from matchscope.state import AppState
from matchscope.store import tables
from matchscope.store.bulk import ColumnValues, bulk_insert, bulk_insert_columns, bulk_select, bulk_update
from matchscope.store.db import transaction

# Values that a text round trip of fewer than 17 significant digits would change.
X = 0.1 + 0.2
W = 123.45678901234567
SCORE = 0.9876543210987654

ITEM_COLUMNS = "reference_id, image_location, width, height, metadata"
PREDICTION_COLUMNS = "item_id, annotation_id, label, x, y, width, height, confidence, class_pdf, metadata"
ANNOTATION_COLUMNS = "item_id, annotation_id, label, x, y, width, height, area, iscrowd, metadata"


async def _rows(state: AppState, table: str, columns: str) -> list[tuple[Any, ...]]:
    """Every row of `table` in id order, ids renumbered from 1 (PostgreSQL does not reuse sequence values)."""
    async with state.sessions() as session:
        found = (await session.execute(text(f"SELECT id, {columns} FROM {table} ORDER BY id"))).all()
    first = found[0][0] if found else 0
    return [(row[0] - first + 1, *(_plain(value) for value in row[1:])) for row in found]


def _plain(value: Any) -> Any:
    """JSON columns as dicts on both backends (a raw read gives their text)."""
    if isinstance(value, str) and value.startswith("{"):
        return orjson.loads(value)
    return value


async def _setup(state: AppState) -> tuple[int, int, int]:
    async with transaction(state.sessions) as session:
        account = tables.Account(name="bulk")
        session.add(account)
        await session.flush()
        assert account.id is not None
        dataset = await ingest.create_dataset(session, account_id=account.id, name="d")
        model = await ingest.create_model(session, account_id=account.id, name="m", reference_id="m")
        assert dataset.id is not None and model.id is not None
        return account.id, dataset.id, model.id


def _items(count: int) -> list[ItemRecord]:
    return [ItemRecord(f"img{i}.jpg", f"/images/{i}.jpg", 640 + i, 480, {"n": i}) for i in range(count)]


def _predictions(references: list[str]) -> list[PredictionRecord]:
    return [
        PredictionRecord(reference, "cat", X + i, 2.0, W, 4.0, str(i), SCORE, None, {"k": i} if i % 2 else None)
        for i, reference in enumerate(references)
    ]


async def _upload(
    state: AppState, ids: tuple[int, int, int], predictions: list[PredictionRecord], *, update: bool = False
) -> UploadCounts:
    account_id, dataset_id, model_id = ids
    async with transaction(state.sessions) as session:
        return await ingest.upload_predictions(
            session,
            account_id=account_id,
            dataset_id=dataset_id,
            model_id=model_id,
            predictions=predictions,
            update=update,
        )


async def test_items_and_predictions_are_written_in_order_and_reuploads_are_ignored(state: AppState) -> None:
    ids = await _setup(state)
    account_id, dataset_id, _ = ids
    items = _items(5)
    async with transaction(state.sessions) as session:
        counts = await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=items)
    assert counts == UploadCounts(new=5)
    expected_items = [(i + 1, f"img{i}.jpg", f"/images/{i}.jpg", 640 + i, 480, {"n": i}) for i in range(5)]
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == expected_items

    references = [f"img{i % 5}.jpg" for i in range(12)]
    assert await _upload(state, ids, _predictions(references)) == UploadCounts(new=12)
    first_item = (await _item_ids(state))[0]
    expected = [
        (i + 1, first_item + i % 5, str(i), "cat", X + i, 2.0, W, 4.0, SCORE, None, {"k": i} if i % 2 else None)
        for i in range(12)
    ]
    assert await _rows(state, "box_prediction", PREDICTION_COLUMNS) == expected

    # The same batch again, and one with two new keys among known ones: known keys are ignored, rows unchanged.
    assert await _upload(state, ids, _predictions(references)) == UploadCounts(ignored=12)
    more = _predictions([*references, "img0.jpg", "img1.jpg"])
    more[0].label = "dog"  # ignored: the key exists and update is off
    assert await _upload(state, ids, more) == UploadCounts(new=2, ignored=12)
    expected += [(13, first_item, "12", "cat", X + 12, 2.0, W, 4.0, SCORE, None, None)]
    expected += [(14, first_item + 1, "13", "cat", X + 13, 2.0, W, 4.0, SCORE, None, {"k": 13})]
    assert await _rows(state, "box_prediction", PREDICTION_COLUMNS) == expected
    async with transaction(state.sessions) as session:
        again = await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=items)
    assert again == UploadCounts(ignored=5)
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == expected_items


async def _item_ids(state: AppState) -> list[int]:
    async with state.sessions() as session:
        return list((await session.execute(text("SELECT id FROM dataset_item ORDER BY id"))).scalars())


async def test_update_replaces_every_column_of_known_keys_and_inserts_new_ones(state: AppState) -> None:
    ids = await _setup(state)
    account_id, dataset_id, _ = ids
    async with transaction(state.sessions) as session:
        await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=_items(3))
        replaced = [ItemRecord("img1.jpg", None, 10, 20, None), ItemRecord("new.jpg", "/n.jpg", 1, 2, {"a": [1]})]
        counts = await ingest.append_items(
            session, account_id=account_id, dataset_id=dataset_id, items=replaced, update=True
        )
    assert counts == UploadCounts(new=1, updated=1)
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == [
        (1, "img0.jpg", "/images/0.jpg", 640, 480, {"n": 0}),
        (2, "img1.jpg", None, 10, 20, None),
        (3, "img2.jpg", "/images/2.jpg", 642, 480, {"n": 2}),
        (4, "new.jpg", "/n.jpg", 1, 2, {"a": [1]}),
    ]

    first_item = (await _item_ids(state))[0]
    assert await _upload(state, ids, _predictions(["img0.jpg", "img1.jpg", "img2.jpg"])) == UploadCounts(new=3)
    # Key 1 loses its metadata and gains a class PDF, key 2 is left out, key 3 is new.
    changed = [
        PredictionRecord("img1.jpg", "dog", 5.5, 6.5, 7.5, 8.5, "1", 0.25, {"dog": 0.75}, None),
        PredictionRecord("img0.jpg", "cat", X, X, W, W, "3", None, None, {"z": True}),
    ]
    assert await _upload(state, ids, changed, update=True) == UploadCounts(new=1, updated=1)
    assert await _rows(state, "box_prediction", PREDICTION_COLUMNS) == [
        (1, first_item, "0", "cat", X, 2.0, W, 4.0, SCORE, None, None),
        (2, first_item + 1, "1", "dog", 5.5, 6.5, 7.5, 8.5, 0.25, {"dog": 0.75}, None),
        (3, first_item + 2, "2", "cat", X + 2, 2.0, W, 4.0, SCORE, None, None),
        (4, first_item, "3", "cat", X, X, W, W, None, None, {"z": True}),
    ]


async def test_annotations_upsert_on_their_item_and_key(state: AppState) -> None:
    ids = await _setup(state)
    account_id, dataset_id, _ = ids

    async def annotate(boxes: list[AnnotationRecord], update: bool = False) -> UploadCounts:
        async with transaction(state.sessions) as session:
            return await ingest.annotate(
                session, account_id=account_id, dataset_id=dataset_id, annotations=boxes, update=update
            )

    async with transaction(state.sessions) as session:
        await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=_items(2))
    first_item = (await _item_ids(state))[0]
    boxes = [
        AnnotationRecord("img0.jpg", "cat", X, 1.0, W, 3.0, "7", False, None, 12.5),
        AnnotationRecord("img1.jpg", "cat", 1.0, 1.0, 2.0, 2.0, "7", True, {"m": 1}, None),
    ]
    assert await annotate(boxes) == UploadCounts(new=2)
    assert await annotate(boxes) == UploadCounts(ignored=2)
    boxes[1] = AnnotationRecord("img1.jpg", "dog", 1.0, 1.0, 2.0, 2.0, "7", False, None, 4.0)
    assert await annotate(boxes, update=True) == UploadCounts(updated=2)
    assert await _rows(state, "box_annotation", ANNOTATION_COLUMNS) == [
        (1, first_item, "7", "cat", X, 1.0, W, 3.0, 12.5, False, None),
        (2, first_item + 1, "7", "dog", 1.0, 1.0, 2.0, 2.0, 4.0, False, None),
    ]


async def test_a_refused_batch_writes_nothing_and_a_failed_transaction_keeps_nothing(state: AppState) -> None:
    ids = await _setup(state)
    account_id, dataset_id, _ = ids
    async with transaction(state.sessions) as session:
        await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=_items(2))
    bad = _predictions(["img0.jpg", "img1.jpg", "img0.jpg"])
    bad[2].width = -1.0
    with pytest.raises(ValidationFailed) as raised:
        await _upload(state, ids, bad)
    assert (raised.value.issues[0].row, raised.value.issues[0].field) == (2, "width")
    assert await _rows(state, "box_prediction", PREDICTION_COLUMNS) == []

    # A first chunk written, then a second refused in the same transaction (as import-coco does): nothing stays.
    with pytest.raises(ValidationFailed):
        async with transaction(state.sessions) as session:
            await ingest.upload_predictions(
                session,
                account_id=account_id,
                dataset_id=dataset_id,
                model_id=ids[2],
                predictions=_predictions(["img0.jpg", "img1.jpg"]),
            )
            await ingest.upload_predictions(
                session, account_id=account_id, dataset_id=dataset_id, model_id=ids[2], predictions=bad
            )
    assert await _rows(state, "box_prediction", PREDICTION_COLUMNS) == []
    # The staging tables went with the transaction: the next upload works in a fresh one.
    assert await _upload(state, ids, _predictions(["img0.jpg"])) == UploadCounts(new=1)


async def test_bulk_update_sets_columns_by_key_in_one_transaction(state: AppState) -> None:
    ids = await _setup(state)
    account_id, dataset_id, _ = ids
    async with transaction(state.sessions) as session:
        await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=_items(4))
    item_ids = await _item_ids(state)
    table = tables.DatasetItem.__table__  # type: ignore[attr-defined]
    async with transaction(state.sessions) as session:
        await bulk_update(
            session,
            table,
            "id",
            ("width", "metadata"),
            [(7, '{"u": 1}', item_ids[3]), (8, None, item_ids[1])],
        )
        # Twice in one transaction: the staging table of the first is gone before the second.
        await bulk_update(session, table, "id", ("height",), [(9, item_ids[0])])
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == [
        (1, "img0.jpg", "/images/0.jpg", 640, 9, {"n": 0}),
        (2, "img1.jpg", "/images/1.jpg", 8, 480, None),
        (3, "img2.jpg", "/images/2.jpg", 642, 480, {"n": 2}),
        (4, "img3.jpg", "/images/3.jpg", 7, 480, {"u": 1}),
    ]


async def test_a_bulk_write_first_in_its_transaction_is_rolled_back_with_it(state: AppState) -> None:
    _, dataset_id, _ = await _setup(state)
    table = tables.DatasetItem.__table__  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError):
        async with transaction(state.sessions) as session:
            await bulk_insert(session, table, ("reference_id",), [("a.jpg",)], constants={"dataset_id": dataset_id})
            raise RuntimeError("abandoned")
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == []


async def test_constants_are_written_in_once_and_only_integers_and_none(state: AppState) -> None:
    _, dataset_id, _ = await _setup(state)
    table = tables.DatasetItem.__table__  # type: ignore[attr-defined]
    async with transaction(state.sessions) as session:
        await bulk_insert(
            session,
            table,
            ("width", "reference_id"),  # not in the table's column order
            [(5, "a.jpg"), (6, "b.jpg")],
            constants={"dataset_id": dataset_id, "height": None},
        )
        for bad in ("1); DROP TABLE dataset_item; --", 1.5, True):
            with pytest.raises(TypeError, match=re.escape(f"constant column 'height' has value {bad!r}")):
                await bulk_insert(session, table, ("reference_id",), [("c.jpg",)], constants={"height": bad})  # type: ignore[dict-item]
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == [
        (1, "a.jpg", None, 5, None, None),
        (2, "b.jpg", None, 6, None, None),
    ]


async def test_rows_beyond_one_statement_are_written_in_order_and_a_row_of_another_length_is_refused(
    state: AppState,
) -> None:
    """SQLite takes many rows a statement (64 of these): 2 such statements and the 5 rows left, in order, ids without
    gaps; a row with a value missing would shift the ones after it, so the write is refused whole."""
    _, dataset_id, _ = await _setup(state)
    table = tables.DatasetItem.__table__  # type: ignore[attr-defined]
    rows = [(f"{i}.jpg", i) for i in range(2 * 64 + 5)]
    async with transaction(state.sessions) as session:
        await bulk_insert(session, table, ("reference_id", "width"), rows, constants={"dataset_id": dataset_id})
        with pytest.raises(ValueError, match=re.escape("rows of [1, 2] values for the 2 columns")):
            await bulk_insert(session, table, ("reference_id", "width"), [("x.jpg", 1), ("y.jpg",)])
    expected = [(i + 1, f"{i}.jpg", None, i, None, None) for i in range(2 * 64 + 5)]
    assert await _rows(state, "dataset_item", ITEM_COLUMNS) == expected


async def test_bulk_select_binds_named_parameters_in_either_dialect(state: AppState) -> None:
    account_id, dataset_id, _ = await _setup(state)
    async with transaction(state.sessions) as session:
        await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=_items(3))
    statement = text(
        "SELECT reference_id, width FROM dataset_item WHERE dataset_id = :dataset AND width >= :least ORDER BY id"
    )
    async with state.sessions() as session:
        rows = await bulk_select(session, statement, {"least": 641, "dataset": dataset_id})
        assert [tuple(row) for row in rows] == [("img1.jpg", 641), ("img2.jpg", 642)]
        assert await ingest.item_ids_by_reference(session, dataset_id, ["img2.jpg", "nope", "img0.jpg"]) == {
            "img0.jpg": (await _item_ids(state))[0],
            "img2.jpg": (await _item_ids(state))[2],
        }


async def test_columns_are_written_as_rows_with_their_nulls_in_the_given_order(state: AppState) -> None:
    """`bulk_insert_columns` writes what `bulk_insert` of the same rows would: every kind of column with nulls
    (SQLite gets markers it turns into NULL: -1, '', NaN), and the columns whose values hold the marker itself
    (bound as they are), 17-digit floats exactly, in the given order, over two whole statements and a rest."""
    probe = Table(
        "bulk_columns_probe",
        MetaData(),
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
        Column("number", BigInteger),
        Column("signed", BigInteger),
        Column("ratio", Float(precision=53)),
        Column("name", String(50)),
        Column("word", String(50)),
        Column("flag", Boolean),
    )
    async with state.engine.begin() as connection:
        await connection.run_sync(probe.metadata.create_all)
    try:
        await _written_and_read_back(state, probe)
    finally:  # the schema test compares the database with the tables: none of this test's is left
        async with state.engine.begin() as connection:
            await connection.run_sync(probe.metadata.drop_all)


async def _written_and_read_back(state: AppState, probe: Table) -> None:
    count = 2 * 64 + 5
    rng = np.random.default_rng(7)
    every = np.arange(count)
    columns = {
        "number": ColumnValues(every * 1_000_003, every % 3 != 0),
        "signed": ColumnValues(every - 5, every % 4 != 1),  # -1 among the values present
        "ratio": ColumnValues(rng.uniform(0, 1, count) + X, every % 5 != 2),
        "name": ColumnValues(np.array([f"label {i}" for i in every], dtype=object), every % 2 == 0),
        "word": ColumnValues(np.array(["", "a", "b"] * 44 + [""], dtype=object), every % 6 != 5),  # '' present
        "flag": ColumnValues(every % 7 == 0),
    }
    order = every[::-1].copy()
    async with transaction(state.sessions) as session:
        await bulk_insert_columns(session, probe, columns, order=order)
        with pytest.raises(ValueError, match="columns of different lengths"):
            await bulk_insert_columns(session, probe, {"number": ColumnValues(every), "flag": ColumnValues(every[:3])})
    listed = [values.listed() for values in columns.values()]
    expected = [tuple(column[row] for column in listed) for row in order]
    assert listed[1][4] == -1 and listed[4][0] == ""  # the markers themselves are values here
    assert {type(value) for value in listed[2] if value is not None} == {float}
    found = await _rows(state, "bulk_columns_probe", "number, signed, ratio, name, word, flag")
    assert [row[1:] for row in found] == expected
    assert [row[0] for row in found] == list(range(1, count + 1))
    assert (
        sum(value is None for row in found for value in row)
        == sum(value is None for row in expected for value in row)
        > 100
    )

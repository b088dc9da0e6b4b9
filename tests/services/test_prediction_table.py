"""Predictions as a table (what import-coco writes) against the same predictions as records (what uploads write):
the same refusals, the same rows stored, the same keys, counts and `update` semantics, on the test database."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from matchscope.services import ingest, table_upload, validation
from matchscope.services.accounts import get_or_create_account
from matchscope.services.errors import ValidationFailed
from matchscope.services.records import ItemRecord, PredictionRecord, PredictionTable, UploadCounts, distinct
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import BoxPrediction


def _table(records: list[PredictionRecord]) -> PredictionTable:
    references = sorted({r.item_reference_id for r in records})
    labels = sorted({r.label for r in records})
    return PredictionTable(
        references=references,
        reference_code=np.array([references.index(r.item_reference_id) for r in records], dtype=np.int64),
        labels=labels,
        label_code=np.array([labels.index(r.label) for r in records], dtype=np.int64),
        boxes=np.array([(r.x, r.y, r.width, r.height) for r in records], dtype=np.float64).reshape(-1, 4),
        confidence=np.array([r.confidence for r in records], dtype=np.float64),
        annotation_ids=[str(r.annotation_id) for r in records],
    )


def _good(n: int) -> list[PredictionRecord]:
    return [
        PredictionRecord(f"item-{i % 3}", ("cat", "dog")[i % 2], i + 0.25, 2.0 * i, 10.0 + i, 5.5, str(i + 1), i / n)
        for i in range(n)
    ]


def _issues(check: Any) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationFailed) as raised:
        check()
    return [(i.field, repr(i.value), i.message, i.row, i.key) for i in raised.value.issues]


BAD_ROWS: list[tuple[str, dict[str, Any]]] = [
    ("NaN width", {"width": math.nan}),
    ("negative height", {"height": -1.5}),
    ("infinite x", {"x": math.inf}),
    ("x + width overflows", {"x": 1e308, "width": 1e308}),
    ("width * height overflows", {"width": 1e200, "height": 1e200}),
    ("confidence above 1", {"confidence": 1.5}),
    ("negative confidence", {"confidence": -0.1}),
    ("NaN confidence", {"confidence": math.nan}),
    ("blank label", {"label": "  "}),
    ("label with NUL", {"label": "c\x00t"}),
    ("label too long", {"label": "x" * 501}),
    ("unknown item", {"item_reference_id": "nowhere"}),
    ("blank key", {"annotation_id": " "}),
    ("key with NUL", {"annotation_id": "1\x00"}),
    ("duplicate key on the same item", {"annotation_id": "1", "item_reference_id": "item-0"}),
]


@pytest.mark.parametrize("change", [case[1] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS])
def test_a_table_is_refused_as_its_records_are(change: dict[str, Any]) -> None:
    records = _good(12)
    for row in (4, 9):
        for name, value in change.items():
            setattr(records[row], name, value)
    item_ids = {"item-0": 1, "item-1": 2, "item-2": 3}
    keys = validation.box_keys(records)
    expected = _issues(lambda: validation.check_boxes(records, keys, item_ids))
    assert expected  # the change is one the checks refuse
    assert _issues(lambda: validation.check_prediction_table(_table(records), item_ids)) == expected


def test_a_good_table_passes_and_slices_keep_their_rows() -> None:
    records = _good(10)
    table = _table(records)
    validation.check_prediction_table(table, {"item-0": 1, "item-1": 2, "item-2": 3})
    part = table[3:7]
    assert part.records() == records[3:7] and len(part) == 4
    # a slice names only the items and labels of its rows
    assert table[:1].references == ["item-0"] and table[:1].labels == ["cat"]
    assert sorted(part.references) == part.references == ["item-0", "item-1", "item-2"]


@pytest.mark.parametrize("span", [1, 40, 10**6, 2**62])
def test_distinct_is_numpys_unique(span: int) -> None:
    rng = np.random.default_rng(span)
    for size in (0, 1, 7, 500):
        values = rng.integers(-span, span, size, dtype=np.int64)
        found, code = distinct(values)
        expected, inverse = np.unique(values, return_inverse=True)
        assert found.tolist() == expected.tolist() and code.tolist() == inverse.reshape(-1).tolist()
        assert found.dtype == code.dtype == np.int64


def test_chunks_start_small_then_take_the_chunk_size() -> None:
    assert table_upload._bounds(0, 10) == []
    assert table_upload._bounds(3, 10) == [(0, 3)]
    first = table_upload.FIRST_CHUNK
    size = first * 3
    assert table_upload._bounds(first + 2 * size + 1, size) == [
        (0, first),
        (first, first + size),
        (first + size, first + 2 * size),
        (first + 2 * size, first + 2 * size + 1),
    ]


async def _stored(state: AppState, model_id: int) -> list[tuple[Any, ...]]:
    columns = ("item_id", "annotation_id", "label", "x", "y", "width", "height", "confidence", "class_pdf", "meta")
    async with state.sessions() as session:
        rows = (await session.execute(select(BoxPrediction).where(BoxPrediction.model_id == model_id))).scalars()
        return sorted(tuple(getattr(row, name) for name in columns) for row in rows)


@pytest.mark.parametrize("chunk_rows", [50_000, 4], ids=["one chunk", "chunks of 4 pipelined"])
async def test_a_table_writes_what_its_records_write(state: AppState, chunk_rows: int) -> None:
    records = _good(30)
    async with transaction(state.sessions) as session:
        owner = await get_or_create_account(session, "table")
        assert owner.id is not None
        account_id = owner.id
        dataset = await ingest.create_dataset(session, account_id=account_id, name="d")
        assert dataset.id is not None
        dataset_id = dataset.id
        items = [ItemRecord(f"item-{i}") for i in range(3)]
        await ingest.append_items(session, account_id=account_id, dataset_id=dataset_id, items=items)
        model_ids = []
        for name in ("rows", "table"):
            model = await ingest.create_model(session, account_id=account_id, name=name, reference_id=name)
            assert model.id is not None
            model_ids.append(model.id)
    by_rows, by_table = model_ids

    async def upload(predictions: list[PredictionRecord], update: bool, as_table: bool) -> UploadCounts:
        scope = {"account_id": account_id, "dataset_id": dataset_id, "update": update}
        async with transaction(state.sessions) as session:
            if as_table:
                table = _table(predictions)
                return await table_upload.upload_prediction_table(
                    session, model_id=by_table, table=table, chunk_rows=chunk_rows, **scope
                )
            return await ingest.upload_predictions(session, model_id=by_rows, predictions=predictions, **scope)

    # first upload, then the same rows again (ignored), then half of them changed, with and without update
    changed = [
        PredictionRecord(r.item_reference_id, "bird", r.x + 1, r.y, r.width, r.height, r.annotation_id, 0.5)
        for r in records[::2]
    ]
    fresh = _good(40)[30:]
    steps = [(records, False), (records, False), (changed + fresh, False), (changed, True)]
    for predictions, update in steps:
        counts = await upload(predictions, update, as_table=False)
        assert await upload(predictions, update, as_table=True) == counts
        rows, table = await _stored(state, by_rows), await _stored(state, by_table)
        assert table == rows
    assert counts == UploadCounts(new=0, updated=15, ignored=0)
    assert sum(row[2] == "bird" for row in rows) == 15 and len(rows) == 40

"""Whole columns read as arrays (`column_reads`): the rows' values to the bit, in the rows' order on both databases
(on PostgreSQL packed by the server into one aggregate row), null floats as NaN; nothing read is nothing; a fixed
column that is null cannot shift the rows after it (the read refuses)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.state import AppState
from matchscope.store.column_reads import ColumnsRead, read_columns
from matchscope.store.dialect import is_postgresql

ROWS = [
    (1, 5_000_000_000, "cat", 0.1 + 0.2, None, True),
    (2, -7, 'a label with ünïcode, commas, "quotes" and\nnewlines', -123.45678901234567, 1e-300, False),
    (3, 0, "", 5e-324, 2.5, True),
]
COLUMNS = (("id", "int4"), ("big", "int8"), ("label", "text"), ("x", "float8"), ("maybe", "float8"))
COLUMNS += (("flag", "bool"),)


async def _table(session: AsyncSession) -> None:
    """The rows in a temporary table of the session's transaction (a table left behind would differ from the
    migrated schema)."""
    big = "BIGINT" if is_postgresql(session) else "INTEGER"
    await session.execute(
        text(
            f"CREATE TEMPORARY TABLE column_reads_rows (id INTEGER, big {big}, label VARCHAR(500), "
            "x FLOAT NOT NULL, maybe FLOAT, flag BOOLEAN)"
        )
    )
    for row in ROWS:
        await session.execute(
            text("INSERT INTO column_reads_rows VALUES (:i, :b, :l, :x, :m, :f)"), dict(zip("iblxmf", row, strict=True))
        )


async def test_columns_are_the_rows_values_in_order(state: AppState) -> None:
    read = ColumnsRead("column_reads_rows WHERE id >= :first", COLUMNS)
    async with state.sessions() as session:
        await _table(session)
        ids, big, labels, x, maybe, flag = await read_columns(session, read, {"first": 1})
        empty = await read_columns(session, read, {"first": 10})
        await session.rollback()
    order = np.argsort(ids)
    assert ids[order].tolist() == [row[0] for row in ROWS]
    assert big[order].tolist() == [row[1] for row in ROWS]
    assert labels[order].tolist() == [row[2] for row in ROWS]
    assert x[order].tolist() == [row[3] for row in ROWS]  # exactly: 17 significant digits and a subnormal
    assert [None if math.isnan(value) else value for value in maybe[order].tolist()] == [row[4] for row in ROWS]
    assert flag[order].tolist() == [row[5] for row in ROWS]
    assert [column.dtype.kind for column in (ids, big, labels, x, maybe, flag)] == ["i", "i", "O", "f", "f", "b"]
    assert [len(column) for column in empty] == [0] * len(COLUMNS)


@pytest.mark.postgresql_only
async def test_a_null_in_a_fixed_column_is_refused_on_postgresql(state: AppState) -> None:
    read = ColumnsRead("column_reads_rows", COLUMNS)
    async with state.sessions() as session:
        await _table(session)
        await session.execute(text("UPDATE column_reads_rows SET id = NULL WHERE id = 2"))
        with pytest.raises(RuntimeError, match="a fixed column was null"):
            await read_columns(session, read, {})
        await session.rollback()


@pytest.mark.database_independent
def test_kinds_are_checked() -> None:
    with pytest.raises(ValueError, match="'money'"):
        ColumnsRead("t", (("price", "money"),))

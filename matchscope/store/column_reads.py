"""Whole columns of many rows read as numpy arrays: on PostgreSQL packed by the server into one aggregate row.

A read of rows one by one costs the driver a record object and a Python object per value: 51-61 ms of the reader's
CPU for a chunk of 50,000 predictions, against 9-10 ms for the same columns packed by the server (one byte string of
fixed-width records from `string_agg` of each row's binary values, the texts as arrays beside it), which costs the
server 29-31 ms instead of 21 ms (`bench/scaleout.py`'s data, 10 chunks, one connection, load average 3).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import TextClause

from matchscope.store.bulk import bulk_select
from matchscope.store.dialect import is_postgresql

# Fixed-width columns of `ColumnsRead`: each value's binary send function on PostgreSQL and its numpy type there
# (network byte order) and here.
_SENT = {
    "int4": ("int4send", ">i4", "i8"),
    "int8": ("int8send", ">i8", "i8"),
    "float8": ("float8send", ">f8", "f8"),
    "bool": ("boolsend", "?", "?"),
}


def _value(expression: str, kind: str) -> str:
    return f"coalesce({expression}, 'NaN'::float8)" if kind == "float8" else expression


@dataclass(frozen=True, slots=True)
class ColumnsRead:
    """A read of whole columns: `SELECT <columns> FROM <source>`, `source` a table and its WHERE with named
    parameters; `columns` (expression, kind) with kind int4, int8, float8 (null read as NaN), bool or text; the
    fixed-width kinds but float8 never null.

    On PostgreSQL the rows come back as one aggregate row: their count, the fixed-width columns packed into one byte
    string of records, and one array per text column, aggregated together from the same rows in the same order. The
    packed records of one read are at most ~1 GB (the server's limit on a value): ~24 million predictions."""

    source: str
    columns: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        for expression, kind in self.columns:
            if kind != "text" and kind not in _SENT:
                raise ValueError(f"column {expression!r} has kind {kind!r}: not text, {', '.join(_SENT)}")

    def statement(self, postgresql: bool) -> TextClause:
        if not postgresql:
            return text(f"SELECT {', '.join(expression for expression, _kind in self.columns)} FROM {self.source}")
        fixed = [f"{_SENT[kind][0]}({_value(expression, kind)})" for expression, kind in self.columns if kind != "text"]
        texts = [f"array_agg({expression})" for expression, kind in self.columns if kind == "text"]
        packed = f"string_agg({' || '.join(fixed)}, ''::bytea)" if fixed else "NULL::bytea"
        return text(f"SELECT count(*), {', '.join([packed, *texts])} FROM {self.source}")

    def layout(self, *, sent: bool) -> np.dtype[Any]:
        """The rows' record type: as the server sends the fixed-width columns (`sent`), or as read here (text: O)."""
        fields = [
            (f"c{position}", (_SENT[kind][1] if sent else _SENT[kind][2]) if kind != "text" else "O")
            for position, (_expression, kind) in enumerate(self.columns)
            if not (sent and kind == "text")
        ]
        return np.dtype(fields)


def columns_of_rows(read: ColumnsRead, rows: Sequence[Sequence[Any]]) -> list[NDArray[Any]]:
    """SQLite's rows of `read` (tuples from the driver), column by column."""
    table = np.fromiter(map(tuple, rows), dtype=read.layout(sent=False), count=len(rows))
    return [table[name] for name in table.dtype.names or ()]


def read_columns_from(
    connection: sqlite3.Connection, read: ColumnsRead, parameters: Mapping[str, Any]
) -> list[NDArray[Any]]:
    """`read_columns` through a plain sqlite3 connection (named parameters)."""
    return columns_of_rows(read, connection.execute(read.statement(False).text, dict(parameters)).fetchall())


async def read_columns(
    session: AsyncSession | AsyncConnection, read: ColumnsRead, parameters: Mapping[str, Any]
) -> list[NDArray[Any]]:
    """Every row of `read`, column by column (in `read.columns` order), inside the caller's transaction; floats
    null read as NaN."""
    if not is_postgresql(session):
        return columns_of_rows(read, await bulk_select(session, read.statement(False), parameters))
    count, packed, *texts = (await bulk_select(session, read.statement(True), parameters))[0]
    sent = np.frombuffer(packed or b"", dtype=read.layout(sent=True))
    if len(sent) != count or any(len(values or ()) != count for values in texts):
        raise RuntimeError(f"read of {count} rows from {read.source!r} packed {len(sent)}: a fixed column was null")
    columns: list[NDArray[Any]] = []
    fixed, listed = iter(sent.dtype.names or ()), iter(texts)
    for _expression, kind in read.columns:
        if kind == "text":
            column = np.empty(count, dtype=object)
            column[:] = next(listed) or []
        else:
            column = sent[next(fixed)].astype(_SENT[kind][2])
        columns.append(column)
    return columns

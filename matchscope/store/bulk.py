"""Bulk paths: executemany on SQLite, COPY on PostgreSQL, and raw driver reads. Never a statement per row.

Statements are SQLAlchemy Core constructs compiled by the connection's dialect; only their execution goes to the
driver, which takes every row in one call (SQLAlchemy's own executemany processes each row in Python).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    Column,
    MetaData,
    Table,
    bindparam,
    column,
    func,
    insert,
    literal_column,
    null,
    table,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.schema import CreateTable, DropTable
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, TableClause

from matchscope.store import sqlite_entries
from matchscope.store.dialect import is_postgresql

Row = tuple[Any, ...]

# SQLite inserts up to this many rows a statement, with at most as many parameters as its build takes (999 before
# 3.32). The sqlite3 module releases the GIL while a statement runs and takes it back after it: one row a statement,
# a job's entry writer beside the threads reading and matching the next chunks waited for the GIL after every row.
# Not more: the driver keeps its last 128 statements prepared, per connection, and each evaluation's table has its
# own (a statement of 64 entries takes ~0.11 MB prepared, of 1,024 ~1.5 MB).
_SQLITE_ROWS = 64
_SQLITE_PARAMETERS = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


async def _connection(session: AsyncSession | AsyncConnection) -> AsyncConnection:
    return await session.connection() if isinstance(session, AsyncSession) else session


async def _driver_connection(connection: AsyncConnection) -> Any:
    """The driver's connection, inside the connection's transaction.

    SQLAlchemy's asyncpg adapter opens the database transaction at its first statement: before one, what is sent
    straight to the driver would commit on its own (and a temporary table ON COMMIT DROP vanish at once).
    """
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if is_postgresql(connection) and not driver.is_in_transaction():
        await connection.execute(text("SELECT 1"))
    return driver


def _compiled(connection: AsyncConnection, statement: ClauseElement) -> SQLCompiler:
    """The statement in the driver's parameter style (`positiontup`: its parameters' names in positional order),
    values bound with `literal_execute` written into the SQL."""
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    assert isinstance(compiled, SQLCompiler)
    return compiled


def _columns_of(source: TableClause, names: Sequence[str]) -> TableClause:
    """`source` with only the columns `names`, in that order: its statements name just these (and none of the
    model's Python-side defaults, which only an ORM insert computes)."""
    return table(source.name, *(column(name, source.c[name].type) for name in names))


def _per_row(names: Sequence[str]) -> dict[str, ColumnElement[Any]]:
    # A placeholder value (None) keeps the parameter optional at compile time: each row brings its own.
    return {name: bindparam(f"row_{name}", None) for name in names}


def _check_constants(constants: Mapping[str, int | None]) -> None:
    for name, value in constants.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"constant column {name!r} has value {value!r}: only integers and None are written in")


def _constant(target: TableClause, name: str, value: int | None) -> ColumnElement[Any]:
    """A value written into the statement by the column type's literal rendering (it saves binding it per row)."""
    if value is None:
        return null()
    return bindparam(f"constant_{name}", value, type_=target.c[name].type, literal_execute=True)


async def bulk_insert(
    session: AsyncSession | AsyncConnection,
    table: TableClause,
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    constants: Mapping[str, int | None] | None = None,
) -> None:
    """Insert `rows` (tuples in `columns` order) inside the caller's transaction. On PostgreSQL `table` needs only
    its name (COPY reads the column types from the server); on SQLite its columns' types.

    `constants` are columns with one value for every row (ids, NULLs): SQLite gets them written into the
    statement, which saves binding them once per row; COPY gets them appended to each record.
    """
    if not rows:
        return
    constants = constants or {}
    _check_constants(constants)
    if (lengths := set(map(len, rows))) != {len(columns)}:  # SQLite takes them in flat groups, which would shift
        raise ValueError(f"rows of {sorted(lengths)} values for the {len(columns)} columns {tuple(columns)}")
    connection = await _connection(session)
    driver = await _driver_connection(connection)
    if is_postgresql(connection):
        tail = tuple(constants.values())
        records = (row + tail for row in rows) if tail else rows
        await driver.copy_records_to_table(table.name, records=records, columns=[*columns, *constants])
        return
    statement = _sqlite_insert(connection, table, columns, constants)
    if not columns:
        await driver.executemany(statement, rows)
        return
    await _sqlite_rows(
        driver,
        statement,
        len(columns),
        len(rows),
        lambda whole, parameters: _groups(rows, whole, parameters),
        lambda whole: rows[whole:],
    )


def _sqlite_insert(
    connection: AsyncConnection,
    table: TableClause,
    columns: Sequence[str],
    constants: Mapping[str, int | None],
    markers: Mapping[str, Any] | None = None,
) -> str:
    """SQLite's one-row INSERT: a parameter per column of `columns`, turned into NULL where it is the column's marker
    in `markers`, and the `constants` written in."""
    target = _columns_of(table, [*columns, *constants])
    values: dict[str, ColumnElement[Any]] = {}
    for name, parameter in _per_row(columns).items():
        marker = (markers or {}).get(name)
        values[name] = parameter if marker is None else func.nullif(parameter, literal_column(repr(marker)))
    values |= {name: _constant(target, name, value) for name, value in constants.items()}
    compiled = _compiled(connection, insert(target).values(values))
    assert compiled.positiontup == [f"row_{name}" for name in columns], compiled.positiontup
    return compiled.string


async def _sqlite_rows(
    driver: Any,
    statement: str,
    width: int,
    count: int,
    grouped: Callable[[int, int], Iterable[Sequence[Any]]],
    left: Callable[[int], Sequence[Sequence[Any]]],
) -> None:
    """`count` rows of `width` values through the one-row `statement`: statements of `per_statement` rows (their
    values from `grouped(whole, parameters)`: the first `whole` rows, `parameters` values a statement), then the rows
    left one a statement (`left(whole)`; a statement of each size left would be one more to keep prepared)."""
    per_statement = min(_SQLITE_ROWS, _SQLITE_PARAMETERS // width)
    whole = count - count % per_statement
    if whole:
        await driver.executemany(_rows_each(statement, per_statement), grouped(whole, per_statement * width))
    if whole < count:
        await driver.executemany(statement, left(whole))


@dataclass(frozen=True, slots=True)
class ColumnValues:
    """One column of `bulk_insert_columns`: a value per row (`values`: a numpy array, text as an object array of
    str, booleans as bool), null where `present` is False (None: present in every row)."""

    values: NDArray[Any]
    present: NDArray[np.bool_] | None = None

    def listed(self) -> list[Any]:
        """The values as Python objects, None where absent."""
        if self.present is None or self.present.all():
            return self.values.tolist()  # type: ignore[no-any-return]
        filled = np.full(len(self.values), None, dtype=object)
        filled[self.present] = self.values[self.present].tolist()
        return filled.tolist()  # type: ignore[no-any-return]


# A null as sqlite3 binds it costs ~10x a number (3.11 looks for an adapter of None's type, every time): rows shaped
# like a job's 530,932 entries took 1.37-1.41 s of CPU to write, 0.70 s with nulls sent as markers that the
# statement turns into NULL (bench/README.md, the sqlite_job section). Numbers are bound as themselves; a float
# marker is NaN, which SQLite stores as NULL (as it does any NaN bound).
def _sqlite_marked(values: ColumnValues) -> tuple[NDArray[Any], Any]:
    """The column as SQLite is sent it, and the marker the statement turns into NULL (None: no marker; absent
    values, if any, are bound as None)."""
    data = values.values.astype(np.int64) if values.values.dtype == np.bool_ else values.values
    present = values.present
    if present is None or present.all():
        return data, None
    kind = data.dtype.kind
    if kind == "f":
        return np.where(present, data, np.nan), None
    if kind in "iu" and not (data[present] < 0).any():  # ids and codes
        marker: Any = -1
    elif kind == "O" and not (data[present] == "").any():  # text
        marker = ""
    else:  # no marker that cannot be one of the column's values: nulls bound as None
        return np.array(values.listed(), dtype=object), None
    marked = data.copy() if kind == "O" else data.astype(np.int64)
    marked[~present] = marker
    return marked, marker


async def bulk_insert_columns(
    session: AsyncSession | AsyncConnection,
    table: TableClause,
    columns: Mapping[str, ColumnValues],
    *,
    constants: Mapping[str, int | None] | None = None,
    order: NDArray[np.int64] | None = None,
) -> None:
    """`bulk_insert` of rows given column by column, in `order` (positions; the given order by default). On
    SQLite no tuple is made per row, and nulls are bound as markers (`_sqlite_marked`)."""
    names = list(columns)
    if len({len(values.values) for values in columns.values()}) > 1:
        raise ValueError(f"columns of different lengths: { {name: len(v.values) for name, v in columns.items()} }")
    picked = {
        name: values
        if order is None
        else ColumnValues(values.values[order], None if values.present is None else values.present[order])
        for name, values in columns.items()
    }
    connection = await _connection(session)
    if is_postgresql(connection) or not names:
        rows = list(zip(*(values.listed() for values in picked.values()), strict=True))
        await bulk_insert(connection, table, names, rows, constants=constants)
        return
    count = len(next(iter(picked.values())).values)
    if not count:
        return
    constants = constants or {}
    _check_constants(constants)
    grid = np.empty((count, len(names)), dtype=object)
    markers: dict[str, Any] = {}
    for position, (name, column_values) in enumerate(picked.items()):
        grid[:, position], markers[name] = _sqlite_marked(column_values)
    statement = _sqlite_insert(connection, table, names, constants, markers)
    await _sqlite_rows(
        await _driver_connection(connection),
        statement,
        len(names),
        count,
        lambda whole, parameters: grid[:whole].reshape(-1, parameters).tolist(),
        lambda whole: grid[whole:].tolist(),
    )


def _rows_each(sql: str, count: int) -> str:
    """`INSERT ... VALUES (...)` with its one row of values `count` times."""
    head, separator, row = sql.rpartition(" VALUES ")
    assert separator and row.startswith("(") and row.endswith(")"), sql
    return head + separator + ", ".join([row] * count)


def _groups(rows: Sequence[Row], count: int, parameters: int) -> Iterator[Row]:
    """The values of the first `count` rows in tuples of `parameters` values (whole rows), made as the driver
    executes them."""
    values = chain.from_iterable(islice(rows, count))
    return zip(*[values] * parameters, strict=False)


async def bulk_update(
    session: AsyncSession | AsyncConnection,
    table: Table,
    key_column: str,
    columns: Sequence[str],
    rows: Sequence[Row],
) -> None:
    """Update `columns` of rows identified by `key_column`; each row is (*values, key).

    PostgreSQL: the rows are copied (binary COPY) into a temporary table and applied by one `UPDATE ... FROM` (an
    executemany there is still one statement per row); SQLite: executemany.
    """
    if not rows:
        return
    connection = await _connection(session)
    driver = await _driver_connection(connection)
    target = _columns_of(table, [*columns, key_column])
    if is_postgresql(connection):
        staged = await _stage(connection, driver, table, [*columns, key_column], rows)
        changes = update(target).values({name: staged.c[name] for name in columns})
        await connection.execute(changes.where(target.c[key_column] == staged.c[key_column]))
        await connection.execute(DropTable(staged))
        return
    changes = update(target).values(_per_row(columns)).where(target.c[key_column] == bindparam("row_key", None))
    compiled = _compiled(connection, changes)
    assert compiled.positiontup == [*(f"row_{name}" for name in columns), "row_key"], compiled.positiontup
    await driver.executemany(compiled.string, rows)


async def _stage(
    connection: AsyncConnection, driver: Any, source: Table, columns: Sequence[str], rows: Sequence[Row]
) -> Table:
    """A temporary table with `columns` of `source` (their types), filled with `rows` by COPY. The caller drops it
    when done; the end of the transaction drops it in any case."""
    staged = Table(
        f"staged_{source.name}",
        MetaData(),
        *(Column(name, source.c[name].type) for name in columns),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    await connection.execute(CreateTable(staged))
    await driver.copy_records_to_table(staged.name, records=rows, columns=list(columns))
    # Autovacuum never sees a temporary table: without statistics the planner joins it as a guess.
    await connection.execute(text(f"ANALYZE {connection.dialect.identifier_preparer.format_table(staged)}"))
    return staged


async def bulk_select(
    session: AsyncSession | AsyncConnection, statement: ClauseElement, parameters: Mapping[str, Any] | None = None
) -> Sequence[Sequence[Any]]:
    """Every row of `statement` (a Core select or `text()`, with named parameters) straight from the driver, inside
    the caller's transaction: tuples on SQLite, records on PostgreSQL, no ORM row processing (~10x faster on 500k
    rows). On SQLite a statement naming `match_entry` reads the table of the evaluation its `evaluation_id`
    parameter names (`sqlite_entries`)."""
    connection = await _connection(session)
    driver = await _driver_connection(connection)
    compiled = _compiled(connection, statement.params(dict(parameters or {})))
    values = compiled.construct_params()
    arguments = [values[name] for name in compiled.positiontup or ()]
    if is_postgresql(connection):
        records: Sequence[Sequence[Any]] = await driver.fetch(compiled.string, *arguments)
        return records
    sql = sqlite_entries.routed(compiled.string, sqlite_entries.evaluation_in(values))
    rows: Sequence[Sequence[Any]] = await driver.execute_fetchall(sql, tuple(arguments))
    return rows

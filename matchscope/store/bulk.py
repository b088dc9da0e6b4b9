"""Bulk paths: executemany on SQLite, COPY on PostgreSQL, and raw driver reads. Never a statement per row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, TableClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from matchscope.store.dialect import is_postgresql

Row = tuple[Any, ...]


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


def _literal(name: str, value: int | None) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"constant column {name!r} has value {value!r}: only integers and None are inlined")
    return str(int(value))


async def bulk_insert(
    session: AsyncSession | AsyncConnection,
    table: TableClause,
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    constants: Mapping[str, int | None] | None = None,
) -> None:
    """Insert `rows` (tuples in `columns` order) inside the caller's transaction.

    `constants` are columns with one value for every row (ids, NULLs): SQLite gets them as literals, which
    saves binding them once per row; COPY gets them appended to each record.
    """
    if not rows:
        return
    constants = constants or {}
    connection = await _connection(session)
    driver = await _driver_connection(connection)
    if is_postgresql(connection):
        if constants:
            tail = tuple(constants.values())
            rows = [(*row, *tail) for row in rows]
        await driver.copy_records_to_table(table.name, records=rows, columns=[*columns, *constants])
        return
    names = ", ".join([*columns, *constants])
    values = ", ".join(["?"] * len(columns) + [_literal(name, value) for name, value in constants.items()])
    await driver.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({values})', rows)


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
    if is_postgresql(connection):
        staged = await _stage(driver, table, [*columns, key_column], rows)
        assignments = ", ".join(f"{name} = {staged}.{name}" for name in columns)
        target = f'"{table.name}".{key_column}'
        await driver.execute(
            f'UPDATE "{table.name}" SET {assignments} FROM {staged} WHERE {target} = {staged}.{key_column}'
        )
        await driver.execute(f"DROP TABLE {staged}")
        return
    assignments = ", ".join(f"{name} = ?" for name in columns)
    await driver.executemany(f'UPDATE "{table.name}" SET {assignments} WHERE {key_column} = ?', rows)


async def _stage(driver: Any, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> str:
    """A temporary table with `columns` of `table` (their types), filled with `rows` by COPY. The caller drops it
    when done; the end of the transaction drops it in any case."""
    staged = f"staged_{table.name}"
    names = ", ".join(columns)
    await driver.execute(
        f'CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS SELECT {names} FROM "{table.name}" WITH NO DATA'
    )
    await driver.copy_records_to_table(staged, records=rows, columns=list(columns))
    # Autovacuum never sees a temporary table: without statistics the planner joins it as a guess.
    await driver.execute(f"ANALYZE {staged}")
    return staged


async def _connection(session: AsyncSession | AsyncConnection) -> AsyncConnection:
    return await session.connection() if isinstance(session, AsyncSession) else session


async def bulk_select(
    session: AsyncSession | AsyncConnection, sql: str, parameters: Sequence[Any]
) -> Sequence[Sequence[Any]]:
    """Every row of `sql` (with `?` placeholders) straight from the driver, inside the caller's transaction: tuples
    on SQLite, records on PostgreSQL, no ORM row processing (~10x faster on 500k rows)."""
    connection = await _connection(session)
    driver = await _driver_connection(connection)
    if is_postgresql(connection):
        parts = sql.split("?")
        numbered = "".join(part + (f"${index}" if index < len(parts) else "") for index, part in enumerate(parts, 1))
        records: Sequence[Sequence[Any]] = await driver.fetch(numbered, *parameters)
        return records
    rows: Sequence[Sequence[Any]] = await driver.execute_fetchall(sql, tuple(parameters))
    return rows

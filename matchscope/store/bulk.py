"""Bulk paths: executemany on SQLite, COPY on PostgreSQL. Never a statement per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Row = tuple[Any, ...]


async def _driver_connection(connection: AsyncConnection) -> Any:
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def bulk_insert(
    session: AsyncSession | AsyncConnection, table: Table, columns: Sequence[str], rows: Sequence[Row]
) -> None:
    """Insert `rows` (tuples in `columns` order) inside the caller's transaction."""
    if not rows:
        return
    connection = await session.connection() if isinstance(session, AsyncSession) else session
    driver = await _driver_connection(connection)
    if connection.dialect.name == "postgresql":
        await driver.copy_records_to_table(table.name, records=rows, columns=list(columns))
        return
    placeholders = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({placeholders})'
    await driver.executemany(sql, rows)


async def bulk_update(
    session: AsyncSession | AsyncConnection,
    table: Table,
    key_column: str,
    columns: Sequence[str],
    rows: Sequence[Row],
) -> None:
    """Update `columns` of rows identified by `key_column`; each row is (*values, key)."""
    if not rows:
        return
    connection = await session.connection() if isinstance(session, AsyncSession) else session
    driver = await _driver_connection(connection)
    if connection.dialect.name == "postgresql":
        assignments = ", ".join(f"{name} = ${index}" for index, name in enumerate(columns, start=1))
        sql = f'UPDATE "{table.name}" SET {assignments} WHERE {key_column} = ${len(columns) + 1}'
    else:
        assignments = ", ".join(f"{name} = ?" for name in columns)
        sql = f'UPDATE "{table.name}" SET {assignments} WHERE {key_column} = ?'
    await driver.executemany(sql, rows)

"""The migrations build exactly the tables the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlmodel import SQLModel

from matchscope.state import AppState
from matchscope.store.migrate import is_up_to_date


def _drift(connection: Connection) -> list[Any]:
    with warnings.catch_warnings():
        # Expression indexes cannot be reflected on SQLite; they are compared on PostgreSQL.
        warnings.simplefilter("ignore")
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


async def test_migrated_schema_matches_the_tables(state: AppState) -> None:
    async with state.engine.connect() as connection:
        assert await connection.run_sync(_drift) == []
    assert await is_up_to_date(state.engine)


def _index_names(connection: Connection) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the expression index is skipped on SQLite
        return {str(index["name"]) for index in inspect(connection).get_indexes("match_entry")}


async def test_match_entry_indexes_are_the_browsing_ones(state: AppState) -> None:
    async with state.engine.connect() as connection:
        names = await connection.run_sync(_index_names)
    assert {"ix_entry_eval_item", "ix_entry_browse_iou"} <= names
    assert "ix_entry_browse_gt_label" not in names

"""SQL pieces every browsing statement shares: the entry table, bound parameters, spellings for the planner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, String, bindparam, literal_column

from matchscope.services import error_types
from matchscope.store.tables import MatchEntry

ENTRY = MatchEntry.__table__.c  # type: ignore[attr-defined]
# The entry's own columns that every statement reading entries selects first, in MatchRow's order.
ENTRY_COLUMNS = (
    ENTRY.id,
    ENTRY.item_id,
    ENTRY.ground_truth_id,
    ENTRY.prediction_id,
    ENTRY.ground_truth_label,
    ENTRY.prediction_label,
    ENTRY.iou,
    ENTRY.confidence,
)
# Spelt exactly as in the expression index of migration 0002 so both backends can use it.
CONFIDENCE_OR_ONE: ColumnElement[float] = literal_column("coalesce(match_entry.confidence, 1.0)")


def as_filter(column: ColumnElement[float]) -> ColumnElement[float]:
    """The same value, spelt so that no index matches it: SQLite's planner would otherwise pick the index of a
    range condition over the one that serves the ORDER BY, and sort the whole range."""
    return column + 0


unindexed = error_types.unindexed


def literal_limit(rows: int) -> Any:
    """A LIMIT written into the statement: with a parameter there, PostgreSQL's generic plan for the prepared
    statement assumes a tenth of the table and is 15x slower than a custom one, so it plans every execution anew
    (~0.3 ms); with the number written, the generic plan is as good and is kept."""
    return literal_column(str(int(rows)), Integer())


def float_param(name: str) -> Any:
    return bindparam(name, type_=Float())


def integer_param(name: str) -> Any:
    return bindparam(name, type_=Integer())


def string_param(name: str) -> Any:
    return bindparam(name, type_=String())

"""Slices: the items whose metadata has given values (Nucleus' slices, the per-scenario view).

A slice is an equality on each of a few keys of an item's metadata object: every key given must be present with
that value. Values are JSON scalars compared with their JSON type: the string "1", the number 1 and `true` are
three different values; numbers compare by value (1 equals 1.0); `null` matches a key present with the value
null, not a missing key. Items are read as they are now (metadata changed after an evaluation moves its items
between slices).

The condition is SQL on `dataset_item`, one statement whatever the number of items: PostgreSQL's jsonb
containment (`@>` on an object of scalars is exactly key equality), SQLite's `json_each` (a key is matched
as a whole string, so keys holding dots, quotes or brackets need no path escaping).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray
from sqlalchemy import BindParameter, ColumnElement, Float, Integer, Select, String, TextClause, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services.errors import ValidationFailed
from matchscope.store.dialect import is_postgresql
from matchscope.store.reads import Reads, fetch_all
from matchscope.store.tables import DatasetItem

Scalar = str | int | float | bool | None
# Keys one slice may name: each is a condition on every item of the dataset.
MAX_KEYS = 20
_ITEM = DatasetItem.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ItemMetadata:
    """Key equalities on an item's metadata, sorted by key."""

    pairs: tuple[tuple[str, Scalar], ...]

    @classmethod
    def parse(cls, value: Any, field: str) -> ItemMetadata:
        """The slice `value` (a GraphQL JSON value) asks for; ValidationFailed naming `field` and the value when it
        is not an object of at most MAX_KEYS JSON scalars."""
        if not isinstance(value, dict):
            raise ValidationFailed.single(field, value, "must be an object of metadata keys and scalar values")
        if len(value) > MAX_KEYS:
            raise ValidationFailed.single(field, value, f"names {len(value)} keys; at most {MAX_KEYS}")
        for key, item in value.items():
            if not isinstance(key, str) or "\x00" in key:
                raise ValidationFailed.single(field, key, "a key must be a string without U+0000")
            if isinstance(item, str) and "\x00" in item:
                raise ValidationFailed.single(f"{field}.{key}", item, "a string value cannot hold U+0000")
            if isinstance(item, float) and not math.isfinite(item):
                raise ValidationFailed.single(f"{field}.{key}", item, "a number must be finite")
            if item is not None and not isinstance(item, str | int | float | bool):
                raise ValidationFailed.single(
                    f"{field}.{key}", item, "must be a string, number, boolean or null (equality on scalars only)"
                )
        return cls(pairs=tuple(sorted(value.items())))

    @property
    def kinds(self) -> tuple[str, ...]:
        """The JSON type of each value, in key order: what the SQLite statement's shape depends on."""
        return tuple(_kind(value) for _key, value in self.pairs)

    def parameters(self, *, postgresql: bool) -> dict[str, Any]:
        """The bound values of `condition` on PostgreSQL or on SQLite."""
        if postgresql:
            return {"slice_metadata": orjson.dumps(dict(self.pairs)).decode()}
        parameters: dict[str, Any] = {}
        for index, (key, value) in enumerate(self.pairs):
            parameters[f"slice_key_{index}"] = key
            if _kind(value) in ("string", "number"):
                parameters[f"slice_value_{index}"] = value
        return parameters


def _kind(value: Scalar) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "string" if isinstance(value, str) else "number"


# SQLite's json_each type for each kind (a number is stored as an integer or a real).
_SQLITE_TYPES = {"null": "'null'", "true": "'true'", "false": "'false'", "string": "'text'"}


def _sqlite_key_condition(index: int, kind: str) -> TextClause:
    key = f"slice_key_{index}"
    value = f"slice_value_{index}"
    parameters: list[BindParameter[Any]]
    if kind == "number":
        where = f"entry.type IN ('integer', 'real') AND entry.atom = :{value}"
        parameters = [bindparam(key, type_=String()), bindparam(value, type_=Float())]
    elif kind == "string":
        where = f"entry.type = 'text' AND entry.atom = :{value}"
        parameters = [bindparam(key, type_=String()), bindparam(value, type_=String())]
    else:
        where = f"entry.type = {_SQLITE_TYPES[kind]}"
        parameters = [bindparam(key, type_=String())]
    return text(
        f"EXISTS (SELECT 1 FROM json_each(dataset_item.metadata) AS entry WHERE entry.key = :{key} AND {where})"
    ).bindparams(*parameters)


def condition(kinds: tuple[str, ...], *, postgresql: bool) -> list[ColumnElement[bool] | TextClause]:
    """Conditions on `dataset_item` that hold where its metadata has the slice's values (named bound parameters:
    `ItemMetadata.parameters`)."""
    if not kinds:
        return []
    if postgresql:
        # The value is bound as text (asyncpg would encode a jsonb parameter as a JSON string of the text).
        containment = "CAST(dataset_item.metadata AS jsonb) @> CAST(CAST(:slice_metadata AS text) AS jsonb)"
        return [text(containment).bindparams(bindparam("slice_metadata", type_=String()))]
    return [_sqlite_key_condition(index, kind) for index, kind in enumerate(kinds)]


def items_statement(kinds: tuple[str, ...], dataset_id: Any, *, postgresql: bool) -> Select[tuple[int]]:
    """The ids of the dataset's items in the slice; `dataset_id` is a value or an SQL expression."""
    return select(_ITEM.id).where(_ITEM.dataset_id == dataset_id, *condition(kinds, postgresql=postgresql))


@lru_cache(maxsize=256)
def _items_of_dataset(kinds: tuple[str, ...], postgresql: bool) -> Select[tuple[int]]:
    # Built once per shape: the connections kept open compile each statement object once.
    return items_statement(kinds, bindparam("slice_dataset_id", type_=Integer()), postgresql=postgresql)


async def item_ids(db: AsyncSession | Reads, *, dataset_id: int, metadata: ItemMetadata) -> NDArray[np.int64]:
    """The ids of the dataset's items in the slice, ascending; one statement."""
    postgresql = is_postgresql(db)
    statement = _items_of_dataset(metadata.kinds, postgresql)
    parameters = {"slice_dataset_id": dataset_id, **metadata.parameters(postgresql=postgresql)}
    records = await fetch_all(db, statement, parameters)
    return np.unique(np.fromiter((record[0] for record in records), dtype=np.int64, count=len(records)))


__all__ = ["MAX_KEYS", "ItemMetadata", "Scalar", "condition", "item_ids", "items_statement"]

"""Opaque keyset cursors and pages, shared by every connection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from matchscope.services.errors import ValidationFailed
from matchscope.services.tokens import decode_token, encode_token

MAX_PAGE = 100
DEFAULT_PAGE = 20
T = TypeVar("T")


def encode_cursor(values: tuple[Any, ...]) -> str:
    return encode_token(orjson.dumps(values))  # orjson writes a tuple as a JSON array


def decode_cursor(cursor: str, arity: int) -> tuple[Any, ...]:
    try:
        values = orjson.loads(decode_token(cursor))
    except (ValueError, orjson.JSONDecodeError):
        raise ValidationFailed.single("after", cursor, "not a cursor from this API") from None
    if not isinstance(values, list) or len(values) != arity:
        raise ValidationFailed.single("after", cursor, "not a cursor from this API")
    return tuple(values)


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        raise ValidationFailed.single("first", first, f"must be between 0 and {MAX_PAGE}")
    return first


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int | None = None

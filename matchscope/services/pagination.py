"""Opaque keyset cursors and pages, shared by every connection."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from matchscope.services.errors import ValidationFailed

MAX_PAGE = 100
DEFAULT_PAGE = 20
T = TypeVar("T")


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def encode_cursor(values: tuple[Any, ...]) -> str:
    # binascii directly (a page makes one cursor an entry); orjson writes a tuple as a JSON array.
    return binascii.b2a_base64(orjson.dumps(values), newline=False).translate(_URL_SAFE).rstrip(b"=").decode()


def decode_cursor(cursor: str, arity: int) -> tuple[Any, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
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

"""Opaque global IDs: base64 of "Type:pk". A malformed or mistyped ID reads as not found."""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from matchscope.services.errors import NotFound
from matchscope.services.tokens import decode_token, global_id

# The services' function itself (strawberry.ID is a NewType of str): no call in between on the hot path.
to_global_id: Callable[[str, int], strawberry.ID] = global_id  # type: ignore[assignment]


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """(type, pk) of an id as `to_global_id` writes it; None for any other string, one that `int` would read as the
    same key (" 5", "05", "+5", "5_0") included, so that a node has one id."""
    try:
        type_name, _, pk = decode_token(global_id).decode().partition(":")
        key = int(pk)
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    return (type_name, key) if pk == str(key) else None


def expect_id(global_id: str, type_name: str) -> int:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise NotFound(type_name, global_id)
    return decoded[1]

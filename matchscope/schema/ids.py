"""Opaque global IDs: base64 of "Type:pk". A malformed or mistyped ID reads as not found."""

from __future__ import annotations

import strawberry

from matchscope.services.errors import NotFound
from matchscope.services.tokens import decode_token, encode_token

_TYPE_NAMES: dict[str, bytes] = {}


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    # Bytes formatting, and no call of strawberry.ID (a NewType, the same str at run time): a page of matches makes
    # 200 of these, and an f-string, its encoding and that call cost a third of each.
    name = _TYPE_NAMES.get(type_name)
    if name is None:
        name = _TYPE_NAMES[type_name] = type_name.encode()
    return encode_token(b"%s:%d" % (name, pk))  # type: ignore[return-value]


def from_global_id(global_id: str) -> tuple[str, int] | None:
    try:
        text = decode_token(global_id).decode()
        type_name, _, pk = text.partition(":")
        return type_name, int(pk)
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None


def expect_id(global_id: str, type_name: str) -> int:
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != type_name:
        raise NotFound(type_name, global_id)
    return decoded[1]

"""Opaque tokens (global ids, cursors): URL-safe base64 without its padding."""

from __future__ import annotations

import base64
import binascii

_URL_SAFE = bytes.maketrans(b"+/", b"-_")
_b2a = binascii.b2a_base64


def encode_token(data: bytes) -> str:
    # binascii directly: a page of matches makes 250 of these, and base64's wrappers add a fifth to each.
    return _b2a(data, newline=False).translate(_URL_SAFE).rstrip(b"=").decode()


def decode_token(token: str) -> bytes:
    """The bytes of a token; ValueError when it is not one.

    Only the canonical spelling is a token: base64 decoders skip characters outside the alphabet and ignore a last
    character's spare bits, so without the round trip many strings would name the same node or page.
    """
    data = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode())
    if encode_token(data) != token:
        raise ValueError(f"not a canonical token: {token!r}")
    return data


_TYPE_NAMES: dict[str, bytes] = {}


def global_id(type_name: str, pk: int) -> str:
    """A node's id as the API shows it: the token of "Type:pk"."""
    # Bytes formatting of a cached name: a page of matches makes 200 of these, and an f-string and its encoding
    # cost a third of each.
    name = _TYPE_NAMES.get(type_name)
    if name is None:
        name = _TYPE_NAMES[type_name] = type_name.encode()
    return encode_token(b"%s:%d" % (name, pk))

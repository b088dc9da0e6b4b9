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
    """The bytes of a token; ValueError (binascii.Error) when it is not one."""
    return base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode())

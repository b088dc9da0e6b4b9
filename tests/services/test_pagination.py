"""Keyset cursors are unpadded base64url of a JSON array, read back exactly; anything else is refused by name."""

from __future__ import annotations

import base64

import orjson
import pytest

from matchscope.services.errors import ValidationFailed
from matchscope.services.pagination import decode_cursor, encode_cursor

pytestmark = pytest.mark.database_independent


@pytest.mark.parametrize("values", [(0.5, 1), (0.1 + 0.2, 123_456_789), (1.0, 0), (5e-324, 2**62), ("img7.jpg", 3)])
def test_cursors_read_back_exactly(values: tuple[object, ...]) -> None:
    cursor = encode_cursor(values)
    assert cursor == base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")
    assert decode_cursor(cursor, len(values)) == values


@pytest.mark.parametrize("cursor", ["", "not a cursor", encode_cursor((1.0,)), "WzEsMiwzXQ", "e30"])
def test_foreign_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        decode_cursor(cursor, 2)
    assert refused.value.field == "after" and refused.value.issues[0].value == cursor

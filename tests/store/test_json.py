"""JSON column values read back exactly as the stdlib reads them, through orjson where that is exact."""

from __future__ import annotations

import json
import math

import pytest

from matchscope.store.db import read_json

pytestmark = pytest.mark.database_independent

SAME_AS_STDLIB = [
    '{"coco_id": 139, "file_name": "000000000139.jpg", "scores": [0.5, 1e-7]}',
    str(2**70),  # orjson would read a float
    str(-(2**63)),
    str(2**64 - 1),
    '{"a": 1, "a": 2}',
    '"\\ud800"',  # orjson refuses lone surrogates
    "0.1234567890123456789012",
    "1e400",
    "[]",
]


@pytest.mark.parametrize("text", SAME_AS_STDLIB)
def test_values_equal_the_stdlib_reading(text: str) -> None:
    value, expected = read_json(text), json.loads(text)
    assert value == expected
    assert type(value) is type(expected)
    assert read_json(text.encode("utf-8", "surrogatepass")) == expected


def test_big_integers_stay_integers() -> None:
    value = read_json('{"id": 1180591620717411303424}')
    assert value == {"id": 2**70}
    assert isinstance(value["id"], int)


def test_bare_nan_from_the_stdlib_serializer_reads() -> None:
    value = read_json(json.dumps({"loss": float("nan")}))
    assert math.isnan(value["loss"])


def test_invalid_json_still_fails() -> None:
    with pytest.raises(json.JSONDecodeError):
        read_json("{nope")

"""Global IDs are base64url of "Type:pk" without padding, and read back as (type, pk) or as nothing."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from matchscope.schema.ids import expect_id, from_global_id, to_global_id
from matchscope.services.errors import NotFound

pytestmark = pytest.mark.database_independent


@pytest.mark.parametrize("type_name", ["Match", "DatasetItem", "BoxAnnotation", "BoxPrediction", "Dataset", "Job"])
@pytest.mark.parametrize("pk", [0, 1, 62, 63, 999, 123_456_789, 2**63 - 1])
def test_ids_are_unpadded_base64url_of_type_and_key(type_name: str, pk: int) -> None:
    global_id = to_global_id(type_name, pk)
    assert global_id == base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")
    assert from_global_id(global_id) == (type_name, pk)
    assert expect_id(global_id, type_name) == pk


@pytest.mark.parametrize("global_id", ["", "not base64!", "TWF0Y2g", "TWF0Y2g6eA", "////"])
def test_malformed_ids_read_as_nothing(global_id: str) -> None:
    assert from_global_id(global_id) is None
    with pytest.raises(NotFound):
        expect_id(global_id, "Match")


@pytest.mark.parametrize(
    "spelling",
    [
        lambda canonical: canonical + "=" * (-len(canonical) % 4),  # padded
        lambda canonical: canonical[:3] + "!" + canonical[3:],  # a character outside the alphabet
        lambda canonical: canonical[:-1] + chr(ord(canonical[-1]) + 1),  # the last character's spare bits set
        lambda canonical: canonical + "\n",
    ],
)
def test_only_the_canonical_spelling_of_an_id_is_read(spelling: Callable[[str], str]) -> None:
    canonical = to_global_id("Dataset", 55)  # "RGF0YXNldDo1NQ": unpadded, its last character has spare bits
    assert from_global_id(canonical) == ("Dataset", 55)
    other = spelling(canonical)
    assert other != canonical
    assert from_global_id(other) is None


@pytest.mark.parametrize("key", ["055", " 55", "55 ", "+55", "5_5", "-0", "55\n"])
def test_only_the_canonical_spelling_of_the_key_is_read(key: str) -> None:
    assert int(key) in (55, 0)  # what int() would read
    other = base64.urlsafe_b64encode(f"Dataset:{key}".encode()).decode().rstrip("=")
    assert from_global_id(other) is None


def test_an_id_of_another_type_is_not_found() -> None:
    with pytest.raises(NotFound):
        expect_id(to_global_id("Dataset", 5), "Match")

"""The statements that index an evaluation's entry table (PostgreSQL), checked without a database."""

from __future__ import annotations

from matchscope.store import entry_partitions
from matchscope.store.tables import MatchEntry


def test_every_index_of_match_entry_is_built_once_on_the_partition_the_longest_first() -> None:
    statements = entry_partitions._index_statements(7)
    names = [str(index.name) for index in MatchEntry.__table__.indexes]  # type: ignore[attr-defined]
    built = [statement.split(" ON ")[0].rsplit(" ", 1)[-1] for statement in statements]
    assert sorted(built) == sorted([*(f"{name}_7" for name in names), "match_entry_7_pkey"])
    assert all(" ON match_entry_7 " in statement for statement in statements)
    # The build order names only indexes that exist, and they come first, in its order.
    assert set(entry_partitions._BUILD_ORDER) <= set(names)
    assert built[: len(entry_partitions._BUILD_ORDER)] == [f"{name}_7" for name in entry_partitions._BUILD_ORDER]

"""A process keeps a current evaluation for the requests that read the same version of the account's evaluations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from matchscope.services.browse.evaluations import CurrentEvaluations, EvaluationRow

pytestmark = pytest.mark.database_independent


class _Loads:
    """A stand-in for the statement: returns the pair's row as the database has it now, counting the reads."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], EvaluationRow | None] = {}
        self.count = 0

    def of(self, pair: tuple[int, int]) -> Callable[[], Awaitable[EvaluationRow | None]]:
        async def load() -> EvaluationRow | None:
            self.count += 1
            return self.rows.get(pair)

        return load


def _row(evaluation_id: int) -> EvaluationRow:
    created = datetime(2026, 12, 5, tzinfo=UTC)
    return EvaluationRow(evaluation_id, 1, 2, 3, True, None, True, True, 0, 0, created, created, None, True)


async def test_a_row_serves_the_requests_of_its_version_and_no_newer_one() -> None:
    kept, loads = CurrentEvaluations(), _Loads()
    pair = (2, 3)
    loads.rows[pair] = _row(10)
    for _ in range(3):
        assert await kept.read(1, 5, pair, loads.of(pair)) == _row(10)
    assert loads.count == 1
    loads.rows[pair] = _row(11)  # a change elsewhere, which counted the version up to 6
    assert await kept.read(1, 6, pair, loads.of(pair)) == _row(11)
    assert loads.count == 2
    # A request that read version 5 before the change may see the newer row; it does not bring back the old one.
    assert await kept.read(1, 5, pair, loads.of(pair)) == _row(11)
    assert await kept.read(1, 6, pair, loads.of(pair)) == _row(11)
    assert loads.count == 3
    # "None current" is kept too, and other accounts and requests without a version are apart.
    none = (7, 7)
    assert await kept.read(1, 6, none, loads.of(none)) is None
    assert await kept.read(1, 6, none, loads.of(none)) is None
    assert loads.count == 4
    assert await kept.read(2, 6, none, loads.of(none)) is None
    assert await kept.read(1, None, pair, loads.of(pair)) is not None
    assert loads.count == 6

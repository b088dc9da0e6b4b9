"""The entry-column cache behind metrics and totalCount: bounded, shared by concurrent first readers,
never holding an incomplete evaluation; and its counts agree with the SQL pages."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import update

from matchscope.services import browse, metrics
from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller
from tests.graphql.browse_data import store_evaluation


async def _evaluation(state: AppState, evaluation_id: int) -> tables.Evaluation:
    async with state.sessions() as session:
        row = await session.get(tables.Evaluation, evaluation_id)
    assert row is not None
    return row


async def test_cache_is_bounded_and_shares_loads(
    state: AppState, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = [await store_evaluation(state, caller.account_id, seed=seed, items=4) for seed in range(3)]
    loads: list[int] = []
    real_load = metrics.load_columns

    async def counting_load(session: object, evaluation_id: int) -> metrics.EntryColumns:
        loads.append(evaluation_id)
        await asyncio.sleep(0.01)
        return await real_load(session, evaluation_id)  # type: ignore[arg-type]

    monkeypatch.setattr(metrics, "load_columns", counting_load)
    cache = metrics.EntryCache(capacity=2)
    first = await _evaluation(state, stored[0].evaluation_id)

    async def read(row: tables.Evaluation) -> metrics.EntryColumns:
        async with state.sessions() as session:
            return await cache.columns(session, row)

    together = await asyncio.gather(*(read(first) for _ in range(5)))
    assert loads == [first.id] and all(columns is together[0] for columns in together)
    for item in stored[1:]:
        await read(await _evaluation(state, item.evaluation_id))
    await read(first)  # evicted by the third: loaded again
    assert loads == [first.id, stored[1].evaluation_id, stored[2].evaluation_id, first.id]


async def test_incomplete_evaluations_are_not_cached(state: AppState, caller: Caller) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=4, items=4)
    async with state.sessions() as session, session.begin():
        await session.execute(update(tables.Evaluation).values(is_complete=False))
    row = await _evaluation(state, stored.evaluation_id)
    cache = metrics.EntryCache()
    async with state.sessions() as session:
        assert await cache.columns(session, row) is not await cache.columns(session, row)


@pytest.mark.parametrize(("t", "c"), [(0.0, 0.0), (0.5, 0.0), (0.75, 0.5), (1.0, 1.0)])
async def test_counts_agree_with_pages(state: AppState, caller: Caller, t: float, c: float) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=6, items=10)
    thresholds = browse.Thresholds(iou=t, confidence=c)
    async with state.sessions() as session:
        columns = await metrics.load_columns(session, stored.evaluation_id)
        evaluation = await browse.visible_evaluation(
            session, account_id=caller.account_id, evaluation_id=stored.evaluation_id
        )
        assert evaluation is not None
        for outcome in browse.Outcome:
            query = browse.MatchFilter(outcomes=frozenset({outcome}))
            page = await browse.matches_page(
                session,
                evaluation=evaluation,
                thresholds=thresholds,
                query=query,
                order=browse.MatchOrder(),
                first=100,
                after=None,
            )
            assert not page.has_next_page
            assert metrics.count_matches(columns, thresholds, query) == len(page.rows)
            assert {row.outcome for row in page.rows} <= {outcome}

"""The entry-column cache behind metrics and totalCount: bounded, shared by concurrent first readers,
never holding an incomplete evaluation; and its counts agree with the SQL pages."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, update

from matchscope.services import browse, entry_columns, metrics
from matchscope.services.errors import NotFound
from matchscope.state import AppState
from matchscope.store import sqlite_entries, tables
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
    real_load = entry_columns.load_columns

    async def counting_load(session: object, evaluation_id: int, *, evidence: bool) -> entry_columns.EntryColumns:
        loads.append(evaluation_id)
        await asyncio.sleep(0.01)
        return await real_load(session, evaluation_id, evidence=evidence)  # type: ignore[arg-type]

    monkeypatch.setattr(entry_columns, "load_columns", counting_load)
    cache = entry_columns.EntryCache(capacity=2)
    first = await _evaluation(state, stored[0].evaluation_id)

    async def read(row: tables.Evaluation) -> entry_columns.EntryColumns:
        async with state.sessions() as session:
            return await cache.columns(session, row)

    together = await asyncio.gather(*(read(first) for _ in range(5)))
    assert loads == [first.id] and all(columns is together[0] for columns in together)
    for item in stored[1:]:
        await read(await _evaluation(state, item.evaluation_id))
    await read(first)  # evicted by the third: loaded again
    assert loads == [first.id, stored[1].evaluation_id, stored[2].evaluation_id, first.id]


async def test_the_evidence_is_read_when_asked_once_and_in_the_entries_order(
    state: AppState, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=5, items=6)
    row = await _evaluation(state, stored.evaluation_id)
    async with state.sessions() as session:
        whole = await entry_columns.load_columns(session, stored.evaluation_id, evidence=True)
    assert whole.evidence and len(whole.evidence["nearest_ground_truth_id"]) == len(whole) > 0
    assert len(np.unique(whole.evidence["compatible_iou"])) > 2  # varied: a misplaced row would show
    reads: list[int] = []
    real_read = entry_columns.load_evidence

    async def counting_read(session: object, columns: entry_columns.EntryColumns, evaluation_id: int) -> Any:
        reads.append(evaluation_id)
        await asyncio.sleep(0.01)
        return await real_read(session, columns, evaluation_id)  # type: ignore[arg-type]

    monkeypatch.setattr(entry_columns, "load_evidence", counting_read)
    cache = entry_columns.EntryCache()
    async with state.sessions() as session:
        plain = await cache.columns(session, row)
    assert plain.evidence == {} and cache.cached(row) is plain and cache.cached(row, evidence=True) is None
    sliced = plain.on_items(plain.item_ids[:2])
    assert sliced.evidence == {}

    async def read() -> entry_columns.EntryColumns:
        async with state.sessions() as session:
            return await cache.columns(session, row, evidence=True)

    together = await asyncio.gather(*(read() for _ in range(4)))
    assert reads == [stored.evaluation_id] and all(columns is plain for columns in together)
    assert cache.cached(row, evidence=True) is plain
    by_id = {entry: index for index, entry in enumerate(whole.entry_id.tolist())}
    order = np.array([by_id[entry] for entry in plain.entry_id.tolist()])
    for name, values in whole.evidence.items():
        np.testing.assert_array_equal(plain.evidence[name], values[order], err_msg=name)
    # A slice taken before the evidence is taken again with it.
    assert plain.on_items(plain.item_ids[:2]).evidence.keys() == whole.evidence.keys()
    # Rows of the second read in another order than the first's are put in the first's.
    reversed_ = replace(plain, entry_id=plain.entry_id[::-1].copy(), evidence={}, memo={}, slices={})
    async with state.sessions() as session:
        evidence = await real_read(session, reversed_, stored.evaluation_id)
    for name, values in plain.evidence.items():
        np.testing.assert_array_equal(evidence[name], values[::-1], err_msg=name)


async def test_incomplete_evaluations_are_not_cached(state: AppState, caller: Caller) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=4, items=4)
    async with state.sessions() as session, session.begin():
        await session.execute(update(tables.Evaluation).values(is_complete=False))
    row = await _evaluation(state, stored.evaluation_id)
    cache = entry_columns.EntryCache()
    async with state.sessions() as session:
        assert await cache.columns(session, row) is not await cache.columns(session, row)


@pytest.mark.parametrize(("t", "c"), [(0.0, 0.0), (0.5, 0.0), (0.75, 0.5), (1.0, 1.0)])
async def test_counts_agree_with_pages(state: AppState, caller: Caller, t: float, c: float) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=6, items=10)
    thresholds = browse.Thresholds(iou=t, confidence=c)
    async with state.sessions() as session:
        columns = await entry_columns.load_columns(session, stored.evaluation_id, evidence=True)
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


async def test_evidence_of_entries_deleted_since_the_first_read_is_not_found(state: AppState, caller: Caller) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=7, items=4)
    row = await _evaluation(state, stored.evaluation_id)
    cache = entry_columns.EntryCache()
    async with state.sessions() as session:
        plain = await cache.columns(session, row)
    assert len(plain) > 0
    async with state.sessions() as session, session.begin():
        statement = delete(tables.MatchEntry).where(tables.MatchEntry.evaluation_id == stored.evaluation_id)
        await session.execute(statement.execution_options(**{sqlite_entries.ROUTE: stored.evaluation_id}))
    async with state.sessions() as session:
        with pytest.raises(NotFound, match="Evaluation"):
            await cache.columns(session, row, evidence=True)
    assert cache.cached(row, evidence=True) is None and plain.evidence == {}

"""Pages of error types served from the entry columns (services/error_pages) against the SQL path
(services/browse): the same rows, cursors and page flags, page by page, for every order and each filter, at
thresholds whose types are derived and at the default ones in confidence order."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services import browse, entry_columns, error_pages
from matchscope.services.browse import ErrorType, MatchFilter, MatchOrder, Outcome, SortField
from matchscope.services.slices import ItemMetadata
from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller
from tests.graphql.browse_data import StoredEvaluation, store_evaluation

THRESHOLDS = [(0.3, 0.0), (0.5, 0.0), (0.5, 0.5), (0.75, 0.2), (0.0, 0.0), (1.0, 1.0)]
ORDERS = [MatchOrder(field, descending) for field in SortField for descending in (True, False)]
PAGE_SIZES = (4, 100)
EVERY_KIND = frozenset(ErrorType)
NIGHT = ItemMetadata.parse({"scenario": "night"}, "itemMetadata")
FILTERS = [
    MatchFilter(error_types=EVERY_KIND),
    MatchFilter(error_types=frozenset({ErrorType.MISSED})),
    MatchFilter(error_types=frozenset({ErrorType.LOCALIZATION, ErrorType.DUPLICATE})),
    MatchFilter(error_types=frozenset({ErrorType.BACKGROUND, ErrorType.BOTH, ErrorType.CLASSIFICATION})),
    MatchFilter(error_types=EVERY_KIND, outcomes=frozenset({Outcome.FALSE_POSITIVE})),
    MatchFilter(error_types=EVERY_KIND, outcomes=frozenset({Outcome.TRUE_POSITIVE, Outcome.FALSE_NEGATIVE})),
    MatchFilter(error_types=EVERY_KIND, outcomes=frozenset({Outcome.TRUE_POSITIVE})),
    MatchFilter(error_types=EVERY_KIND, ground_truth_labels=("cat", "dog")),
    MatchFilter(error_types=EVERY_KIND, prediction_labels=("bird", "no such label")),
    MatchFilter(error_types=EVERY_KIND, ground_truth_labels=("cat",), prediction_labels=("cat", "dog")),
    MatchFilter(error_types=EVERY_KIND, min_iou=0.2, max_iou=0.6),
    MatchFilter(error_types=EVERY_KIND, min_confidence=0.3, max_confidence=0.9),
    MatchFilter(error_types=EVERY_KIND, item_metadata=NIGHT),
    MatchFilter(error_types=frozenset({ErrorType.MISSED, ErrorType.BACKGROUND}), item_metadata=NIGHT, min_iou=0.0),
]


@pytest.fixture
async def stored(state: AppState, caller: Caller) -> StoredEvaluation:
    stored = await store_evaluation(state, caller.account_id, seed=11, items=24, via_service=True, class_agnostic=False)
    async with state.sessions() as session, session.begin():
        for index, item_id in enumerate(stored.item_ids):
            scenario = "night" if index % 3 == 0 else "day"
            await session.execute(
                update(tables.DatasetItem).where(tables.DatasetItem.id == item_id).values(meta={"scenario": scenario})  # type: ignore[arg-type]
            )
    return stored


async def _pages(
    session: AsyncSession,
    serve: Any,
    thresholds: browse.Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    size: int,
) -> list[tuple[list[browse.MatchRow], list[str], bool, bool]]:
    pages = []
    after = None
    while True:
        page = await serve(thresholds=thresholds, query=query, order=order, first=size, after=after)
        pages.append((page.rows, page.cursors, page.has_next_page, page.has_previous_page))
        if not page.has_next_page:
            return pages
        after = page.cursors[-1]


@pytest.mark.slow
@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_pages_from_the_columns_are_the_sql_pages(
    state: AppState, caller: Caller, stored: StoredEvaluation, t: float, c: float
) -> None:
    thresholds = browse.Thresholds(iou=t, confidence=c)
    async with state.sessions() as session:
        evaluation = await browse.visible_evaluation(
            session, account_id=caller.account_id, evaluation_id=stored.evaluation_id
        )
        assert evaluation is not None and evaluation.error_evidence
        columns = await entry_columns.load_columns(session, stored.evaluation_id, evidence=True)

        async def from_sql(**arguments: Any) -> Any:
            return await browse.matches_page(session, evaluation=evaluation, **arguments)

        async def from_columns(**arguments: Any) -> Any:
            return await error_pages.columns_page(session, columns=columns, evaluation=evaluation, **arguments)

        compared = 0
        for order_index, order in enumerate(ORDERS):
            for filter_index, query in enumerate(FILTERS):
                # Pages of 4 (many cursors) and of 100 (all at once) alternate: every order and every filter is
                # read both ways, at half the cost of reading each pair both ways.
                size = PAGE_SIZES[(order_index + filter_index) % len(PAGE_SIZES)]
                expected = await _pages(session, from_sql, thresholds, query, order, size)
                served = await _pages(session, from_columns, thresholds, query, order, size)
                assert served == expected, (order, query, size)
                compared += sum(len(rows) for rows, *_ in expected)
        assert compared > 500
        # Every type occurs in the generated entries at these thresholds or there is nothing to compare.
        every = await _pages(session, from_sql, thresholds, FILTERS[0], ORDERS[0], 100)
        kinds = {row.error_type for rows, *_ in every for row in rows}
        assert {ErrorType.MISSED, ErrorType.LOCALIZATION} <= kinds or t in (0.0, 1.0), kinds


async def test_which_pages_the_columns_serve(state: AppState, caller: Caller, stored: StoredEvaluation) -> None:
    async with state.sessions() as session:
        evaluation = await browse.visible_evaluation(
            session, account_id=caller.account_id, evaluation_id=stored.evaluation_id
        )
    assert evaluation is not None
    typed, by_iou, by_confidence = FILTERS[0], MatchOrder(), MatchOrder(SortField.CONFIDENCE)
    other = browse.Thresholds(iou=0.75)
    assert error_pages.serves(evaluation, other, typed, by_iou)
    assert error_pages.serves(evaluation, browse.DEFAULT_THRESHOLDS, typed, by_confidence)
    # The stored types' index serves the default thresholds in IoU order; SQL serves one item and reviews.
    assert not error_pages.serves(evaluation, browse.DEFAULT_THRESHOLDS, typed, by_iou)
    assert not error_pages.serves(evaluation, other, MatchFilter(), by_iou)
    assert not error_pages.serves(evaluation, other, MatchFilter(error_types=EVERY_KIND, item_id=1), by_iou)


async def test_pages_from_the_columns_read_the_details_asked_for(
    state: AppState, caller: Caller, stored: StoredEvaluation
) -> None:
    thresholds = browse.Thresholds(iou=0.75, confidence=0.2)
    details = browse.RowDetails(item=False, ground_truth=True, prediction=False)
    async with state.sessions() as session:
        evaluation = await browse.visible_evaluation(
            session, account_id=caller.account_id, evaluation_id=stored.evaluation_id
        )
        assert evaluation is not None
        columns = await entry_columns.load_columns(session, stored.evaluation_id, evidence=True)

        async def from_sql(**arguments: Any) -> Any:
            return await browse.matches_page(session, evaluation=evaluation, details=details, **arguments)

        async def from_columns(**arguments: Any) -> Any:
            return await error_pages.columns_page(
                session, columns=columns, evaluation=evaluation, details=details, **arguments
            )

        rows = []
        for order in ORDERS:
            for query in FILTERS[:4]:
                expected = await _pages(session, from_sql, thresholds, query, order, 7)
                assert await _pages(session, from_columns, thresholds, query, order, 7) == expected
                rows += [row for page_rows, *_ in expected for row in page_rows]
        assert rows and all(row.item_metadata is None and row.item_width is None for row in rows)
        assert any(row.ground_truth_metadata is not None or row.ground_truth_iscrowd is not None for row in rows)

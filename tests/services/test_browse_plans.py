"""The databases serve pages from the indexes meant for them (plans, not timings: the tables here are small)."""

from __future__ import annotations

from sqlalchemy import text

from matchscope.services import browse
from matchscope.state import AppState

_FALSE_POSITIVES = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_POSITIVE}))


async def _plan(state: AppState, query: browse.MatchFilter, order: browse.MatchOrder | None = None) -> str:
    async with state.sessions() as session:
        statement, parameters = browse._page_statement(
            session, 1, browse.Thresholds(iou=0.5, confidence=0.0), query, order or browse.MatchOrder(), None, 51
        )
        sql = str(
            statement.params(parameters).compile(state.engine.sync_engine, compile_kwargs={"literal_binds": True})
        )
        if state.engine.dialect.name == "postgresql":
            # An empty table is cheapest to scan whole: forbid that to see which index the planner can use.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())
        return "\n".join(str(row[-1]) for row in await session.execute(text("EXPLAIN QUERY PLAN " + sql)))


async def test_false_negatives_of_one_label_read_the_label_index(state: AppState) -> None:
    query = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_NEGATIVE}), ground_truth_labels=("cat",))
    plan = await _plan(state, query)
    # Both false-negative branches (incompatible pairs; compatible below the IoU threshold) seek the label.
    assert plan.count("ix_entry_ground_truths_by_label") == 2, plan


async def test_a_page_merges_branches_read_in_index_order(state: AppState) -> None:
    for order in (browse.MatchOrder(), browse.MatchOrder(field=browse.SortField.CONFIDENCE, descending=False)):
        plan = await _plan(state, _FALSE_POSITIVES, order)
        index = "ix_entry_browse_iou" if order.field is browse.SortField.IOU else "ix_entry_browse_confidence"
        assert plan.count(index) == 2, plan
        if state.engine.dialect.name == "sqlite":
            # Each branch is read lazily in the index's order and merged; nothing is sorted again.
            assert "MERGE (UNION ALL)" in plan and "TEMP B-TREE" not in plan, plan


async def test_one_items_entries_are_read_through_the_item_index(state: AppState) -> None:
    plan = await _plan(state, browse.MatchFilter(item_id=7))
    if state.engine.dialect.name == "sqlite":
        # One seek per branch (three TP/FP branches, two FN branches at confidence 0), none through a browse index.
        assert plan.count("ix_entry_eval_item") == 5 and "ix_entry_browse" not in plan, plan
    else:
        # PostgreSQL's statistics pick the item index on a real evaluation; on these empty tables it has none to go
        # by, so only check that its statement leaves every index usable.
        async with state.sessions() as session:
            statement, _ = browse._page_statement(
                session, 1, browse.Thresholds(), browse.MatchFilter(item_id=7), browse.MatchOrder(), None, 51
            )
        assert "(+ " not in str(statement.compile(state.engine.sync_engine)), plan

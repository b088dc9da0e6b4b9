"""The databases can serve a page of one label's false negatives from the ground-truth label index (0006)."""

from __future__ import annotations

from sqlalchemy import text

from matchscope.services import browse
from matchscope.state import AppState


async def test_false_negatives_of_one_label_read_the_label_index(state: AppState) -> None:
    query = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_NEGATIVE}), ground_truth_labels=("cat",))
    async with state.sessions() as session:
        statement, parameters = browse._page_statement(
            session, 1, browse.Thresholds(iou=0.5, confidence=0.0), query, browse.MatchOrder(), None, 51
        )
        sql = str(
            statement.params(parameters).compile(state.engine.sync_engine, compile_kwargs={"literal_binds": True})
        )
        if state.engine.dialect.name == "postgresql":
            # An empty table is cheapest to scan whole: forbid that to see which index the planner can use.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())
        else:
            plan = "\n".join(str(row[-1]) for row in await session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    # Both false-negative branches (incompatible pairs; compatible below the IoU threshold) seek the label.
    assert plan.count("ix_entry_ground_truths_by_label") == 2, plan

"""The databases serve pages from the indexes meant for them (plans, not timings: the tables here are small)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from matchscope.services import browse
from matchscope.services.browse import statements
from matchscope.services.reviewed import ReviewStatus
from matchscope.state import AppState
from matchscope.store import entry_partitions, sqlite_entries

_FALSE_POSITIVES = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_POSITIVE}))
_EVALUATION = browse.EvaluationRow(
    1, 1, 1, 1, True, None, True, True, 0, 0, datetime(2026, 12, 4, tzinfo=UTC), None, job_id=None, error_evidence=True
)


async def _nothing() -> None:
    return None


async def _plan(
    state: AppState,
    query: browse.MatchFilter,
    order: browse.MatchOrder | None = None,
    thresholds: browse.Thresholds | None = None,
    after: tuple[float, int] | None = None,
    chunks: int = 0,
) -> str:
    async with state.sessions() as session:
        statement, parameters = statements.page_statement(
            session,
            _EVALUATION,
            thresholds or browse.Thresholds(iou=0.5, confidence=0.0),
            query,
            order or browse.MatchOrder(),
            after,
            51,
        )
        sql = str(
            statement.params(parameters).compile(state.engine.sync_engine, compile_kwargs={"literal_binds": True})
        )
        if state.engine.dialect.name == "postgresql":
            # Entries live in their evaluation's partition: without one the planner proves the page empty and reads
            # no index. Made (with the indexes a job builds) in this transaction, which is rolled back.
            # With `chunks`, as a scaled-out job leaves it: a table per chunk, each with its indexes, under its own.
            await entry_partitions.create(session, _EVALUATION.id, chunked=chunks > 0)
            for chunk in range(chunks):
                first = 1 + 100 * chunk
                await entry_partitions.write_chunk(session, _EVALUATION.id, chunk, first, first + 99, _nothing)
            if not chunks:
                await entry_partitions.build_indexes(session, _EVALUATION.id)
            await entry_partitions.attach(session, _EVALUATION.id)
            # An empty table is cheapest to scan whole: forbid that to see which index the planner can use.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())
        # The evaluation's own table, with the indexes a job builds on it (in this transaction, rolled back).
        await entry_partitions.create(session, _EVALUATION.id)
        await entry_partitions.build_indexes(session, _EVALUATION.id)
        explained = text("EXPLAIN QUERY PLAN " + sql).execution_options(**{sqlite_entries.ROUTE: _EVALUATION.id})
        plan = "\n".join(str(row[-1]) for row in await session.execute(explained))
        assert sqlite_entries.table_name(_EVALUATION.id) in plan, plan
        return plan


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
        # One seek per branch (three TP/FP branches, two FN branches at confidence 0), none through a browse index
        # (the types at these thresholds are stored).
        assert plan.count("ix_entry_eval_item") == 5 and "ix_entry_browse" not in plan, plan
    else:
        # PostgreSQL's statistics pick the item index on a real evaluation; on these empty tables it has none to go
        # by, so only check that its statement leaves every index usable.
        async with state.sessions() as session:
            statement, _ = statements.page_statement(
                session, _EVALUATION, browse.Thresholds(), browse.MatchFilter(item_id=7), browse.MatchOrder(), None, 51
            )
        assert "(+ " not in str(statement.compile(state.engine.sync_engine)), plan


async def test_a_page_of_error_types_at_the_default_thresholds_is_one_index_range_per_type(state: AppState) -> None:
    """There the types are stored: each is a range of ix_entry_error_type in IoU order, merged; no branch of the
    browsing indexes and no lookup of an item's predictions is read."""
    kinds = frozenset({browse.ErrorType.DUPLICATE, browse.ErrorType.BACKGROUND, browse.ErrorType.MISSED})
    for after in (None, (0.4, 1000)):
        plan = await _plan(state, browse.MatchFilter(error_types=kinds), after=after)
        assert plan.count("ix_entry_error_type") == 3, plan
        assert "ix_entry_browse" not in plan and "ix_entry_eval_item" not in plan, plan
        if state.engine.dialect.name == "sqlite":
            assert "MERGE (UNION ALL)" in plan and "TEMP B-TREE" not in plan, plan


async def test_a_page_of_false_positive_types_elsewhere_reads_the_branches_in_index_order(state: AppState) -> None:
    """At other thresholds the type is a CASE over the row: the false-positive branches are read as without the
    filter, in the browsing index's order and merged; the true-positive and false-negative ones are not read."""
    kinds = frozenset({browse.ErrorType.DUPLICATE, browse.ErrorType.BACKGROUND})
    for thresholds in (browse.Thresholds(iou=0.75), browse.Thresholds(iou=0.5, confidence=0.3)):
        plan = await _plan(state, browse.MatchFilter(error_types=kinds), thresholds=thresholds)
        assert plan.count("ix_entry_browse_iou") == 2, plan
        assert "ix_entry_ground_truths_by_label" not in plan and "ix_entry_eval_item" not in plan, plan
        if state.engine.dialect.name == "sqlite":
            assert "MERGE (UNION ALL)" in plan and "TEMP B-TREE" not in plan, plan


async def test_a_page_of_missed_ground_truths_elsewhere_reads_items_through_their_index(state: AppState) -> None:
    """MISSED at other thresholds: the false-negative branches in the browsing index's order, each row's item's
    predictions by the item index (one seek per row, not a scan of the evaluation)."""
    query = browse.MatchFilter(error_types=frozenset({browse.ErrorType.MISSED}))
    plan = await _plan(state, query, thresholds=browse.Thresholds(iou=0.75))
    assert plan.count("ix_entry_browse_iou") == 2, plan
    assert plan.count("ix_entry_eval_item") == 2, plan
    if state.engine.dialect.name == "sqlite":
        assert "TEMP B-TREE" not in plan, plan


async def test_false_positives_of_one_predicted_label_read_the_prediction_label_index(state: AppState) -> None:
    """A rare or absent label's page is a range of the label's predictions per branch (compatible below the IoU
    threshold; incompatible), in IoU order and merged: never a scan of the branch checking each entry's label."""
    for labels in (("cat",), ("cat", "dog")):
        query = browse.MatchFilter(outcomes=frozenset({browse.Outcome.FALSE_POSITIVE}), prediction_labels=labels)
        for after in (None, (0.4, 1000)):
            plan = await _plan(state, query, after=after)
            assert plan.count("ix_entry_predictions_by_label") == 2 * len(labels), plan
            assert "ix_entry_browse" not in plan, plan
            if state.engine.dialect.name == "sqlite":
                assert "TEMP B-TREE" not in plan, plan


@pytest.mark.postgresql_only
async def test_a_page_of_a_scaled_out_evaluation_merges_each_chunk_tables_index_scans(state: AppState) -> None:
    """A scaled-out evaluation's entries are a table per chunk: a page reads each chunk's browsing index in order
    (both branches of each) and merges them; nothing is sorted."""
    for order in (browse.MatchOrder(), browse.MatchOrder(field=browse.SortField.CONFIDENCE, descending=False)):
        for after in (None, (0.4, 1000)):
            plan = await _plan(state, _FALSE_POSITIVES, order, after=after, chunks=3)
            index = "ix_entry_browse_iou" if order.field is browse.SortField.IOU else "ix_entry_browse_confidence"
            assert plan.count(f"{index}_1_") == 2 * 3, plan
            assert "Merge Append" in plan and "Sort  (" not in plan and "Seq Scan" not in plan, plan


async def test_a_page_of_reviewed_entries_finds_them_through_the_review_key_index(state: AppState) -> None:
    """The few reviewed entries are looked up from the reviews by their key (ground truth, prediction), not found by
    a scan of the evaluation's entries."""
    query = browse.MatchFilter(review_statuses=frozenset({ReviewStatus.LABEL_ERROR}))
    plan = await _plan(state, query)
    if state.engine.dialect.name == "sqlite":
        assert plan.count("ix_entry_review_key") == 5, plan  # one lookup per branch
        assert "SCAN match_entry" not in plan and "SCAN reviewed" not in plan, plan
    else:
        # Without statistics on these empty tables PostgreSQL's planner goes by other indexes; check that the lookup
        # spells the key as ix_entry_review_key does, so that it can use it.
        async with state.sessions() as session:
            statement, _ = statements.page_statement(
                session, _EVALUATION, browse.Thresholds(), query, browse.MatchOrder(), None, 51
            )
        assert "coalesce(reviewed.ground_truth_id, 0)" in str(statement.compile(state.engine.sync_engine)), plan

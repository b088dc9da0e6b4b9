"""A chunk's boxes are read through the item range, on tables the planner knows nothing about (just imported,
never analysed): not through the (dataset, model, id) index, which reads every box of the dataset for each chunk."""

from __future__ import annotations

from sqlalchemy import TextClause, text

from matchscope.services.evaluation.load import ANNOTATIONS_SQL, COCO_ANNOTATIONS_SQL, PREDICTIONS_SQL
from matchscope.state import AppState

CHUNK = {"first_item": 1000, "last_item": 1499, "dataset_id": 1}


async def _plan(state: AppState, statement: TextClause, parameters: dict[str, int]) -> str:
    bound = statement.bindparams(**parameters)
    sql = bound.compile(dialect=state.engine.dialect, compile_kwargs={"literal_binds": True}).string
    async with state.sessions() as session:
        if state.engine.dialect.name == "postgresql":
            # An empty table is cheapest to scan whole: forbid that to see which index the planner takes.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())
        return "\n".join(str(row[-1]) for row in await session.execute(text("EXPLAIN QUERY PLAN " + sql)))


async def test_a_chunk_is_read_through_its_item_range(state: AppState) -> None:
    postgresql = state.engine.dialect.name == "postgresql"
    for sql in (ANNOTATIONS_SQL, COCO_ANNOTATIONS_SQL):
        plan = await _plan(state, sql, CHUNK)
        assert "ix_annotation_dataset" not in plan, plan
        assert ("uq_annotation_key" if postgresql else "item_id>? AND item_id<?") in plan, plan
    plan = await _plan(state, PREDICTIONS_SQL, {**CHUNK, "model_id": 1})
    assert "ix_prediction_dataset_model" not in plan, plan
    assert ("uq_prediction_key" if postgresql else "model_id=? AND item_id>? AND item_id<?") in plan, plan

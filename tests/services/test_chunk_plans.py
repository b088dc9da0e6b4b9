"""A chunk's boxes are read through the item range (a slice's through its items), on tables the planner knows
nothing about (just imported, never analysed): not through the (dataset, model, id) index, which reads every box of
the dataset for each chunk."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import TextClause, text

from matchscope.services.evaluation.load import IN_CHUNK, IN_LIST
from matchscope.state import AppState

CHUNK = {"first_item": 1000, "last_item": 1499, "dataset_id": 1}


async def _plan(state: AppState, statement: TextClause, parameters: dict[str, Any]) -> str:
    bound = statement.bindparams(**parameters)
    sql = bound.compile(dialect=state.engine.dialect, compile_kwargs={"literal_binds": True}).string
    async with state.sessions() as session:
        if state.engine.dialect.name == "postgresql":
            # An empty table is cheapest to scan whole: forbid that to see which index the planner takes.
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            return "\n".join((await session.execute(text("EXPLAIN " + sql))).scalars())
        return "\n".join(str(row[-1]) for row in await session.execute(text("EXPLAIN QUERY PLAN " + sql)))


@pytest.mark.parametrize(
    ("read", "sqlite_annotations", "sqlite_predictions"),
    [
        ("range", "item_id>? AND item_id<?", "model_id=? AND item_id>? AND item_id<?"),
        # A slice's items (`load_items`): each a lookup of the item index, not a range or the dataset's boxes.
        ("list", "box_annotation_1 (item_id=?)", "box_prediction_1 (model_id=? AND item_id=?)"),
    ],
)
async def test_boxes_are_read_through_their_items(
    state: AppState, read: str, sqlite_annotations: str, sqlite_predictions: str
) -> None:
    postgresql = state.engine.dialect.name == "postgresql"
    statements, items = IN_CHUNK, CHUNK
    if read == "list":
        listed = "{1000,1002,1498}" if postgresql else "[1000,1002,1498]"
        statements, items = IN_LIST[postgresql], {"item_ids": listed, "dataset_id": 1}
    for read in (statements.annotations, statements.coco_annotations):
        plan = await _plan(state, read.statement(postgresql), items)
        assert "ix_annotation_dataset" not in plan, plan
        assert ("uq_annotation_key" if postgresql else sqlite_annotations) in plan, plan
    plan = await _plan(state, statements.predictions.statement(postgresql), {**items, "model_id": 1})
    assert "ix_prediction_dataset_model" not in plan, plan
    assert ("uq_prediction_key" if postgresql else sqlite_predictions) in plan, plan

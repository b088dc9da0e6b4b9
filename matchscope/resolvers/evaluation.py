"""Reading evaluations: the current one for (dataset, model), and `node` dispatch for Evaluation and Match."""

from __future__ import annotations

import strawberry

from matchscope.schema.browse import Match
from matchscope.schema.common import Node
from matchscope.schema.context import Info
from matchscope.schema.evaluation import Evaluation
from matchscope.schema.ids import from_global_id
from matchscope.schema.nodes import register_node
from matchscope.services import browse


@register_node("Evaluation")
async def _evaluation_node(info: Info, pk: int) -> Node | None:
    row = await browse.visible_evaluation(info.context.reads, account_id=info.context.account_id, evaluation_id=pk)
    return None if row is None else Evaluation.from_row(row)


@register_node("Match")
async def _match_node(info: Info, pk: int) -> Node | None:
    """An entry at the default thresholds (IoU 0.5, confidence 0); null where it is hidden there."""
    async with info.context.sessions() as session:
        row = await browse.entry_by_id(
            session, account_id=info.context.account_id, entry_id=pk, thresholds=browse.Thresholds()
        )
    return None if row is None else Match.from_row(row)


@strawberry.type
class EvaluationQuery:
    @strawberry.field(description="The current evaluation of a model on a dataset; null when there is none.")
    async def evaluation(self, info: Info, dataset_id: strawberry.ID, model_id: strawberry.ID) -> Evaluation | None:
        dataset, model = from_global_id(dataset_id), from_global_id(model_id)
        if dataset is None or model is None or dataset[0] != "Dataset" or model[0] != "Model":
            return None
        context = info.context
        row = await browse.current_evaluation(
            context.reads,
            account_id=context.account_id,
            dataset_id=dataset[1],
            model_id=model[1],
            known=context.state.current_evaluations,
        )
        return None if row is None else Evaluation.from_row(row)

"""Reading evaluations: the current one for (dataset, model), and `node` dispatch for Evaluation and Match."""

from __future__ import annotations

import strawberry

from matchscope.schema.browse import Match
from matchscope.schema.common import Connection, Node
from matchscope.schema.context import Info
from matchscope.schema.evaluation import Evaluation
from matchscope.schema.ids import from_global_id
from matchscope.schema.nodes import register_node
from matchscope.services import browse, history


@register_node("Evaluation")
async def _evaluation_node(info: Info, pk: int) -> Node | None:
    row = await browse.find_evaluation(info.context.actor, evaluation_id=pk)
    return None if row is None else Evaluation.from_row(row)


@register_node("Match")
async def _match_node(info: Info, pk: int) -> Node | None:
    """An entry at the default thresholds (IoU 0.5, confidence 0); null where it is hidden there."""
    row = await browse.entry(info.context.actor, entry_id=pk, thresholds=browse.Thresholds())
    return None if row is None else Match.from_row(row)


@strawberry.type
class EvaluationQuery:
    @strawberry.field(description="The current evaluation of a model on a dataset; null when there is none.")
    async def evaluation(self, info: Info, dataset_id: strawberry.ID, model_id: strawberry.ID) -> Evaluation | None:
        dataset, model = from_global_id(dataset_id), from_global_id(model_id)
        if dataset is None or model is None or dataset[0] != "Dataset" or model[0] != "Model":
            return None
        row = await browse.find_current_evaluation(info.context.actor, dataset_id=dataset[1], model_id=model[1])
        return None if row is None else Evaluation.from_row(row)

    @strawberry.field(
        description="Your completed evaluations, newest first, current and superseded (as many as retention "
        "keeps), optionally of one dataset and/or one model; `first` ≤ 100."
    )
    async def evaluations(
        self,
        info: Info,
        dataset_id: strawberry.ID | None = None,
        model_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Evaluation]:
        actor = info.context.actor
        # An id of another type or of nothing matches no evaluation (as a foreign one does).
        dataset_pk = None if dataset_id is None else _pk_of(dataset_id, "Dataset")
        model_pk = None if model_id is None else _pk_of(model_id, "Model")
        page = await history.evaluations_page(actor, dataset_id=dataset_pk, model_id=model_pk, first=first, after=after)

        async def count() -> int:
            return await history.count_evaluations(actor, dataset_id=dataset_pk, model_id=model_pk)

        return Connection.from_page(page, Evaluation.from_row, count)


def _pk_of(global_id: str, type_name: str) -> int:
    decoded = from_global_id(global_id)
    return decoded[1] if decoded is not None and decoded[0] == type_name else 0

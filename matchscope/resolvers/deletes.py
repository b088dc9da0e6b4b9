"""`deleteDataset`, `deleteModel`, `deleteEvaluation`: account-scoped, everything under the object goes with it."""

from __future__ import annotations

from typing import Literal

import strawberry

from matchscope.schema.common import NotFoundError
from matchscope.schema.context import Info
from matchscope.schema.deletes import DeletePayload, DeleteResult
from matchscope.schema.ids import expect_id
from matchscope.services import deletes
from matchscope.services.errors import NotFound


async def _delete(
    info: Info, global_id: strawberry.ID, kind: Literal["Dataset", "Model", "Evaluation"]
) -> DeletePayload:
    try:
        deleted = await deletes.delete_owned(info.context.actor, kind, expect_id(global_id, kind))
    except NotFound:
        return NotFoundError.from_error(NotFound(kind, global_id))
    return DeleteResult(id=global_id, deleted_rows=deleted.rows)


@strawberry.type
class DeleteMutation:
    @strawberry.mutation(
        description="Delete a dataset with everything under it: items, annotations, every model's predictions on "
        "it, evaluations with their entries, jobs (a running one is cancelled)."
    )
    async def delete_dataset(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await _delete(info, id, "Dataset")

    @strawberry.mutation(
        description="Delete a model with everything under it: its predictions on every dataset, evaluations with "
        "their entries, jobs (a running one is cancelled)."
    )
    async def delete_model(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await _delete(info, id, "Model")

    @strawberry.mutation(
        description="Delete a completed evaluation with its entries. Deleting the current one leaves its dataset "
        "and model without a current evaluation until the next one completes."
    )
    async def delete_evaluation(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await _delete(info, id, "Evaluation")

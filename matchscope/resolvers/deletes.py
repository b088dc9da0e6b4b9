"""`deleteDataset`, `deleteModel`, `deleteEvaluation`: account-scoped, everything under the object goes with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.jobs import runtime
from matchscope.jobs.task import publish
from matchscope.schema.common import NotFoundError
from matchscope.schema.context import Info
from matchscope.schema.deletes import DeletePayload, DeleteResult
from matchscope.schema.ids import expect_id
from matchscope.services import deletes
from matchscope.services.errors import NotFound
from matchscope.store.db import transaction

Delete = Callable[[AsyncSession, int], Awaitable[deletes.Deleted]]


async def _delete(info: Info, global_id: strawberry.ID, kind: str, action: Delete) -> DeletePayload:
    try:
        pk = expect_id(global_id, kind)
        async with transaction(info.context.sessions) as session:
            deleted = await action(session, pk)
    except NotFound:
        return NotFoundError.from_error(NotFound(kind, global_id))
    if deleted.cancelled:
        # The job rows are gone; their last state, CANCELLED, is what subscribers get.
        _queue, bus = await runtime.ensure_started(info.context.state)
        for job in deleted.cancelled:
            await publish(bus, job)
    return DeleteResult(id=global_id, deleted_rows=deleted.rows)


@strawberry.type
class DeleteMutation:
    @strawberry.mutation(
        description="Delete a dataset with everything under it: items, annotations, every model's predictions on "
        "it, evaluations with their entries, jobs (a running one is cancelled)."
    )
    async def delete_dataset(self, info: Info, id: strawberry.ID) -> DeletePayload:
        account_id = info.context.account_id
        return await _delete(
            info,
            id,
            "Dataset",
            lambda session, pk: deletes.delete_dataset(session, account_id=account_id, dataset_id=pk),
        )

    @strawberry.mutation(
        description="Delete a model with everything under it: its predictions on every dataset, evaluations with "
        "their entries, jobs (a running one is cancelled)."
    )
    async def delete_model(self, info: Info, id: strawberry.ID) -> DeletePayload:
        account_id = info.context.account_id
        return await _delete(
            info, id, "Model", lambda session, pk: deletes.delete_model(session, account_id=account_id, model_id=pk)
        )

    @strawberry.mutation(
        description="Delete a completed evaluation with its entries. Deleting the current one leaves its dataset "
        "and model without a current evaluation until the next one completes."
    )
    async def delete_evaluation(self, info: Info, id: strawberry.ID) -> DeletePayload:
        account_id = info.context.account_id
        return await _delete(
            info,
            id,
            "Evaluation",
            lambda session, pk: deletes.delete_evaluation(session, account_id=account_id, evaluation_id=pk),
        )

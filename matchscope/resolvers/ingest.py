"""Upload mutations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.resolvers.errors import as_payload
from matchscope.schema.catalog import Dataset, Model
from matchscope.schema.common import NotFoundError, ValidationError
from matchscope.schema.context import Info
from matchscope.schema.ids import expect_id
from matchscope.schema.ingest import (
    BoxAnnotationInput,
    BoxPredictionInput,
    CreateDatasetInput,
    CreateDatasetPayload,
    CreateModelInput,
    CreateModelPayload,
    DatasetItemInput,
    UploadPayload,
    UploadResult,
)
from matchscope.services import ingest
from matchscope.services.records import UploadCounts
from matchscope.store.db import transaction


@strawberry.type
class IngestMutation:
    @strawberry.mutation
    async def create_dataset(self, info: Info, input: CreateDatasetInput) -> CreateDatasetPayload:
        async def act() -> Dataset:
            async with transaction(info.context.sessions) as session:
                row = await ingest.create_dataset(
                    session, account_id=info.context.account_id, name=input.name, metadata=input.metadata
                )
            return Dataset.from_row(row)

        return await as_payload(act)  # type: ignore[return-value]

    @strawberry.mutation
    async def create_model(self, info: Info, input: CreateModelInput) -> CreateModelPayload:
        async def act() -> Model:
            async with transaction(info.context.sessions) as session:
                row = await ingest.create_model(
                    session,
                    account_id=info.context.account_id,
                    name=input.name,
                    reference_id=input.reference_id,
                    metadata=input.metadata,
                )
            return Model.from_row(row)

        return await as_payload(act)  # type: ignore[return-value]

    @strawberry.mutation(description="Add items, keyed by referenceId in the dataset.")
    async def append_items(
        self, info: Info, dataset_id: strawberry.ID, items: list[DatasetItemInput], update: bool = False
    ) -> UploadPayload:
        return await _upload(
            info,
            lambda session: ingest.append_items(
                session,
                account_id=info.context.account_id,
                dataset_id=expect_id(dataset_id, "Dataset"),
                items=[item.to_record() for item in items],
                update=update,
            ),
        )

    @strawberry.mutation(description="Add ground-truth boxes, keyed by annotationId on their item.")
    async def annotate(
        self,
        info: Info,
        dataset_id: strawberry.ID,
        annotations: list[BoxAnnotationInput],
        update: bool = False,
    ) -> UploadPayload:
        return await _upload(
            info,
            lambda session: ingest.annotate(
                session,
                account_id=info.context.account_id,
                dataset_id=expect_id(dataset_id, "Dataset"),
                annotations=[box.to_record() for box in annotations],
                update=update,
            ),
        )

    @strawberry.mutation(description="Add a model's predictions, keyed by annotationId on their item.")
    async def upload_predictions(
        self,
        info: Info,
        dataset_id: strawberry.ID,
        model_id: strawberry.ID,
        predictions: list[BoxPredictionInput],
        update: bool = False,
    ) -> UploadPayload:
        return await _upload(
            info,
            lambda session: ingest.upload_predictions(
                session,
                account_id=info.context.account_id,
                dataset_id=expect_id(dataset_id, "Dataset"),
                model_id=expect_id(model_id, "Model"),
                predictions=[box.to_record() for box in predictions],
                update=update,
            ),
        )


async def _upload(info: Info, write: Callable[[AsyncSession], Awaitable[UploadCounts]]) -> UploadPayload:
    """One upload in one transaction; domain errors become payload members and nothing is written."""

    async def act() -> UploadResult:
        async with transaction(info.context.sessions) as session:
            counts = await write(session)
        return UploadResult.from_counts(counts)

    return await as_payload(act)  # type: ignore[return-value]


__all__ = ["IngestMutation", "NotFoundError", "ValidationError"]

"""Upload mutations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import strawberry
from graphql import FieldNode, VariableNode

from matchscope.resolvers.errors import as_payload
from matchscope.schema.catalog import Dataset, Model
from matchscope.schema.columns import BoxAnnotationColumnsInput, BoxPredictionColumnsInput
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
from matchscope.services import columns as column_records
from matchscope.services import uploads, validation
from matchscope.services.actor import Actor
from matchscope.services.records import AnnotationRecord, PredictionRecord, UploadCounts


@strawberry.type
class IngestMutation:
    @strawberry.mutation
    async def create_dataset(self, info: Info, input: CreateDatasetInput) -> CreateDatasetPayload:
        async def act() -> Dataset:
            row = await uploads.create_dataset(info.context.actor, name=input.name, metadata=input.metadata)
            return Dataset.from_row(row)

        return await as_payload(act)  # type: ignore[return-value]

    @strawberry.mutation
    async def create_model(self, info: Info, input: CreateModelInput) -> CreateModelPayload:
        async def act() -> Model:
            row = await uploads.create_model(
                info.context.actor, name=input.name, reference_id=input.reference_id, metadata=input.metadata
            )
            return Model.from_row(row)

        return await as_payload(act)  # type: ignore[return-value]

    @strawberry.mutation(description="Add items, keyed by referenceId in the dataset.")
    async def append_items(
        self, info: Info, dataset_id: strawberry.ID, items: list[DatasetItemInput], update: bool = False
    ) -> UploadPayload:
        return await _upload(
            info,
            "items",
            lambda actor: uploads.append_items(
                actor,
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
        return await _annotate(info, "annotations", dataset_id, partial(_records, annotations), update)

    @strawberry.mutation(description="Add a model's predictions, keyed by annotationId on their item.")
    async def upload_predictions(
        self,
        info: Info,
        dataset_id: strawberry.ID,
        model_id: strawberry.ID,
        predictions: list[BoxPredictionInput],
        update: bool = False,
    ) -> UploadPayload:
        records = partial(_records, predictions)
        return await _predict(info, "predictions", dataset_id, model_id, records, update)

    @strawberry.mutation(
        description="annotate with the boxes as columns, for large uploads: the same keys, checks, counts and errors "
        "(each naming the row and the row's field), at a fraction of the cost of row-shaped input objects."
    )
    async def annotate_columns(
        self,
        info: Info,
        dataset_id: strawberry.ID,
        columns: BoxAnnotationColumnsInput,
        update: bool = False,
    ) -> UploadPayload:
        max_rows = info.context.settings.max_upload_rows
        records = partial(column_records.annotation_records, columns.to_columns(), max_rows=max_rows)
        return await _annotate(info, "columns", dataset_id, records, update)

    @strawberry.mutation(
        description="uploadPredictions with the predictions as columns, for large uploads: the same keys, checks, "
        "counts and errors (each naming the row and the row's field), at a fraction of the cost of row-shaped "
        "input objects."
    )
    async def upload_prediction_columns(
        self,
        info: Info,
        dataset_id: strawberry.ID,
        model_id: strawberry.ID,
        columns: BoxPredictionColumnsInput,
        update: bool = False,
    ) -> UploadPayload:
        max_rows = info.context.settings.max_upload_rows
        records = partial(column_records.prediction_records, columns.to_columns(), max_rows=max_rows)
        return await _predict(info, "columns", dataset_id, model_id, records, update)


def _records(inputs: Sequence[BoxAnnotationInput | BoxPredictionInput]) -> list[Any]:
    return [box.to_record() for box in inputs]


async def _annotate(
    info: Info,
    argument: str,
    dataset_id: strawberry.ID,
    records: Callable[[], list[AnnotationRecord]],
    update: bool,
) -> UploadPayload:
    """`annotate` of the records the upload's argument gives (made inside the payload, so a refused row is a
    ValidationError member)."""
    return await _upload(
        info,
        argument,
        lambda actor: uploads.annotate(
            actor, dataset_id=expect_id(dataset_id, "Dataset"), annotations=records(), update=update
        ),
    )


async def _predict(
    info: Info,
    argument: str,
    dataset_id: strawberry.ID,
    model_id: strawberry.ID,
    records: Callable[[], list[PredictionRecord]],
    update: bool,
) -> UploadPayload:
    """`upload_predictions` of the records the upload's argument gives (made inside the payload)."""
    return await _upload(
        info,
        argument,
        lambda actor: uploads.upload_predictions(
            actor,
            dataset_id=expect_id(dataset_id, "Dataset"),
            model_id=expect_id(model_id, "Model"),
            predictions=records(),
            update=update,
        ),
    )


async def _upload(info: Info, argument: str, write: Callable[[Actor], Awaitable[UploadCounts]]) -> UploadPayload:
    """One upload; domain errors become payload members and nothing is written."""

    async def act() -> UploadResult:
        held_back = _held_back_rows(info, argument)
        if held_back is not None:
            validation.check_batch_size(argument, held_back, info.context.settings.max_upload_rows)
        return UploadResult.from_counts(await write(info.context.actor))

    return await as_payload(act)  # type: ignore[return-value]


def _held_back_rows(info: Info, argument: str) -> int | None:
    """The length of this field's upload argument when its variable was over the row cap and held back."""
    key = info.path.key  # uploads are root fields of the mutation
    for node in info.operation.selection_set.selections:
        if not isinstance(node, FieldNode) or (node.alias or node.name).value != key:
            continue
        for given in node.arguments or ():
            if given.name.value == argument and isinstance(given.value, VariableNode):
                return info.context.oversized_uploads.get(given.value.name.value)
    return None


__all__ = ["IngestMutation", "NotFoundError", "ValidationError"]

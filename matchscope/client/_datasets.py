"""A dataset read from the server (`Dataset`): uploads of items, ground truth and predictions; evaluations started
and read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from matchscope.client._checks import check_table, check_upload
from matchscope.client._connection import validation_error
from matchscope.client._evaluations import Evaluation
from matchscope.client._generated import BoxAnnotationColumnsInput, BoxPredictionColumnsInput, DatasetFields, ItemFields
from matchscope.client._jobs import AsyncJob
from matchscope.client._options import evaluation_options
from matchscope.client._paging import every_node
from matchscope.client._references import ModelRef, id_of
from matchscope.client._uploads import annotation_columns, input_rows, prediction_columns, table_columns, upload
from matchscope.client.errors import NotFoundError
from matchscope.client.records import BoxAnnotation, BoxPrediction, DatasetItem, PredictionTable, UploadResult

if TYPE_CHECKING:
    from matchscope.client.aio import Client


class Dataset:
    """A dataset: upload items, ground truth and predictions; start and read evaluations."""

    def __init__(self, client: Client, info: DatasetFields) -> None:
        self._client = client
        self._connection = client.connection
        self.info = info
        self.id = info.id
        self.name = info.name

    def __repr__(self) -> str:
        return f"Dataset(id={self.id!r}, name={self.name!r})"

    async def append(
        self, items: Sequence[DatasetItem], update: bool = False, *, progress: bool | None = None
    ) -> UploadResult:
        """Add items, keyed by `reference_id` (existing ones are left, or replaced with `update=True`)."""
        graphql = self._connection.graphql

        async def send(batch: list[Any]) -> Any:
            return (await graphql.append_items(self.id, batch, update)).append_items

        return await self._upload(items, input_rows, send, what="items", progress=progress)

    async def annotate(
        self, annotations: Sequence[BoxAnnotation], update: bool = False, *, progress: bool | None = None
    ) -> UploadResult:
        """Add ground-truth boxes, keyed by `annotation_id` on their item (derived from the box when None)."""
        graphql = self._connection.graphql

        async def send(columns: BoxAnnotationColumnsInput) -> Any:
            return (await graphql.annotate_columns(self.id, columns, update)).annotate_columns

        return await self._upload(annotations, annotation_columns, send, what="annotations", progress=progress)

    async def upload_predictions(
        self,
        model: ModelRef,
        predictions: Sequence[BoxPrediction],
        update: bool = False,
        *,
        progress: bool | None = None,
    ) -> UploadResult:
        """Add a model's predictions, keyed by `annotation_id` on their item (derived from the box when None)."""
        send = self._prediction_sender(model, update)
        return await self._upload(predictions, prediction_columns, send, what="predictions", progress=progress)

    async def _upload_table(self, model: ModelRef, table: PredictionTable, *, progress: bool | None) -> UploadResult:
        """`upload_predictions` of a table read from a COCO results file."""
        send = self._prediction_sender(model, False)
        return await self._upload(table, table_columns, send, what="predictions", progress=progress, check=check_table)

    async def _upload(
        self,
        rows: Any,
        encode: Callable[[Any], Any],
        send: Callable[[Any], Awaitable[Any]],
        *,
        what: str,
        progress: bool | None,
        check: Callable[[Any, str], None] = check_upload,
    ) -> UploadResult:
        """`_uploads.upload` in the client's batches."""
        return await upload(
            self._connection,
            rows,
            encode,
            send,
            what=what,
            batch_size=self._client.batch_size,
            progress=progress,
            check=check,
        )

    def _prediction_sender(
        self, model: ModelRef, update: bool
    ) -> Callable[[BoxPredictionColumnsInput], Awaitable[Any]]:
        graphql = self._connection.graphql
        model_id = id_of(model)

        async def send(columns: BoxPredictionColumnsInput) -> Any:
            return (
                await graphql.upload_prediction_columns(self.id, model_id, columns, update)
            ).upload_prediction_columns

        return send

    async def items(self) -> list[ItemFields]:
        """Every item, in upload order."""
        graphql = self._connection.graphql

        async def page(after: str | None) -> Any:
            found = await self._connection.call(partial(graphql.dataset_items, self.id, first=100, after=after))
            if found.dataset is None:
                raise NotFoundError(f"Dataset {self.id!r} not found", "Dataset", self.id)
            return found.dataset.items

        return await every_node(page)

    async def calculate_evaluation_metrics(self, model: ModelRef, options: Mapping[str, Any] | None = None) -> AsyncJob:
        """Start evaluating `model` on this dataset. `options`: `class_agnostic` (bool; omitted means True unless
        `allowed_label_matches` is given) and `allowed_label_matches`, a list of
        `{"ground_truth_label": ..., "model_prediction_label": ...}`. Returns the job (an identical job still
        queued or running is returned instead of a new one)."""
        graphql = self._connection.graphql
        model_id = id_of(model)
        inputs = evaluation_options(options)
        result = await self._connection.call(lambda: graphql.calculate_evaluation_metrics(self.id, model_id, inputs))
        payload = result.calculate_evaluation_metrics
        if payload.typename__ == "AsyncJob":
            return AsyncJob(self._connection, payload)
        if payload.typename__ == "ValidationError":
            raise validation_error(payload, what="evaluation options refused")
        raise NotFoundError(payload.message, payload.kind, payload.missing_id)

    async def evaluations(self, model: ModelRef | None = None) -> list[Evaluation]:
        """This dataset's completed evaluations (of `model`, when given), newest first."""
        return await self._client.list_evaluations(self, model)

    async def evaluation(self, model: ModelRef) -> Evaluation:
        """The current evaluation of `model` on this dataset; NotFoundError when there is none yet."""
        model_id = id_of(model)
        found = await self._connection.call(lambda: self._connection.graphql.current_evaluation(self.id, model_id))
        if found.evaluation is None:
            raise NotFoundError(
                f"no evaluation of model {model_id!r} on dataset {self.id!r}: call calculate_evaluation_metrics",
                "Evaluation",
                f"{self.id}/{model_id}",
            )
        return Evaluation(self._connection, found.evaluation)

"""The asynchronous client: `AsyncClient` and the objects it returns. `matchscope.client.Client` is its blocking twin
with the same methods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from matchscope.client import _jobs
from matchscope.client._checks import check_table
from matchscope.client._compare import Flips, MetricsComparison, compare_metrics
from matchscope.client._connection import (
    DEFAULT_ENDPOINT,
    DEFAULT_TIMEOUT_S,
    Connection,
    not_found_error,
    validation_error,
)
from matchscope.client._generated import (
    BoxAnnotationColumnsInput,
    BoxPredictionColumnsInput,
    CreateDatasetInput,
    CreateModelInput,
    DatasetFields,
    EvaluationFields,
    ItemFields,
    JobFields,
    ModelFields,
)
from matchscope.client._generated.base_model import UNSET, UnsetType
from matchscope.client._matches import Match, Matches, MatchQuery, Paged, review_match
from matchscope.client._options import evaluation_options
from matchscope.client._uploads import (
    BATCH_SIZE,
    annotation_columns,
    input_rows,
    prediction_columns,
    table_columns,
    upload,
)
from matchscope.client.coco import ground_truth, predictions, read_json
from matchscope.client.errors import NotFoundError
from matchscope.client.records import (
    BoxAnnotation,
    BoxPrediction,
    CocoMetrics,
    DatasetItem,
    ImportResult,
    PredictionTable,
    UploadResult,
)
from matchscope.client.results import EvaluationMetrics, TideSummary, coco_metrics, evaluation_metrics, tide_summary

Model = ModelFields
"""A model: `id`, `name`, `reference_id`, `metadata`, `created_at`."""

ModelRef = Model | str


def _model_id(model: ModelRef) -> str:
    return model if isinstance(model, str) else model.id


def _deleted(payload: Any) -> int:
    if payload.typename__ == "NotFoundError":
        raise not_found_error(payload)
    deleted: int = payload.deleted_rows
    return deleted


def _evaluation_id(evaluation: Evaluation | str) -> str:
    return evaluation if isinstance(evaluation, str) else evaluation.id


class AsyncJob:
    """A background job (an evaluation): `status()`, `errors()`, `sleep_until_complete()`."""

    def __init__(self, connection: Connection, state: JobFields) -> None:
        self._connection = connection
        self.id = state.id
        self.last_state = state

    async def info(self) -> JobFields:
        """The job's current state (status, progress, steps, message, errors, times)."""
        self.last_state = await _jobs.fetch(self._connection, self.id)
        return self.last_state

    async def status(self) -> str:
        """QUEUED, RUNNING, COMPLETED, ERRORED or CANCELLED."""
        return (await self.info()).status.value

    async def errors(self) -> list[str]:
        """The errors the job reported (empty unless it ERRORED)."""
        return list((await self.info()).job_errors)

    async def cancel(self) -> JobFields:
        """Cancel the job: a queued one at once, a running one at its next chunk of items."""
        self.last_state = await _jobs.cancel(self._connection, self.id)
        return self.last_state

    async def sleep_until_complete(self, verbose_std_out: bool = True, *, poll_interval: float = 1.0) -> JobFields:
        """Wait until the job has finished, through QUEUED and RUNNING, following its progress over the
        `jobUpdates` subscription (polling when websockets are unavailable); a progress bar on stderr when
        `verbose_std_out`. Returns the final state; raises `JobFailed` when the job ERRORED or was CANCELLED."""
        self.last_state = await _jobs.wait(self._connection, self.id, verbose=verbose_std_out, poll=poll_interval)
        return self.last_state


class Jobs(Paged[AsyncJob]):
    """The account's jobs, newest first, read lazily page by page: `async for job in jobs` (each an `AsyncJob`
    whose `last_state` is the state the page read)."""

    def __init__(self, connection: Connection, statuses: Sequence[str] | None, page_size: int) -> None:
        self._connection = connection
        self._states = _jobs.JobStates(connection, statuses, page_size)

    async def _page(self, after: str | None) -> Any:
        return await self._states._page(after)

    def _row(self, node: Any) -> AsyncJob:
        return AsyncJob(self._connection, node)


class Comparison:
    """Two complete evaluations of one dataset side by side (`base`, then `other`): `metrics()` class by class
    with the deltas, and `flips()`, the ground truths one side finds and the other misses. A ValidationError naming
    `otherId` when they evaluate different datasets; NotFoundError for an unknown id."""

    def __init__(self, connection: Connection, base_id: str, other_id: str) -> None:
        self._connection = connection
        self.base_id = base_id
        self.other_id = other_id

    async def metrics(self, iou_threshold: float = 0.5, confidence_threshold: float = 0.0) -> MetricsComparison:
        """`overall` and `per_class` rows: both sides' counts (TP/FP/FN, precision, recall, F1) at the thresholds,
        their stored COCO AP and AP50, and `delta` (other - base)."""
        return await compare_metrics(self._connection, self.base_id, self.other_id, iou_threshold, confidence_threshold)

    def flips(
        self,
        *,
        kinds: Sequence[str] | None = None,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        page_size: int = 100,
    ) -> Flips:
        """Every ground truth whose outcome differs at the thresholds (`kinds`: FIXED, BROKEN; both when None), by
        the other's IoU descending, read lazily page by page. Iterate it with `async for`."""
        return Flips(
            self._connection,
            self.base_id,
            self.other_id,
            kinds=kinds,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
            page_size=page_size,
        )


class Evaluation:
    """An evaluation of a model on a dataset: its entries (`matches`), `metrics` and `coco` metrics."""

    def __init__(self, connection: Connection, info: EvaluationFields) -> None:
        self._connection = connection
        self.info = info
        self.id = info.id

    def matches(
        self,
        *,
        outcomes: Sequence[str] | None = None,
        ground_truth_labels: Sequence[str] | None = None,
        prediction_labels: Sequence[str] | None = None,
        min_iou: float | None = None,
        max_iou: float | None = None,
        min_confidence: float | None = None,
        max_confidence: float | None = None,
        item_id: str | None = None,
        review_statuses: Sequence[str] | None = None,
        item_metadata: dict[str, Any] | None = None,
        error_types: Sequence[str] | None = None,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        order_by: str = "IOU",
        direction: str = "DESC",
        page_size: int = 100,
    ) -> Matches:
        """Every entry at the thresholds that passes the filter (each given condition must hold), read lazily page
        by page (keyset cursors); `outcomes` are TRUE_POSITIVE, FALSE_POSITIVE, FALSE_NEGATIVE; `review_statuses`
        UNREVIEWED, CONFIRMED, LABEL_ERROR, IGNORED; `item_metadata` a slice, {key: value} equalities on the items'
        metadata; `error_types` CLASSIFICATION, LOCALIZATION, BOTH, DUPLICATE, BACKGROUND, MISSED (TIDE's, at the
        thresholds); `order_by` IOU or CONFIDENCE, `direction` DESC or ASC. Iterate it with `async for`;
        `to_pandas()` reads it into a frame."""
        query = MatchQuery.build(
            outcomes=outcomes,
            ground_truth_labels=ground_truth_labels,
            prediction_labels=prediction_labels,
            min_iou=min_iou,
            max_iou=max_iou,
            min_confidence=min_confidence,
            max_confidence=max_confidence,
            item_id=item_id,
            review_statuses=review_statuses,
            item_metadata=item_metadata,
            error_types=error_types,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
            order_by=order_by,
            direction=direction,
            page_size=page_size,
        )
        return Matches(self._connection, self.id, query)

    async def metrics(
        self,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        item_metadata: dict[str, Any] | None = None,
    ) -> EvaluationMetrics:
        """Overall and per-class counts (TP/FP/FN, precision, recall, F1), the confusion matrix and histograms; with
        `item_metadata`, of a slice: the items whose metadata has those values."""
        return await evaluation_metrics(self._connection, self.id, iou_threshold, confidence_threshold, item_metadata)

    async def coco(self, item_metadata: dict[str, Any] | None = None) -> CocoMetrics:
        """COCO metrics as pycocotools computes them: `stats` (12 numbers), per class, PR curves; with
        `item_metadata`, of a slice: what an evaluation of those items alone gives."""
        return await coco_metrics(self._connection, self.id, item_metadata)

    async def tide(self, item_metadata: dict[str, Any] | None = None) -> TideSummary:
        """The TIDE summary as tidecv 1.0.1 computes it: AP50, count and ΔAP per error type, overall and per class;
        with `item_metadata`, of a slice: what an evaluation of those items alone gives."""
        return await tide_summary(self._connection, self.id, item_metadata)

    def compare(self, other: Evaluation | str) -> Comparison:
        """This evaluation (the base) beside `other`, an evaluation of the same dataset."""
        return Comparison(self._connection, self.id, _evaluation_id(other))

    def job(self) -> AsyncJob | None:
        """The job that computed this evaluation (its state when the evaluation was read), or None when the job is
        gone (deleted with its model or dataset, or by retention)."""
        return None if self.info.job is None else AsyncJob(self._connection, self.info.job)

    async def review(
        self,
        match: Match | str,
        status: str,
        note: str | UnsetType | None = UNSET,
        *,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
    ) -> Match:
        """Review an entry of this evaluation (a `Match` or its id): `status` CONFIRMED, LABEL_ERROR, IGNORED, or
        UNREVIEWED to remove the review; `note` omitted keeps the current note, None or "" clears it. The review
        belongs to the entry's ground truth and prediction, so later evaluations of the same dataset and model keep
        it. Returns the entry as it reads at the thresholds, `review` set; NotFoundError for an unknown entry."""
        return await review_match(
            self._connection,
            match,
            status,
            note,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
        )


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

        return await upload(
            self._connection,
            items,
            input_rows,
            send,
            what="items",
            batch_size=self._client.batch_size,
            progress=progress,
        )

    async def annotate(
        self, annotations: Sequence[BoxAnnotation], update: bool = False, *, progress: bool | None = None
    ) -> UploadResult:
        """Add ground-truth boxes, keyed by `annotation_id` on their item (derived from the box when None)."""
        graphql = self._connection.graphql

        async def send(columns: BoxAnnotationColumnsInput) -> Any:
            return (await graphql.annotate_columns(self.id, columns, update)).annotate_columns

        return await upload(
            self._connection,
            annotations,
            annotation_columns,
            send,
            what="annotations",
            batch_size=self._client.batch_size,
            progress=progress,
        )

    async def upload_predictions(
        self,
        model: ModelRef,
        predictions: Sequence[BoxPrediction],
        update: bool = False,
        *,
        progress: bool | None = None,
    ) -> UploadResult:
        """Add a model's predictions, keyed by `annotation_id` on their item (derived from the box when None)."""
        return await upload(
            self._connection,
            predictions,
            prediction_columns,
            self._prediction_sender(model, update),
            what="predictions",
            batch_size=self._client.batch_size,
            progress=progress,
        )

    async def _upload_table(self, model: ModelRef, table: PredictionTable, *, progress: bool | None) -> UploadResult:
        """`upload_predictions` of a table read from a COCO results file."""
        return await upload(
            self._connection,
            table,
            table_columns,
            self._prediction_sender(model, False),
            what="predictions",
            batch_size=self._client.batch_size,
            progress=progress,
            check=check_table,
        )

    def _prediction_sender(
        self, model: ModelRef, update: bool
    ) -> Callable[[BoxPredictionColumnsInput], Awaitable[Any]]:
        graphql = self._connection.graphql
        model_id = _model_id(model)

        async def send(columns: BoxPredictionColumnsInput) -> Any:
            return (
                await graphql.upload_prediction_columns(self.id, model_id, columns, update)
            ).upload_prediction_columns

        return send

    async def items(self) -> list[ItemFields]:
        """Every item, in upload order."""
        found: list[ItemFields] = []
        after: str | None = None
        while True:
            page = await self._connection.call(
                partial(self._connection.graphql.dataset_items, self.id, first=100, after=after)
            )
            if page.dataset is None:
                raise NotFoundError(f"Dataset {self.id!r} not found", "Dataset", self.id)
            items = page.dataset.items
            found += [edge.node for edge in items.edges]
            if not items.page_info.has_next_page:
                return found
            after = items.page_info.end_cursor

    async def calculate_evaluation_metrics(self, model: ModelRef, options: Mapping[str, Any] | None = None) -> AsyncJob:
        """Start evaluating `model` on this dataset. `options`: `class_agnostic` (bool; omitted means True unless
        `allowed_label_matches` is given) and `allowed_label_matches`, a list of
        `{"ground_truth_label": ..., "model_prediction_label": ...}`. Returns the job (an identical job still
        queued or running is returned instead of a new one)."""
        graphql = self._connection.graphql
        model_id = _model_id(model)
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
        model_id = _model_id(model)
        found = await self._connection.call(lambda: self._connection.graphql.current_evaluation(self.id, model_id))
        if found.evaluation is None:
            raise NotFoundError(
                f"no evaluation of model {model_id!r} on dataset {self.id!r}: call calculate_evaluation_metrics",
                "Evaluation",
                f"{self.id}/{model_id}",
            )
        return Evaluation(self._connection, found.evaluation)


class Client:
    """The asynchronous client. `AsyncClient(api_key, endpoint="http://127.0.0.1:8000")`; use it with
    `async with` or call `close()`."""

    def __init__(
        self,
        api_key: str,
        endpoint: str = DEFAULT_ENDPOINT,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        batch_size: int = BATCH_SIZE,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        extra = {} if retry_delays is None else {"retry_delays": retry_delays}
        self.connection = Connection(api_key, endpoint, timeout=timeout, **extra)
        self.batch_size = batch_size

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the client's connections."""
        await self.connection.close()

    async def create_dataset(self, name: str, metadata: dict[str, Any] | None = None) -> Dataset:
        """Create a dataset (names are unique per account)."""
        graphql = self.connection.graphql
        inputs = CreateDatasetInput(name=name, metadata=metadata)
        payload = (await self.connection.call(lambda: graphql.create_dataset(inputs), idempotent=False)).create_dataset
        if payload.typename__ == "ValidationError":
            raise validation_error(payload, what=f"dataset {name!r} refused")
        return Dataset(self, payload)

    async def get_dataset(self, dataset_id: str) -> Dataset:
        """The dataset with this id; NotFoundError when it does not exist or is another account's."""
        found = (await self.connection.call(lambda: self.connection.graphql.get_dataset(dataset_id))).dataset
        if found is None:
            raise NotFoundError(f"Dataset {dataset_id!r} not found", "Dataset", dataset_id)
        return Dataset(self, found)

    async def get_dataset_by_name(self, name: str) -> Dataset:
        """Your dataset of that name; NotFoundError when you have none."""
        found = (await self.connection.call(lambda: self.connection.graphql.dataset_by_name(name))).dataset_by_name
        if found is None:
            raise NotFoundError(f"no dataset named {name!r}", "Dataset", name)
        return Dataset(self, found)

    async def list_datasets(self) -> list[Dataset]:
        """Every dataset of your account, oldest first."""
        found: list[Dataset] = []
        after: str | None = None
        while True:
            page = (
                await self.connection.call(partial(self.connection.graphql.list_datasets, first=100, after=after))
            ).datasets
            found += [Dataset(self, edge.node) for edge in page.edges]
            if not page.page_info.has_next_page:
                return found
            after = page.page_info.end_cursor

    async def create_model(self, name: str, reference_id: str, metadata: dict[str, Any] | None = None) -> Model:
        """Create a model (`reference_id` is unique per account)."""
        graphql = self.connection.graphql
        inputs = CreateModelInput(name=name, referenceId=reference_id, metadata=metadata)
        payload = (await self.connection.call(lambda: graphql.create_model(inputs), idempotent=False)).create_model
        if payload.typename__ == "ValidationError":
            raise validation_error(payload, what=f"model {reference_id!r} refused")
        return ModelFields.model_validate(payload.model_dump())

    async def get_model(self, model_id: str) -> Model:
        """The model with this id; NotFoundError when it does not exist or is another account's."""
        node = (await self.connection.call(lambda: self.connection.graphql.get_model(model_id))).node
        if node is None or node.typename__ != "Model":
            raise NotFoundError(f"Model {model_id!r} not found", "Model", model_id)
        return ModelFields.model_validate(node.model_dump())

    async def get_model_by_reference_id(self, reference_id: str) -> Model:
        """Your model with that reference id; NotFoundError when you have none."""
        graphql = self.connection.graphql
        found = (await self.connection.call(lambda: graphql.model_by_reference_id(reference_id))).model_by_reference_id
        if found is None:
            raise NotFoundError(f"no model with referenceId {reference_id!r}", "Model", reference_id)
        return found

    async def list_models(self) -> list[Model]:
        """Every model of your account, oldest first."""
        found: list[Model] = []
        after: str | None = None
        while True:
            page = (
                await self.connection.call(partial(self.connection.graphql.list_models, first=100, after=after))
            ).models
            found += [edge.node for edge in page.edges]
            if not page.page_info.has_next_page:
                return found
            after = page.page_info.end_cursor

    async def list_evaluations(
        self, dataset: Dataset | str | None = None, model: ModelRef | None = None
    ) -> list[Evaluation]:
        """Your completed evaluations, newest first (current and superseded ones that retention keeps), of one
        dataset and/or one model when given."""
        dataset_id = dataset.id if isinstance(dataset, Dataset) else dataset
        model_id = None if model is None else _model_id(model)
        found: list[Evaluation] = []
        after: str | None = None
        while True:
            call = partial(self.connection.graphql.list_evaluations, dataset_id, model_id, first=100, after=after)
            page = (await self.connection.call(call)).evaluations
            found += [Evaluation(self.connection, edge.node) for edge in page.edges]
            if not page.page_info.has_next_page:
                return found
            after = page.page_info.end_cursor

    def compare_evaluations(self, base: Evaluation | str, other: Evaluation | str) -> Comparison:
        """Two complete evaluations of one dataset side by side: `metrics()` with deltas and `flips()`."""
        return Comparison(self.connection, _evaluation_id(base), _evaluation_id(other))

    async def delete_dataset(self, dataset: Dataset | str) -> int:
        """Delete a dataset with everything under it (items, boxes, predictions, evaluations, jobs); returns how
        many rows went. NotFoundError when it does not exist or is another account's."""
        dataset_id = dataset.id if isinstance(dataset, Dataset) else dataset
        graphql = self.connection.graphql
        return _deleted((await self.connection.call(lambda: graphql.delete_dataset(dataset_id))).delete_dataset)

    async def delete_model(self, model: ModelRef) -> int:
        """Delete a model with everything under it (its predictions, evaluations, jobs); returns how many rows
        went. NotFoundError when it does not exist or is another account's."""
        model_id = _model_id(model)
        graphql = self.connection.graphql
        return _deleted((await self.connection.call(lambda: graphql.delete_model(model_id))).delete_model)

    async def delete_evaluation(self, evaluation: Evaluation | str) -> int:
        """Delete a completed evaluation with its entries; returns how many rows went."""
        evaluation_id = evaluation.id if isinstance(evaluation, Evaluation) else evaluation
        graphql = self.connection.graphql
        return _deleted(
            (await self.connection.call(lambda: graphql.delete_evaluation(evaluation_id))).delete_evaluation
        )

    async def get_job(self, job_id: str) -> AsyncJob:
        """The job with this id; NotFoundError when it does not exist or is another account's."""
        return AsyncJob(self.connection, await _jobs.fetch(self.connection, job_id))

    def jobs(self, statuses: Sequence[str] | None = None, *, page_size: int = 100) -> Jobs:
        """Your jobs, newest first, read lazily page by page (`async for job in client.jobs()`); `statuses`: QUEUED,
        RUNNING, COMPLETED, ERRORED, CANCELLED (every job when None)."""
        return Jobs(self.connection, statuses, page_size)

    async def review_match(
        self,
        match: Match | str,
        status: str,
        note: str | UnsetType | None = UNSET,
        *,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
    ) -> Match:
        """Review an entry (a `Match` or its id): `status` CONFIRMED, LABEL_ERROR, IGNORED, or UNREVIEWED to remove
        the review; `note` omitted keeps the current note, None or "" clears it. Returns the entry at the
        thresholds, `review` set; NotFoundError for an unknown entry or another account's."""
        return await review_match(
            self.connection,
            match,
            status,
            note,
            iou_threshold=iou_threshold,
            confidence_threshold=confidence_threshold,
        )

    async def import_coco(
        self,
        dataset_name: str,
        instances_path: str | Path,
        model: str | None = None,
        results: str | Path | None = None,
        *,
        progress: bool | None = None,
    ) -> ImportResult:
        """Upload a COCO instances file into the dataset `dataset_name` (created when you have none of that name)
        and, with `model` and `results`, a COCO results file as that model's predictions (the model, found or
        created by reference id `model`). Keys as `matchscope import-coco` gives them, so a second import of the
        same files writes nothing new. As pycocotools reads the files, annotations on unlisted images or
        categories and detections of categories the ground truth lacks are dropped (`notes` says how many)."""
        if (model is None) != (results is None):
            raise ValueError("import_coco: give both model= and results=, or neither")
        truth = ground_truth(read_json(instances_path))
        table, dropped = predictions(read_json(results), truth) if results is not None else (None, [])
        notes = (*truth.notes, *dropped)
        try:
            dataset = await self.get_dataset_by_name(dataset_name)
        except NotFoundError:
            categories = {str(k): v for k, v in truth.categories.items()}
            dataset = await self.create_dataset(dataset_name, metadata={"coco_categories": categories})
        items = await dataset.append(truth.items, progress=progress)
        annotations = await dataset.annotate(truth.annotations, progress=progress)
        if model is None:
            return ImportResult(dataset.id, None, items, annotations, UploadResult(), notes)
        try:
            found = await self.get_model_by_reference_id(model)
        except NotFoundError:
            found = await self.create_model(model, model)
        assert table is not None  # results were given with model
        uploaded = await dataset._upload_table(found, table, progress=progress)
        return ImportResult(dataset.id, found.id, items, annotations, uploaded, notes)


AsyncClient = Client
AsyncDataset = Dataset
AsyncEvaluation = Evaluation

__all__ = [
    "AsyncClient",
    "AsyncDataset",
    "AsyncEvaluation",
    "AsyncJob",
    "Client",
    "Comparison",
    "Dataset",
    "Evaluation",
    "Flips",
    "Jobs",
    "Matches",
    "Model",
]

"""The asynchronous client, `AsyncClient`, and the objects it returns (`Dataset`, `Evaluation`, `Comparison`,
`AsyncJob`, `Jobs`, `Matches`, `Flips`, each in a module of its own). `matchscope.client.Client` is its blocking
twin with the same methods."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from matchscope.client import _jobs
from matchscope.client._compare import Flips
from matchscope.client._connection import (
    DEFAULT_ENDPOINT,
    DEFAULT_TIMEOUT_S,
    Connection,
    not_found_error,
    validation_error,
)
from matchscope.client._datasets import Dataset
from matchscope.client._evaluations import Comparison, Evaluation
from matchscope.client._generated import CreateDatasetInput, CreateModelInput, ModelFields
from matchscope.client._generated.base_model import UNSET, UnsetType
from matchscope.client._jobs import AsyncJob, Jobs
from matchscope.client._matches import Match, Matches, review_match
from matchscope.client._paging import every_node
from matchscope.client._references import Model, ModelRef, id_of
from matchscope.client._uploads import BATCH_SIZE
from matchscope.client.coco import ground_truth, predictions, read_json
from matchscope.client.errors import NotFoundError
from matchscope.client.records import ImportResult, UploadResult


def _deleted(payload: Any) -> int:
    if payload.typename__ == "NotFoundError":
        raise not_found_error(payload)
    deleted: int = payload.deleted_rows
    return deleted


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
        graphql = self.connection.graphql

        async def page(after: str | None) -> Any:
            return (await self.connection.call(partial(graphql.list_datasets, first=100, after=after))).datasets

        return [Dataset(self, node) for node in await every_node(page)]

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
        graphql = self.connection.graphql

        async def page(after: str | None) -> Any:
            return (await self.connection.call(partial(graphql.list_models, first=100, after=after))).models

        return await every_node(page)

    async def list_evaluations(
        self, dataset: Dataset | str | None = None, model: ModelRef | None = None
    ) -> list[Evaluation]:
        """Your completed evaluations, newest first (current and superseded ones that retention keeps), of one
        dataset and/or one model when given."""
        dataset_id = None if dataset is None else id_of(dataset)
        model_id = None if model is None else id_of(model)
        graphql = self.connection.graphql

        async def page(after: str | None) -> Any:
            call = partial(graphql.list_evaluations, dataset_id, model_id, first=100, after=after)
            return (await self.connection.call(call)).evaluations

        return [Evaluation(self.connection, node) for node in await every_node(page)]

    def compare_evaluations(self, base: Evaluation | str, other: Evaluation | str) -> Comparison:
        """Two complete evaluations of one dataset side by side: `metrics()` with deltas and `flips()`."""
        return Comparison(self.connection, id_of(base), id_of(other))

    async def delete_dataset(self, dataset: Dataset | str) -> int:
        """Delete a dataset with everything under it (items, boxes, predictions, evaluations, jobs); returns how
        many rows went. NotFoundError when it does not exist or is another account's."""
        dataset_id = id_of(dataset)
        graphql = self.connection.graphql
        return _deleted((await self.connection.call(lambda: graphql.delete_dataset(dataset_id))).delete_dataset)

    async def delete_model(self, model: ModelRef) -> int:
        """Delete a model with everything under it (its predictions, evaluations, jobs); returns how many rows
        went. NotFoundError when it does not exist or is another account's."""
        model_id = id_of(model)
        graphql = self.connection.graphql
        return _deleted((await self.connection.call(lambda: graphql.delete_model(model_id))).delete_model)

    async def delete_evaluation(self, evaluation: Evaluation | str) -> int:
        """Delete a completed evaluation with its entries; returns how many rows went."""
        evaluation_id = id_of(evaluation)
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
    "ModelRef",
]

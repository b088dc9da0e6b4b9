"""The blocking client, `Client`: the asynchronous client's methods, run on a private event loop."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from matchscope.client import aio
from matchscope.client._compare import Flip, MetricsComparison
from matchscope.client._connection import DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_S
from matchscope.client._generated import ItemFields, JobFields
from matchscope.client._loop import LoopThread
from matchscope.client._matches import Match, Paged, data_frame, match_row
from matchscope.client._uploads import BATCH_SIZE
from matchscope.client.aio import Model, ModelRef
from matchscope.client.records import (
    BoxAnnotation,
    BoxPrediction,
    CocoMetrics,
    DatasetItem,
    ImportResult,
    UploadResult,
)
from matchscope.client.results import EvaluationMetrics, TideSummary

T = TypeVar("T")


def _evaluation_id(evaluation: Evaluation | str) -> str:
    return evaluation if isinstance(evaluation, str) else evaluation.id


P = ParamSpec("P")
R = TypeVar("R")


def _arguments_of(
    twin: Callable[Concatenate[Any, P], object],
) -> Callable[[Callable[..., R]], Callable[Concatenate[Any, P], R]]:
    """The decorated blocking method takes the arguments of `twin`, its asynchronous counterpart, which it passes on
    as they are: mypy checks calls against `twin`'s parameters and `help()` shows them."""

    def decorate(method: Callable[..., R]) -> Callable[Concatenate[Any, P], R]:
        returns = inspect.signature(method).return_annotation
        setattr(method, "__signature__", inspect.signature(twin).replace(return_annotation=returns))  # noqa: B010
        return method

    return decorate


class AsyncJob:
    """A background job (an evaluation), as Nucleus' `AsyncJob`: `status()`, `errors()`, `sleep_until_complete()`."""

    def __init__(self, loop: LoopThread, job: aio.AsyncJob) -> None:
        self._loop = loop
        self._job = job
        self.id = job.id

    def __repr__(self) -> str:
        return f"AsyncJob(id={self.id!r})"

    def info(self) -> JobFields:
        """The job's current state (status, progress, steps, message, errors, times)."""
        return self._loop.run(self._job.info())

    def status(self) -> str:
        """QUEUED, RUNNING, COMPLETED, ERRORED or CANCELLED."""
        return self._loop.run(self._job.status())

    def errors(self) -> list[str]:
        """The errors the job reported (empty unless it ERRORED)."""
        return self._loop.run(self._job.errors())

    def cancel(self) -> JobFields:
        """Cancel the job: a queued one at once, a running one at its next chunk of items."""
        return self._loop.run(self._job.cancel())

    def sleep_until_complete(self, verbose_std_out: bool = True, *, poll_interval: float = 1.0) -> JobFields:
        """Wait until the job has finished, through QUEUED and RUNNING, following its progress over the
        `jobUpdates` subscription (polling when websockets are unavailable); a progress bar on stderr when
        `verbose_std_out`. Returns the final state; raises `JobFailed` when the job ERRORED or was CANCELLED."""
        return self._loop.run(self._job.sleep_until_complete(verbose_std_out, poll_interval=poll_interval))


class Pages(Generic[T]):
    """Rows read lazily page by page: iterate it, or `pages()`."""

    def __init__(self, loop: LoopThread, paged: Paged[T]) -> None:
        self._loop = loop
        self._paged = paged

    @property
    def total_count(self) -> int | None:
        """How many rows pass the filter (known once the first page is read)."""
        return self._paged.total_count

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page

    def pages(self) -> Iterator[list[T]]:
        """The rows a page at a time."""
        return self._loop.iterate(self._paged.pages())


class Jobs:
    """The account's jobs, newest first, read lazily page by page: iterate it (each an `AsyncJob`)."""

    def __init__(self, loop: LoopThread, jobs: aio.Jobs) -> None:
        self._loop = loop
        self._jobs = jobs

    @property
    def total_count(self) -> int | None:
        """How many jobs pass the filter (known once the first page is read)."""
        return self._jobs.total_count

    def __iter__(self) -> Iterator[AsyncJob]:
        for page in self.pages():
            yield from page

    def pages(self) -> Iterator[list[AsyncJob]]:
        """The jobs a page at a time."""
        for page in self._loop.iterate(self._jobs.pages()):
            yield [AsyncJob(self._loop, job) for job in page]


class Matches(Pages[Match]):
    """The entries of one `matches(...)` call, read lazily page by page: iterate it, or `to_pandas()`."""

    def to_pandas(self) -> Any:
        """Every entry as a pandas DataFrame, one row per entry (needs pandas: `pip install matchscope[pandas]`)."""
        return data_frame([match_row(match) for match in self])


class Flips(Pages[Flip]):
    """The flips of one `flips(...)` call, read lazily page by page: iterate it."""


class Comparison:
    """Two complete evaluations of one dataset side by side (`base`, then `other`): `metrics()` class by class
    with the deltas, and `flips()`, the ground truths one side finds and the other misses. A ValidationError naming
    `otherId` when they evaluate different datasets; NotFoundError for an unknown id."""

    def __init__(self, loop: LoopThread, comparison: aio.Comparison) -> None:
        self._loop = loop
        self._comparison = comparison
        self.base_id = comparison.base_id
        self.other_id = comparison.other_id

    def __repr__(self) -> str:
        return f"Comparison(base_id={self.base_id!r}, other_id={self.other_id!r})"

    def metrics(self, iou_threshold: float = 0.5, confidence_threshold: float = 0.0) -> MetricsComparison:
        """`overall` and `per_class` rows: both sides' counts (TP/FP/FN, precision, recall, F1) at the thresholds,
        their stored COCO AP and AP50, and `delta` (other - base)."""
        return self._loop.run(self._comparison.metrics(iou_threshold, confidence_threshold))

    @_arguments_of(aio.Comparison.flips)
    def flips(self, **arguments: Any) -> Flips:
        """Every ground truth whose outcome differs at the thresholds (`kinds`: FIXED, BROKEN; both when None), by
        the other's IoU descending, read lazily page by page."""
        return Flips(self._loop, self._comparison.flips(**arguments))


class Evaluation:
    """An evaluation of a model on a dataset: its entries (`matches`), `metrics` and `coco` metrics."""

    def __init__(self, loop: LoopThread, evaluation: aio.Evaluation) -> None:
        self._loop = loop
        self._evaluation = evaluation
        self.id = evaluation.id
        self.info = evaluation.info

    def __repr__(self) -> str:
        return f"Evaluation(id={self.id!r})"

    @_arguments_of(aio.Evaluation.matches)
    def matches(self, **arguments: Any) -> Matches:
        """Every entry at the thresholds that passes the filter (each given condition must hold), read lazily page
        by page (keyset cursors); `outcomes` are TRUE_POSITIVE, FALSE_POSITIVE, FALSE_NEGATIVE; `review_statuses`
        UNREVIEWED, CONFIRMED, LABEL_ERROR, IGNORED; `item_metadata` a slice, {key: value} equalities on the items'
        metadata; `error_types` CLASSIFICATION, LOCALIZATION, BOTH, DUPLICATE, BACKGROUND, MISSED (TIDE's, at the
        thresholds); `order_by` IOU or CONFIDENCE, `direction` DESC or ASC."""
        return Matches(self._loop, self._evaluation.matches(**arguments))

    def metrics(
        self,
        iou_threshold: float = 0.5,
        confidence_threshold: float = 0.0,
        item_metadata: dict[str, Any] | None = None,
    ) -> EvaluationMetrics:
        """Overall and per-class counts (TP/FP/FN, precision, recall, F1), the confusion matrix and histograms; with
        `item_metadata`, of a slice: the items whose metadata has those values."""
        return self._loop.run(self._evaluation.metrics(iou_threshold, confidence_threshold, item_metadata))

    def coco(self, item_metadata: dict[str, Any] | None = None) -> CocoMetrics:
        """COCO metrics as pycocotools computes them: `stats` (12 numbers), per class, PR curves; with
        `item_metadata`, of a slice: what an evaluation of those items alone gives."""
        return self._loop.run(self._evaluation.coco(item_metadata))

    def tide(self, item_metadata: dict[str, Any] | None = None) -> TideSummary:
        """The TIDE summary as tidecv 1.0.1 computes it: AP50, count and ΔAP per error type, overall and per class;
        with `item_metadata`, of a slice: what an evaluation of those items alone gives."""
        return self._loop.run(self._evaluation.tide(item_metadata))

    def compare(self, other: Evaluation | str) -> Comparison:
        """This evaluation (the base) beside `other`, an evaluation of the same dataset."""
        return Comparison(self._loop, self._evaluation.compare(_evaluation_id(other)))

    def job(self) -> AsyncJob | None:
        """The job that computed this evaluation (its state when the evaluation was read), or None when the job is
        gone (deleted with its model or dataset, or by retention)."""
        job = self._evaluation.job()
        return None if job is None else AsyncJob(self._loop, job)

    @_arguments_of(aio.Evaluation.review)
    def review(self, *arguments: Any, **keywords: Any) -> Match:
        """Review an entry of this evaluation (a `Match` or its id): `status` CONFIRMED, LABEL_ERROR, IGNORED, or
        UNREVIEWED to remove the review; `note` omitted keeps the current note, None or "" clears it. The review
        belongs to the entry's ground truth and prediction, so later evaluations of the same dataset and model keep
        it. Returns the entry as it reads at the thresholds, `review` set; NotFoundError for an unknown entry."""
        return self._loop.run(self._evaluation.review(*arguments, **keywords))


class Dataset:
    """A dataset: upload items, ground truth and predictions; start and read evaluations."""

    def __init__(self, loop: LoopThread, dataset: aio.Dataset) -> None:
        self._loop = loop
        self._dataset = dataset
        self.id = dataset.id
        self.name = dataset.name
        self.info = dataset.info

    def __repr__(self) -> str:
        return f"Dataset(id={self.id!r}, name={self.name!r})"

    def append(
        self, items: Sequence[DatasetItem], update: bool = False, *, progress: bool | None = None
    ) -> UploadResult:
        """Add items, keyed by `reference_id` (existing ones are left, or replaced with `update=True`)."""
        return self._loop.run(self._dataset.append(items, update, progress=progress))

    def annotate(
        self, annotations: Sequence[BoxAnnotation], update: bool = False, *, progress: bool | None = None
    ) -> UploadResult:
        """Add ground-truth boxes, keyed by `annotation_id` on their item (derived from the box when None)."""
        return self._loop.run(self._dataset.annotate(annotations, update, progress=progress))

    def upload_predictions(
        self,
        model: ModelRef,
        predictions: Sequence[BoxPrediction],
        update: bool = False,
        *,
        progress: bool | None = None,
    ) -> UploadResult:
        """Add a model's predictions, keyed by `annotation_id` on their item (derived from the box when None)."""
        return self._loop.run(self._dataset.upload_predictions(model, predictions, update, progress=progress))

    def items(self) -> list[ItemFields]:
        """Every item, in upload order."""
        return self._loop.run(self._dataset.items())

    def calculate_evaluation_metrics(self, model: ModelRef, options: Mapping[str, Any] | None = None) -> AsyncJob:
        """Start evaluating `model` on this dataset. `options`: `class_agnostic` (bool; omitted means True unless
        `allowed_label_matches` is given) and `allowed_label_matches`, a list of
        `{"ground_truth_label": ..., "model_prediction_label": ...}`. Returns the job."""
        return AsyncJob(self._loop, self._loop.run(self._dataset.calculate_evaluation_metrics(model, options)))

    def evaluations(self, model: ModelRef | None = None) -> list[Evaluation]:
        """This dataset's completed evaluations (of `model`, when given), newest first."""
        found = self._loop.run(self._dataset.evaluations(model))
        return [Evaluation(self._loop, evaluation) for evaluation in found]

    def evaluation(self, model: ModelRef) -> Evaluation:
        """The current evaluation of `model` on this dataset; NotFoundError when there is none yet."""
        return Evaluation(self._loop, self._loop.run(self._dataset.evaluation(model)))


class Client:
    """The matchscope client: `Client(api_key, endpoint="http://127.0.0.1:8000")`. Use it with `with` or call
    `close()`; `AsyncClient` has the same methods as coroutines."""

    def __init__(
        self,
        api_key: str,
        endpoint: str = DEFAULT_ENDPOINT,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        batch_size: int = BATCH_SIZE,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        self._loop = LoopThread()
        self._client = aio.Client(api_key, endpoint, timeout=timeout, batch_size=batch_size, retry_delays=retry_delays)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the client's connections and stop its event loop."""
        try:
            self._loop.run(self._client.close())
        finally:
            self._loop.close()

    def _dataset(self, dataset: aio.Dataset) -> Dataset:
        return Dataset(self._loop, dataset)

    def create_dataset(self, name: str, metadata: dict[str, Any] | None = None) -> Dataset:
        """Create a dataset (names are unique per account)."""
        return self._dataset(self._loop.run(self._client.create_dataset(name, metadata)))

    def get_dataset(self, dataset_id: str) -> Dataset:
        """The dataset with this id; NotFoundError when it does not exist or is another account's."""
        return self._dataset(self._loop.run(self._client.get_dataset(dataset_id)))

    def get_dataset_by_name(self, name: str) -> Dataset:
        """Your dataset of that name; NotFoundError when you have none."""
        return self._dataset(self._loop.run(self._client.get_dataset_by_name(name)))

    def list_datasets(self) -> list[Dataset]:
        """Every dataset of your account, oldest first."""
        return [self._dataset(dataset) for dataset in self._loop.run(self._client.list_datasets())]

    def create_model(self, name: str, reference_id: str, metadata: dict[str, Any] | None = None) -> Model:
        """Create a model (`reference_id` is unique per account)."""
        return self._loop.run(self._client.create_model(name, reference_id, metadata))

    def get_model(self, model_id: str) -> Model:
        """The model with this id; NotFoundError when it does not exist or is another account's."""
        return self._loop.run(self._client.get_model(model_id))

    def get_model_by_reference_id(self, reference_id: str) -> Model:
        """Your model with that reference id; NotFoundError when you have none."""
        return self._loop.run(self._client.get_model_by_reference_id(reference_id))

    def list_models(self) -> list[Model]:
        """Every model of your account, oldest first."""
        return self._loop.run(self._client.list_models())

    def list_evaluations(self, dataset: Dataset | str | None = None, model: ModelRef | None = None) -> list[Evaluation]:
        """Your completed evaluations, newest first (current and superseded ones that retention keeps), of one
        dataset and/or one model when given."""
        dataset_id = dataset.id if isinstance(dataset, Dataset) else dataset
        found = self._loop.run(self._client.list_evaluations(dataset_id, model))
        return [Evaluation(self._loop, evaluation) for evaluation in found]

    def compare_evaluations(self, base: Evaluation | str, other: Evaluation | str) -> Comparison:
        """Two complete evaluations of one dataset side by side: `metrics()` with deltas and `flips()`."""
        comparison = self._client.compare_evaluations(_evaluation_id(base), _evaluation_id(other))
        return Comparison(self._loop, comparison)

    def delete_dataset(self, dataset: Dataset | str) -> int:
        """Delete a dataset with everything under it (items, boxes, predictions, evaluations, jobs); returns how
        many rows went. NotFoundError when it does not exist or is another account's."""
        return self._loop.run(self._client.delete_dataset(dataset.id if isinstance(dataset, Dataset) else dataset))

    def delete_model(self, model: ModelRef) -> int:
        """Delete a model with everything under it (its predictions, evaluations, jobs); returns how many rows
        went. NotFoundError when it does not exist or is another account's."""
        return self._loop.run(self._client.delete_model(model))

    def delete_evaluation(self, evaluation: Evaluation | str) -> int:
        """Delete a completed evaluation with its entries; returns how many rows went."""
        evaluation_id = evaluation.id if isinstance(evaluation, Evaluation) else evaluation
        return self._loop.run(self._client.delete_evaluation(evaluation_id))

    def get_job(self, job_id: str) -> AsyncJob:
        """The job with this id; NotFoundError when it does not exist or is another account's."""
        return AsyncJob(self._loop, self._loop.run(self._client.get_job(job_id)))

    def jobs(self, statuses: Sequence[str] | None = None, *, page_size: int = 100) -> Jobs:
        """Your jobs, newest first, read lazily page by page (`for job in client.jobs()`); `statuses`: QUEUED,
        RUNNING, COMPLETED, ERRORED, CANCELLED (every job when None)."""
        return Jobs(self._loop, self._client.jobs(statuses, page_size=page_size))

    @_arguments_of(aio.Client.review_match)
    def review_match(self, *arguments: Any, **keywords: Any) -> Match:
        """Review an entry (a `Match` or its id): `status` CONFIRMED, LABEL_ERROR, IGNORED, or UNREVIEWED to remove
        the review; `note` omitted keeps the current note, None or "" clears it. Returns the entry at the
        thresholds, `review` set; NotFoundError for an unknown entry or another account's."""
        return self._loop.run(self._client.review_match(*arguments, **keywords))

    def import_coco(
        self,
        dataset_name: str,
        instances_path: str | Path,
        model: str | None = None,
        results: str | Path | None = None,
        *,
        progress: bool | None = None,
    ) -> ImportResult:
        """Upload a COCO instances file into the dataset `dataset_name` (created when you have none of that name)
        and, with `model` and `results`, a COCO results file as that model's predictions (the model found or
        created by reference id `model`). Keys as `matchscope import-coco` gives them, so importing the same
        files again writes nothing new."""
        return self._loop.run(self._client.import_coco(dataset_name, instances_path, model, results, progress=progress))

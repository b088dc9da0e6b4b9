"""The blocking client, `Client`: the asynchronous client's methods, run on a private event loop. Each blocking
method takes its asynchronous twin's parameters and, unless it says otherwise, its docstring (`_twin`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from matchscope.client import aio
from matchscope.client._compare import Flip, MetricsComparison
from matchscope.client._connection import DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_S
from matchscope.client._generated import ItemFields, JobFields
from matchscope.client._loop import LoopThread
from matchscope.client._matches import Match, data_frame, match_row
from matchscope.client._paging import Paged
from matchscope.client._references import Model, ModelRef, id_of
from matchscope.client._uploads import BATCH_SIZE
from matchscope.client.records import (
    CocoMetrics,
    ImportResult,
    UploadResult,
)
from matchscope.client.results import EvaluationMetrics, TideSummary

T = TypeVar("T")


P = ParamSpec("P")
R = TypeVar("R")


def _twin(
    twin: Callable[Concatenate[Any, P], object],
) -> Callable[[Callable[..., R]], Callable[Concatenate[Any, P], R]]:
    """The decorated blocking method takes the arguments of `twin`, its asynchronous counterpart, which it passes on
    as they are: mypy checks calls against `twin`'s parameters and `help()` shows them, with `twin`'s docstring when
    the method has none of its own."""

    def decorate(method: Callable[..., R]) -> Callable[Concatenate[Any, P], R]:
        returns = inspect.signature(method).return_annotation
        setattr(method, "__signature__", inspect.signature(twin).replace(return_annotation=returns))  # noqa: B010
        method.__doc__ = method.__doc__ or twin.__doc__
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

    @_twin(aio.AsyncJob.info)
    def info(self) -> JobFields:
        return self._loop.run(self._job.info())

    @_twin(aio.AsyncJob.status)
    def status(self) -> str:
        return self._loop.run(self._job.status())

    @_twin(aio.AsyncJob.errors)
    def errors(self) -> list[str]:
        return self._loop.run(self._job.errors())

    @_twin(aio.AsyncJob.cancel)
    def cancel(self) -> JobFields:
        return self._loop.run(self._job.cancel())

    @_twin(aio.AsyncJob.sleep_until_complete)
    def sleep_until_complete(self, *arguments: Any, **keywords: Any) -> JobFields:
        return self._loop.run(self._job.sleep_until_complete(*arguments, **keywords))


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

    @_twin(aio.Comparison.metrics)
    def metrics(self, *arguments: Any, **keywords: Any) -> MetricsComparison:
        return self._loop.run(self._comparison.metrics(*arguments, **keywords))

    @_twin(aio.Comparison.flips)
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

    @_twin(aio.Evaluation.matches)
    def matches(self, **arguments: Any) -> Matches:
        """Every entry at the thresholds that passes the filter (each given condition must hold), read lazily page
        by page (keyset cursors); `outcomes` are TRUE_POSITIVE, FALSE_POSITIVE, FALSE_NEGATIVE; `review_statuses`
        UNREVIEWED, CONFIRMED, LABEL_ERROR, IGNORED; `item_metadata` a slice, {key: value} equalities on the items'
        metadata; `error_types` CLASSIFICATION, LOCALIZATION, BOTH, DUPLICATE, BACKGROUND, MISSED (TIDE's, at the
        thresholds); `order_by` IOU or CONFIDENCE, `direction` DESC or ASC."""
        return Matches(self._loop, self._evaluation.matches(**arguments))

    @_twin(aio.Evaluation.metrics)
    def metrics(self, *arguments: Any, **keywords: Any) -> EvaluationMetrics:
        return self._loop.run(self._evaluation.metrics(*arguments, **keywords))

    @_twin(aio.Evaluation.coco)
    def coco(self, *arguments: Any, **keywords: Any) -> CocoMetrics:
        return self._loop.run(self._evaluation.coco(*arguments, **keywords))

    @_twin(aio.Evaluation.tide)
    def tide(self, *arguments: Any, **keywords: Any) -> TideSummary:
        return self._loop.run(self._evaluation.tide(*arguments, **keywords))

    @_twin(aio.Evaluation.compare)
    def compare(self, other: Evaluation | str) -> Comparison:
        return Comparison(self._loop, self._evaluation.compare(id_of(other)))

    @_twin(aio.Evaluation.job)
    def job(self) -> AsyncJob | None:
        job = self._evaluation.job()
        return None if job is None else AsyncJob(self._loop, job)

    @_twin(aio.Evaluation.review)
    def review(self, *arguments: Any, **keywords: Any) -> Match:
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

    @_twin(aio.Dataset.append)
    def append(self, *arguments: Any, **keywords: Any) -> UploadResult:
        return self._loop.run(self._dataset.append(*arguments, **keywords))

    @_twin(aio.Dataset.annotate)
    def annotate(self, *arguments: Any, **keywords: Any) -> UploadResult:
        return self._loop.run(self._dataset.annotate(*arguments, **keywords))

    @_twin(aio.Dataset.upload_predictions)
    def upload_predictions(self, *arguments: Any, **keywords: Any) -> UploadResult:
        return self._loop.run(self._dataset.upload_predictions(*arguments, **keywords))

    @_twin(aio.Dataset.items)
    def items(self) -> list[ItemFields]:
        return self._loop.run(self._dataset.items())

    @_twin(aio.Dataset.calculate_evaluation_metrics)
    def calculate_evaluation_metrics(self, *arguments: Any, **keywords: Any) -> AsyncJob:
        job = self._loop.run(self._dataset.calculate_evaluation_metrics(*arguments, **keywords))
        return AsyncJob(self._loop, job)

    @_twin(aio.Dataset.evaluations)
    def evaluations(self, model: ModelRef | None = None) -> list[Evaluation]:
        found = self._loop.run(self._dataset.evaluations(model))
        return [Evaluation(self._loop, evaluation) for evaluation in found]

    @_twin(aio.Dataset.evaluation)
    def evaluation(self, model: ModelRef) -> Evaluation:
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

    @_twin(aio.Client.create_dataset)
    def create_dataset(self, *arguments: Any, **keywords: Any) -> Dataset:
        return self._dataset(self._loop.run(self._client.create_dataset(*arguments, **keywords)))

    @_twin(aio.Client.get_dataset)
    def get_dataset(self, dataset_id: str) -> Dataset:
        return self._dataset(self._loop.run(self._client.get_dataset(dataset_id)))

    @_twin(aio.Client.get_dataset_by_name)
    def get_dataset_by_name(self, name: str) -> Dataset:
        return self._dataset(self._loop.run(self._client.get_dataset_by_name(name)))

    @_twin(aio.Client.list_datasets)
    def list_datasets(self) -> list[Dataset]:
        return [self._dataset(dataset) for dataset in self._loop.run(self._client.list_datasets())]

    @_twin(aio.Client.create_model)
    def create_model(self, *arguments: Any, **keywords: Any) -> Model:
        return self._loop.run(self._client.create_model(*arguments, **keywords))

    @_twin(aio.Client.get_model)
    def get_model(self, model_id: str) -> Model:
        return self._loop.run(self._client.get_model(model_id))

    @_twin(aio.Client.get_model_by_reference_id)
    def get_model_by_reference_id(self, reference_id: str) -> Model:
        return self._loop.run(self._client.get_model_by_reference_id(reference_id))

    @_twin(aio.Client.list_models)
    def list_models(self) -> list[Model]:
        return self._loop.run(self._client.list_models())

    @_twin(aio.Client.list_evaluations)
    def list_evaluations(self, dataset: Dataset | str | None = None, model: ModelRef | None = None) -> list[Evaluation]:
        found = self._loop.run(self._client.list_evaluations(None if dataset is None else id_of(dataset), model))
        return [Evaluation(self._loop, evaluation) for evaluation in found]

    @_twin(aio.Client.compare_evaluations)
    def compare_evaluations(self, base: Evaluation | str, other: Evaluation | str) -> Comparison:
        return Comparison(self._loop, self._client.compare_evaluations(id_of(base), id_of(other)))

    @_twin(aio.Client.delete_dataset)
    def delete_dataset(self, dataset: Dataset | str) -> int:
        return self._loop.run(self._client.delete_dataset(id_of(dataset)))

    @_twin(aio.Client.delete_model)
    def delete_model(self, model: ModelRef) -> int:
        return self._loop.run(self._client.delete_model(model))

    @_twin(aio.Client.delete_evaluation)
    def delete_evaluation(self, evaluation: Evaluation | str) -> int:
        return self._loop.run(self._client.delete_evaluation(id_of(evaluation)))

    @_twin(aio.Client.get_job)
    def get_job(self, job_id: str) -> AsyncJob:
        return AsyncJob(self._loop, self._loop.run(self._client.get_job(job_id)))

    @_twin(aio.Client.jobs)
    def jobs(self, statuses: Sequence[str] | None = None, *, page_size: int = 100) -> Jobs:
        """Your jobs, newest first, read lazily page by page (`for job in client.jobs()`); `statuses`: QUEUED,
        RUNNING, COMPLETED, ERRORED, CANCELLED (every job when None)."""
        return Jobs(self._loop, self._client.jobs(statuses, page_size=page_size))

    @_twin(aio.Client.review_match)
    def review_match(self, *arguments: Any, **keywords: Any) -> Match:
        return self._loop.run(self._client.review_match(*arguments, **keywords))

    @_twin(aio.Client.import_coco)
    def import_coco(self, *arguments: Any, **keywords: Any) -> ImportResult:
        return self._loop.run(self._client.import_coco(*arguments, **keywords))

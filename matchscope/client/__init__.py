"""matchscope's Python client, with the call shape of Nucleus scripts.

    from matchscope.client import Client, DatasetItem, BoxAnnotation, BoxPrediction
    client = Client(api_key, endpoint="http://127.0.0.1:8000")
    dataset = client.create_dataset("val2017")
    job = dataset.calculate_evaluation_metrics(model, options={"class_agnostic": False})
    job.sleep_until_complete()
    for match in dataset.evaluation(model).matches(outcomes=["FALSE_POSITIVE"]): ...

It imports nothing from the server side of the package: httpx, websockets, pydantic and tqdm only.
"""

from __future__ import annotations

from matchscope.client._compare import ClassComparison, Flip, MetricsComparison
from matchscope.client._matches import Match
from matchscope.client.aio import AsyncClient, Model
from matchscope.client.errors import (
    AuthenticationError,
    ConnectionFailed,
    FieldError,
    JobFailed,
    MatchscopeError,
    NotFoundError,
    ServerError,
    ValidationError,
)
from matchscope.client.records import (
    BoxAnnotation,
    BoxPrediction,
    CocoMetrics,
    DatasetItem,
    ImportResult,
    UploadResult,
)
from matchscope.client.results import EvaluationMetrics, TideSummary
from matchscope.client.sync import AsyncJob, Client, Comparison, Dataset, Evaluation, Flips, Jobs, Matches

__all__ = [
    "AsyncClient",
    "AsyncJob",
    "AuthenticationError",
    "BoxAnnotation",
    "BoxPrediction",
    "ClassComparison",
    "Client",
    "CocoMetrics",
    "Comparison",
    "ConnectionFailed",
    "Dataset",
    "DatasetItem",
    "Evaluation",
    "EvaluationMetrics",
    "FieldError",
    "Flip",
    "Flips",
    "ImportResult",
    "JobFailed",
    "Jobs",
    "Match",
    "Matches",
    "MatchscopeError",
    "MetricsComparison",
    "Model",
    "NotFoundError",
    "ServerError",
    "TideSummary",
    "UploadResult",
    "ValidationError",
]

"""Upload versions: an evaluation is stale once annotations or predictions changed after it was computed."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from matchscope.store.tables import Dataset, PredictionSet


async def current_versions(session: AsyncSession, *, dataset_id: int, model_id: int) -> tuple[int, int]:
    """(annotation version of the dataset, prediction version of the model on it)."""
    annotation = (
        await session.execute(select(col(Dataset.annotation_version)).where(col(Dataset.id) == dataset_id))
    ).scalar()
    prediction = (
        await session.execute(
            select(col(PredictionSet.version)).where(
                col(PredictionSet.dataset_id) == dataset_id, col(PredictionSet.model_id) == model_id
            )
        )
    ).scalar()
    return int(annotation or 0), int(prediction or 0)


async def is_stale(
    session: AsyncSession, *, dataset_id: int, model_id: int, annotation_version: int, prediction_version: int
) -> bool:
    versions = await current_versions(session, dataset_id=dataset_id, model_id=model_id)
    return versions != (annotation_version, prediction_version)


class _Versioned(Protocol):
    """What an evaluation remembers of its inputs."""

    @property
    def dataset_id(self) -> int: ...
    @property
    def model_id(self) -> int: ...
    @property
    def annotation_version(self) -> int: ...
    @property
    def prediction_version(self) -> int: ...


async def evaluation_is_stale(session: AsyncSession, evaluation: _Versioned) -> bool:
    """Annotations or predictions changed after the evaluation was computed."""
    return await is_stale(
        session,
        dataset_id=evaluation.dataset_id,
        model_id=evaluation.model_id,
        annotation_version=evaluation.annotation_version,
        prediction_version=evaluation.prediction_version,
    )

"""The API's writes of datasets, models, items and boxes: each one transaction in the actor's account, refused
whole (nothing written) on a domain error, with the process's row cap per upload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from matchscope.services import ingest
from matchscope.services.actor import Actor
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord, UploadCounts
from matchscope.store.db import transaction
from matchscope.store.tables import Dataset, Model


async def create_dataset(actor: Actor, *, name: str, metadata: dict[str, Any] | None) -> Dataset:
    async with transaction(actor.app.sessions) as session:
        return await ingest.create_dataset(session, account_id=actor.account_id, name=name, metadata=metadata)


async def create_model(actor: Actor, *, name: str, reference_id: str, metadata: dict[str, Any] | None) -> Model:
    async with transaction(actor.app.sessions) as session:
        return await ingest.create_model(
            session, account_id=actor.account_id, name=name, reference_id=reference_id, metadata=metadata
        )


async def append_items(actor: Actor, *, dataset_id: int, items: Sequence[ItemRecord], update: bool) -> UploadCounts:
    return await _upload(actor, ingest.append_items, dataset_id=dataset_id, items=items, update=update)


async def annotate(
    actor: Actor, *, dataset_id: int, annotations: Sequence[AnnotationRecord], update: bool
) -> UploadCounts:
    return await _upload(actor, ingest.annotate, dataset_id=dataset_id, annotations=annotations, update=update)


async def upload_predictions(
    actor: Actor, *, dataset_id: int, model_id: int, predictions: Sequence[PredictionRecord], update: bool
) -> UploadCounts:
    return await _upload(
        actor, ingest.upload_predictions, dataset_id=dataset_id, model_id=model_id, predictions=predictions,
        update=update,
    )  # fmt: skip


async def _upload(actor: Actor, write: Callable[..., Awaitable[UploadCounts]], **arguments: Any) -> UploadCounts:
    async with transaction(actor.app.sessions) as session:
        return await write(
            session, account_id=actor.account_id, max_rows=actor.app.settings.max_upload_rows, **arguments
        )

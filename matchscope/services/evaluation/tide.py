"""An evaluation's TIDE summary (tidecv 1.0.1's numbers, DESIGN §3), in the shape stored in Evaluation.tide.

The job computes it with the COCO metrics. Evaluations completed before migration 0010 have no stored summary:
the first read computes it from the boxes and stores it, when those boxes are still the ones the evaluation was
computed from; a stale one says so (re-running the evaluation gives it one).
"""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.engine.tide import tide_summary
from matchscope.services import staleness
from matchscope.services.errors import DomainError
from matchscope.services.evaluation.load import Loaded, image_keys, load_chunk, stacked
from matchscope.services.evaluation.submit import labels_in_use
from matchscope.store.db import transaction
from matchscope.store.tables import Evaluation


class TideUnavailable(DomainError):
    """An evaluation from before TIDE summaries were stored whose boxes have changed since."""


def tide_results(chunks: list[Loaded], item_ids: list[int], label_names: list[str]) -> dict[str, Any]:
    """tidecv's summary over every chunk: items in id order (an imported COCO file's images by id), each item's
    annotations and predictions in row order (the files' order), labels by name."""
    ids = np.asarray(item_ids, dtype=np.int64)  # ascending

    def code_of(item: NDArray[np.int64]) -> NDArray[np.int64]:
        return np.searchsorted(ids, item).astype(np.int64)

    cat = stacked(chunks)
    gt_item, pred_item = cat("gt_item", np.int64), cat("pred_item", np.int64)
    confidence = cat("pred_confidence", np.float64)
    summary = tide_summary(
        code_of(gt_item),
        cat("gt_label", np.int64),
        cat("gt_boxes", np.float64, (0, 4)),
        cat("gt_crowd", np.bool_),
        code_of(pred_item),
        cat("pred_label", np.int64),
        cat("pred_boxes", np.float64, (0, 4)),
        np.where(np.isnan(confidence), 1.0, confidence),  # no confidence counts as 1 (DESIGN §3)
        items=len(item_ids),
        labels=len(label_names),
    )
    return summary.to_dict(label_names)


async def evaluation_tide(sessions: async_sessionmaker[AsyncSession], *, evaluation_id: int) -> dict[str, Any]:
    """The stored summary; for an evaluation from before migration 0010, computed now and stored."""
    async with sessions() as session:
        row = (
            await session.execute(
                select(
                    col(Evaluation.tide),
                    col(Evaluation.dataset_id),
                    col(Evaluation.model_id),
                    col(Evaluation.annotation_version),
                    col(Evaluation.prediction_version),
                ).where(col(Evaluation.id) == evaluation_id)
            )
        ).one()
        stored, dataset_id, model_id, annotation_version, prediction_version = row
        if stored is not None:
            return stored  # type: ignore[no-any-return]
        if await staleness.is_stale(
            session,
            dataset_id=dataset_id,
            model_id=model_id,
            annotation_version=annotation_version,
            prediction_version=prediction_version,
        ):
            raise TideUnavailable(
                "this evaluation was computed before TIDE summaries were stored and its annotations or predictions "
                "have changed since: run calculateEvaluationMetrics again for its TIDE summary"
            )
        tide = await _compute(session, dataset_id=dataset_id, model_id=model_id)
    async with transaction(sessions) as writer:
        # Two first readers at once store the same numbers.
        await writer.execute(update(Evaluation).where(col(Evaluation.id) == evaluation_id).values(tide=tide))
    return tide


async def _compute(session: AsyncSession, *, dataset_id: int, model_id: int) -> dict[str, Any]:
    label_names = await labels_in_use(session, dataset_id=dataset_id, model_id=model_id)
    item_ids, _ = await image_keys(session, dataset_id)
    chunks = []
    if item_ids:
        chunks.append(
            await load_chunk(
                session,
                dataset_id=dataset_id,
                model_id=model_id,
                first_item=item_ids[0],
                last_item=item_ids[-1],
                codes={label: code for code, label in enumerate(label_names)},
            )
        )
    return await asyncio.to_thread(tide_results, chunks, item_ids, label_names)

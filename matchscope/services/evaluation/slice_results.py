"""A slice's COCO metrics and TIDE summary: the engine run on the boxes of the slice's items alone, as the job runs
it on every item (the same labels, category order, options and tie-breaks), so that the numbers are those of an
evaluation of a dataset holding only those items.

They are computed on request from the boxes, which must still be the ones the evaluation was computed from (a
stale evaluation says so); the stored whole-evaluation results stay what `coco` and `tide` read without a slice.
"""

from __future__ import annotations

import asyncio
from dataclasses import fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.services import staleness
from matchscope.services.browse import EvaluationRow
from matchscope.services.errors import DomainError
from matchscope.services.evaluation.chunks import ChunkPlan
from matchscope.services.evaluation.coco_results import coco_results
from matchscope.services.evaluation.load import Loaded, coco_orders, image_keys, load_chunk
from matchscope.services.evaluation.match import Totals
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.submit import labels_in_use
from matchscope.services.evaluation.tide import tide_results


class SliceUnavailable(DomainError):
    """A slice's results asked of an evaluation whose boxes have changed since it was computed."""


def _on_items(chunk: Loaded, item_ids: NDArray[np.int64]) -> Loaded:
    """The chunk's boxes on these items only, in the chunk's order."""
    gt, pred = np.isin(chunk.gt_item, item_ids), np.isin(chunk.pred_item, item_ids)
    return replace(
        chunk,
        **{each.name: getattr(chunk, each.name)[gt if each.name.startswith("gt_") else pred] for each in fields(chunk)},
    )


async def _slice_input(
    session: AsyncSession, evaluation: EvaluationRow, item_ids: NDArray[np.int64]
) -> tuple[Totals, ChunkPlan, list[int], dict[int, int], list[int]]:
    """The job's inputs restricted to the slice: its boxes (one chunk), plan, item ids, COCO image keys and
    category order."""
    if await staleness.is_stale(
        session,
        dataset_id=evaluation.dataset_id,
        model_id=evaluation.model_id,
        annotation_version=evaluation.annotation_version,
        prediction_version=evaluation.prediction_version,
    ):
        raise SliceUnavailable(
            "this evaluation's annotations or predictions have changed since it was computed, and a slice's "
            "results are computed from the boxes: run calculateEvaluationMetrics again"
        )
    options = EvaluationOptions(
        class_agnostic=evaluation.class_agnostic,
        allowed_label_matches=tuple((gt, pred) for gt, pred in evaluation.allowed_label_matches or []),
    )
    in_use = await labels_in_use(session, dataset_id=evaluation.dataset_id, model_id=evaluation.model_id)
    labels = sorted(set(in_use) | options.labels())
    orders = await coco_orders(session, evaluation.dataset_id, labels)
    plan = ChunkPlan(evaluation.dataset_id, evaluation.model_id, labels, orders.by_annotation_id, options)
    every_item, every_key = await image_keys(session, evaluation.dataset_id)
    wanted = set(item_ids.tolist())
    items = [item for item in every_item if item in wanted]
    totals = Totals(labels=len(labels))
    if items:
        chunk = await load_chunk(
            session,
            dataset_id=evaluation.dataset_id,
            model_id=evaluation.model_id,
            first_item=items[0],
            last_item=items[-1],
            codes=plan.codes,
            by_annotation_id=plan.by_annotation_id,
        )
        totals.chunks.append(_on_items(chunk, np.asarray(items, dtype=np.int64)))
    return totals, plan, items, {item: every_key[item] for item in items}, orders.categories


async def slice_coco(
    sessions: async_sessionmaker[AsyncSession], *, evaluation: EvaluationRow, item_ids: NDArray[np.int64]
) -> dict[str, Any]:
    """COCO metrics of the slice's items, in the shape of Evaluation.coco."""
    async with sessions() as session:
        totals, plan, _items, keys, categories = await _slice_input(session, evaluation, item_ids)
    return await asyncio.to_thread(coco_results, totals, plan.labels, keys, plan.options, plan.allowed(), categories)


async def slice_tide(
    sessions: async_sessionmaker[AsyncSession], *, evaluation: EvaluationRow, item_ids: NDArray[np.int64]
) -> dict[str, Any]:
    """The TIDE summary of the slice's items, in the shape of Evaluation.tide."""
    async with sessions() as session:
        totals, plan, items, _keys, _categories = await _slice_input(session, evaluation, item_ids)
    return await asyncio.to_thread(tide_results, totals.chunks, items, plan.labels)

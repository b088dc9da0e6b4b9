"""A slice's COCO metrics and TIDE summary: the engine run on the boxes of the slice's items alone, as the job runs
it on every item (the same labels, category order, options and tie-breaks), so that the numbers are those of an
evaluation of a dataset holding only those items.

They are computed on request from the boxes of the slice's items, which must still be the ones the evaluation was
computed from (a stale evaluation says so), and kept per process (`SliceCache`); the stored whole-evaluation results
stay what `coco` and `tide` read without a slice.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.services import staleness
from matchscope.services.browse import EvaluationRow
from matchscope.services.errors import DomainError
from matchscope.services.evaluation.chunks import ChunkPlan
from matchscope.services.evaluation.coco_results import coco_results
from matchscope.services.evaluation.load import coco_orders, image_keys, load_items
from matchscope.services.evaluation.match import Totals
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.submit import labels_in_use
from matchscope.services.evaluation.tide import tide_results
from matchscope.services.shared_loads import shared_load


class SliceUnavailable(DomainError):
    """A slice's results asked of an evaluation whose boxes have changed since it was computed."""


async def _slice_input(
    session: AsyncSession, evaluation: EvaluationRow, item_ids: NDArray[np.int64]
) -> tuple[Totals, ChunkPlan, list[int], dict[int, int], list[int]]:
    """The job's inputs restricted to the slice: its boxes (one chunk), plan, item ids, COCO image keys and
    category order."""
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
        chunk = await load_items(
            session,
            dataset_id=evaluation.dataset_id,
            model_id=evaluation.model_id,
            item_ids=items,
            codes=plan.codes,
            by_annotation_id=plan.by_annotation_id,
        )
        totals.chunks.append(chunk)
    # After the reads: an upload bumps its version in the transaction that writes its boxes, so boxes read from a
    # later state than the evaluation's show here, whatever the isolation level.
    await _check_current(session, evaluation)
    return totals, plan, items, {item: every_key[item] for item in items}, orders.categories


@dataclass(frozen=True, slots=True)
class SliceResults:
    """A slice's COCO metrics and TIDE summary, in the shapes of Evaluation.coco and Evaluation.tide."""

    coco: dict[str, Any]
    tide: dict[str, Any]


async def _check_current(session: AsyncSession, evaluation: EvaluationRow) -> None:
    if await staleness.evaluation_is_stale(session, evaluation):
        raise SliceUnavailable(
            "this evaluation's annotations or predictions have changed since it was computed, and a slice's "
            "results are computed from the boxes: run calculateEvaluationMetrics again"
        )


async def _computed(
    sessions: async_sessionmaker[AsyncSession], evaluation: EvaluationRow, item_ids: NDArray[np.int64]
) -> SliceResults:
    """Both results from one read of the slice's boxes (a view asks for both)."""
    async with sessions() as session:
        totals, plan, items, keys, categories = await _slice_input(session, evaluation, item_ids)

    def compute() -> SliceResults:
        coco = coco_results(totals, plan.labels, keys, plan.options, plan.allowed(), categories)
        return SliceResults(coco=coco, tide=tide_results(totals.chunks, items, plan.labels))

    return await asyncio.to_thread(compute)


@dataclass
class SliceCache:
    """Bounded LRU of complete evaluations' slice results, by (evaluation, its creation time, the slice's items):
    a complete evaluation's entries and options never change, and results are only served while its boxes are the
    ones it was computed from (checked on every read), so a result stays exact for as long as its items are the
    slice's. Concurrent first readers of one slice share one computation."""

    capacity: int = 32
    _results: OrderedDict[tuple[Any, ...], SliceResults] = field(default_factory=OrderedDict)
    _running: dict[tuple[Any, ...], asyncio.Future[SliceResults]] = field(default_factory=dict)

    async def results(
        self, sessions: async_sessionmaker[AsyncSession], *, evaluation: EvaluationRow, item_ids: NDArray[np.int64]
    ) -> SliceResults:
        """The slice's results; SliceUnavailable once the evaluation's boxes have changed."""
        async with sessions() as session:
            await _check_current(session, evaluation)
        if not evaluation.is_complete:
            return await _computed(sessions, evaluation, item_ids)
        key = (evaluation.id, evaluation.created_at, item_ids.tobytes())
        found = self._results.get(key)
        if found is not None:
            self._results.move_to_end(key)
            return found
        found = await shared_load(self._running, key, lambda: _computed(sessions, evaluation, item_ids))
        self._results[key] = found
        while len(self._results) > self.capacity:
            self._results.popitem(last=False)
        return found

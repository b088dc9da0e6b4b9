"""The evaluation job: load boxes → engine → save entries, chunk by chunk, then COCO metrics, the TIDE summary
and completion."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.services.deletes import DEFAULT_KEEP_EVALUATIONS
from matchscope.services.evaluation.coco_results import coco_results
from matchscope.services.evaluation.lease import Lease, fence, heartbeat
from matchscope.services.evaluation.lifecycle import cancel_requested, complete, start
from matchscope.services.evaluation.load import Loaded, coco_orders, image_keys, load_chunk
from matchscope.services.evaluation.match import Totals, match_chunk
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.status import JobCancelled
from matchscope.services.evaluation.submit import labels_in_use
from matchscope.services.evaluation.tide import tide_results
from matchscope.store.db import transaction
from matchscope.store.tables import Evaluation, Job

# The name the job's per-phase timings have always been logged under (log configuration refers to it).
logger = logging.getLogger("matchscope.services.evaluate")

Progress = Callable[[Job], Awaitable[None]]


class _Timer:
    """Seconds spent per phase, summed over chunks (logged when a job completes)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started

    def summary(self) -> str:
        return ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in self.seconds.items())


async def run_evaluation(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    *,
    chunk_items: int,
    on_progress: Progress,
    lease: Lease | None = None,
    keep_evaluations: int = DEFAULT_KEEP_EVALUATIONS,
) -> Job | None:
    """Run evaluation job `job_id` to completion under `lease` (renewed meanwhile; a lease of its own by default);
    None if it has nothing to do (finished, gone, or held by another worker). Completing it deletes the superseded
    evaluations of its dataset and model beyond `keep_evaluations`.

    Raises JobCancelled when a cancellation was requested, LeaseLost when another worker took the job over (the
    caller then leaves the job alone), and whatever else fails; the caller then calls
    :func:`~matchscope.services.evaluation.lifecycle.abandon`, which deletes the partial evaluation.
    """
    lease = lease or Lease.for_process()
    started = await start(sessions, job_id, lease)
    if started is None:
        return None
    async with heartbeat(sessions, job_id, lease) as beat:
        return await _run(sessions, started, chunk_items, on_progress, lease, beat.check, keep_evaluations)


async def _run(
    sessions: async_sessionmaker[AsyncSession],
    started: tuple[Job, Evaluation],
    chunk_items: int,
    on_progress: Progress,
    lease: Lease,
    check_lease: Callable[[int], None],
    keep_evaluations: int,
) -> Job:
    job, evaluation = started
    assert job.id is not None
    job_id = job.id
    await on_progress(job)
    assert job.dataset_id is not None and job.model_id is not None and evaluation.id is not None
    dataset_id, model_id, evaluation_id = job.dataset_id, job.model_id, evaluation.id
    options = EvaluationOptions.from_json(job.options)
    async with sessions() as session:
        in_use = await labels_in_use(session, dataset_id=dataset_id, model_id=model_id)
        label_names = sorted(set(in_use) | options.labels())
        item_ids, keys = await image_keys(session, dataset_id)
        orders = await coco_orders(session, dataset_id, label_names)
    codes = {label: code for code, label in enumerate(label_names)}
    allowed = (
        np.array([[codes[gt], codes[pred]] for gt, pred in options.allowed_label_matches], dtype=np.int32)
        if options.allowed_label_matches
        else None
    )
    totals = Totals(labels=len(label_names))
    size = max(1, chunk_items)
    bounds = [
        (item_ids[begin], item_ids[min(begin + size, len(item_ids)) - 1], min(begin + size, len(item_ids)))
        for begin in range(0, len(item_ids), size)
    ]

    async def load(first_item: int, last_item: int) -> Loaded:
        async with sessions() as reader:
            return await load_chunk(
                reader,
                dataset_id=dataset_id,
                model_id=model_id,
                first_item=first_item,
                last_item=last_item,
                codes=codes,
                by_annotation_id=orders.by_annotation_id,
            )

    timer = _Timer()
    # Chunks are read, matched and written one after the other: reading the next chunk on a second connection
    # while this one is written was measured slower on 2 cores (the two threads fight over the GIL).
    for first_item, last_item, done in bounds:
        with timer("load"):
            chunk = await load(first_item, last_item)
        check_lease(job_id)
        async with transaction(sessions) as session:
            if await cancel_requested(session, job_id):
                raise JobCancelled
            with timer("match"):
                entries = await asyncio.to_thread(match_chunk, chunk, options, allowed, totals, label_names)
            with timer("write"):
                await entries.insert(session, evaluation_id=evaluation_id)
                job.completed_steps = done
                job.progress = job.completed_steps / max(1, job.total_steps)
                # Fenced: a worker that lost the job meanwhile rolls this chunk back and stops.
                await fence(session, job_id, lease, completed_steps=job.completed_steps, progress=job.progress)
        totals.chunks.append(chunk)
        await on_progress(job)
    with timer("coco"):
        coco = await asyncio.to_thread(coco_results, totals, label_names, keys, options, allowed, orders.categories)
    with timer("tide"):
        tide = await asyncio.to_thread(tide_results, totals.chunks, item_ids, label_names)
    logger.info("job %s: %s", job_id, timer.summary())
    return await complete(
        sessions, job_id, evaluation_id, totals, label_names, coco, tide, len(item_ids), lease, keep_evaluations
    )

"""The evaluation job: load boxes → engine → save entries, chunk by chunk, then COCO metrics, the TIDE summary
and completion. Chunks run one after the other in the job's process, or, for an evaluation above the scale-out
threshold run by arq workers, on any worker (`chunks`), the job merging them at the end."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from matchscope.services.evaluation import chunks
from matchscope.services.evaluation.apart import load_chunk_apart
from matchscope.services.evaluation.chunk_runs import run_chunks
from matchscope.services.evaluation.chunks import ChunkPlan, Phases, Progress, ScaleOut
from matchscope.services.evaluation.entries import EntryRows
from matchscope.services.evaluation.lease import Lease, fence, heartbeat
from matchscope.services.evaluation.lifecycle import cancel_requested, complete, start
from matchscope.services.evaluation.load import Loaded, coco_orders, image_keys, load_chunk
from matchscope.services.evaluation.match import Totals, match_chunk
from matchscope.services.evaluation.merge import DatasetItems, EarlyMerge, Metrics, computed
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.status import JobCancelled
from matchscope.services.evaluation.submit import labels_in_use
from matchscope.settings import DEFAULT_KEEP_EVALUATIONS
from matchscope.store import entry_partitions
from matchscope.store.db import sqlite_file, transaction
from matchscope.store.dialect import is_postgresql
from matchscope.store.tables import Evaluation, EvaluationChunk, Job

__all__ = ["Progress", "run_evaluation"]

# The name the job's per-phase timings have always been logged under (log configuration refers to it).
logger = logging.getLogger("matchscope.services.evaluate")

# How often a job whose remaining chunks run on other workers looks whether they are done.
POLL_S = 0.1


async def run_evaluation(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    *,
    chunk_items: int,
    on_progress: Progress,
    lease: Lease | None = None,
    keep_evaluations: int = DEFAULT_KEEP_EVALUATIONS,
    scale_out: ScaleOut | None = None,
) -> Job | None:
    """Run evaluation job `job_id` to completion under `lease` (renewed meanwhile; a lease of its own by default);
    None if it has nothing to do (finished, gone, or held by another worker). Completing it deletes the superseded
    evaluations of its dataset and model beyond `keep_evaluations`. With `scale_out`, an evaluation of more items
    than its threshold is split into chunks that other workers run too (a job taken over keeps the chunks done).

    Raises JobCancelled when a cancellation was requested, LeaseLost when another worker took the job over (the
    caller then leaves the job alone), and whatever else fails; the caller then calls
    :func:`~matchscope.services.evaluation.lifecycle.abandon`, which deletes the partial evaluation.
    """
    lease = lease or Lease.for_process()
    started = await start(sessions, job_id, lease)
    if started is None:
        return None
    async with heartbeat(sessions, job_id, lease) as beat:
        return await _run(sessions, started, chunk_items, on_progress, lease, beat.check, keep_evaluations, scale_out)


async def _run(
    sessions: async_sessionmaker[AsyncSession],
    started: tuple[Job, Evaluation],
    chunk_items: int,
    on_progress: Progress,
    lease: Lease,
    check_lease: Callable[[int], None],
    keep_evaluations: int,
    scale_out: ScaleOut | None,
) -> Job:
    job, evaluation = started
    assert job.id is not None
    job_id = job.id
    await on_progress(job)
    assert job.dataset_id is not None and job.model_id is not None and evaluation.id is not None
    dataset_id, model_id, evaluation_id = job.dataset_id, job.model_id, evaluation.id
    options = EvaluationOptions.from_json(job.options)
    async with sessions() as session:
        # A scaled-out job taken over keeps its chunks (and their plan).
        scaled = await chunks.stored_plan(session, evaluation_id) is not None
        item_ids, keys = await image_keys(session, dataset_id)
        scaled = scaled or (scale_out is not None and len(item_ids) > scale_out.threshold_items)
        # On PostgreSQL a scaled-out evaluation's chunks index their own tables; SQLite's is indexed at the end.
        chunks_indexed = scaled and is_postgresql(session)
        if scaled:  # every chunk finds its own labels; the merge puts them together
            label_names = sorted(options.labels())
        else:
            in_use = await labels_in_use(session, dataset_id=dataset_id, model_id=model_id)
            label_names = sorted(set(in_use) | options.labels())
        orders = await coco_orders(session, dataset_id, label_names)
    plan = ChunkPlan(dataset_id, model_id, label_names, orders.by_annotation_id, options)
    timer = Phases()
    writing = None
    metrics: Awaitable[Metrics]
    if scaled:
        metrics = await _scaled_out(
            sessions,
            job,
            evaluation_id,
            plan,
            DatasetItems(item_ids, keys),
            chunk_items,
            scale_out,
            lease,
            check_lease,
            on_progress,
            timer,
        )
    else:
        totals, writing = await _in_one_piece(
            sessions, job, evaluation_id, plan, item_ids, chunk_items, lease, check_lease, on_progress, timer
        )
        metrics = computed(totals, plan, DatasetItems(item_ids, keys), orders, timer)
    return await _merge(
        sessions, job_id, evaluation_id, metrics, len(item_ids), lease, keep_evaluations, timer, writing, chunks_indexed
    )


async def _in_one_piece(
    sessions: async_sessionmaker[AsyncSession],
    job: Job,
    evaluation_id: int,
    plan: ChunkPlan,
    item_ids: list[int],
    chunk_items: int,
    lease: Lease,
    check_lease: Callable[[int], None],
    on_progress: Progress,
    timer: Phases,
) -> tuple[Totals, asyncio.Task[None] | None]:
    """Every chunk in this process, in order; a job started again starts from its first chunk. Returns the totals
    and the last chunk's write, still running (the merge's COCO and TIDE need only the boxes)."""
    assert job.id is not None
    job_id = job.id
    totals = Totals(labels=len(plan.labels))
    allowed = plan.allowed()
    codes = plan.codes
    async with sessions() as session:
        assert isinstance(session.bind, AsyncEngine)
        path = sqlite_file(session.bind)

    async def load(first_item: int, last_item: int) -> Loaded:
        arguments: dict[str, Any] = {
            "dataset_id": plan.dataset_id,
            "model_id": plan.model_id,
            "first_item": first_item,
            "last_item": last_item,
            "codes": codes,
            "by_annotation_id": plan.by_annotation_id,
        }
        if path is not None:
            return await load_chunk_apart(path, **arguments)
        async with sessions() as reader:
            return await load_chunk(reader, **arguments)

    async def write(entries: EntryRows, done: int) -> None:
        async with transaction(sessions) as session:
            if await cancel_requested(session, job_id):
                raise JobCancelled
            with timer("write"):
                job.completed_steps = done
                job.progress = job.completed_steps / max(1, job.total_steps)
                # Fenced: a worker that lost the job meanwhile rolls this chunk back and stops. The fence comes
                # first: a deletion locks the job's row before it drops the entry table, so does this.
                await fence(session, job_id, lease, completed_steps=job.completed_steps, progress=job.progress)
                await entries.insert(session, evaluation_id=evaluation_id)
        await on_progress(job)  # this worker alone writes the job's progress: its order is the writes' order

    # A chunk's entries are written while the next chunk is matched and the one after it read: the database reads and
    # writes in threads of its own, the engine in another. One write at a time, in chunk order, so entry ids are the
    # same either way.
    writing: asyncio.Task[None] | None = None
    reading: asyncio.Task[Loaded] | None = None
    done = 0
    planned = chunks.bounds(item_ids, chunk_items)
    try:
        for k, (first_item, last_item, items) in enumerate(planned):
            with timer("load"):
                chunk = await (reading or load(first_item, last_item))
            reading = asyncio.create_task(load(*planned[k + 1][:2])) if k + 1 < len(planned) else None
            check_lease(job_id)
            with timer("match"):
                entries = await asyncio.to_thread(match_chunk, chunk, plan.options, allowed, totals, plan.labels)
            if writing is not None:
                with timer("write wait"):
                    await writing
            done += items
            writing = asyncio.create_task(write(entries, done))
            totals.chunks.append(chunk)
    except BaseException:
        await _stop(reading)
        await _stop(writing)
        raise
    return totals, writing


async def _stop(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` and wait until it has ended (its transaction rolled back), whatever it raises."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(BaseException):
        await task


async def _scaled_out(
    sessions: async_sessionmaker[AsyncSession],
    job: Job,
    evaluation_id: int,
    plan: ChunkPlan,
    items: DatasetItems,
    chunk_items: int,
    scale_out: ScaleOut | None,
    lease: Lease,
    check_lease: Callable[[int], None],
    on_progress: Progress,
    timer: Phases,
) -> asyncio.Task[Metrics]:
    """The chunks planned (or found, when the job was taken over), the ones left handed to other workers, and
    run here too until none is left to claim; returns once every chunk is done, with the merge under way
    (`EarlyMerge`: it may have started while this worker's last chunks were still being written)."""
    assert job.id is not None
    job_id = job.id
    item_ids = items.ids
    async with transaction(sessions) as session:
        rows = await chunks.chunk_rows(session, evaluation_id)
        if not rows:
            # The evaluation's entry table made anew, partitioned by the chunks' item ranges.
            await entry_partitions.create(session, evaluation_id, chunked=True)
            size = chunks.chunk_size(len(item_ids), chunk_items)
            await chunks.create_chunks(session, evaluation_id, plan, chunks.bounds(item_ids, size))
            rows = await chunks.chunk_rows(session, evaluation_id)
        job.completed_steps = sum(items for _k, status, items in rows if status == chunks.DONE)
        job.total_steps = sum(items for _k, _status, items in rows)
        job.progress = job.completed_steps / max(1, job.total_steps)
        await fence(
            session,
            job_id,
            lease,
            completed_steps=job.completed_steps,
            total_steps=job.total_steps,
            progress=job.progress,
        )
        await chunks.tell(on_progress, job)  # the job's row still held: see chunks.record_progress
    left = [k for k, status, _items in rows if status != chunks.DONE]
    if scale_out is not None and left:
        await scale_out.enqueue(job_id, evaluation_id, left)
    logger.info("job %s: %s chunks, %s to run, on any worker", job_id, len(rows), len(left))

    async def go_on() -> bool:
        check_lease(job_id)
        async with sessions() as session:
            if await cancel_requested(session, job_id):
                raise JobCancelled
        return True

    async def withdraw(row: EvaluationChunk) -> None:
        if scale_out is None:
            return
        try:
            await scale_out.withdraw(job_id, evaluation_id, [row.chunk])
        except Exception as error:  # its queued run, if any, finds the chunk taken and does nothing
            logger.warning("job %s: could not withdraw chunk %s: %s", job_id, row.chunk, error)

    merge = EarlyMerge(sessions, evaluation_id, plan, items, timer)
    try:
        with timer("chunks"):
            while True:
                # This worker takes chunks from the end, the queue hands them out from the start: they rarely meet.
                await run_chunks(
                    sessions,
                    job_id,
                    evaluation_id,
                    plan,
                    lease,
                    phases=timer,
                    on_progress=on_progress,
                    last_first=True,
                    go_on=go_on,
                    on_claim=withdraw,
                    payloads=merge.payloads,
                    on_drained=merge.drained,
                )
                async with sessions() as session:
                    if await chunks.left(session, evaluation_id) == 0:
                        break
                await asyncio.sleep(POLL_S)
                await go_on()
    except BaseException:
        await _stop(merge.task)
        raise
    return merge.start()


async def _merge(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    evaluation_id: int,
    metrics: Awaitable[Metrics],
    items: int,
    lease: Lease,
    keep_evaluations: int,
    timer: Phases,
    writing: asyncio.Task[None] | None = None,
    indexed: bool = False,
) -> Job:
    """`metrics` (COCO and TIDE over every chunk) awaited, then the evaluation made current; `writing` is the last
    chunk's write, if still running. The entries' indexes are built meanwhile, unless the chunks built them
    (`indexed`)."""

    async def index() -> None:
        if writing is not None:
            await writing
        if indexed:
            return
        with timer("index build"):
            await entry_partitions.build_indexes_at_once(sessions, evaluation_id)

    # At once: COCO and TIDE while the database builds the entries' indexes. This is the part of a scaled-out job
    # no other worker shares.
    try:
        with timer("metrics and index"):
            merged, _ = await asyncio.gather(metrics, index())
    except BaseException:
        await _stop(writing)
        if isinstance(metrics, asyncio.Task):
            await _stop(metrics)
        raise
    with timer("complete"):
        job = await complete(
            sessions,
            job_id,
            evaluation_id,
            merged.totals,
            merged.labels,
            merged.coco,
            merged.tide,
            items,
            lease,
            keep_evaluations,
        )
    logger.info("job %s: %s", job_id, timer.summary())
    return job

"""Scale-out: an evaluation split into chunks of items that any worker may run, merged by the job at the end.

The job (the coordinator) plans the chunks as `evaluation_chunk` rows and has them enqueued, one queue job per
chunk; it then runs chunks itself too. Any worker claims chunks (`chunk_leases`: a PENDING chunk, or a RUNNING one
whose lease has lapsed) and runs them under leases it renews, loading and matching one while the one before is
written: fenced by its lease, first its payload for the merge (`chunk_payloads`), then in one transaction the
chunk's entries (on PostgreSQL in a table of their own, indexed and attached to the evaluation's table:
`store/entry_partitions.py`) and DONE; the job's progress then counts the items of the chunks done. A worker killed
mid-chunk leaves nothing behind but a lapsed lease (and maybe the payload, which the chunk's next run writes again
the same), so the chunk runs again elsewhere and no entry is written twice. The job reads the payloads in chunk
order (those of the chunks it ran as it holds them) and computes COCO metrics and the TIDE summary over them exactly
as a job run in one piece does (the same functions over the same arrays in the same order) as soon as every chunk is
matched (`merge.EarlyMerge`), then, every chunk DONE, swaps the evaluation in. A coordinator that died is taken over
like any job; the new one keeps the chunks already DONE, unless the inputs changed since they were planned (then it
plans them again: `lifecycle.start`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Float, case, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.services.evaluation.chunk_leases import DONE, PENDING, RUNNING
from matchscope.services.evaluation.chunk_payloads import merged
from matchscope.services.evaluation.lease import LeaseLost
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.status import JobStatus
from matchscope.store.db import transaction
from matchscope.store.tables import EvaluationChunk, Job

logger = logging.getLogger("matchscope.services.evaluate")

__all__ = ["DONE", "PENDING", "RUNNING", "ChunkPlan", "Phases", "Progress", "ScaleOut", "merged"]


Chunks = Callable[[int, int, list[int]], Awaitable[None]]
# Told each new state of a running job while the write that set it still holds the job's row (see record_progress).
Progress = Callable[[Job], Awaitable[None]]
# A progress callback that takes longer (a Redis that does not answer) is given up on rather than holding the row.
TELL_LIMIT_S = 1.0


async def _nothing(_job_id: int, _evaluation_id: int, _chunks: list[int]) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ScaleOut:
    """How a job fans out: evaluations of more than `threshold_items` items are split into chunks, and
    `enqueue(job_id, evaluation_id, chunks)` hands those chunks to other workers; `withdraw` (same arguments) takes
    back the queued runs of chunks the job runs itself, so that no worker spends a turn on them."""

    threshold_items: int
    enqueue: Chunks
    withdraw: Chunks = _nothing


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    """What every chunk of one evaluation shares: its input, the label codes (positions in `labels`), the order
    of ground truth (COCO annotation ids for an imported COCO file) and the options."""

    dataset_id: int
    model_id: int
    labels: list[str]
    by_annotation_id: bool
    options: EvaluationOptions

    @property
    def codes(self) -> dict[str, int]:
        return {label: code for code, label in enumerate(self.labels)}

    def allowed(self) -> NDArray[np.int32] | None:
        codes = self.codes
        pairs = self.options.allowed_label_matches
        return np.array([[codes[gt], codes[pred]] for gt, pred in pairs], dtype=np.int32) if pairs else None

    def to_json(self) -> dict[str, Any]:
        return {"labels": self.labels, "by_annotation_id": self.by_annotation_id}


# The most chunks an evaluation is split into: on PostgreSQL each is a table under the evaluation's, and a page of its
# entries merges one index scan per table (first page of false positives at 5,000 images, load average 9: 0.69 ms
# from one table, 0.95 ms from 16, 7.19 ms from 100).
MAX_CHUNKS = 16


def chunk_size(items: int, chunk_items: int) -> int:
    """Items per chunk of a scaled-out evaluation of `items` items: `chunk_items`, or more for `MAX_CHUNKS`."""
    return max(chunk_items, -(-items // MAX_CHUNKS))


def bounds(item_ids: list[int], size: int) -> list[tuple[int, int, int]]:
    """(first item id, last item id, items) of each chunk of `size` items, in id order."""
    size = max(1, size)
    return [
        (item_ids[begin], item_ids[min(begin + size, len(item_ids)) - 1], min(size, len(item_ids) - begin))
        for begin in range(0, len(item_ids), size)
    ]


async def chunk_rows(session: AsyncSession, evaluation_id: int) -> list[tuple[int, str, int]]:
    """(chunk, status, items) of every chunk of the evaluation, in chunk order; empty if it is not split."""
    statement = (
        select(col(EvaluationChunk.chunk), col(EvaluationChunk.status), col(EvaluationChunk.items))
        .where(col(EvaluationChunk.evaluation_id) == evaluation_id)
        .order_by(col(EvaluationChunk.chunk))
    )
    return [(int(k), str(status), int(items)) for k, status, items in (await session.execute(statement)).all()]


async def stored_plan(session: AsyncSession, evaluation_id: int) -> dict[str, Any] | None:
    statement = select(col(EvaluationChunk.plan)).where(
        col(EvaluationChunk.evaluation_id) == evaluation_id, col(EvaluationChunk.chunk) == 0
    )
    plan: dict[str, Any] | None = (await session.execute(statement)).scalar()
    return plan


async def create_chunks(
    session: AsyncSession, evaluation_id: int, plan: ChunkPlan, chunk_bounds: list[tuple[int, int, int]]
) -> None:
    for k, (first, last, items) in enumerate(chunk_bounds):
        session.add(
            EvaluationChunk(
                evaluation_id=evaluation_id,
                chunk=k,
                first_item=first,
                last_item=last,
                items=items,
                status=PENDING,
                plan=plan.to_json() if k == 0 else None,
            )
        )
    await session.flush()


class Phases:
    """Seconds spent per phase, summed (logged by the job)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, phase: str) -> Any:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started

    def add(self, other: dict[str, float]) -> None:
        for phase, seconds in other.items():
            self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds

    def summary(self) -> str:
        return ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in self.seconds.items())


async def record_progress(
    sessions: async_sessionmaker[AsyncSession], job_id: int, evaluation_id: int, on_progress: Progress | None = None
) -> Job:
    """Set the job's progress to the items of its evaluation's chunks DONE, never lower than it is (two workers
    finishing chunks at once may count in either order). Returns the job row as it is then.

    `on_progress` is told the running job before the commit, while this write holds the job's row: another worker's
    progress and the job's final state (whose writes lock that row too) are told after it, so that what the
    workers publish never goes back and nothing follows the final state. A job no longer running is not told."""
    done = (
        select(func.coalesce(func.sum(col(EvaluationChunk.items)), 0))
        .where(col(EvaluationChunk.evaluation_id) == evaluation_id, col(EvaluationChunk.status) == DONE)
        .scalar_subquery()
    )
    steps = case((done > col(Job.completed_steps), done), else_=col(Job.completed_steps))
    async with transaction(sessions) as session:
        await session.execute(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.evaluation_id) == evaluation_id)
            .values(completed_steps=steps)
        )
        await session.execute(
            update(Job)
            .where(col(Job.id) == job_id)
            .values(
                progress=case(
                    (col(Job.total_steps) > 0, cast(col(Job.completed_steps), Float) / col(Job.total_steps)),
                    else_=0.0,
                )
            )
        )
        job = (await session.execute(select(Job).where(col(Job.id) == job_id))).scalar_one()
        if on_progress is not None and job.status == JobStatus.RUNNING.value:
            await tell(on_progress, job)
    return job


async def tell(on_progress: Progress, job: Job) -> None:
    """`on_progress(job)` from inside the transaction that wrote `job`, given up on after `TELL_LIMIT_S`."""
    try:
        async with asyncio.timeout(TELL_LIMIT_S):
            await on_progress(job)
    except TimeoutError:
        logger.warning("job %s: its progress was not told within %.1f s", job.id, TELL_LIMIT_S)


async def left(session: AsyncSession, evaluation_id: int) -> int:
    """Chunks of the evaluation not DONE yet; LeaseLost when it has none at all (the evaluation was deleted with
    its dataset or model, or by a cancellation: whoever did that ends the job)."""
    statement = select(func.count(), func.count().filter(col(EvaluationChunk.status) != DONE)).where(
        col(EvaluationChunk.evaluation_id) == evaluation_id
    )
    total, not_done = (await session.execute(statement)).one()
    if not total:
        raise LeaseLost(f"evaluation {evaluation_id} has no chunks any more")
    return int(not_done)


async def unmatched_but(session: AsyncSession, evaluation_id: int, chunks: Iterable[int]) -> int:
    """Chunks of the evaluation without their payload yet (not matched, or matched by a worker whose lease has not
    let it store it), leaving out `chunks`."""
    statement = select(func.count()).where(
        col(EvaluationChunk.evaluation_id) == evaluation_id,
        col(EvaluationChunk.payload).is_(None),
        col(EvaluationChunk.chunk).not_in(list(chunks)),
    )
    return int((await session.execute(statement)).scalar_one())


async def job_for_chunk(session: AsyncSession, job_id: int, evaluation_id: int) -> Job | None:
    """The job, when a chunk of its evaluation is still worth running (running, not being cancelled)."""
    job = await session.get(Job, job_id)
    if (
        job is None
        or job.status != JobStatus.RUNNING.value
        or job.cancel_requested
        or job.evaluation_id != evaluation_id
        or job.dataset_id is None
        or job.model_id is None
    ):
        return None
    return job

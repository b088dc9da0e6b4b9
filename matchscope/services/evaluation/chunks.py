"""Scale-out: an evaluation split into chunks of items that any worker may run, merged by the job at the end.

The job (the coordinator) plans the chunks as `evaluation_chunk` rows and has them enqueued, one queue job per
chunk; it then runs chunks itself too. Any worker claims a chunk with one conditional UPDATE (a PENDING chunk, or
a RUNNING one whose lease has lapsed: its worker died), runs it under a lease it renews, and writes in one
transaction, fenced by that lease, the chunk's entries, its `payload` (the boxes the merge needs and the chunk's
per-label counts) and DONE; the job's progress then counts the items of the chunks done. A worker killed
mid-chunk leaves nothing behind but its lapsed lease, so the chunk runs again elsewhere and no entry is written
twice. When every
chunk is DONE the job reads the payloads in chunk order and computes COCO metrics and the TIDE summary over them
exactly as a job run in one piece does (the same functions over the same arrays in the same order), then swaps
the evaluation in. A coordinator that died is taken over like any job; the new one keeps the chunks already DONE,
unless the inputs changed since they were planned (then it plans them again: `lifecycle.start`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Float, and_, case, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.services.evaluation.lease import Lease, LeaseLost
from matchscope.services.evaluation.load import Loaded, load_chunk
from matchscope.services.evaluation.match import Totals, match_chunk
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.services.evaluation.status import JobStatus
from matchscope.store.db import transaction
from matchscope.store.tables import EvaluationChunk, Job, utcnow

logger = logging.getLogger("matchscope.services.evaluate")

PENDING, RUNNING, DONE = "PENDING", "RUNNING", "DONE"
_COUNTS = ("gt_count", "pred_count", "tp", "fp", "fn")
_LOADED = tuple(field.name for field in dataclasses.fields(Loaded))


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


def bounds(item_ids: list[int], size: int) -> list[tuple[int, int, int]]:
    """(first item id, last item id, items) of each chunk of `size` items, in id order."""
    size = max(1, size)
    return [
        (item_ids[begin], item_ids[min(begin + size, len(item_ids)) - 1], min(size, len(item_ids) - begin))
        for begin in range(0, len(item_ids), size)
    ]


class _LocalCodes(dict[str, int]):
    """A chunk's label codes: the plan's labels first, then any other label as the chunk meets it. Chunks learn
    their labels from their own boxes (no scan of every prediction before the first chunk can start); the merge
    maps every chunk's codes onto the evaluation's labels, which are sorted as a job run in one piece sorts them."""

    def __missing__(self, label: str) -> int:
        code = self[label] = len(self)
        return code


def pack(chunk: Loaded, totals: Totals, labels: list[str]) -> bytes:
    """A chunk's boxes, counts and labels (its codes' names) as one byte string (numpy's npz, no pickles)."""
    buffer = io.BytesIO()
    arrays: dict[str, Any] = {name: getattr(chunk, name) for name in _LOADED}
    arrays.update({f"count_{name}": getattr(totals, name) for name in _COUNTS})
    arrays["labels"] = np.array(labels, dtype=np.str_) if labels else np.zeros(0, dtype="<U1")
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def unpack(payload: bytes) -> tuple[Loaded, dict[str, NDArray[np.int64]], list[str]]:
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        loaded = Loaded(**{name: arrays[name] for name in _LOADED})
        counts = {name: arrays[f"count_{name}"] for name in _COUNTS}
        labels = [str(label) for label in arrays["labels"].tolist()]
    return loaded, counts, labels


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


def _claimable(now: Any) -> Any:
    lapsed = or_(col(EvaluationChunk.lease_expires_at).is_(None), col(EvaluationChunk.lease_expires_at) < now)
    return or_(col(EvaluationChunk.status) == PENDING, and_(col(EvaluationChunk.status) == RUNNING, lapsed))


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    evaluation_id: int,
    lease: Lease,
    *,
    chunk: int | None = None,
    last_first: bool = False,
) -> EvaluationChunk | None:
    """Claim chunk `chunk` of the evaluation (None: any claimable one, the lowest first, or the highest with
    `last_first`) for `lease`; None when it is not claimable (DONE, or running under a live lease). The claim is
    one conditional UPDATE: of two workers claiming the same chunk, one wins."""
    now = utcnow()
    async with transaction(sessions) as session:
        if chunk is None:
            order = col(EvaluationChunk.chunk).desc() if last_first else col(EvaluationChunk.chunk)
            candidate = (
                select(col(EvaluationChunk.chunk))
                .where(col(EvaluationChunk.evaluation_id) == evaluation_id, _claimable(now))
                .order_by(order)
                .limit(1)
            )
            chunk = (await session.execute(candidate)).scalar()
            if chunk is None:
                return None
        claimed: Any = await session.execute(
            update(EvaluationChunk)
            .where(
                col(EvaluationChunk.evaluation_id) == evaluation_id,
                col(EvaluationChunk.chunk) == chunk,
                _claimable(now),
            )
            .values(
                status=RUNNING,
                attempts=col(EvaluationChunk.attempts) + 1,
                lease_owner=lease.owner,
                lease_expires_at=lease.expiry(),
            )
        )
        if claimed.rowcount != 1:
            return None
        row = await session.get(EvaluationChunk, (evaluation_id, chunk))
        assert row is not None
        return row


async def _renew(sessions: async_sessionmaker[AsyncSession], evaluation_id: int, chunk: int, lease: Lease) -> bool:
    async with transaction(sessions) as session:
        result: Any = await session.execute(
            update(EvaluationChunk)
            .where(
                col(EvaluationChunk.evaluation_id) == evaluation_id,
                col(EvaluationChunk.chunk) == chunk,
                col(EvaluationChunk.lease_owner) == lease.owner,
                col(EvaluationChunk.status) == RUNNING,
            )
            .values(lease_expires_at=lease.expiry())
        )
    return bool(result.rowcount == 1)


@contextlib.asynccontextmanager
async def _renewing(
    sessions: async_sessionmaker[AsyncSession], evaluation_id: int, chunk: int, lease: Lease
) -> AsyncIterator[None]:
    """Renew the chunk's lease every `lease.heartbeat_s` while the body runs (stopped between renewals)."""
    stop = asyncio.Event()

    async def renew_until_stopped() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), lease.heartbeat_s)
            if stop.is_set():
                return
            try:
                if not await _renew(sessions, evaluation_id, chunk, lease):
                    return  # the fenced write at the end finds it lost
            except Exception:
                logger.warning("could not renew the lease of chunk %s of evaluation %s", chunk, evaluation_id)

    task = asyncio.create_task(renew_until_stopped(), name=f"matchscope-chunk-lease-{evaluation_id}-{chunk}")
    try:
        yield
    finally:
        stop.set()
        await task


async def release(sessions: async_sessionmaker[AsyncSession], row: EvaluationChunk, lease: Lease) -> None:
    """Give a chunk this worker could not finish back to the others at once (PENDING), if it still holds it."""
    async with transaction(sessions) as session:
        await session.execute(
            update(EvaluationChunk)
            .where(
                col(EvaluationChunk.evaluation_id) == row.evaluation_id,
                col(EvaluationChunk.chunk) == row.chunk,
                col(EvaluationChunk.lease_owner) == lease.owner,
                col(EvaluationChunk.status) == RUNNING,
            )
            .values(status=PENDING, lease_owner=None, lease_expires_at=None)
        )


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


async def run_chunk(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    row: EvaluationChunk,
    plan: ChunkPlan,
    lease: Lease,
    phases: Phases | None = None,
    on_progress: Progress | None = None,
) -> Job:
    """Run a claimed chunk: load its boxes, match them, and write its entries, payload and DONE in one transaction
    fenced by the chunk's lease (LeaseLost, and nothing written, when another worker has it now); the job's
    progress grows by the chunk's items right after that commit (`on_progress` is told, see record_progress).
    Returns the job row as written."""
    phases = phases or Phases()
    evaluation_id, k = row.evaluation_id, row.chunk
    own = Phases()
    async with _renewing(sessions, evaluation_id, k, lease):
        codes = _LocalCodes(plan.codes)
        with own("load"):
            async with sessions() as reader:
                loaded = await load_chunk(
                    reader,
                    dataset_id=plan.dataset_id,
                    model_id=plan.model_id,
                    first_item=row.first_item,
                    last_item=row.last_item,
                    codes=codes,
                    by_annotation_id=plan.by_annotation_id,
                )
        with own("match"):
            labels = list(codes)
            totals = Totals(labels=len(labels))
            entries = await asyncio.to_thread(match_chunk, loaded, plan.options, plan.allowed(), totals, labels)
            payload = await asyncio.to_thread(pack, loaded, totals, labels)
        with own("write"):
            async with transaction(sessions) as session:
                # The fence comes first: it locks the chunk's row, so a deletion of the evaluation, or a worker
                # claiming the chunk after this lease lapsed, waits for this transaction and then sees its outcome.
                done: Any = await session.execute(
                    update(EvaluationChunk)
                    .where(
                        col(EvaluationChunk.evaluation_id) == evaluation_id,
                        col(EvaluationChunk.chunk) == k,
                        col(EvaluationChunk.lease_owner) == lease.owner,
                        col(EvaluationChunk.status) == RUNNING,
                    )
                    .values(status=DONE, payload=payload, lease_owner=None, lease_expires_at=None)
                )
                if done.rowcount != 1:
                    raise LeaseLost(f"chunk {k} of evaluation {evaluation_id} is no longer held by {lease.owner}")
                await entries.insert(session, evaluation_id=evaluation_id)
        # Progress apart, after the commit: a transaction that locked the chunk's row and then the job's would
        # deadlock with a cancellation or a deletion, which lock the job's row and then delete the chunks.
        with own("progress"):
            job = await record_progress(sessions, job_id, evaluation_id, on_progress)
    phases.add(own.seconds)
    logger.info("job %s chunk %s (%s items) by %s: %s", job_id, k, row.items, lease.owner, own.summary())
    return job


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


async def merged(
    sessions: async_sessionmaker[AsyncSession], evaluation_id: int, base_labels: set[str]
) -> tuple[Totals, list[str]]:
    """Every chunk's boxes (in chunk order, i.e. item order) and the sum of their counts, from the payloads, with
    the evaluation's labels: those of every chunk and `base_labels`, sorted, the boxes' codes mapped onto them."""
    parts: list[tuple[Loaded, dict[str, NDArray[np.int64]], list[str]]] = []
    async with sessions() as session:
        for k, _status, _items in await chunk_rows(session, evaluation_id):
            statement = select(col(EvaluationChunk.payload)).where(
                col(EvaluationChunk.evaluation_id) == evaluation_id, col(EvaluationChunk.chunk) == k
            )
            payload = (await session.execute(statement)).scalar_one()
            if payload is None:
                raise RuntimeError(f"chunk {k} of evaluation {evaluation_id} is DONE without its payload")
            parts.append(unpack(payload))
    labels = sorted(base_labels.union(*(set(part[2]) for part in parts)))
    code = {label: position for position, label in enumerate(labels)}
    totals = Totals(labels=len(labels))
    for loaded, counts, local in parts:
        to_global = np.array([code[label] for label in local], dtype=np.int32)
        if len(local):
            loaded.gt_label = to_global[loaded.gt_label]
            loaded.pred_label = to_global[loaded.pred_label]
            for name in _COUNTS:
                np.add.at(getattr(totals, name), to_global, counts[name])
        totals.chunks.append(loaded)
    return totals, labels


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


async def run_one(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    evaluation_id: int,
    chunk: int,
    lease: Lease,
    on_progress: Progress | None = None,
) -> Job | None:
    """A worker's part of a scaled-out job: run chunk `chunk` if it is still to be run (`on_progress` told as in
    record_progress). Returns the job as the chunk left it, None when there was nothing to do. A chunk that fails
    is handed back to the others."""
    async with sessions() as session:
        job = await job_for_chunk(session, job_id, evaluation_id)
        stored = await stored_plan(session, evaluation_id) if job is not None else None
    if job is None or stored is None:
        return None
    assert job.dataset_id is not None and job.model_id is not None
    plan = ChunkPlan(
        dataset_id=job.dataset_id,
        model_id=job.model_id,
        labels=list(stored["labels"]),
        by_annotation_id=bool(stored["by_annotation_id"]),
        options=EvaluationOptions.from_json(job.options),
    )
    row = await claim(sessions, evaluation_id, lease, chunk=chunk)
    if row is None:
        return None
    try:
        job = await run_chunk(sessions, job_id, row, plan, lease, on_progress=on_progress)
    except LeaseLost:
        logger.warning("chunk %s of job %s was taken over by another worker", chunk, job_id)
        return None
    except BaseException:
        with contextlib.suppress(Exception):
            await release(sessions, row, lease)
        raise
    return job

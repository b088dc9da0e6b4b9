"""Running the chunks of a scaled-out evaluation (`chunks`): a worker claims chunks one after another and loads
and matches each while the ones before are written (the database's COPY and index builds meanwhile, in its own
processes); each chunk's write is one transaction fenced by its lease."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.services.evaluation.chunk_leases import DONE, claim, held, release, renewing
from matchscope.services.evaluation.chunk_payloads import LocalCodes, pack
from matchscope.services.evaluation.chunks import (
    ChunkPlan,
    Phases,
    Progress,
    job_for_chunk,
    record_progress,
    stored_plan,
)
from matchscope.services.evaluation.entries import EntryRows
from matchscope.services.evaluation.lease import Lease, LeaseLost
from matchscope.services.evaluation.load import load_chunk
from matchscope.services.evaluation.match import Totals, match_chunk
from matchscope.services.evaluation.options import EvaluationOptions
from matchscope.store import entry_partitions
from matchscope.store.db import transaction
from matchscope.store.tables import EvaluationChunk, Job

logger = logging.getLogger("matchscope.services.evaluate")

# Chunk writes of one worker at once: a chunk's write (its COPY, index builds and statistics, on the server) took
# longer than loading and matching the next one, so two are written at once, each on a server process of its own.
_WRITES = 2


@dataclass(slots=True)
class _Running:
    """A claimed chunk from its claim to the end of its write: its lease renewed meanwhile (`stack`)."""

    row: EvaluationChunk
    stack: contextlib.AsyncExitStack
    own: Phases
    writing: asyncio.Task[Job] | None = None


async def _matched(
    sessions: async_sessionmaker[AsyncSession], row: EvaluationChunk, plan: ChunkPlan, own: Phases
) -> tuple[EntryRows, bytes]:
    """A claimed chunk's boxes loaded and matched: its entries and its payload for the merge."""
    codes = LocalCodes(plan.codes)
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
    return entries, payload


async def _write(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    running: _Running,
    entries: EntryRows,
    payload: bytes,
    lease: Lease,
    on_progress: Progress | None,
) -> Job:
    """The chunk's payload, committed first for the merge (which may start before the chunk is DONE:
    `merge.EarlyMerge`); then its entries (in a table of their own, indexed and attached on PostgreSQL:
    `entry_partitions`) and DONE in one transaction. Both are fenced by its lease (LeaseLost, and nothing more
    written, when another worker has it now: that worker's payload will be the same). Then the job's progress
    (`on_progress` told, see record_progress). Returns the job row as written."""
    row, own = running.row, running.own
    evaluation_id, k = row.evaluation_id, row.chunk

    async def fenced(session: AsyncSession, **values: Any) -> None:
        # The fence comes first: it locks the chunk's row, so a deletion of the evaluation, or a worker claiming
        # the chunk after this lease lapsed, waits for this transaction and then sees its outcome.
        done: Any = await session.execute(update(EvaluationChunk).where(held(evaluation_id, k, lease)).values(values))
        if done.rowcount != 1:
            raise LeaseLost(f"chunk {k} of evaluation {evaluation_id} is no longer held by {lease.owner}")

    async def copy() -> None:
        with own("copy"):
            await entries.insert(session, evaluation_id=evaluation_id, chunk=k)

    with own("write"):
        async with transaction(sessions) as session:
            await fenced(session, payload=payload)
        async with transaction(sessions) as session:
            await fenced(session, status=DONE, lease_owner=None, lease_expires_at=None)
            await entry_partitions.write_chunk(session, evaluation_id, k, row.first_item, row.last_item, copy)
    # Progress apart, after the commit: a transaction that locked the chunk's row and then the job's would deadlock
    # with a cancellation or a deletion, which lock the job's row and then delete the chunks.
    with own("progress"):
        return await record_progress(sessions, job_id, evaluation_id, on_progress)


async def _written(job_id: int, running: _Running, lease: Lease, phases: Phases) -> Job | None:
    """Wait for a chunk's write and stop renewing its lease; None when another worker took the chunk over."""
    assert running.writing is not None
    row = running.row
    try:
        return await running.writing
    except LeaseLost:
        logger.warning("chunk %s of job %s was taken over by another worker", row.chunk, job_id)
        return None
    finally:
        await running.stack.aclose()
        phases.add(running.own.seconds)
        logger.info(
            "job %s chunk %s (%s items) by %s: %s", job_id, row.chunk, row.items, lease.owner, running.own.summary()
        )


async def _abandon(sessions: async_sessionmaker[AsyncSession], running: _Running | None, lease: Lease) -> None:
    """A chunk being run when something failed: its write stopped (rolled back) and the chunk handed back."""
    if running is None:
        return
    if running.writing is not None:
        running.writing.cancel()
        with contextlib.suppress(BaseException):
            await running.writing
    with contextlib.suppress(Exception):
        await running.stack.aclose()
        await release(sessions, running.row, lease)


async def run_chunks(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    evaluation_id: int,
    plan: ChunkPlan,
    lease: Lease,
    *,
    phases: Phases | None = None,
    on_progress: Progress | None = None,
    first: int | None = None,
    last_first: bool = False,
    go_on: Callable[[], Awaitable[bool]] | None = None,
    on_claim: Callable[[EvaluationChunk], Awaitable[None]] | None = None,
    payloads: dict[int, bytes] | None = None,
    on_drained: Callable[[], Awaitable[None]] | None = None,
) -> Job | None:
    """Claim chunks of the evaluation (`first` first; then any, the lowest first or the highest with `last_first`)
    and run them until none is left to claim or `go_on()` says no: each is loaded and matched while the ones before
    are written (the database's COPY and index builds meanwhile), `_WRITES` at a time. `on_claim` is told each chunk
    claimed, `payloads` gets each chunk's payload once matched, and `on_drained()` is called when none was left to
    claim, before the writes still running are waited for. Returns the job as the last chunk written left it, None
    when none was. A chunk that fails is handed back to the others."""
    phases = phases or Phases()
    job: Job | None = None
    writing: deque[_Running] = deque()
    matching: _Running | None = None
    try:
        while go_on is None or await go_on():
            row = await claim(sessions, evaluation_id, lease, chunk=first, last_first=last_first)
            if row is None:
                if on_drained is not None:
                    await on_drained()
                break
            first = None
            matching = _Running(row, contextlib.AsyncExitStack(), Phases())
            await matching.stack.enter_async_context(renewing(sessions, evaluation_id, row.chunk, lease))
            if on_claim is not None:
                await on_claim(row)
            entries, payload = await _matched(sessions, row, plan, matching.own)
            if payloads is not None:
                payloads[row.chunk] = payload
            if len(writing) == _WRITES:
                job = await _written(job_id, writing[0], lease, phases) or job
                writing.popleft()
            matching.writing = asyncio.create_task(
                _write(sessions, job_id, matching, entries, payload, lease, on_progress)
            )
            writing.append(matching)
            matching = None
        while writing:
            job = await _written(job_id, writing[0], lease, phases) or job
            writing.popleft()
    except BaseException:
        await _abandon(sessions, matching, lease)
        for running in writing:
            await _abandon(sessions, running, lease)
        raise
    return job


async def run_one(
    sessions: async_sessionmaker[AsyncSession],
    job_id: int,
    evaluation_id: int,
    chunk: int,
    lease: Lease,
    on_progress: Progress | None = None,
) -> Job | None:
    """A worker's part of a scaled-out job: chunk `chunk` if it is still to be run, then any other left to claim
    while the job runs (`run_chunks`; their queued runs then find nothing to do). Returns the job as the last chunk
    left it, None when there was nothing to do."""
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
    claimed = 0

    async def go_on() -> bool:
        # The chunk this run was queued for alone, unless the job still runs.
        if claimed == 0:
            return True
        async with sessions() as session:
            return await job_for_chunk(session, job_id, evaluation_id) is not None

    async def count(_row: EvaluationChunk) -> None:
        nonlocal claimed
        claimed += 1

    return await run_chunks(
        sessions, job_id, evaluation_id, plan, lease, on_progress=on_progress, first=chunk, go_on=go_on, on_claim=count
    )

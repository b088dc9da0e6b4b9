"""Who runs a chunk of a scaled-out evaluation (`chunks`): a claim is one conditional UPDATE of the chunk's row,
held under a lease its worker renews while it runs the chunk; a lapsed lease (the worker died) makes the chunk
claimable again."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.services.evaluation.lease import Lease, renewing_every
from matchscope.store.db import transaction
from matchscope.store.tables import EvaluationChunk, utcnow

PENDING, RUNNING, DONE = "PENDING", "RUNNING", "DONE"


def _claimable(now: Any) -> Any:
    lapsed = or_(col(EvaluationChunk.lease_expires_at).is_(None), col(EvaluationChunk.lease_expires_at) < now)
    return or_(col(EvaluationChunk.status) == PENDING, and_(col(EvaluationChunk.status) == RUNNING, lapsed))


def held(evaluation_id: int, chunk: int, lease: Lease) -> Any:
    """The condition on a chunk's row that `lease` holds it (running)."""
    return and_(
        col(EvaluationChunk.evaluation_id) == evaluation_id,
        col(EvaluationChunk.chunk) == chunk,
        col(EvaluationChunk.lease_owner) == lease.owner,
        col(EvaluationChunk.status) == RUNNING,
    )


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
            update(EvaluationChunk).where(held(evaluation_id, chunk, lease)).values(lease_expires_at=lease.expiry())
        )
    return bool(result.rowcount == 1)


@contextlib.asynccontextmanager
async def renewing(
    sessions: async_sessionmaker[AsyncSession], evaluation_id: int, chunk: int, lease: Lease
) -> AsyncIterator[None]:
    """Renew the chunk's lease every `lease.heartbeat_s` while the body runs; a lost lease needs no signal here:
    the fenced write at the chunk's end finds it lost."""
    what = f"chunk {chunk} of evaluation {evaluation_id}"
    async with renewing_every(lambda: _renew(sessions, evaluation_id, chunk, lease), lease, what, lambda: None):
        yield


async def release(sessions: async_sessionmaker[AsyncSession], row: EvaluationChunk, lease: Lease) -> None:
    """Give a chunk this worker could not finish back to the others at once (PENDING), if it still holds it."""
    async with transaction(sessions) as session:
        await session.execute(
            update(EvaluationChunk)
            .where(held(row.evaluation_id, row.chunk, lease))
            .values(status=PENDING, lease_owner=None, lease_expires_at=None)
        )

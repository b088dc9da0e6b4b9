"""Job leases: the worker running a job holds it for a while and renews it as it works.

A running job's row names its worker (`lease_owner`) and when the lease ends (`lease_expires_at`). The worker
renews it every `heartbeat_s`; a job whose lease has lapsed (its worker was killed or lost the database) may be
claimed by any other worker, which starts it over. Every write a worker makes to a job it runs checks the owner in
the same transaction, so a worker that was only paused finds the job gone and stops without writing.
Clocks: expiries are written and compared with each worker's own UTC clock, so worker clocks must agree to well
within a lease (NTP does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.services.evaluation.status import JobStatus
from matchscope.settings import DEFAULT_LEASE_S
from matchscope.store.db import transaction
from matchscope.store.tables import Job, utcnow

logger = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker holds the job now: this one stops and leaves the job alone."""


@dataclass(frozen=True, slots=True)
class Lease:
    """A worker's identity as a job holder and the length of its leases (seconds)."""

    owner: str
    seconds: float = DEFAULT_LEASE_S

    @classmethod
    def for_process(cls, seconds: float = DEFAULT_LEASE_S) -> Lease:
        """host:pid:random — readable in the job row, unique even when a pid is reused."""
        return cls(owner=f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}", seconds=seconds)

    @property
    def heartbeat_s(self) -> float:
        return self.seconds / 6

    @property
    def reap_s(self) -> float:
        return self.seconds / 3

    def expiry(self) -> datetime:
        return utcnow() + timedelta(seconds=self.seconds)


def _lapsed(now: datetime) -> ColumnElement[bool]:
    return or_(col(Job.lease_expires_at).is_(None), col(Job.lease_expires_at) < now)


def claimable(lease: Lease, now: datetime) -> ColumnElement[bool]:
    """Jobs `lease` may take: queued ones, and running ones whose lease is its own or has lapsed."""
    return or_(
        col(Job.status) == JobStatus.QUEUED.value,
        and_(
            col(Job.status) == JobStatus.RUNNING.value,
            or_(col(Job.lease_owner).is_(None), col(Job.lease_owner) == lease.owner, _lapsed(now)),
        ),
    )


def held_elsewhere(job: Job, lease: Lease, now: datetime) -> bool:
    """Whether another worker's live lease holds `job`."""
    if job.status != JobStatus.RUNNING.value or job.lease_owner in (None, lease.owner):
        return False
    expires = job.lease_expires_at
    if expires is None:
        return False
    if expires.tzinfo is None:  # SQLite returns stored UTC timestamps without their offset
        expires = expires.replace(tzinfo=UTC)
    return expires > now


async def fence(session: AsyncSession, job_id: int, lease: Lease, **values: Any) -> None:
    """Write `values` to the job (and extend the lease) only if `lease` still holds it; LeaseLost otherwise, which
    rolls back the caller's transaction."""
    statement = (
        update(Job)
        .where(col(Job.id) == job_id, col(Job.lease_owner) == lease.owner)
        .values(lease_expires_at=lease.expiry(), **values)
    )
    result: Any = await session.execute(statement)
    if result.rowcount != 1:
        raise LeaseLost(f"job {job_id} is no longer held by {lease.owner}")


async def renew(sessions: async_sessionmaker[AsyncSession], job_id: int, lease: Lease) -> bool:
    """Extend the lease; False when the job is no longer this worker's to run."""
    async with transaction(sessions) as session:
        statement = (
            update(Job)
            .where(
                col(Job.id) == job_id,
                col(Job.lease_owner) == lease.owner,
                col(Job.status) == JobStatus.RUNNING.value,
            )
            .values(lease_expires_at=lease.expiry())
        )
        result: Any = await session.execute(statement)
    return bool(result.rowcount == 1)


async def lapsed_jobs(session: AsyncSession) -> list[tuple[int, int]]:
    """(job id, attempts) of every running job whose lease has lapsed, oldest first."""
    statement = (
        select(col(Job.id), col(Job.attempts))
        .where(col(Job.status) == JobStatus.RUNNING.value, _lapsed(utcnow()))
        .order_by(col(Job.id))
    )
    return [(int(job_id), int(attempts)) for job_id, attempts in (await session.execute(statement)).all()]


async def waiting_jobs(session: AsyncSession, older_than_s: float) -> list[int]:
    """Ids of jobs QUEUED for longer than `older_than_s`, oldest first: normally waiting their turn, but also the
    ones a queue lost (Redis restarted without its data), which the reaper enqueues again."""
    created_before = utcnow() - timedelta(seconds=older_than_s)
    statement = (
        select(col(Job.id))
        .where(col(Job.status) == JobStatus.QUEUED.value, col(Job.created_at) < created_before)
        .order_by(col(Job.id))
    )
    return [int(job_id) for job_id in (await session.execute(statement)).scalars() if job_id is not None]


class Heartbeat:
    """Renews a lease in the background; `lost` is set once the job is no longer this worker's."""

    def __init__(self) -> None:
        self.lost = asyncio.Event()

    def check(self, job_id: int) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"job {job_id}: lease lost")


@contextlib.asynccontextmanager
async def renewing_every(
    renew_once: Callable[[], Awaitable[bool]], lease: Lease, what: str, on_lost: Callable[[], object]
) -> AsyncIterator[None]:
    """Call `renew_once` every `lease.heartbeat_s` while the body runs, until it says the lease is lost (then
    `on_lost`). A failed renewal (database unreachable) is logged and retried at the next beat."""
    stop = asyncio.Event()

    async def renew_until_stopped() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), lease.heartbeat_s)
            if stop.is_set():
                return
            try:
                if not await renew_once():
                    on_lost()
                    return
            except Exception:
                logger.warning("could not renew the lease of %s", what, exc_info=True)

    task = asyncio.create_task(renew_until_stopped(), name=f"matchscope-lease-{what.replace(' ', '-')}")
    try:
        yield
    finally:
        # Stopped between renewals, never cancelled inside one: a renewal cancelled between its UPDATE and its
        # commit could leave its SQLite connection holding the write lock.
        stop.set()
        await task


@contextlib.asynccontextmanager
async def heartbeat(sessions: async_sessionmaker[AsyncSession], job_id: int, lease: Lease) -> AsyncIterator[Heartbeat]:
    """Renew `lease` on `job_id` every `lease.heartbeat_s` while the body runs (the engine runs in threads, so the
    event loop stays free for it); `lost` is set when the job is no longer this worker's."""
    beat = Heartbeat()
    async with renewing_every(lambda: renew(sessions, job_id, lease), lease, f"job {job_id}", beat.lost.set):
        yield beat

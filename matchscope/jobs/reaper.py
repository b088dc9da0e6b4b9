"""The reaper: every worker (and the in-process runner) looks for running jobs whose lease has lapsed and has them
taken over. Finding the same job in several processes is harmless: the takeover is keyed by the job's attempt
count (arq runs one job per id) and claiming a job is a conditional update that only one worker wins.

It also enqueues again the jobs queued for longer than a lease: arq ignores a job id it already holds, so this
only brings back jobs the queue lost (Redis restarted without its data)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.services.evaluation.lease import Lease, lapsed_jobs, waiting_jobs

logger = logging.getLogger(__name__)

Takeover = Callable[[int, int], Awaitable[None]]
Requeue = Callable[[int], Awaitable[None]]


async def reap_once(
    sessions: async_sessionmaker[AsyncSession], lease: Lease, takeover: Takeover, requeue: Requeue
) -> list[int]:
    """Hand every job with a lapsed lease to `takeover(job_id, attempts)` and every job queued for longer than a
    lease to `requeue(job_id)`; returns the ids taken over."""
    async with sessions() as session:
        lapsed = await lapsed_jobs(session)
        waiting = await waiting_jobs(session, lease.seconds)
    for job_id, attempts in lapsed:
        logger.warning("job %s: its worker's lease lapsed; taking it over (attempt %s)", job_id, attempts + 1)
        await takeover(job_id, attempts)
    for job_id in waiting:
        await requeue(job_id)
    return [job_id for job_id, _ in lapsed]


async def reap_forever(
    sessions: async_sessionmaker[AsyncSession], lease: Lease, takeover: Takeover, requeue: Requeue
) -> None:
    """`reap_once` every `lease.reap_s` seconds, until cancelled; errors (database away) wait for the next round."""
    while True:
        try:
            await reap_once(sessions, lease, takeover, requeue)
        except Exception:
            logger.warning("could not look for lapsed job leases", exc_info=True)
        await asyncio.sleep(lease.reap_s)

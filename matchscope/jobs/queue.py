"""Where jobs go once persisted: arq on Redis, or an asyncio task queue inside the API process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlmodel import col

from matchscope.jobs.config import CLIENT_REDIS_OUTAGE_S, TASK_NAME, JobConfig, arq_redis_settings
from matchscope.jobs.events import EventBus
from matchscope.jobs.reaper import reap_forever
from matchscope.jobs.task import execute_job
from matchscope.services.evaluate import ACTIVE
from matchscope.services.evaluation import apart
from matchscope.services.evaluation.lease import Lease
from matchscope.store.db import sqlite_file
from matchscope.store.tables import Job

if TYPE_CHECKING:  # the state starts the jobs layer
    from matchscope.state import AppState

logger = logging.getLogger(__name__)


class JobQueue(Protocol):
    async def enqueue(self, job_id: int) -> None: ...

    async def close(self) -> None: ...


class InProcessRunner:
    """Runs jobs one at a time on the API's event loop, through the very same job function as the worker, under
    leases like a worker's: a job of a process that died is taken over once its lease lapses."""

    def __init__(self, state: AppState, bus: EventBus, config: JobConfig | None = None) -> None:
        self._state = state
        self._bus = bus
        self._config = config or JobConfig.from_settings(state.settings)
        self._lease = Lease.for_process(self._config.lease_s)
        self._pending: asyncio.Queue[int] = asyncio.Queue()
        self._scheduled: set[int] = set()  # pending or running here: a job is never queued twice
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start the loop and the reaper (and the process reading a job's boxes from a SQLite file), and pick up
        jobs a previous process left queued or running."""
        if sqlite_file(self._state.engine) is not None:
            apart.start()
        self._tasks = [
            asyncio.create_task(self._run(), name="matchscope-job-runner"),
            asyncio.create_task(
                reap_forever(self._state.sessions, self._lease, self._takeover, self.enqueue),
                name="matchscope-job-reaper",
            ),
        ]
        async with self._state.sessions() as session:
            statement = select(col(Job.id)).where(col(Job.status).in_(list(ACTIVE))).order_by(col(Job.id))
            job_ids = [job_id for job_id in (await session.execute(statement)).scalars() if job_id is not None]
        for job_id in job_ids:
            await self.enqueue(job_id)

    async def enqueue(self, job_id: int) -> None:
        if job_id not in self._scheduled:
            self._scheduled.add(job_id)
            self._pending.put_nowait(job_id)

    async def _takeover(self, job_id: int, _attempts: int) -> None:
        await self.enqueue(job_id)

    async def _run(self) -> None:
        while True:
            job_id = await self._pending.get()
            try:
                await execute_job(
                    self._state, self._bus, job_id, self._lease, keep_evaluations=self._config.keep_evaluations
                )
            except Exception:
                logger.exception("job %s could not be run", job_id)
            finally:
                self._scheduled.discard(job_id)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []


async def enqueue_arq(pool: Any, config: JobConfig, job_id: int, arq_job_id: str) -> None:
    await pool.enqueue_job(TASK_NAME, job_id, _job_id=arq_job_id, _queue_name=config.queue_name)


class ArqQueue:
    """Enqueues on arq; the arq job id is derived from the job's id, so enqueueing twice runs it once."""

    def __init__(self, pool: Any, config: JobConfig) -> None:
        self._pool = pool
        self._config = config

    @classmethod
    async def connect(cls, redis_url: str, config: JobConfig) -> ArqQueue:
        from arq import create_pool

        # A request that submits a job waits a few seconds for a restarting Redis, not a minute.
        redis_settings = arq_redis_settings(redis_url, CLIENT_REDIS_OUTAGE_S)
        pool = await create_pool(redis_settings, default_queue_name=config.queue_name)
        return cls(pool, config)

    async def enqueue(self, job_id: int) -> None:
        await enqueue_arq(self._pool, self._config, job_id, self._config.arq_job_id(job_id))

    async def close(self) -> None:
        await self._pool.aclose()

"""Start and stop the jobs layer of an API process; its objects live in `state.services`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matchscope.jobs.config import JobConfig
from matchscope.jobs.events import EventBus, LocalEventBus, RedisEventBus
from matchscope.jobs.queue import ArqQueue, InProcessRunner, JobQueue
from matchscope.jobs.task import publish
from matchscope.services.job_snapshot import JobSnapshot
from matchscope.store.tables import Job

if TYPE_CHECKING:  # the state starts the jobs layer through this module
    from matchscope.state import AppState

# Without any event for this long, a follower re-reads the job row (a lost event never hangs it).
POLL_S = 5.0


@dataclass(frozen=True, slots=True)
class Jobs:
    """This process's job queue and progress events."""

    queue: JobQueue
    events: EventBus

    async def publish(self, job: Job) -> None:
        await publish(self.events, job)

    async def follow(
        self, job_id: int, read: Callable[[], Awaitable[Job | None]], finished: Callable[[JobSnapshot], bool]
    ) -> AsyncIterator[JobSnapshot]:
        """The job's state now (`read`: its row, None when gone or not the caller's), then at every change until
        `finished`: snapshots published by whoever runs it, or read again after `POLL_S` without one. A
        snapshot older than the last one shown (fewer steps, same status) is skipped."""
        async with self.events.subscribe(job_id) as subscription:
            row = await read()
            if row is None:
                return
            last = JobSnapshot.from_row(row)
            yield last
            while not finished(last):
                snapshot = await subscription.next(POLL_S)
                if snapshot is None:
                    row = await read()
                    if row is None:
                        return
                    snapshot = JobSnapshot.from_row(row)
                if snapshot == last or (
                    snapshot.completed_steps < last.completed_steps
                    and not finished(snapshot)
                    and snapshot.status == last.status
                ):
                    continue
                last = snapshot
                yield snapshot


async def ensure_started(state: AppState) -> Jobs:
    """The queue and event bus of this process, created on first use (arq with REDIS_URL, else in-process)."""
    services = state.services
    async with services.jobs_lock:
        if services.job_queue is None or services.job_events is None:
            config = JobConfig.from_settings(state.settings)
            redis_url = state.settings.redis_url
            bus: EventBus
            queue: JobQueue
            if redis_url:
                bus = RedisEventBus(redis_url, config.queue_name)
                queue = await ArqQueue.connect(redis_url, config)
            else:
                bus = LocalEventBus()
                runner = InProcessRunner(state, bus, config)
                await runner.start()
                queue = runner
            services.job_events = bus
            services.job_queue = queue
        return Jobs(services.job_queue, services.job_events)


async def shutdown(state: AppState) -> None:
    services = state.services
    queue, bus = services.job_queue, services.job_events
    services.job_queue = services.job_events = None
    if queue is not None:
        await queue.close()
    if bus is not None:
        await bus.close()

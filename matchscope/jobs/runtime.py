"""Start and stop the jobs layer of an API process; its objects live in `state.services`."""

from __future__ import annotations

import asyncio

from matchscope.jobs.config import JobConfig
from matchscope.jobs.events import EventBus, LocalEventBus, RedisEventBus
from matchscope.jobs.queue import ArqQueue, InProcessRunner, JobQueue
from matchscope.state import AppState

QUEUE = "job_queue"
BUS = "job_events"
_LOCK = "job_lock"


async def ensure_started(state: AppState) -> tuple[JobQueue, EventBus]:
    """The queue and event bus of this process, created on first use (arq with REDIS_URL, else in-process)."""
    lock = state.services.setdefault(_LOCK, asyncio.Lock())
    async with lock:
        if QUEUE not in state.services:
            config = JobConfig.from_env()
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
            state.services[BUS] = bus
            state.services[QUEUE] = queue
    return state.services[QUEUE], state.services[BUS]


async def shutdown(state: AppState) -> None:
    queue = state.services.pop(QUEUE, None)
    bus = state.services.pop(BUS, None)
    if queue is not None:
        await queue.close()
    if bus is not None:
        await bus.close()

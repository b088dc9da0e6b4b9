"""Start and stop the jobs layer of an API process; its objects live in `state.services`."""

from __future__ import annotations

from matchscope.jobs.config import JobConfig
from matchscope.jobs.events import EventBus, LocalEventBus, RedisEventBus
from matchscope.jobs.queue import ArqQueue, InProcessRunner, JobQueue
from matchscope.state import AppState


async def ensure_started(state: AppState) -> tuple[JobQueue, EventBus]:
    """The queue and event bus of this process, created on first use (arq with REDIS_URL, else in-process)."""
    services = state.services
    async with services.jobs_lock:
        if services.job_queue is None or services.job_events is None:
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
            services.job_events = bus
            services.job_queue = queue
        return services.job_queue, services.job_events


async def shutdown(state: AppState) -> None:
    services = state.services
    queue, bus = services.job_queue, services.job_events
    services.job_queue = services.job_events = None
    if queue is not None:
        await queue.close()
    if bus is not None:
        await bus.close()

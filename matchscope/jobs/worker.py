"""The arq worker. `matchscope worker` and `arq matchscope.jobs.worker.WorkerSettings` run the same one: both take
their options (queue, timeouts, Redis) from `worker_options`, read from the environment when the worker starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq import func
from arq.constants import job_key_prefix

from matchscope.jobs.config import (
    CHUNK_TASK_NAME,
    TASK_NAME,
    WORKER_REDIS_OUTAGE_S,
    JobConfig,
    arq_redis_settings,
)
from matchscope.jobs.events import RedisEventBus
from matchscope.jobs.queue import enqueue_arq
from matchscope.jobs.reaper import reap_forever
from matchscope.jobs.task import execute_chunk, execute_job, publish
from matchscope.services import evaluate
from matchscope.services.evaluation.chunks import ScaleOut
from matchscope.services.evaluation.lease import Lease
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.migrate import upgrade

logger = logging.getLogger(__name__)

POLL_DELAY_S = 0.05


async def evaluate_task(ctx: dict[str, Any], job_id: int) -> str:
    """arq's task. It stops itself just before arq's timeout so that the job ends ERRORED, not stuck RUNNING."""
    config: JobConfig = ctx["config"]
    state: AppState = ctx["state"]
    lease: Lease = ctx["lease"]
    limit = max(1.0, config.job_timeout_s - 1.0)
    try:
        async with asyncio.timeout(limit):
            return await execute_job(
                state, ctx["bus"], job_id, lease, keep_evaluations=config.keep_evaluations, scale_out=ctx["scale_out"]
            )
    except TimeoutError:
        logger.error("job %s timed out after %.0f s", job_id, limit)
        job = await evaluate.abandon(
            state.sessions,
            job_id,
            status=evaluate.JobStatus.ERRORED,
            message=f"timed out after {limit:.0f} s (MATCHSCOPE_JOB_TIMEOUT is {config.job_timeout_s} s)",
            errors=["TimeoutError"],
            lease=lease,
        )
        if job is not None:
            await publish(ctx["bus"], job)
        return evaluate.JobStatus.ERRORED.value


async def evaluate_chunk_task(ctx: dict[str, Any], job_id: int, evaluation_id: int, chunk: int) -> bool:
    """arq's task for one chunk of a scaled-out evaluation (`matchscope.services.evaluation.chunks`)."""
    return await execute_chunk(ctx["state"], ctx["bus"], job_id, evaluation_id, chunk, ctx["lease"])


async def _warmup() -> None:
    from matchscope.engine import coco, matching, tide

    await asyncio.to_thread(matching.warmup)
    await asyncio.to_thread(coco.warmup)
    await asyncio.to_thread(tide.warmup)


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    config: JobConfig = ctx["config"]
    if not settings.redis_url:
        raise RuntimeError("the worker needs REDIS_URL")
    state = AppState.create(settings)
    # Started by arq's own command line too: an unusable database ends it with the commands' one line, not a traceback.
    from matchscope.commands._common import connect_or_exit, database_label

    try:
        await connect_or_exit(state.engine, database_label(settings))
    except SystemExit:
        await state.close()
        raise
    await upgrade(state.engine)
    ctx["state"] = state
    # Progress events are best effort: while Redis is away a chunk's event is dropped at once, never waited for.
    ctx["bus"] = RedisEventBus(settings.redis_url, config.queue_name, outage_s=0)
    await _warmup()
    lease = ctx["lease"] = Lease.for_process(config.lease_s)
    pool = ctx["redis"]  # arq's own pool, set before on_startup

    async def takeover(job_id: int, attempts: int) -> None:
        await enqueue_arq(pool, config, job_id, config.takeover_job_id(job_id, attempts))

    async def requeue(job_id: int) -> None:
        await enqueue_arq(pool, config, job_id, config.arq_job_id(job_id))

    async def fan_out(job_id: int, evaluation_id: int, chunks: list[int]) -> None:
        for chunk in chunks:
            await pool.enqueue_job(
                CHUNK_TASK_NAME,
                job_id,
                evaluation_id,
                chunk,
                _job_id=config.chunk_job_id(job_id, evaluation_id, chunk),
                _queue_name=config.queue_name,
            )

    async def withdraw(job_id: int, evaluation_id: int, chunks: list[int]) -> None:
        arq_ids = [config.chunk_job_id(job_id, evaluation_id, chunk) for chunk in chunks]
        await pool.zrem(config.queue_name, *arq_ids)
        await pool.delete(*(job_key_prefix + arq_id for arq_id in arq_ids))

    ctx["scale_out"] = ScaleOut(threshold_items=settings.evaluation_scaleout_items, enqueue=fan_out, withdraw=withdraw)
    ctx["reaper"] = asyncio.create_task(
        reap_forever(state.sessions, lease, takeover, requeue), name="matchscope-job-reaper"
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    if "reaper" in ctx:
        ctx["reaper"].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ctx["reaper"]
    if "bus" in ctx:
        await ctx["bus"].close()
    if "state" in ctx:
        await ctx["state"].close()


def worker_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments of `arq.Worker` for these settings."""
    if not settings.redis_url:
        raise ValueError("the worker needs REDIS_URL")
    config = JobConfig.from_settings(settings)
    return {
        "functions": [
            func(evaluate_task, name=TASK_NAME, max_tries=config.max_tries),
            func(evaluate_chunk_task, name=CHUNK_TASK_NAME, max_tries=config.max_tries),
        ],
        # A Redis restart pauses the worker's polling (its running job goes on), instead of ending the process.
        "redis_settings": arq_redis_settings(settings.redis_url, WORKER_REDIS_OUTAGE_S),
        "queue_name": config.queue_name,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "job_timeout": config.job_timeout_s,
        "max_tries": config.max_tries,
        "keep_result": 0,
        "max_jobs": 1,  # jobs are CPU- and IO-heavy; run more workers to run more jobs at once
        # arq looks for the next job this long after the last one ended: a scaled-out evaluation is many short jobs.
        "poll_delay": POLL_DELAY_S,
        "ctx": {"settings": settings, "config": config},
    }


def __getattr__(name: str) -> Any:
    # arq's command line resolves `WorkerSettings` when it starts (a dict is one of the settings forms it takes), so
    # the environment is read then, as `matchscope worker` reads it, and never at import time.
    if name == "WorkerSettings":
        try:
            return worker_options(Settings.from_env())
        except ValueError as error:  # SettingsError included: one line, not a traceback
            raise SystemExit(f"matchscope worker: error: {error}") from None
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

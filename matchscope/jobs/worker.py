"""The arq worker: `matchscope worker` runs it (or `arq matchscope.jobs.worker.WorkerSettings` with REDIS_URL set)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from arq import func
from arq.connections import RedisSettings

from matchscope.jobs.config import TASK_NAME, JobConfig
from matchscope.jobs.events import RedisEventBus
from matchscope.jobs.task import execute_job
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.migrate import upgrade

logger = logging.getLogger(__name__)


async def evaluate_task(ctx: dict[str, Any], job_id: int) -> str:
    return await execute_job(ctx["state"], ctx["bus"], job_id)


async def _warmup() -> None:
    from matchscope.engine import coco, matching

    await asyncio.to_thread(matching.warmup)
    await asyncio.to_thread(coco.warmup)


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx.get("settings") or Settings.from_env()
    config: JobConfig = ctx.get("config") or JobConfig.from_env()
    if not settings.redis_url:
        raise RuntimeError("the worker needs REDIS_URL")
    state = AppState.create(settings)
    await upgrade(state.engine)
    ctx["state"] = state
    ctx["bus"] = RedisEventBus(settings.redis_url, config.queue_name)
    await _warmup()


async def shutdown(ctx: dict[str, Any]) -> None:
    if "bus" in ctx:
        await ctx["bus"].close()
    if "state" in ctx:
        await ctx["state"].close()


def worker_options(settings: Settings, config: JobConfig) -> dict[str, Any]:
    """Keyword arguments of `arq.Worker` for these settings."""
    if not settings.redis_url:
        raise ValueError("the worker needs REDIS_URL")
    return {
        "functions": [func(evaluate_task, name=TASK_NAME, max_tries=config.max_tries)],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": config.queue_name,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "job_timeout": config.job_timeout_s,
        "max_tries": config.max_tries,
        "keep_result": 0,
        "max_jobs": 1,  # jobs are CPU- and IO-heavy; run more workers to run more jobs at once
        "ctx": {"settings": settings, "config": config},
    }


class WorkerSettings:
    """For the `arq` command line; `redis_settings` must then come from `--redis`-less env: use `matchscope worker`."""

    functions = [func(evaluate_task, name=TASK_NAME, max_tries=JobConfig().max_tries)]
    on_startup = startup
    on_shutdown = shutdown
    keep_result = 0
    max_jobs = 1

"""The jobs layer's options (queue name, job timeout, lease, retention: read by `Settings`) and Redis clients'
retry policy."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from matchscope.settings import (
    DEFAULT_JOB_TIMEOUT_S,
    DEFAULT_KEEP_EVALUATIONS,
    DEFAULT_LEASE_S,
    DEFAULT_QUEUE_NAME,
    Settings,
)

TASK_NAME = "evaluate"
CHUNK_TASK_NAME = "evaluate_chunk"
# How long a Redis that went away (restarted, say) is waited for before a command fails: a worker waits long enough
# for a restart and its job goes on meanwhile (it needs only the database); an API request and a worker's progress
# events, which are best effort, wait briefly.
WORKER_REDIS_OUTAGE_S = 60.0
CLIENT_REDIS_OUTAGE_S = 5.0


@dataclass(frozen=True, slots=True)
class JobConfig:
    """The job options of `Settings`, with the arq job ids they imply."""

    queue_name: str = DEFAULT_QUEUE_NAME
    # arq re-runs a job whose worker died once this (plus 10 s) has passed since it started; leases act sooner.
    job_timeout_s: int = DEFAULT_JOB_TIMEOUT_S
    max_tries: int = 3
    lease_s: float = DEFAULT_LEASE_S
    keep_evaluations: int = DEFAULT_KEEP_EVALUATIONS

    @classmethod
    def from_settings(cls, settings: Settings) -> JobConfig:
        return cls(
            queue_name=settings.queue_name,
            job_timeout_s=settings.job_timeout_s,
            lease_s=settings.job_lease_s,
            keep_evaluations=settings.keep_evaluations,
        )

    def arq_job_id(self, job_id: int) -> str:
        """arq job keys are global to a Redis database; the queue name keeps deployments apart."""
        return f"{self.queue_name}:job:{job_id}"

    def chunk_job_id(self, job_id: int, evaluation_id: int, chunk: int) -> str:
        """The arq job of one chunk of a scaled-out evaluation: enqueueing it again (a job taken over) runs it once."""
        return f"{self.arq_job_id(job_id)}:evaluation:{evaluation_id}:chunk:{chunk}"

    def takeover_job_id(self, job_id: int, attempts: int) -> str:
        """The arq job that takes over a job whose lease lapsed after `attempts` starts: every reaper that finds it
        enqueues the same id, which arq runs once."""
        return f"{self.arq_job_id(job_id)}:takeover:{attempts}"


def redis_retry(outage_s: float) -> dict[str, Any]:
    """Keyword arguments of a Redis client (and fields of arq's RedisSettings) that retry a command, and the
    connection under it, with a backoff of up to 1 s for about `outage_s` seconds while Redis refuses or drops
    connections, instead of failing at once."""
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError, TimeoutError

    # Backoffs of 0.1, 0.2, 0.4, 0.8 s, then 1 s each: about 1.5 s for the first four tries. No patience: no retry
    # (the connection is still dropped, and the next command connects again).
    retries = 0 if outage_s <= 0 else 4 + max(0, math.ceil(outage_s - 1.5))
    # OSError: a refused connection is raised as is by the connect that the retried command makes.
    return {
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), retries),
        "retry_on_error": [ConnectionError, TimeoutError, OSError],
    }


def arq_redis_settings(redis_url: str, outage_s: float) -> Any:
    """arq's RedisSettings for `redis_url`, with `redis_retry(outage_s)`."""
    from arq.connections import RedisSettings

    return dataclasses.replace(RedisSettings.from_dsn(redis_url), **redis_retry(outage_s))

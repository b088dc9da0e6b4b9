"""Job settings read from the environment (queue name, job timeout), next to the application Settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from matchscope.settings import SettingsError

DEFAULT_QUEUE_NAME = "matchscope:queue"
DEFAULT_JOB_TIMEOUT_S = 3600
TASK_NAME = "evaluate"


@dataclass(frozen=True, slots=True)
class JobConfig:
    queue_name: str = DEFAULT_QUEUE_NAME
    # arq re-runs a job whose worker died once this (plus 10 s) has passed since it started.
    job_timeout_s: int = DEFAULT_JOB_TIMEOUT_S
    max_tries: int = 3

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> JobConfig:
        env = os.environ if environ is None else environ
        raw_timeout = env.get("MATCHSCOPE_JOB_TIMEOUT", str(DEFAULT_JOB_TIMEOUT_S))
        try:
            timeout = int(raw_timeout)
        except ValueError:
            raise SettingsError(
                f"Setting 'MATCHSCOPE_JOB_TIMEOUT' has value {raw_timeout!r}. Not a valid integer."
            ) from None
        return cls(
            queue_name=env.get("MATCHSCOPE_QUEUE_NAME", "").strip() or DEFAULT_QUEUE_NAME,
            job_timeout_s=timeout,
        )

    def arq_job_id(self, job_id: int) -> str:
        """arq job keys are global to a Redis database; the queue name keeps deployments apart."""
        return f"{self.queue_name}:job:{job_id}"

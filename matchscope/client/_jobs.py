"""Jobs: `AsyncJob`, a job followed by its state by query, its progress over `jobUpdates` (graphql-transport-ws) or
by polling; `Jobs`, the account's jobs page by page."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Sequence
from typing import Any

from tqdm import tqdm

from matchscope.client._connection import Connection, not_found_error, validation_error
from matchscope.client._generated import GraphQLClientError, JobFields, JobStatus
from matchscope.client._matches import enum_value
from matchscope.client._paging import MAX_PAGE, Paged, page_size_error
from matchscope.client.errors import JobFailed, NotFoundError

FINISHED = frozenset({JobStatus.COMPLETED, JobStatus.ERRORED, JobStatus.CANCELLED})


async def fetch(connection: Connection, job_id: str) -> JobFields:
    """The job's state now; NotFoundError when it does not exist or is another account's."""
    job = (await connection.call(lambda: connection.graphql.get_job(job_id))).job
    if job is None:
        raise NotFoundError(f"AsyncJob {job_id!r} not found", "AsyncJob", job_id)
    return job


async def cancel(connection: Connection, job_id: str) -> JobFields:
    """Cancel the job; a finished one is refused with a ValidationError."""
    payload = (await connection.call(lambda: connection.graphql.cancel_job(job_id))).cancel_job
    if payload.typename__ == "ValidationError":
        raise validation_error(payload, what=f"cannot cancel job {job_id}")
    if payload.typename__ == "NotFoundError":
        raise not_found_error(payload)
    return payload


async def _subscribed(connection: Connection, job_id: str) -> AsyncIterator[JobFields]:
    async for update in connection.graphql.job_updates(job_id):
        yield update.job_updates


async def _polled(connection: Connection, job_id: str, interval: float) -> AsyncIterator[JobFields]:
    while True:
        yield await fetch(connection, job_id)
        await asyncio.sleep(interval)


async def states(connection: Connection, job_id: str, poll: float) -> AsyncIterator[JobFields]:
    """The job's states until it has finished: pushed by the subscription while it lasts (it ends when the job
    does), then polled — when websockets are missing, the socket fails, or it closed early (a server restart)."""
    try:
        async for state in _subscribed(connection, job_id):
            yield state
            if state.status in FINISHED:
                return
    except (TimeoutError, ImportError, NotImplementedError, OSError, GraphQLClientError):
        pass
    except Exception as error:  # websockets' own exceptions (ConnectionClosed, InvalidStatus...)
        if not type(error).__module__.startswith("websockets"):
            raise
    async for state in _polled(connection, job_id, poll):
        yield state
        if state.status in FINISHED:
            return


async def wait(connection: Connection, job_id: str, *, verbose: bool, poll: float) -> JobFields:
    """Follow the job to its end; raise JobFailed unless it COMPLETED."""
    last: JobFields | None = None
    with tqdm(total=0, unit="item", desc="evaluation job", disable=not verbose, file=sys.stderr) as bar:
        async for state in states(connection, job_id, poll):
            if last is None or state.status != last.status:
                bar.set_postfix_str(state.status.value)
            if state.total_steps and bar.total != state.total_steps:
                bar.total = state.total_steps
            bar.n = state.completed_steps
            bar.refresh()
            last = state
    if last is None:  # the subscription said nothing and polling always says something
        last = await fetch(connection, job_id)
    if last.status != JobStatus.COMPLETED:
        raise JobFailed(
            job_id, last.status.value, last.job_errors or ([last.status_message] if last.status_message else [])
        )
    return last


class JobStates(Paged[JobFields]):
    """The account's jobs, newest first (of the given statuses when any), read lazily page by page."""

    def __init__(self, connection: Connection, statuses: Sequence[str] | None, page_size: int) -> None:
        if not 1 <= page_size <= MAX_PAGE:
            raise page_size_error("jobs", page_size)
        self._connection = connection
        self._statuses = None if statuses is None else [enum_value(JobStatus, "jobs", "statuses", s) for s in statuses]
        self._page_size = page_size

    async def _page(self, after: str | None) -> Any:
        graphql = self._connection.graphql
        result = await self._connection.call(
            lambda: graphql.list_jobs(statuses=self._statuses, first=self._page_size, after=after)
        )
        return result.jobs


class AsyncJob:
    """A background job (an evaluation): `status()`, `errors()`, `sleep_until_complete()`."""

    def __init__(self, connection: Connection, state: JobFields) -> None:
        self._connection = connection
        self.id = state.id
        self.last_state = state

    async def info(self) -> JobFields:
        """The job's current state (status, progress, steps, message, errors, times)."""
        self.last_state = await fetch(self._connection, self.id)
        return self.last_state

    async def status(self) -> str:
        """QUEUED, RUNNING, COMPLETED, ERRORED or CANCELLED."""
        return (await self.info()).status.value

    async def errors(self) -> list[str]:
        """The errors the job reported (empty unless it ERRORED)."""
        return list((await self.info()).job_errors)

    async def cancel(self) -> JobFields:
        """Cancel the job: a queued one at once, a running one at its next chunk of items."""
        self.last_state = await cancel(self._connection, self.id)
        return self.last_state

    async def sleep_until_complete(self, verbose_std_out: bool = True, *, poll_interval: float = 1.0) -> JobFields:
        """Wait until the job has finished, through QUEUED and RUNNING, following its progress over the
        `jobUpdates` subscription (polling when websockets are unavailable); a progress bar on stderr when
        `verbose_std_out`. Returns the final state; raises `JobFailed` when the job ERRORED or was CANCELLED."""
        self.last_state = await wait(self._connection, self.id, verbose=verbose_std_out, poll=poll_interval)
        return self.last_state


class Jobs(Paged[AsyncJob]):
    """The account's jobs, newest first, read lazily page by page: `async for job in jobs` (each an `AsyncJob`
    whose `last_state` is the state the page read)."""

    def __init__(self, connection: Connection, statuses: Sequence[str] | None, page_size: int) -> None:
        self._connection = connection
        self._states = JobStates(connection, statuses, page_size)

    async def _page(self, after: str | None) -> Any:
        return await self._states._page(after)

    def _row(self, node: Any) -> AsyncJob:
        return AsyncJob(self._connection, node)

"""Job progress events: a snapshot of a job row, published after every change.

In-process buses fan snapshots out to asyncio queues; the Redis bus goes through pub/sub so that a worker
process can publish and the API process subscribe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from matchscope.jobs.config import CLIENT_REDIS_OUTAGE_S, redis_retry
from matchscope.store.tables import Job

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    id: int
    account_id: int
    type: str
    status: str
    progress: float
    completed_steps: int
    total_steps: int
    message: str | None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    evaluation_id: int | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_row(cls, row: Job) -> JobSnapshot:
        assert row.id is not None
        return cls(
            id=row.id,
            account_id=row.account_id,
            type=row.type,
            status=row.status,
            progress=row.progress,
            completed_steps=row.completed_steps,
            total_steps=row.total_steps,
            message=row.message,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            evaluation_id=row.evaluation_id,
            errors=tuple(row.errors or ()),
        )

    def to_bytes(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_bytes(cls, data: bytes | str) -> JobSnapshot:
        raw: dict[str, Any] = orjson.loads(data)
        for name in ("created_at", "started_at", "finished_at"):
            if raw.get(name) is not None:
                raw[name] = datetime.fromisoformat(raw[name])
        raw["errors"] = tuple(raw.get("errors") or ())
        return cls(**raw)


class Subscription(Protocol):
    async def next(self, wait_s: float) -> JobSnapshot | None:
        """The next snapshot published, or None after `wait_s` seconds without one."""
        ...


class EventBus(Protocol):
    async def publish(self, snapshot: JobSnapshot) -> None: ...

    def subscribe(self, job_id: int) -> contextlib.AbstractAsyncContextManager[Subscription]:
        """Snapshots of `job_id` published from now on (subscribe before reading the current state)."""
        ...

    async def close(self) -> None: ...


class _QueueSubscription:
    def __init__(self, queue: asyncio.Queue[JobSnapshot]) -> None:
        self._queue = queue

    async def next(self, wait_s: float) -> JobSnapshot | None:
        try:
            return await asyncio.wait_for(self._queue.get(), wait_s)
        except TimeoutError:
            return None


class _PubSubSubscription:
    def __init__(self, pubsub: Any) -> None:
        self._pubsub = pubsub

    async def next(self, wait_s: float) -> JobSnapshot | None:
        from redis.exceptions import RedisError

        deadline = asyncio.get_running_loop().time() + wait_s
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            except (RedisError, OSError) as error:
                # Redis away for longer than the client's retries: wait as long as a quiet channel would, so the
                # subscriber reads the job's row instead; the next call connects and subscribes again.
                logger.warning("job events: Redis unreachable (%s); reading the job's row instead", error)
                await asyncio.sleep(max(0.0, deadline - asyncio.get_running_loop().time()))
                return None
            if message is not None and message.get("type") == "message":
                return JobSnapshot.from_bytes(message["data"])
        return None


class LocalEventBus:
    """Fan-out to subscribers of the same process."""

    def __init__(self) -> None:
        self._queues: dict[int, set[asyncio.Queue[JobSnapshot]]] = defaultdict(set)

    async def publish(self, snapshot: JobSnapshot) -> None:
        for queue in list(self._queues.get(snapshot.id, ())):
            queue.put_nowait(snapshot)

    @contextlib.asynccontextmanager
    async def subscribe(self, job_id: int) -> AsyncIterator[Subscription]:
        queue: asyncio.Queue[JobSnapshot] = asyncio.Queue()
        self._queues[job_id].add(queue)
        try:
            yield _QueueSubscription(queue)
        finally:
            self._queues[job_id].discard(queue)
            if not self._queues[job_id]:
                del self._queues[job_id]

    async def close(self) -> None:
        self._queues.clear()


class RedisEventBus:
    """Pub/sub on channel `{prefix}:job:{id}`; the prefix keeps deployments (and test runs) apart. Commands wait
    `outage_s` seconds for a Redis that went away (`redis_retry`)."""

    def __init__(self, redis_url: str, prefix: str, outage_s: float = CLIENT_REDIS_OUTAGE_S) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(redis_url, **redis_retry(outage_s))
        self._prefix = prefix

    def channel(self, job_id: int) -> str:
        return f"{self._prefix}:job:{job_id}"

    async def publish(self, snapshot: JobSnapshot) -> None:
        await self._redis.publish(self.channel(snapshot.id), snapshot.to_bytes())

    @contextlib.asynccontextmanager
    async def subscribe(self, job_id: int) -> AsyncIterator[Subscription]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.channel(job_id))
        try:
            yield _PubSubSubscription(pubsub)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            await pubsub.aclose()

    async def close(self) -> None:
        await self._redis.aclose()

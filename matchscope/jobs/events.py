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
from typing import Any, Protocol

from matchscope.jobs.config import CLIENT_REDIS_OUTAGE_S, redis_retry
from matchscope.services.job_snapshot import JobSnapshot

logger = logging.getLogger(__name__)

# A subscription that cannot reach Redis waits this long for it before its subscriber reads the job's row instead,
# and, while Redis stays away, has the row read this often (a subscription opened or kept through an outage).
SUBSCRIBE_WAIT_S = 1.0
FALLBACK_POLL_S = 1.0


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
    """A job's channel, subscribed again whenever Redis comes back. While it cannot be subscribed (Redis down or
    restarting), `next` returns None every `FALLBACK_POLL_S` at most, as a quiet channel would, so the subscriber
    reads the job's row meanwhile: progress keeps coming, by polling, until Redis is back."""

    def __init__(self, redis: Any, channel: str) -> None:
        self._redis = redis
        self._channel = channel
        self._pubsub: Any = None

    async def open(self) -> None:
        """Subscribe now if Redis answers at once; else `next` tries again."""
        await self._subscribe(SUBSCRIBE_WAIT_S)

    async def _subscribe(self, wait_s: float) -> bool:
        from redis.exceptions import RedisError

        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            async with asyncio.timeout(wait_s):
                await pubsub.subscribe(self._channel)
        except (RedisError, OSError, TimeoutError) as error:
            logger.warning("job events: cannot subscribe to %s (%s); reading the job's row", self._channel, error)
            await _discard(pubsub)
            return False
        self._pubsub = pubsub
        return True

    async def next(self, wait_s: float) -> JobSnapshot | None:
        from redis.exceptions import RedisError

        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        if self._pubsub is None:
            if await self._subscribe(min(wait_s, SUBSCRIBE_WAIT_S)):
                return None  # subscribed again: whatever was published before is in the job's row
            await asyncio.sleep(max(0.0, min(deadline, loop.time() + FALLBACK_POLL_S) - loop.time()))
            return None
        while (left := deadline - loop.time()) > 0:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
            except (RedisError, OSError) as error:
                logger.warning("job events: Redis went away (%s); reading the job's row until it is back", error)
                pubsub, self._pubsub = self._pubsub, None
                await _discard(pubsub)
                await asyncio.sleep(max(0.0, min(deadline, loop.time() + FALLBACK_POLL_S) - loop.time()))
                return None
            if message is not None and message.get("type") == "message":
                return JobSnapshot.from_bytes(message["data"])
        return None

    async def close(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            await _discard(pubsub)


async def _discard(pubsub: Any) -> None:
    with contextlib.suppress(Exception):
        await pubsub.aclose()


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
    """Pub/sub on channel `{prefix}:job:{id}`; the prefix keeps deployments (and test runs) apart. Publishing waits
    `outage_s` seconds for a Redis that went away (`redis_retry`); subscriptions never wait for it: they read the
    job's row until it is back (`_PubSubSubscription`)."""

    def __init__(self, redis_url: str, prefix: str, outage_s: float = CLIENT_REDIS_OUTAGE_S) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(redis_url, **redis_retry(outage_s))
        # Subscriptions have connections of their own, not retried: a refused one fails at once, and is tried again
        # at the subscriber's next read.
        self._subscriber = Redis.from_url(redis_url, **redis_retry(0))
        self._prefix = prefix

    def channel(self, job_id: int) -> str:
        return f"{self._prefix}:job:{job_id}"

    async def publish(self, snapshot: JobSnapshot) -> None:
        await self._redis.publish(self.channel(snapshot.id), snapshot.to_bytes())

    @contextlib.asynccontextmanager
    async def subscribe(self, job_id: int) -> AsyncIterator[Subscription]:
        subscription = _PubSubSubscription(self._subscriber, self.channel(job_id))
        await subscription.open()
        try:
            yield subscription
        finally:
            await subscription.close()

    async def close(self) -> None:
        await self._redis.aclose()
        await self._subscriber.aclose()

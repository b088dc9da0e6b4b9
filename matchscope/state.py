"""What one running application holds: settings, the database, the job queue, the event bus."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from matchscope.jobs import runtime
from matchscope.jobs.events import EventBus
from matchscope.jobs.queue import JobQueue
from matchscope.services.browse.evaluations import CurrentEvaluations
from matchscope.services.compare import CompareCache
from matchscope.services.entry_columns import EntryCache
from matchscope.services.evaluation.slice_results import SliceCache
from matchscope.settings import Settings
from matchscope.store.db import create_engine, session_factory
from matchscope.store.reads import Reads


@dataclass
class Services:
    """The process's caches of current evaluations and evaluations' columns, and its job queue and event bus
    (matchscope.jobs.runtime creates those two on first use, under `jobs_lock`)."""

    current_evaluations: CurrentEvaluations = field(default_factory=CurrentEvaluations)
    entry_cache: EntryCache = field(default_factory=EntryCache)
    compare_cache: CompareCache = field(default_factory=CompareCache)
    slice_cache: SliceCache = field(default_factory=SliceCache)
    jobs_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    job_queue: JobQueue | None = None
    job_events: EventBus | None = None


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # The hot reads of every request (key, evaluation, page), on connections kept open.
    reads: Reads
    services: Services = field(default_factory=Services)

    @classmethod
    def create(cls, settings: Settings) -> AppState:
        engine = create_engine(settings.database_url)
        reads = Reads(engine)
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            reads=reads,
        )

    async def jobs(self) -> runtime.Jobs:
        """The job queue and progress events, started on first use."""
        return await runtime.ensure_started(self)

    async def close(self) -> None:
        await self.reads.close()
        await self.engine.dispose()

"""What one running application holds: settings, the database, the job queue, the event bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from matchscope.settings import Settings
from matchscope.store.changes import ChangeFeed, RowCache
from matchscope.store.db import create_engine, session_factory
from matchscope.store.reads import Reads


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # The hot reads of every request (key, evaluation, page), on connections kept open.
    reads: Reads
    # Per-process caches of two of those reads (a key's row, a current evaluation), exact through the feed.
    changes: ChangeFeed
    key_rows: RowCache[Any, Any]
    current_evaluations: RowCache[Any, Any]
    # Filled in by the jobs layer at start-up (queue, event bus, runner); kept loose to keep layers apart.
    services: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> AppState:
        engine = create_engine(settings.database_url)
        reads = Reads(engine)
        changes = ChangeFeed(engine, reads.data_version_probe())
        return cls(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            reads=reads,
            changes=changes,
            key_rows=changes.cache("api_key"),
            current_evaluations=changes.cache("evaluation"),
        )

    async def close(self) -> None:
        await self.changes.close()
        await self.reads.close()
        await self.engine.dispose()

"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info as StrawberryInfo

from matchscope.schema.loaders import Loaders
from matchscope.services.browse import ItemRow
from matchscope.state import AppState
from matchscope.store.reads import Reads


@dataclass
class Context:
    state: AppState
    account_id: int
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    # Items this request has already read (with a page of entries), by primary key.
    known_items: dict[int, ItemRow] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.state.sessions)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.state.sessions

    @property
    def reads(self) -> Reads:
        return self.state.reads


Info = StrawberryInfo[Context, None]

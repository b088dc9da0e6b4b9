"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info as StrawberryInfo

from matchscope.schema.cost import PLAIN_LIST_CAP, BudgetExceeded
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
    # Objects the request's lists and pages have read so far, against the execution budget (schema/cost.py).
    resolved_objects: int = field(init=False, default=0)
    # Upload variables over the row cap, by name, with their length (held back unread by schema/guards.py).
    oversized_uploads: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.state.sessions, box_limit=PLAIN_LIST_CAP + 1)

    def charge(self, objects: int) -> None:
        """Count objects a list or page read; past the cost bound the request stops (a second line behind the
        bound checked before execution, for lists whose estimate fell short)."""
        self.resolved_objects += objects
        bound = self.state.settings.max_query_cost
        if self.resolved_objects > bound:
            raise BudgetExceeded(self.resolved_objects, bound)

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.state.sessions

    @property
    def reads(self) -> Reads:
        return self.state.reads


Info = StrawberryInfo[Context, None]

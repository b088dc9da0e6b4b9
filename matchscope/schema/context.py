"""The per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from strawberry.types import Info as StrawberryInfo

from matchscope.schema.cost import PLAIN_LIST_CAP, BudgetExceeded
from matchscope.schema.loaders import Loaders
from matchscope.services.actor import Actor
from matchscope.services.browse import ItemRow
from matchscope.settings import Settings


@dataclass
class Context:
    # The account the request acts for, in this process: what every use case (matchscope.services) is called with.
    actor: Actor
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
        self.loaders = Loaders(self.actor, box_limit=PLAIN_LIST_CAP + 1)

    @property
    def account_id(self) -> int:
        return self.actor.account_id

    @account_id.setter
    def account_id(self, account_id: int) -> None:
        """A websocket authenticates after its context is made (by its connectionParams)."""
        self.actor = replace(self.actor, account_id=account_id)
        self.loaders = Loaders(self.actor, box_limit=PLAIN_LIST_CAP + 1)

    @property
    def settings(self) -> Settings:
        return self.actor.app.settings

    def charge(self, objects: int) -> None:
        """Count objects a list or page read; past the cost bound the request stops (a second line behind the
        bound checked before execution, for lists whose estimate fell short)."""
        self.resolved_objects += objects
        bound = self.settings.max_query_cost
        if self.resolved_objects > bound:
            raise BudgetExceeded(self.resolved_objects, bound)


Info = StrawberryInfo[Context, None]

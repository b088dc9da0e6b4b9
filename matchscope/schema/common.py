"""Shared GraphQL types: the Node interface, error payload members, Relay connections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry

from matchscope.services.errors import NotFound, ValidationFailed
from matchscope.services.pagination import Page

if TYPE_CHECKING:
    JSON = dict[str, Any]
else:
    from strawberry.scalars import JSON  # noqa: F401  (re-exported: catalog and ingest import it from here)

T = TypeVar("T")
_new = object.__new__


def assemble(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of a strawberry type from every one of its fields, bypassing the dataclass `__init__`: a page
    of matches assembles 250 objects, and keyword calls into `__init__` cost ~40 % more than setting the dict."""
    instance = _new(cls)
    instance.__dict__ = fields
    return instance


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID


@strawberry.type(description="One invalid value: the row of the batch (if any), the field, the value and why.")
class FieldError:
    row: int | None
    field: str
    value: str
    message: str


@strawberry.type(description="The input was refused; nothing was written.")
class ValidationError:
    message: str
    field: str | None
    errors: list[FieldError]

    @classmethod
    def from_error(cls, error: ValidationFailed) -> ValidationError:
        return cls(
            message=f"{error.message}; nothing was written",
            field=error.field,
            errors=[
                FieldError(row=i.row, field=i.field, value=repr(i.value)[:200], message=i.message)
                for i in error.issues[:1000]
            ],
        )


@strawberry.type(description="No object with that ID is visible to the caller.")
class NotFoundError:
    message: str
    kind: str
    id: strawberry.ID

    @classmethod
    def from_error(cls, error: NotFound) -> NotFoundError:
        return cls(message=error.message, kind=error.kind, id=strawberry.ID(str(error.id)))


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many nodes the whole connection holds.")
    async def total_count(self) -> int:
        return await self._count()

    @classmethod
    def from_page(
        cls,
        page: Page[Any],
        convert: Callable[[Any], T],
        count: Callable[[], Awaitable[int]],
    ) -> Connection[T]:
        nodes: Sequence[T] = [convert(row) for row in page.rows]
        pairs = zip(page.cursors, nodes, strict=True)
        return cls(
            edges=[assemble(Edge, {"cursor": cursor, "node": node}) for cursor, node in pairs],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            _count=count,
        )

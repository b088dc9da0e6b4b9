"""Reading a GraphQL connection page by page over its keyset cursors: lazily (`Paged`) or whole (`every_node`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

from matchscope.client.errors import FieldError, ValidationError

MAX_PAGE = 100

Row = TypeVar("Row")

PageReader = Callable[[str | None], Awaitable[Any]]
"""One page of a connection (`pageInfo`, `edges`) after the cursor (None: the first page)."""


def page_size_error(what: str, page_size: int) -> ValidationError:
    error = FieldError(None, "page_size", repr(page_size), f"must be within [1, {MAX_PAGE}]")
    return ValidationError(f"{what}: {error.describe()}", [error])


async def connection_pages(read_page: PageReader) -> AsyncIterator[Any]:
    """The connection's pages, each read when the previous one has been taken."""
    after: str | None = None
    while True:
        page = await read_page(after)
        yield page
        if not page.page_info.has_next_page:
            return
        after = page.page_info.end_cursor


async def every_node(read_page: PageReader) -> list[Any]:
    """Every node of the connection, in its order."""
    return [edge.node async for page in connection_pages(read_page) for edge in page.edges]


class Paged(Generic[Row]):
    """Rows of a connection read lazily page by page over its keyset cursors: `async for row in paged`."""

    total_count: int | None = None  # known once the first page is read

    async def _page(self, after: str | None) -> Any:
        """One page of the connection (`totalCount`, `pageInfo`, `edges`) after the cursor."""
        raise NotImplementedError

    async def pages(self) -> AsyncIterator[list[Row]]:
        """The rows a page at a time."""
        async for page in connection_pages(self._page):
            self.total_count = page.total_count
            yield [self._row(edge.node) for edge in page.edges]

    def _row(self, node: Any) -> Row:
        """The row a page's node stands for (the node itself unless a subclass wraps it)."""
        return cast(Row, node)

    async def __aiter__(self) -> AsyncIterator[Row]:
        async for page in self.pages():
            for row in page:
                yield row

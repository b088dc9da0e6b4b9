"""Whole-connection reads follow the cursors page after page, in order, and stop at the last page."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from matchscope.client._paging import every_node

pytestmark = pytest.mark.database_independent


def _connection(nodes: list[int], page_size: int) -> tuple[list[str | None], Any]:
    asked: list[str | None] = []

    async def read_page(after: str | None) -> Any:
        asked.append(after)
        start = 0 if after is None else int(after)
        end = start + page_size
        edges = [SimpleNamespace(node=node) for node in nodes[start:end]]
        page_info = SimpleNamespace(has_next_page=end < len(nodes), end_cursor=str(end))
        return SimpleNamespace(edges=edges, page_info=page_info)

    return asked, read_page


@pytest.mark.parametrize(("count", "cursors"), [(0, [None]), (3, [None]), (7, [None, "3", "6"])])
async def test_every_node_reads_each_page_once(count: int, cursors: list[str | None]) -> None:
    asked, read_page = _connection(list(range(count)), page_size=3)
    assert await every_node(read_page) == list(range(count))
    assert asked == cursors

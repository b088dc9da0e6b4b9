"""`node(id)` dispatch: each node type registers how to load one object the caller may see."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from matchscope.schema.common import Node
from matchscope.schema.context import Info

NodeLoader = Callable[[Info, int], Awaitable[Node | None]]
NODE_LOADERS: dict[str, NodeLoader] = {}


def register_node(type_name: str) -> Callable[[NodeLoader], NodeLoader]:
    def decorate(loader: NodeLoader) -> NodeLoader:
        NODE_LOADERS[type_name] = loader
        return loader

    return decorate

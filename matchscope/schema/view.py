"""The ASGI GraphQL view both the application and the bench floor serve through: strawberry's, with orjson writing
response bodies (the stdlib encoder takes ~0.5 ms for a 50-row page). Requests are still read by the stdlib: it
accepts the bare NaN and Infinity tokens some clients send (and reads 1e400 as infinity); the query guards
(schema/guards.py) refuse them before execution with a message naming the row, its annotationId and the field."""

from __future__ import annotations

import json
from typing import Generic, TypeVar

import orjson
from strawberry.asgi import GraphQL

ContextT = TypeVar("ContextT")
RootT = TypeVar("RootT")


class GraphQLView(GraphQL[ContextT, RootT], Generic[ContextT, RootT]):
    def encode_json(self, data: object) -> str:
        # Text, not bytes: strawberry sends bytes over websockets as binary frames.
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # what orjson refuses (integers beyond 64 bits in JSON scalars, …), json writes
            return json.dumps(data, separators=(",", ":"))


__all__ = ["GraphQLView"]

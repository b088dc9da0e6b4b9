"""The GraphQL schema: the Schema object of the resolvers' root types (`matchscope.resolvers.root` merges them), its
guard extensions and executor."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema.config import StrawberryConfig

from matchscope.schema.catalog import BoxAnnotation, BoxPrediction, Dataset, DatasetItem, Model
from matchscope.schema.columns import COLUMN_SCALARS
from matchscope.schema.cost import DEFAULT_MAX_QUERY_COST
from matchscope.schema.execution import LeafFieldsExecutor
from matchscope.schema.guards import query_guards
from matchscope.services.errors import DomainError

SDL_PATH = Path(__file__).with_name("schema.graphql")


def _is_unexpected(error: GraphQLError) -> bool:
    # A GraphQLError as the cause is graphql-core refusing a value (a NaN Float, an Int out of range): expected.
    original = error.original_error
    return original is not None and not isinstance(original, DomainError | GraphQLError)


def create_schema(
    *,
    query: type,
    mutation: type,
    subscription: type,
    debug: bool = False,
    max_depth: int = 12,
    max_tokens: int = 4000,
    max_aliases: int = 30,
    max_cost: int = DEFAULT_MAX_QUERY_COST,
) -> strawberry.Schema:
    """The Schema object of these root types, with the guard extensions and the leaf-field executor."""
    # Factories, not instances: each operation gets its own extension objects.
    guards = query_guards(max_depth=max_depth, max_tokens=max_tokens, max_aliases=max_aliases, max_cost=max_cost)
    extensions: list[object] = [guards]
    if not debug:
        extensions.append(partial(MaskErrors, should_mask_error=_is_unexpected))
    return strawberry.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=[Dataset, DatasetItem, BoxAnnotation, BoxPrediction, Model],
        extensions=extensions,  # type: ignore[arg-type]
        execution_context_class=LeafFieldsExecutor,
        config=StrawberryConfig(scalar_map=COLUMN_SCALARS),
    )

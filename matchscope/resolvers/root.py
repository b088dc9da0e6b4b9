"""The root types merged from each area's resolvers, and the application's schema made of them."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from matchscope.resolvers.catalog import CatalogQuery
from matchscope.resolvers.compare import CompareQuery
from matchscope.resolvers.deletes import DeleteMutation
from matchscope.resolvers.evaluation import EvaluationQuery
from matchscope.resolvers.ingest import IngestMutation
from matchscope.resolvers.jobs import JobsMutation, JobsQuery, JobsSubscription
from matchscope.resolvers.reviews import ReviewMutation
from matchscope.schema import create_schema
from matchscope.schema.cost import DEFAULT_MAX_QUERY_COST


def build_schema(
    *,
    debug: bool = False,
    max_depth: int = 12,
    max_tokens: int = 4000,
    max_aliases: int = 30,
    max_cost: int = DEFAULT_MAX_QUERY_COST,
) -> strawberry.Schema:
    return create_schema(
        query=merge_types("Query", (CatalogQuery, EvaluationQuery, CompareQuery, JobsQuery)),
        mutation=merge_types("Mutation", (IngestMutation, JobsMutation, DeleteMutation, ReviewMutation)),
        subscription=merge_types("Subscription", (JobsSubscription,)),
        debug=debug,
        max_depth=max_depth,
        max_tokens=max_tokens,
        max_aliases=max_aliases,
        max_cost=max_cost,
    )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"


__all__ = ["build_schema", "export_sdl"]

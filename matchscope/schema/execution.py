"""A leaner path through graphql-core for the most common field: a scalar or enum read straight off the object.

A 50-row page of matches is ~1,300 fields, ~1,100 of them scalars with no resolver of their own. For each,
graphql-core builds a resolve-info object, goes through strawberry's resolver wrapper and completes the value
through the generic completion chain, ~5 µs a field: about half of a page's time. `LeafFieldsExecutor` reads
such fields (strawberry's "basic" fields: no resolver, no extension, no arguments, a scalar or enum type, possibly
non-null) with the same default resolver and the same output coercion, and hands every other field, and any
error, to graphql-core's own path. Both paths produce the same result: tests/graphql/test_execution.py compares
them. Methods of graphql-core's executor are not public API, hence the exact-version check in `leaf_executor`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

import graphql
from graphql import (
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# The executor's field path was read for this graphql-core version; any other gets graphql-core's executor.
SUPPORTED_GRAPHQL_CORE = "3.3.2"
_Plan = tuple[Callable[[Any, str], Any], str, Any, bool] | None
# Per schema: (type name, field name) -> plan, filled as fields are first met.
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], _Plan]] = WeakKeyDictionary()


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, name: str) -> _Plan:
    """(default resolver, attribute, leaf type, non-null) for a basic leaf field, else None."""
    field_def = schema.get_field(parent_type, name)
    if field_def is None or field_def.args:
        return None
    resolve = field_def.resolve
    if resolve is None or getattr(resolve, "__name__", "") != "_get_basic_result" or resolve.__closure__ is None:
        return None
    strawberry_field = next(
        (cell.cell_contents for cell in resolve.__closure__ if hasattr(cell.cell_contents, "is_basic_field")),
        None,
    )
    if strawberry_field is None or not strawberry_field.is_basic_field:
        return None
    field_type = field_def.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf_type = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not is_leaf_type(leaf_type):
        return None
    return strawberry_field.default_resolver, strawberry_field.python_name, leaf_type, non_null


class LeafFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = _PLANS.get(self.schema)
        if plans is None:
            plans = _PLANS[self.schema] = {}
        self._plans = plans
        manager = self.middleware_manager
        self._has_middleware = manager is not None and bool(manager.middlewares)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        name = node.name.value
        plans = self._plans
        key = (parent_type.name, name)
        if key in plans:
            plan = plans[key]
        else:
            plan = plans[key] = _plan(self.schema, parent_type, name)
        if plan is None or node.arguments or self._has_middleware:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        resolver, attribute, leaf_type, non_null = plan
        try:
            value = resolver(source, attribute)
            if value is not None and value is not Undefined:
                coerced = leaf_type.coerce_output_value(value)
                if coerced is not None and coerced is not Undefined:
                    return coerced
            elif not non_null:
                return None
        except Exception:  # reported below, by graphql-core's own path
            pass
        # None where null is not allowed, a value the type refuses, an error: graphql-core's own path handles it.
        return super().execute_field(parent_type, source, field_details_list, path, position_context)


def leaf_executor() -> type[StrawberryGraphQLCoreExecutionContext] | None:
    """The executor for `strawberry.Schema(execution_context_class=...)`; None (graphql-core's) on other versions."""
    return LeafFieldsExecutor if graphql.version == SUPPORTED_GRAPHQL_CORE else None


__all__ = ["LeafFieldsExecutor", "leaf_executor"]

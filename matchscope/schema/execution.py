"""A leaner path through graphql-core for the most common field: a scalar or enum read straight off the object.

A 50-row page of matches is ~1,300 fields, ~1,100 of them scalars with no resolver of their own. For each,
graphql-core builds a resolve-info object, goes through strawberry's resolver wrapper and completes the value
through the generic completion chain. `LeafFieldsExecutor` reads such fields (strawberry's "basic" fields: no
resolver, no extension, no arguments, a scalar or enum type, possibly non-null) with the same default resolver and
the same output coercion, and hands every other field, and any error, to graphql-core's own path. Both paths give
the same result (tests/graphql/test_execution.py compares them).

It overrides `execute_field`, which graphql-core marks private: hence the exact graphql-core pin in pyproject.toml
and the lock file, and a test (`test_leaf_fields_skip_the_field_path`) that fails when leaf fields take
graphql-core's path again. What it is worth: the browsing benchmark's page of 50 false positives (case (a),
8 clients, SQLite, `bench/builds.py REV --case a` with REV serving graphql-core's own executor) costs 8.25 ms of
server CPU per request without it and 5.91 ms with it, 28 % of the request (2026-12-04, load average 3.8-6.9).
Which fields are basic is read from public API: the strawberry field each GraphQL field links back to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLSchema, Undefined, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_Plan = tuple[Callable[[Any, str], Any], str, Any, bool] | None
# Per schema: (type name, field name) -> plan, filled as fields are first met.
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], _Plan]] = WeakKeyDictionary()


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, name: str) -> _Plan:
    """(default resolver, attribute, leaf type, non-null) for a basic leaf field, else None."""
    field_def = schema.get_field(parent_type, name)
    if field_def is None or field_def.args:
        return None
    # strawberry links every GraphQL field it builds back to its own field definition.
    strawberry_field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(strawberry_field, StrawberryField) or not strawberry_field.is_basic_field:
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


__all__ = ["LeafFieldsExecutor"]

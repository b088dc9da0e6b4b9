"""Upload inputs built whole from graphql-core's coerced mapping, one dict a row.

The one private strawberry hook of the upload path. Strawberry converts an input object field by field, resolving
each field's type for every value: that makes the GraphQL execution of a 10,000-prediction upload ~4.5 times as
long (0.80-0.93 s against 0.18-0.20 s, `bench/upload_inputs.py`). Every field of these inputs is a scalar
graphql-core has already coerced, so a row needs no conversion, only its keys renamed. Strawberry has no public
way to give a `@strawberry.input` class its own builder: its definitions carry one, `from_input`, which its own
integrations (`strawberry.pydantic`) pass when they create the definition; `built_from_mapping` sets it on a
decorated class.
strawberry-graphql is pinned exactly in pyproject.toml for it, and tests/graphql/test_lookups.py fails when
strawberry stops calling it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from strawberry.schema.config import StrawberryConfig
from strawberry.types import get_object_definition

from matchscope.schema.common import assemble

T = TypeVar("T")


def built_from_mapping(cls: type[T]) -> type[T]:
    """Make strawberry build `cls` (a `@strawberry.input` of scalar fields only) straight from its input value:
    each field is the value under its GraphQL name, or the field's default (None when it has none) when absent."""
    definition = get_object_definition(cls, strict=True)
    names = StrawberryConfig().name_converter
    fields = tuple(
        (field.python_name, names.from_field(field), None if field.default is dataclasses.MISSING else field.default)
        for field in definition.fields
    )

    def build(target: type[T], value: Mapping[str, Any], _context: object) -> T:
        return assemble(target, {python: value.get(graphql, default) for python, graphql, default in fields})

    definition.from_input = build
    return cls

"""Operations generated from the schema by introspection: selection sets, argument values and ID variants.

Anything the generator cannot build raises `Unbuildable`, so that a new root field is either exercised by the
tenant walk or makes it fail — never silently skipped.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_required_argument,
    is_required_input_field,
)

from matchscope.schema.ids import from_global_id, to_global_id

MAX_DEPTH = 4
TEXT = "b-walk"
# How an ID argument's name says what it points at; "id" points at anything.
KIND_BY_ARGUMENT = {
    "datasetId": "Dataset",
    "modelId": "Model",
    "itemId": "DatasetItem",
    "jobId": "AsyncJob",
    "evaluationId": "Evaluation",
    "baseId": "Evaluation",
    "otherId": "Evaluation",
}
_SCALARS: dict[str, Any] = {
    "String": TEXT,
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "JSON": {"b": TEXT},
    "DateTime": "2020-01-01T00:00:00+00:00",
    "Date": "2020-01-01",
    # The columns of a column-shaped upload: one row.
    "StringColumn": [TEXT],
    "FloatColumn": [1.0],
    "BooleanColumn": [False],
    "JSONColumn": [{"b": TEXT}],
}


class Unbuildable(AssertionError):
    """The generator met an argument type it does not know how to fill."""


@dataclass(frozen=True)
class EnumValue:
    name: str


IdFor = Callable[[str], str]


def literal(value: Any) -> str:
    """A Python value as a GraphQL literal (dicts are input objects, EnumValue a bare enum name)."""
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {literal(item)}" for key, item in value.items()) + "}"
    raise Unbuildable(f"no literal for {value!r}")


def build_value(type_: GraphQLInputType, name: str, id_for: IdFor, where: str) -> Any:
    """A minimal valid value: non-null scalars, the first enum value, required input fields, one list element."""
    if isinstance(type_, GraphQLNonNull):
        return build_value(type_.of_type, name, id_for, where)
    if isinstance(type_, GraphQLList):
        return [build_value(type_.of_type, name, id_for, where)]
    if isinstance(type_, GraphQLEnumType):
        return EnumValue(next(iter(type_.values)))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: build_value(field.type, field_name, id_for, f"{where}.{field_name}")
            for field_name, field in type_.fields.items()
            if is_required_input_field(field)
        }
    if isinstance(type_, GraphQLScalarType):
        if type_.name == "ID":
            return id_for(name)
        if type_.name in _SCALARS:
            return _SCALARS[type_.name]
    raise Unbuildable(f"{where}: cannot build a value of type {type_}")


def id_arguments(field: GraphQLField) -> list[str]:
    """Arguments that are IDs or lists of IDs (the ones the walk fills with another account's IDs)."""
    return [name for name, argument in field.args.items() if get_named_type(argument.type).name == "ID"]


def arguments(field: GraphQLField, fixed: Mapping[str, str], id_for: IdFor, where: str) -> str:
    """`(a: ..., b: ...)` for the required arguments plus every ID argument; empty when there are none."""
    parts: list[str] = []
    for name, argument in field.args.items():
        is_id = get_named_type(argument.type).name == "ID"
        if not is_required_argument(argument) and not is_id:
            continue
        if name in fixed:
            value: Any = fixed[name]
            if isinstance(get_named_type(argument.type), GraphQLScalarType) and _is_list(argument.type):
                value = [value]
        else:
            value = build_value(argument.type, name, id_for, f"{where}({name})")
        parts.append(f"{name}: {literal(value)}")
    return f"({', '.join(parts)})" if parts else ""


def _is_list(type_: Any) -> bool:
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def selection(
    schema: GraphQLSchema, type_: GraphQLOutputType, id_for: IdFor, path: tuple[str, ...] = (), depth: int = 0
) -> str:
    """Every field of the type, recursively; a type is not entered twice on one path, and depth is capped."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    if depth >= MAX_DEPTH or named.name in path:
        return "{ __typename }"
    inner = (*path, named.name)
    parts = ["__typename"]
    if isinstance(named, GraphQLObjectType):
        parts += _object_fields(schema, named, id_for, inner, depth)
    else:
        assert isinstance(named, GraphQLUnionType | GraphQLInterfaceType), named
        members = named.types if isinstance(named, GraphQLUnionType) else schema.get_possible_types(named)
        for member in members:
            if member.name in path:
                continue
            body = " ".join(_object_fields(schema, member, id_for, (*inner, member.name), depth))
            parts.append(f"... on {member.name} {{ {body} }}")
    return "{ " + " ".join(parts) + " }"


def _object_fields(
    schema: GraphQLSchema, named: GraphQLObjectType, id_for: IdFor, path: tuple[str, ...], depth: int
) -> list[str]:
    parts = []
    for field_name, field in named.fields.items():
        args = arguments(field, {}, id_for, f"{named.name}.{field_name}")
        sub = selection(schema, field.type, id_for, path, depth + 1)
        # Aliased by type: inline fragments may select same-named fields of different types (Int vs Float).
        parts.append(f"{named.name}__{field_name}: {field_name}{args} {sub}".strip())
    return parts


def root_operation(
    schema: GraphQLSchema, operation: str, field_name: str, fixed: Mapping[str, str], id_for: IdFor
) -> str:
    root = {"query": schema.query_type, "mutation": schema.mutation_type, "subscription": schema.subscription_type}[
        operation
    ]
    assert root is not None
    field = root.fields[field_name]
    args = arguments(field, fixed, id_for, f"{root.name}.{field_name}")
    return f"{operation} {{ {field_name}{args} {selection(schema, field.type, id_for)} }}"


def root_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField]]:
    for operation, root in (
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ):
        if root is not None:
            for name, field in root.fields.items():
                yield operation, name, field


def kind_of_id(global_id: str) -> str | None:
    decoded = from_global_id(global_id)
    return None if decoded is None else decoded[0]


def ghost_of(global_id: str) -> str:
    """An ID of the same type that never existed."""
    decoded = from_global_id(global_id)
    if decoded is None:
        return to_global_id("Nothing", 987_654_321)
    return to_global_id(decoded[0], decoded[1] + 10**9)


def variants(names: Sequence[str], foreign: str, own: Mapping[str, str], fallback: str) -> list[dict[str, str]]:
    """Each ID argument in turn holds the foreign ID (the others hold the caller's own IDs), then all at once."""
    found: list[dict[str, str]] = []
    for target in names:
        found.append(
            {name: foreign if name == target else own.get(KIND_BY_ARGUMENT.get(name, ""), fallback) for name in names}
        )
    found.append(dict.fromkeys(names, foreign))
    unique = {tuple(sorted(variant.items())): variant for variant in found}
    return list(unique.values())


def combinations(
    names: Sequence[str], ids_by_kind: Mapping[str, Sequence[str]], every: Sequence[str]
) -> list[dict[str, str]]:
    """For the owner: every typed combination of its own IDs (by argument name), any ID for plain `id`. A typed
    argument with no ID of its kind known yet gives none: the fixpoint comes back to it once one is found (an
    ID of another kind reaches nothing of the owner's, and the pairs of them made the walk quadratic)."""
    pools = [ids_by_kind.get(KIND_BY_ARGUMENT[name], []) if name in KIND_BY_ARGUMENT else every for name in names]
    return [dict(zip(names, chosen, strict=True)) for chosen in itertools.islice(itertools.product(*pools), 2000)]


def harvest_ids(value: Any, into: set[str]) -> None:
    """Every `id` in a response that is one of our global IDs."""
    if isinstance(value, dict):
        for key, item in value.items():
            is_id = key == "id" or key.endswith("__id")
            if is_id and isinstance(item, str) and from_global_id(item) is not None:
                into.add(item)
            else:
                harvest_ids(item, into)
    elif isinstance(value, list):
        for item in value:
            harvest_ids(item, into)


def normalized(value: Any, replacements: Mapping[str, str], pks: Sequence[int]) -> Any:
    """The response with the IDs the caller sent (and their primary keys inside messages) replaced."""
    if isinstance(value, dict):
        return {key: normalized(item, replacements, pks) for key, item in value.items()}
    if isinstance(value, list):
        return [normalized(item, replacements, pks) for item in value]
    if isinstance(value, str):
        for old, new in sorted(replacements.items(), key=lambda pair: -len(pair[0])):  # longest first
            value = value.replace(old, new)
        for pk in pks:
            value = re.sub(rf"(?<![\w.]){pk}(?![\w.])", "<PK>", value)
        return value
    return value


def primary_key(global_id: str) -> int | None:
    decoded = from_global_id(global_id)
    return None if decoded is None else decoded[1]


def typed_id_for(foreign: str) -> IdFor:
    """Nested ID arguments: the foreign ID where the argument's name admits its type, else an unknown ID of the
    named type (a mistyped ID is a different question, asked at the root)."""
    kind = kind_of_id(foreign)

    def id_for(argument: str) -> str:
        wanted = KIND_BY_ARGUMENT.get(argument)
        if wanted is None or wanted == kind:
            return foreign
        return to_global_id(wanted, 987_654_321)

    return id_for

"""The cost of a query, computed before it runs, as a graphql-core validation rule.

A query's cost is the number of objects (values of an object, interface or union type; scalars are free) it can
resolve at most: each list counts at its length bound, multiplied through nesting. A connection's `edges` count
at its `first` (a literal as given, up to the page cap; a variable at the page cap, so the cost depends on the
text alone and is validated once per text with the rest); a plain list at its cap (`LIST_CAPS`, else
`PLAIN_LIST_CAP`), which the resolvers of the lists that grow with the data enforce. Introspection has its own
bound: the cost of the fullest standard introspection query, the schema's own lists counting at their largest
real length (the schema is static).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_introspection_query,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from matchscope.services.errors import DomainError
from matchscope.services.evaluation.options import MAX_LABEL_MATCHES
from matchscope.services.pagination import DEFAULT_PAGE, MAX_PAGE

# A plain list of objects that grows with the data holds at most this many (DESIGN §8: at least 1,000, so that
# an item's boxes read whole); longer ones are read through their connection.
PLAIN_LIST_CAP = 1000
# An item's entries pair its ground truths with its predictions: up to one per box of each.
ITEM_ENTRIES_CAP = 2 * PLAIN_LIST_CAP
LIST_CAPS: Mapping[tuple[str, str], int] = {
    ("DatasetItem", "entries"): ITEM_ENTRIES_CAP,
    ("Evaluation", "allowedLabelMatches"): MAX_LABEL_MATCHES,
    # One per TIDE error type.
    ("TideSummary", "errors"): 6,
    ("TideClassErrors", "errors"): 6,
}
DEFAULT_MAX_QUERY_COST = 20_000


class CostExceeded(GraphQLError):
    pass


class ListOverCap(DomainError):
    """A plain list longer than its cap: refused, pointing at the field that pages through it."""

    def __init__(self, field: str, owner: str, length: str, cap: int, instead: str) -> None:
        super().__init__(
            f"{field} refused: {owner} has {length} of them, over the cap of {cap:,} for a plain list; "
            f"read them with {instead}"
        )


class BudgetExceeded(DomainError):
    """The execution budget: what the cost bound allows, counted as lists and pages are read."""

    def __init__(self, resolved: int, bound: int) -> None:
        super().__init__(
            f"Query stopped: it read {resolved:,} objects, over the bound of {bound:,}. "
            "Ask for smaller pages or fewer nested lists."
        )


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _is_connection(type_: Any) -> bool:
    return isinstance(type_, GraphQLObjectType) and "edges" in type_.fields and "pageInfo" in type_.fields


def _page(field: FieldNode) -> int:
    """The length bound of a connection's edges: its `first` as written, a variable at the page cap."""
    for argument in field.arguments or ():
        if argument.name.value == "first":
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, min(int(value.value), MAX_PAGE))
            return MAX_PAGE if not _is_null(value) else DEFAULT_PAGE
    return DEFAULT_PAGE


def _is_null(value: Any) -> bool:
    return type(value).__name__ == "NullValueNode"


class _Costing:
    """Walks one operation with its fragments; each (selection set, type, page) is costed once."""

    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, Any], caps: Mapping[tuple[str, str], int]):
        self.schema = schema
        self.fragments = fragments
        self.caps = caps
        self._memo: dict[tuple[int, str, int | None], int] = {}
        self._open: set[str] = set()

    def selection_set(self, selections: SelectionSetNode, parent: Any, page: int | None) -> int:
        key = (id(selections), parent.name, page)
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition is not None else parent
                if target is not None:
                    total += self.selection_set(selection.selection_set, target, page)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self._open:  # unknown or cyclic: other rules report it
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                if target is not None:
                    self._open.add(name)
                    total += self.selection_set(fragment.selection_set, target, page)
                    self._open.discard(name)
        self._memo[key] = total
        return total

    def field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        name = node.name.value
        definition = self._definition(parent, name)
        if definition is None or node.selection_set is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        multiplier = 1
        if isinstance(_unwrap(definition.type), GraphQLList):
            if name == "edges" and page is not None and _is_connection(parent):
                multiplier = page
            else:
                multiplier = self.caps.get((parent.name, name), PLAIN_LIST_CAP)
        inner_page = _page(node) if _is_connection(named) else None
        return multiplier * (1 + self.selection_set(node.selection_set, named, inner_page))

    def _definition(self, parent: Any, name: str) -> Any:
        if name == "__schema" and parent is self.schema.query_type:
            return SchemaMetaFieldDef
        if name == "__type" and parent is self.schema.query_type:
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None


def _introspection_caps(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """The schema's own lists at their largest real length."""
    named = list(schema.type_map.values())
    composite = [t for t in named if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in composite for f in t.fields.values()]
    inputs = [t for t in named if isinstance(t, GraphQLInputObjectType)]

    def longest(values: list[int]) -> int:
        return max(values, default=0)

    return {
        ("__Schema", "types"): len(named),
        ("__Schema", "directives"): len(schema.directives),
        ("__Type", "fields"): longest([len(t.fields) for t in composite]),
        ("__Type", "interfaces"): longest([len(t.interfaces) for t in composite]),
        ("__Type", "possibleTypes"): longest([len(schema.get_possible_types(t)) for t in named if is_abstract_type(t)]),
        ("__Type", "enumValues"): longest([len(getattr(t, "values", {})) for t in named]),
        ("__Type", "inputFields"): longest([len(t.fields) for t in inputs]),
        ("__Field", "args"): longest([len(f.args) for f in fields]),
        ("__Directive", "args"): longest([len(d.args) for d in schema.directives]),
    }


class _SchemaCosts:
    """What the rule needs of a schema, computed once per schema."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.caps = {**LIST_CAPS, **_introspection_caps(schema)}
        fullest = get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
            one_of=True,
        )
        document = parse(fullest)
        fragments = _fragments(document)
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        self.introspection_bound = _Costing(schema, fragments, self.caps).selection_set(
            operation.selection_set, schema.query_type, None
        )


_SCHEMA_COSTS: WeakKeyDictionary[GraphQLSchema, _SchemaCosts] = WeakKeyDictionary()


def schema_costs(schema: GraphQLSchema) -> _SchemaCosts:
    costs = _SCHEMA_COSTS.get(schema)
    if costs is None:
        costs = _SCHEMA_COSTS[schema] = _SchemaCosts(schema)
    return costs


def operation_cost(context: ValidationContext, operation: OperationDefinitionNode) -> tuple[int, int]:
    """(cost of the data it asks for, cost of its introspection)."""
    schema = context.schema
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[operation.operation.value]
    if root is None:
        return 0, 0
    costing = _Costing(schema, _fragments(context.document), schema_costs(schema).caps)
    data = introspection = 0
    # One selection set per root field, kept alive while costing: the memo is keyed by node identity.
    singles = [SelectionSetNode(selections=(selection,)) for selection in operation.selection_set.selections]
    for selection, single in zip(operation.selection_set.selections, singles, strict=True):
        cost = costing.selection_set(single, root, None)
        if isinstance(selection, FieldNode) and selection.name.value.startswith("__"):
            introspection += cost
        else:
            data += cost
    return data, introspection


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def cost_validator(max_cost: int) -> type[ValidationRule]:
    """A validation rule refusing operations whose data cost exceeds `max_cost` (or whose introspection costs more
    than the fullest standard introspection query)."""

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
            data, introspection = operation_cost(self.context, node)
            if data > max_cost:
                self.report_error(
                    CostExceeded(
                        f"Query refused: it could resolve up to {data:,} objects, over the bound of {max_cost:,} "
                        f"(each list counts at its `first`, or at its cap of {PLAIN_LIST_CAP:,} for a plain list, "
                        "multiplied through nesting). Ask for smaller pages or fewer nested lists.",
                        node,
                        extensions={"code": "QUERY_COST", "cost": data, "bound": max_cost},
                    )
                )
            bound = schema_costs(self.context.schema).introspection_bound
            if introspection > bound:
                self.report_error(
                    CostExceeded(
                        f"Introspection refused: it could resolve up to {introspection:,} objects, over the "
                        f"{bound:,} of the full standard introspection query.",
                        node,
                        extensions={"code": "QUERY_COST", "cost": introspection, "bound": bound},
                    )
                )

    return QueryCostRule


__all__ = [
    "DEFAULT_MAX_QUERY_COST",
    "ITEM_ENTRIES_CAP",
    "LIST_CAPS",
    "PLAIN_LIST_CAP",
    "BudgetExceeded",
    "CostExceeded",
    "ListOverCap",
    "cost_validator",
    "operation_cost",
    "schema_costs",
]

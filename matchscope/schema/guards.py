"""Query guards (token, depth, alias and cost limits) as parse options and validation rules, with the parse and the
validation of each query text done once per process.

strawberry's QueryDepthLimiter and MaxAliasesLimiter build a new rule class per operation, and every operation
is parsed and validated again: for a 50-row page that is about a third of the request. A document depends only
on the query text (and the token cap), and whether it is valid only on the document, the schema and the rules,
all fixed for a schema: so a text that parsed and validated once is served from a bounded LRU from then on.
Texts that fail are not cached; they take strawberry's own path and get its errors.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from itertools import islice
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    NamedTypeNode,
    OperationDefinitionNode,
    parse,
)
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.types.graphql import OperationType

from matchscope.schema.cost import DEFAULT_MAX_QUERY_COST, cost_validator

CACHED_QUERIES = 256
# Longer texts are parsed and validated every time: the cache holds at most CACHED_QUERIES * this many characters.
CACHED_QUERY_CHARS = 20_000
# Introspection answers kept (GraphiQL and clients send one or two texts).
CACHED_INTROSPECTIONS = 16


class _Documents:
    """Query text -> (parsed document, validated): an LRU of at most `size` texts."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[DocumentNode, bool]] = OrderedDict()

    def get(self, query: str) -> tuple[DocumentNode, bool] | None:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
        return entry

    def put(self, query: str, document: DocumentNode, valid: bool) -> None:
        if len(query) > CACHED_QUERY_CHARS:
            return
        self._entries[query] = (document, valid)
        self._entries.move_to_end(query)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


class QueryGuards(SchemaExtension):
    """Token cap at parse time; depth and alias limits as validation rules; parse and validation cached."""

    def __init__(
        self,
        *,
        max_tokens: int,
        rules: tuple[type[ASTValidationRule], ...],
        documents: _Documents,
        introspections: OrderedDict[tuple[str, str | None], ExecutionResult],
    ) -> None:
        self.max_tokens = max_tokens
        self.rules = rules
        self.documents = documents
        self.introspections = introspections

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens  # also caps strawberry's own parse, if it runs
        context.validation_rules = context.validation_rules + self.rules
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.variables:
            writes = context.operation_type is OperationType.MUTATION
            if writes:  # first: what is held back is neither scanned nor coerced
                _hold_back_oversized_uploads(context)
            error = non_finite_variables(context.variables, writes=writes)
            if error is not None:
                context.result = ExecutionResult(data=None, errors=[error])
        key = self._introspection_key()
        if key is not None and context.result is None:
            cached = self.introspections.get(key)
            if cached is not None:
                self.introspections.move_to_end(key)
                context.result = cached
                key = None
        yield
        result = context.result
        if key is not None and isinstance(result, ExecutionResult) and not result.errors:
            self.introspections[key] = result
            while len(self.introspections) > CACHED_INTROSPECTIONS:
                self.introspections.popitem(last=False)

    def _introspection_key(self) -> tuple[str, str | None] | None:
        """(query text, operation name) of an operation that only introspects, without variables: its answer
        depends on the schema alone, the same for every caller, so it is computed once per process."""
        context = self.execution_context
        document, query = context.graphql_document, context.query
        if document is None or not query or context.variables or len(query) > CACHED_QUERY_CHARS:
            return None
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation.value != "query":
            return None
        fields = operations[0].selection_set.selections
        if not all(isinstance(f, FieldNode) and f.name.value.startswith("__") for f in fields):
            return None
        return query, context.operation_name

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query and context.graphql_document is None:
            cached = self.documents.get(query)
            if cached is not None:
                context.graphql_document = cached[0]
            else:
                try:
                    document = parse(query, max_tokens=self.max_tokens)
                except GraphQLError:
                    pass  # strawberry parses again and reports it
                else:
                    self.documents.put(query, document, valid=False)
                    context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        cached = self.documents.get(query) if query else None
        # Only the very document that validated counts (an extension may have swapped the text's document).
        known_valid = cached is not None and cached[1] and cached[0] is context.graphql_document
        if known_valid and context.pre_execution_errors is None:
            context.pre_execution_errors = []
        yield
        if query and not known_valid and context.pre_execution_errors == []:
            document = context.graphql_document
            if cached is not None and cached[0] is document and document is not None:
                self.documents.put(query, document, valid=True)


def _non_finite(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], float]]:
    if isinstance(value, float):
        if not math.isfinite(value):
            yield path, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _non_finite(inner, (*path, key))
    elif isinstance(value, list):
        if _finite_numbers(value):
            return
        for index, inner in enumerate(value):
            if isinstance(inner, float | dict | list):
                yield from _non_finite(inner, (*path, index))


def _finite_numbers(values: list[Any]) -> bool:
    """Whether `values` holds no float that is not finite, found at C speed (an upload's column of 10,000 values
    would otherwise be 10,000 steps here): no float, list or object at all, or only numbers with a finite
    `math.fsum`. False means "look closer": an infinity or a NaN (fsum returns or raises), a nested value, or finite
    numbers whose sum overflows."""
    kinds = set(map(type, values))
    if not kinds & {float, dict, list}:
        return True
    if not kinds <= {float, int}:
        return False
    try:
        return math.isfinite(math.fsum(values))
    except (ValueError, OverflowError):
        return False


def _describe(variables: Mapping[str, Any], path: tuple[str | int, ...], value: float) -> str:
    """`$boxes row 3 (annotationId 'k'): width = nan: ...`: the first list index is the row of the batch; in a
    column-shaped upload (`$columns.width[3]`) the list's name is the field: `$columns row 3: width = nan: ...`."""
    variable, *rest = path
    row_at = next((at for at, step in enumerate(rest) if isinstance(step, int)), None)
    if row_at is None:
        return f"${'.'.join(str(step) for step in path)} = {value}: must be a finite number"
    row: Any = variables[str(variable)]
    for step in rest[: row_at + 1]:
        row = row[step]
    key = row.get("annotationId") if isinstance(row, dict) else None
    where = f"${variable} row {rest[row_at]}" + (f" (annotationId {key!r})" if isinstance(key, str) else "")
    steps = rest[row_at + 1 :]
    if row_at > 0 and isinstance(rest[row_at - 1], str):
        steps = [rest[row_at - 1], *steps]
    field = ".".join(str(step) for step in steps) or "value"
    return f"{where}: {field} = {value}: must be a finite number"


def non_finite_variables(variables: Mapping[str, Any] | None, *, writes: bool) -> GraphQLError | None:
    """NaN and infinities that a JSON body can carry (bare `NaN`, `Infinity`, `1e400`), refused before execution
    with the row (index and annotationId) and the field, as an upload's own checks name them."""
    if not variables:
        return None
    found = list(islice(_non_finite(dict(variables), ()), 11))
    if not found:
        return None
    described = "; ".join(_describe(variables, path, value) for path, value in found[:10])
    more = " (and more)" if len(found) > 10 else ""
    written = "; nothing was written" if writes else ""
    return GraphQLError(f"Refused: {described}{more}{written}", extensions={"code": "NON_FINITE_NUMBER"})


UPLOAD_INPUTS = frozenset({"DatasetItemInput", "BoxAnnotationInput", "BoxPredictionInput"})


def _hold_back_oversized_uploads(execution: Any) -> None:
    """An upload variable over the row cap is refused by its mutation (a ValidationError giving the limit)
    without being coerced: coercing and converting 10,000 input objects takes seconds of the event loop. Its
    value is replaced by an empty list and its length noted for the resolver (`Context.oversized_uploads`)."""
    context = execution.context
    limit = getattr(getattr(context, "settings", None), "max_upload_rows", None)
    document = execution.graphql_document
    if limit is None or document is None:
        return
    variables = execution.variables
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for variable in definition.variable_definitions or ():
            name = variable.variable.name.value
            value = variables.get(name)
            if isinstance(value, list) and len(value) > limit and _named_type(variable.type) in UPLOAD_INPUTS:
                context.oversized_uploads[name] = len(value)
                variables[name] = []


def _named_type(node: Any) -> str:
    while not isinstance(node, NamedTypeNode):
        node = node.type
    return str(node.name.value)


def query_guards(
    *, max_depth: int, max_tokens: int, max_aliases: int, max_cost: int = DEFAULT_MAX_QUERY_COST
) -> Callable[[], SchemaExtension]:
    """A factory for `strawberry.Schema(extensions=...)`: one extension object per operation, sharing the rules
    (built once) and the document cache (one per schema)."""
    rules = (depth_validator(max_depth, None, None), alias_validator(max_aliases), cost_validator(max_cost))
    documents = _Documents(CACHED_QUERIES)
    introspections: OrderedDict[tuple[str, str | None], ExecutionResult] = OrderedDict()

    def factory() -> SchemaExtension:
        return QueryGuards(max_tokens=max_tokens, rules=rules, documents=documents, introspections=introspections)

    return factory


__all__ = ["CACHED_QUERIES", "CACHED_QUERY_CHARS", "QueryGuards", "query_guards"]

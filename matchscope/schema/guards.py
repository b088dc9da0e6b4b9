"""Query guards (token, depth, alias and cost limits) as parse options and validation rules, with the parse and the
validation of each query text done once per process.

strawberry's QueryDepthLimiter and MaxAliasesLimiter build a new rule class per operation, and every operation
is parsed and validated again: for a 50-row page that is about a third of the request. A document depends only
on the query text (and the token cap), and whether it is valid only on the document, the schema and the rules,
all fixed for a schema: so a text that parsed and validated once is served from a bounded LRU from then on.
Texts that fail are not cached; they take strawberry's own path and get its errors.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator

from graphql import ASTValidationRule, DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from matchscope.schema.cost import DEFAULT_MAX_QUERY_COST, cost_validator

CACHED_QUERIES = 256
# Longer texts are parsed and validated every time: the cache holds at most CACHED_QUERIES * this many characters.
CACHED_QUERY_CHARS = 20_000


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

    def __init__(self, *, max_tokens: int, rules: tuple[type[ASTValidationRule], ...], documents: _Documents) -> None:
        self.max_tokens = max_tokens
        self.rules = rules
        self.documents = documents

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens  # also caps strawberry's own parse, if it runs
        context.validation_rules = context.validation_rules + self.rules
        yield

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


def query_guards(
    *, max_depth: int, max_tokens: int, max_aliases: int, max_cost: int = DEFAULT_MAX_QUERY_COST
) -> Callable[[], SchemaExtension]:
    """A factory for `strawberry.Schema(extensions=...)`: one extension object per operation, sharing the rules
    (built once) and the document cache (one per schema)."""
    rules = (depth_validator(max_depth, None, None), alias_validator(max_aliases), cost_validator(max_cost))
    documents = _Documents(CACHED_QUERIES)

    def factory() -> SchemaExtension:
        return QueryGuards(max_tokens=max_tokens, rules=rules, documents=documents)

    return factory


__all__ = ["CACHED_QUERIES", "CACHED_QUERY_CHARS", "QueryGuards", "query_guards"]

"""The leaf-field executor is the schema's, skips graphql-core's field path for basic leaf fields, and gives exactly
what graphql-core's own executor gives: data, errors and their paths."""

from __future__ import annotations

import enum
import math
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from matchscope.resolvers.root import build_schema
from matchscope.schema.context import Context
from matchscope.schema.execution import LeafFieldsExecutor
from matchscope.schema.ids import to_global_id
from matchscope.services.actor import Actor
from matchscope.state import AppState
from tests.conftest import Caller
from tests.graphql.browse_data import store_evaluation

PAGE = """query($d: ID!, $m: ID!, $f: MatchFilter, $a: String) { evaluation(datasetId: $d, modelId: $m) {
  id isCurrent classAgnostic createdAt allowedLabelMatches { groundTruthLabel }
  matches(filter: $f, first: 40, after: $a) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id outcome iou confidence groundTruthLabel predictionLabel item { id referenceId width metadata }
      groundTruth { id label x y width height iscrowd metadata item { referenceId } }
      prediction { id label x y width height confidence classPdf } } } } } }"""
METRICS = """query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { metrics(iouThreshold: 0.75) {
  iouThreshold overall { truePositives precision recall f1 }
  perClass { label groundTruthCount counts { falsePositives f1 } }
  confusionMatrix { rowLabels counts } matchedIouHistogram { binEdges counts }
  itemsWithMostErrors(first: 5) { totalCount edges { cursor node { errors item { referenceId } } } } } } }"""
CATALOG = """{ datasets(first: 2) { edges { node { id name metadata items(first: 5) { totalCount edges { node {
  id referenceId annotations { id label x } } } } } } } }"""


async def _run(schema: strawberry.Schema, state: AppState, account_id: int, query: str, variables: Any) -> Any:
    result = await schema.execute(query, variable_values=variables, context_value=Context(Actor(account_id, state)))
    errors = [(error.message, error.path) for error in result.errors or []]
    return result.data, errors


async def test_same_results_as_graphql_core(state: AppState, caller: Caller) -> None:
    stored = await store_evaluation(state, caller.account_id, seed=3, items=12, via_service=True)
    fast = build_schema()
    plain = build_schema()
    plain.execution_context_class = StrawberryGraphQLCoreExecutionContext
    ids = {"d": to_global_id("Dataset", stored.dataset_id), "m": to_global_id("Model", stored.model_id)}
    cases: list[tuple[str, Any]] = [
        (PAGE, {**ids, "f": None}),
        (PAGE, {**ids, "f": {"outcomes": ["FALSE_NEGATIVE"]}}),
        (METRICS, ids),
        (CATALOG, None),
    ]
    for query, variables in cases:
        expected = await _run(plain, state, caller.account_id, query, variables)
        assert expected[0] is not None and not expected[1]
        assert await _run(fast, state, caller.account_id, query, variables) == expected


@strawberry.type
class Row:
    name: str
    score: float
    maybe: float | None
    count: int


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        # A non-finite float and a null where the type forbids one: errors at the same paths, same messages.
        return [
            Row(name="a", score=1.5, maybe=None, count=1),
            Row(name="b", score=math.inf, maybe=2.0, count=2),
            Row(name=None, score=0.0, maybe=math.nan, count=3),  # type: ignore[arg-type]
            Row(name="d", score=0.5, maybe=1.0, count=2**40),
        ]


@pytest.mark.parametrize("query", ["{ rows { name score maybe count } }", "{ rows { name alias: score } }"])
async def test_same_errors_as_graphql_core(query: str) -> None:
    plain = strawberry.Schema(query=Query)
    fast = strawberry.Schema(query=Query, execution_context_class=LeafFieldsExecutor)
    expected, got = await plain.execute(query), await fast.execute(query)
    assert expected.errors
    assert got.data == expected.data
    assert [(e.message, e.path) for e in got.errors or []] == [(e.message, e.path) for e in expected.errors]


@strawberry.enum
class Kind(enum.Enum):
    GOOD = "good"


@strawberry.type
class Leafy:
    name: str
    score: float | None
    kind: Kind

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class LeafyQuery:
    @strawberry.field
    def leaves(self) -> list[Leafy]:
        return [Leafy(name="a", score=0.5, kind=Kind.GOOD), Leafy(name="b", score=None, kind=Kind.GOOD)]


async def test_leaf_fields_skip_the_field_path() -> None:
    """The application's executor builds a resolve info only for fields with a resolver: if a strawberry or
    graphql-core upgrade stops it from recognising basic leaf fields, every field gets one and this fails."""
    executor = build_schema().execution_context_class
    assert executor is not None and issubclass(executor, LeafFieldsExecutor)
    resolved: list[str] = []

    class Recording(executor):  # type: ignore[valid-type,misc]
        def build_resolve_info(self, field_def: Any, field_nodes: Any, *args: Any, **kwargs: Any) -> Any:
            resolved.append(field_nodes[0].name.value)
            return super().build_resolve_info(field_def, field_nodes, *args, **kwargs)

    schema = strawberry.Schema(query=LeafyQuery, execution_context_class=Recording)
    result = await schema.execute("{ leaves { name score kind shout } }")
    assert result.errors is None
    assert result.data == {
        "leaves": [
            {"name": "a", "score": 0.5, "kind": "GOOD", "shout": "A"},
            {"name": "b", "score": None, "kind": "GOOD", "shout": "B"},
        ]
    }
    assert resolved == ["leaves", "shout", "shout"]

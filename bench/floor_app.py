"""The floor for bench/queries.py: a tiny strawberry schema that serves a page of the same shape from memory,
through the same server set-up (uvicorn, the application's GraphQL view, query guards and executor), no database."""

from __future__ import annotations

import enum
from functools import partial

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.extensions import MaskErrors
from strawberry.scalars import JSON

from matchscope.schema.execution import LeafFieldsExecutor
from matchscope.schema.guards import query_guards
from matchscope.schema.view import GraphQLView


@strawberry.enum
class MatchOutcome(enum.Enum):
    TRUE_POSITIVE = "TRUE_POSITIVE"
    FALSE_POSITIVE = "FALSE_POSITIVE"
    FALSE_NEGATIVE = "FALSE_NEGATIVE"


@strawberry.enum
class ErrorType(enum.Enum):
    CLASSIFICATION = "CLASSIFICATION"
    LOCALIZATION = "LOCALIZATION"
    BOTH = "BOTH"
    DUPLICATE = "DUPLICATE"
    BACKGROUND = "BACKGROUND"
    MISSED = "MISSED"


@strawberry.input
class MatchFilter:
    outcomes: list[MatchOutcome] | None = None
    ground_truth_labels: list[str] | None = None
    review_statuses: list[str] | None = None
    item_metadata: JSON | None = None  # a slice's page has the same shape: the floor ignores it
    error_types: list[ErrorType] | None = None


@strawberry.type
class Item:
    id: strawberry.ID
    reference_id: str


@strawberry.type
class Box:
    id: strawberry.ID
    label: str
    x: float
    y: float
    width: float
    height: float
    confidence: float | None


@strawberry.type
class Match:
    id: strawberry.ID
    outcome: MatchOutcome
    iou: float
    confidence: float | None
    ground_truth_label: str | None
    prediction_label: str | None
    item: Item
    ground_truth: Box | None
    prediction: Box | None


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge:
    cursor: str
    node: Match


@strawberry.type
class Connection:
    page_info: PageInfo
    edges: list[Edge]


def _page() -> Connection:
    edges = []
    for index in range(50):
        box = Box(
            id=strawberry.ID(f"Qm94{index}"), label="cat", x=1.5, y=2.5, width=30.25, height=40.75, confidence=0.5
        )
        node = Match(
            id=strawberry.ID(f"TWF0Y2g6{index}"),
            outcome=MatchOutcome.FALSE_POSITIVE,
            iou=0.4 - index / 1000,
            confidence=0.5,
            ground_truth_label="cat",
            prediction_label="dog",
            item=Item(id=strawberry.ID(f"SXRlbTo{index}"), reference_id=f"{index:012d}.jpg"),
            ground_truth=box,
            prediction=box,
        )
        edges.append(Edge(cursor=f"WzAuNCwxMjM0NV0{index}", node=node))
    return Connection(page_info=PageInfo(has_next_page=True, end_cursor=edges[-1].cursor), edges=edges)


PAGE = _page()


@strawberry.type
class Evaluation:
    @strawberry.field
    async def matches(
        self,
        iou_threshold: float = 0.5,
        filter: MatchFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection:
        return PAGE


@strawberry.type
class Query:
    @strawberry.field
    async def evaluation(self, dataset_id: strawberry.ID, model_id: strawberry.ID) -> Evaluation:
        return Evaluation()


def create_floor_app() -> Starlette:
    schema = strawberry.Schema(
        query=Query,
        extensions=[  # type: ignore[list-item]
            query_guards(max_depth=12, max_tokens=4000, max_aliases=30),
            partial(MaskErrors),
        ],
        execution_context_class=LeafFieldsExecutor,
    )
    return Starlette(routes=[Route("/graphql", GraphQLView(schema), methods=["GET", "POST"])])

"""GraphQL types for browsing an evaluation's entries: matches, their filters and order, one item's entries."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Iterable, Iterator

import strawberry
from graphql.pyutils import Path
from strawberry.types.nodes import SelectedField, Selection

from matchscope.schema.catalog import BoxAnnotation, BoxPrediction, DatasetItem
from matchscope.schema.common import JSON, Connection, Edge, Node, PageInfo, assemble
from matchscope.schema.context import Info
from matchscope.schema.error_types import ErrorType
from matchscope.schema.ids import expect_id, from_global_id, to_global_id
from matchscope.schema.reviews import Review, ReviewStatus, to_statuses
from matchscope.services import browse, slices
from matchscope.services.pagination import Page


@strawberry.enum(description="The outcome of an entry at the query's IoU and confidence thresholds.")
class MatchOutcome(enum.Enum):
    TRUE_POSITIVE = "TRUE_POSITIVE"
    FALSE_POSITIVE = "FALSE_POSITIVE"
    FALSE_NEGATIVE = "FALSE_NEGATIVE"


@strawberry.type(description="The ground truth of highest IoU with a false positive's prediction, any label.")
class NearestGroundTruth:
    ground_truth: BoxAnnotation
    iou: float


@strawberry.enum
class MatchOrderField(enum.Enum):
    IOU = "IOU"
    CONFIDENCE = "CONFIDENCE"


@strawberry.enum
class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Sort key; ids break ties in the same direction. CONFIDENCE reads null as 1.")
class MatchOrder:
    field: MatchOrderField = MatchOrderField.IOU
    direction: OrderDirection = OrderDirection.DESC

    def to_order(self) -> browse.MatchOrder:
        return browse.MatchOrder(
            field=browse.SortField(self.field.value), descending=self.direction is OrderDirection.DESC
        )


@strawberry.input(description="Every condition given must hold. Confidence bounds read null as 1.")
class MatchFilter:
    outcomes: list[MatchOutcome] | None = None
    ground_truth_labels: list[str] | None = None
    prediction_labels: list[str] | None = None
    min_iou: float | None = None
    max_iou: float | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    item_id: strawberry.ID | None = None
    review_statuses: list[ReviewStatus] | None = strawberry.field(
        default=None, description="UNREVIEWED: entries without a review."
    )
    item_metadata: JSON | None = strawberry.field(
        default=None,
        description="A slice: entries of items whose metadata has each of these keys with that value, e.g. "
        '{"weather": "rain", "camera": 2} (JSON scalars, compared with their type; null: present and null).',
    )
    error_types: list[ErrorType] | None = strawberry.field(
        default=None,
        description="Entries of these error types at the query's thresholds (none of an evaluation computed before "
        "error types existed).",
    )

    def to_query(self) -> browse.MatchFilter:
        return browse.MatchFilter(
            outcomes=None if self.outcomes is None else frozenset(browse.Outcome(o.value) for o in self.outcomes),
            ground_truth_labels=None if self.ground_truth_labels is None else tuple(self.ground_truth_labels),
            prediction_labels=None if self.prediction_labels is None else tuple(self.prediction_labels),
            min_iou=self.min_iou,
            max_iou=self.max_iou,
            min_confidence=self.min_confidence,
            max_confidence=self.max_confidence,
            item_id=None if self.item_id is None else expect_id(self.item_id, "DatasetItem"),
            review_statuses=to_statuses(self.review_statuses),
            item_metadata=None
            if self.item_metadata is None
            else slices.ItemMetadata.parse(self.item_metadata, "filter.itemMetadata"),
            error_types=None if self.error_types is None else frozenset(self.error_types),
        )


@strawberry.type(description="One entry of an evaluation at the query's thresholds.")
class Match(Node):
    outcome: MatchOutcome
    iou: float
    ground_truth_label: str | None
    prediction_label: str | None
    confidence: float | None
    error_type: ErrorType | None = strawberry.field(
        description="At the query's thresholds; null on true positives, on false negatives whose ground truth a "
        "false positive nearly found, and on entries of evaluations computed before error types existed."
    )
    # Read by the page's own statement: no resolver, no query.
    item: DatasetItem
    ground_truth: BoxAnnotation | None
    prediction: BoxPrediction | None
    nearest_pk: strawberry.Private[int | None]
    nearest_iou: strawberry.Private[float | None]

    @strawberry.field(
        description="On a false positive: the item's ground truth of highest IoU with the prediction, any label (the "
        "first by upload order on a tie). Null on other outcomes, when no ground truth overlaps the prediction, "
        "when that ground truth was deleted since, and on evaluations computed before this field existed."
    )
    async def nearest_ground_truth(self, info: Info) -> NearestGroundTruth | None:
        if self.nearest_pk is None or self.nearest_iou is None:
            return None
        row = await info.context.loaders.annotation.load(self.nearest_pk)
        if row is None:
            return None
        return NearestGroundTruth(ground_truth=BoxAnnotation.from_row(row), iou=self.nearest_iou)

    @strawberry.field(description="The review of the entry's pair of boxes; null when it has none (UNREVIEWED).")
    async def review(self, info: Info) -> Review | None:
        decoded = from_global_id(self.id)
        assert decoded is not None, "a Match's own id"
        found = await info.context.loaders.review.load(decoded[1])
        return None if found is None else Review.from_review(found)

    @classmethod
    def from_row(cls, row: browse.MatchRow) -> Match:
        # Unpacked at once (a page builds 50 of these; one attribute read per field costs five times as much):
        # the names are MatchRow's fields in its order but `id` and `sort_value` (tests/graphql/test_match_row.py).
        (entry_id, item_id, ground_truth_id, prediction_id, ground_truth_label, prediction_label, iou, confidence,
         outcome_code, _sort_value, error_type_code, nearest_ground_truth_id, nearest_iou, item_reference_id,
         ground_truth_annotation_id, ground_truth_box_label, ground_truth_x, ground_truth_y, ground_truth_width,
         ground_truth_height, prediction_annotation_id, prediction_box_label, prediction_x, prediction_y,
         prediction_width, prediction_height, prediction_confidence, item_image_location, item_width, item_height,
         item_metadata, ground_truth_iscrowd, ground_truth_metadata, prediction_class_pdf, prediction_metadata,
         dataset_id, model_id) = row  # fmt: skip
        assert item_reference_id is not None, "entries are read with their item"
        ground_truth = prediction = None
        if ground_truth_annotation_id is not None:
            assert ground_truth_id is not None and ground_truth_box_label is not None  # NOT NULL columns
            assert ground_truth_x is not None and ground_truth_y is not None
            assert ground_truth_width is not None and ground_truth_height is not None
            ground_truth = BoxAnnotation.of(
                ground_truth_id, item_id, ground_truth_annotation_id, ground_truth_box_label, ground_truth_x,
                ground_truth_y, ground_truth_width, ground_truth_height, ground_truth_iscrowd, ground_truth_metadata,
            )  # fmt: skip
        if prediction_annotation_id is not None:
            assert prediction_id is not None and prediction_box_label is not None
            assert prediction_x is not None and prediction_y is not None
            assert prediction_width is not None and prediction_height is not None
            prediction = BoxPrediction.of(
                prediction_id, item_id, model_id, prediction_annotation_id, prediction_box_label, prediction_x,
                prediction_y, prediction_width, prediction_height, prediction_confidence, prediction_class_pdf,
                prediction_metadata,
            )  # fmt: skip
        return assemble(
            cls,
            {
                "id": to_global_id("Match", entry_id),
                "outcome": _OUTCOMES_BY_CODE[outcome_code],
                "iou": iou,
                "ground_truth_label": ground_truth_label,
                "prediction_label": prediction_label,
                "confidence": confidence,
                "error_type": None if error_type_code is None else browse.ERROR_TYPE_BY_CODE[error_type_code],
                "nearest_pk": nearest_ground_truth_id,
                "nearest_iou": nearest_iou,
                "item": DatasetItem.of(
                    item_id,
                    dataset_id,
                    item_reference_id,
                    item_image_location,
                    item_width,
                    item_height,
                    item_metadata,
                ),
                "ground_truth": ground_truth,
                "prediction": prediction,
            },
        )


_OUTCOMES_BY_CODE = {code: MatchOutcome(outcome.value) for code, outcome in browse.OUTCOME_BY_CODE.items()}


@strawberry.type(name="MatchConnection")
class MatchConnection:
    edges: list[Edge[Match]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many entries match the filter at these thresholds.")
    async def total_count(self) -> int:
        return await self.count()


def remember_items(info: Info, rows: list[browse.MatchRow], details: browse.RowDetails = browse.EVERY_DETAIL) -> None:
    """Keep the items read with the entries for the rest of the request: `item` of a page's boxes costs no query.
    Only whole items: those read with every detail."""
    if not details.item:
        return
    known = info.context.known_items
    for row in rows:
        known[row.item_id] = row.item


def match_connection(
    info: Info,
    page: Page[browse.MatchRow],
    count: Callable[[], Awaitable[int]],
    details: browse.RowDetails = browse.EVERY_DETAIL,
) -> MatchConnection:
    remember_items(info, page.rows, details)
    connection = Connection.from_page(page, Match.from_row, count)
    return MatchConnection(edges=connection.edges, page_info=connection.page_info, count=count)


# The fields behind each relation's seldom-shown columns (browse.RowDetails); its other fields need none of them.
_ITEM_DETAILS = frozenset({"imageLocation", "width", "height", "metadata"})
_GROUND_TRUTH_DETAILS = frozenset({"iscrowd", "metadata"})
_PREDICTION_DETAILS = frozenset({"classPdf", "metadata"})


# Details per (operation, path of `matches` without list indices, with each level's type): those pick the same
# field nodes every time unless a @skip/@include reads a variable, so operations with a directive are not kept.
# A document is parsed once per query text (schema.guards); holding the operation keeps its id from being reused.
_KNOWN_DETAILS: dict[tuple[int, tuple[tuple[str, str | None], ...]], tuple[object, browse.RowDetails]] = {}
_KNOWN_DETAILS_LIMIT = 256


def row_details(info: Info) -> browse.RowDetails:
    """Which seldom-shown columns the entries' rows need: those of fields this `matches` selects under
    `edges { node { item | groundTruth | prediction { ... } } }`, through fragments, whatever their directives say
    (reading a column that is then skipped costs little; leaving out one that is read would be wrong)."""
    operation = info.operation
    path = []
    level: Path | None = info.path
    while level is not None:
        if not isinstance(level.key, int):
            path.append((level.key, level.typename))
        level = level.prev
    key = (id(operation), tuple(path))
    known = _KNOWN_DETAILS.get(key)
    if known is not None and known[0] is operation:
        return known[1]
    details = _row_details(info.selected_fields)
    query = info.query
    if query is not None and "@" not in query:
        if len(_KNOWN_DETAILS) >= _KNOWN_DETAILS_LIMIT:
            _KNOWN_DETAILS.clear()
        _KNOWN_DETAILS[key] = (operation, details)
    return details


def _row_details(matches: list[Selection]) -> browse.RowDetails:
    under_node = _under(_under(matches, "edges"), "node")

    def wanted(relation: str, details: frozenset[str]) -> bool:
        return not _field_names(_under(under_node, relation)).isdisjoint(details)

    return browse.RowDetails(
        item=wanted("item", _ITEM_DETAILS),
        ground_truth=wanted("groundTruth", _GROUND_TRUTH_DETAILS),
        prediction=wanted("prediction", _PREDICTION_DETAILS),
        error_type="errorType" in _field_names(under_node),
    )


def _selections(fields: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields selected directly by these fields, fragments spread."""
    for field in fields:
        pending = list(field.selections)
        while pending:
            selection = pending.pop()
            if isinstance(selection, SelectedField):
                yield selection
            else:  # a fragment, spread or inline
                pending.extend(selection.selections)


def asks_error_type(info: Info) -> bool:
    """Whether a connection of flips selects `errorType` of either side: `edges { node { base | other { ... } } }`,
    through fragments."""
    under_node = _under(_under(info.selected_fields, "edges"), "node")
    return "errorType" in _field_names([*_under(under_node, "base"), *_under(under_node, "other")])


def _under(fields: Iterable[Selection], name: str) -> list[SelectedField]:
    return [field for field in _selections(fields) if field.name == name]


def _field_names(fields: Iterable[Selection]) -> set[str]:
    return {field.name for field in _selections(fields)}


async def item_entries(
    info: Info, item_pk: int, evaluation_id: str, iou_threshold: float, confidence_threshold: float
) -> list[Match]:
    """`DatasetItem.entries`: one item's entries in a visible evaluation; empty when it is not visible."""
    evaluation_pk = expect_id(evaluation_id, "Evaluation")
    thresholds = browse.Thresholds(iou=iou_threshold, confidence=confidence_threshold)
    rows = await browse.entries_on_item(
        info.context.actor, evaluation_id=evaluation_pk, item_id=item_pk, thresholds=thresholds
    )
    remember_items(info, rows)
    return [Match.from_row(row) for row in rows]

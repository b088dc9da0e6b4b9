"""The rows a page reads with its entries: which columns of the item and boxes (RowDetails), how they are joined,
and how records become MatchRows."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, Subquery, null, select, true

from matchscope.services.browse.evaluations import EvaluationRow
from matchscope.services.browse.records import FALSE_NEGATIVE_CODE, PREDICTION_FIELDS, MatchOrder, MatchRow, Thresholds
from matchscope.services.browse.sql import literal_limit
from matchscope.store.tables import BoxAnnotation, BoxPrediction, DatasetItem

ITEM = DatasetItem.__table__.c  # type: ignore[attr-defined]
ANNOTATION = BoxAnnotation.__table__.c  # type: ignore[attr-defined]
PREDICTION = BoxPrediction.__table__.c  # type: ignore[attr-defined]
# Only what the entry and its evaluation do not already say (the rows' own ids, item, dataset and model are the
# entry's and the evaluation's), in MatchRow's order: each relation's columns always read, then the seldom-shown
# ones of each relation. The first column of each relation is NOT NULL, so None there means no row was joined.
BOX = ("annotation_id", "label", "x", "y", "width", "height")
ALWAYS = (
    [ITEM["reference_id"]],
    [ANNOTATION[name] for name in BOX],
    [PREDICTION[name] for name in (*BOX, "confidence")],
)
DETAILS = (
    [ITEM[name] for name in ("image_location", "width", "height", "metadata")],
    [ANNOTATION["iscrowd"], ANNOTATION["metadata"]],
    [PREDICTION["class_pdf"], PREDICTION["metadata"]],
)
PAGE_ORDER = itemgetter(9, 0)  # (sort value, id)
# What a record lacks of a MatchRow: the seldom-shown columns after the last relation that reads them, then the
# evaluation's dataset and model.
ROW_FIELDS = len(MatchRow._fields) - 2


@dataclass(frozen=True, slots=True)
class RowDetails:
    """Whether a page reads the seldom-shown columns of the rows its entries name: the item's image location, size
    and metadata; the ground truth's crowd flag and metadata; the prediction's class PDF and metadata. Each left
    out spares a page 50 to 200 values (a page reads 32 columns a row with all of them, 24 without); the row then
    holds None there."""

    item: bool = True
    ground_truth: bool = True
    prediction: bool = True
    # Whether false negatives are typed (MISSED or not): a lookup of the item's predictions per row. A false
    # positive's type is read from its own row whatever this says.
    error_type: bool = True

    def columns(self, relations: tuple[Any, ...]) -> list[Any]:
        """The columns a page reads after the entry's, from the item, ground truth and prediction given as
        tables or subqueries: those always read, then the seldom-shown ones, as NULL where not wanted but a later
        relation's are (a row is the record plus the missing tail)."""
        columns = [
            relation.c[column.name] for relation, group in zip(relations, ALWAYS, strict=True) for column in group
        ]
        wanted = self._wanted()
        last = max((index for index, flag in enumerate(wanted) if flag), default=-1)
        for index in range(last + 1):
            group = DETAILS[index]
            if wanted[index]:
                columns.extend(relations[index].c[column.name] for column in group)
            else:
                columns.extend(null().label(f"no_{index}_{column.name}") for column in group)
        return columns

    def lookup_columns(self, index: int) -> list[Any]:
        """What the lookup of relation `index` (item, ground truth, prediction) selects."""
        return [*ALWAYS[index], *(DETAILS[index] if self._wanted()[index] else [])]

    def _wanted(self) -> tuple[bool, bool, bool]:
        return self.item, self.ground_truth, self.prediction


EVERY_DETAIL = RowDetails()


def with_rows_named(page: Subquery, lateral: bool, details: RowDetails) -> Select[Any]:
    """The page's entries with the item and boxes each names, in no particular order: `to_rows` sorts them, which
    costs less than SQLite's sorter. On PostgreSQL each is a LATERAL lookup by primary key: with plain joins the
    planner hashes the whole item table for a page's 50 rows when its statistics are small or stale (1.8 ms instead
    of 1.1 ms for a page, measured on the browsing benchmark's database)."""
    keys = (
        (ITEM.id, page.c.item_id),
        (ANNOTATION.id, page.c.ground_truth_id),
        (PREDICTION.id, page.c.prediction_id),
    )
    if not lateral:
        tables = (DatasetItem.__table__, BoxAnnotation.__table__, BoxPrediction.__table__)  # type: ignore[attr-defined]
        statement = select(page, *details.columns(tables))
        for (key, reference), table in zip(keys, tables, strict=True):
            statement = statement.outerjoin(table, key == reference)
        return statement
    lookups = tuple(
        select(*details.lookup_columns(index)).where(key == reference).limit(literal_limit(1)).lateral()
        for index, (key, reference) in enumerate(keys)
    )
    joined: Any = page
    for lookup in lookups:
        joined = joined.outerjoin(lookup, true())
    return select(page, *details.columns(lookups)).select_from(joined)


def to_rows(
    evaluation: EvaluationRow, records: list[Any], order: MatchOrder, thresholds: Thresholds, limit: int | None = None
) -> list[MatchRow]:
    """The page's records in order, the first `limit` of them as entries."""
    records.sort(key=PAGE_ORDER, reverse=order.descending)
    return as_rows(evaluation, records[:limit], thresholds)


def as_rows(evaluation: EvaluationRow, records: list[Any], thresholds: Thresholds) -> list[MatchRow]:
    """Records of one evaluation's entries as MatchRows, in their order."""
    if not records:
        return []
    tail = (None,) * (ROW_FIELDS - len(records[0])) + (evaluation.dataset_id, evaluation.model_id)
    make = MatchRow._make
    rows = [make(record + tail) for record in records]
    minimum = thresholds.confidence
    if minimum > 0.0:
        for index, row in enumerate(rows):
            # Only a ground truth's entry is a false negative (every branch fixes is_prediction: no page reads it).
            confidence = 1.0 if row.confidence is None else row.confidence
            if row.outcome_code == FALSE_NEGATIVE_CODE and confidence < minimum:
                values = list(row)
                for position in PREDICTION_FIELDS:  # not part of the outcome set at this threshold
                    values[position] = None
                rows[index] = make(values)
    return rows

"""Column-shaped uploads → the records that row-shaped uploads give the ingest service.

A column is a plain list (one entry per row) that GraphQL did not coerce entry by entry: the types its entries must
have (what GraphQL's String, Float and Boolean accept) are checked here, a column at a time (`set(map(type, ...))`,
at C speed; only a column holding a wrong type is walked to name its rows). What passes becomes the very records
a row-shaped upload of the same rows gives `ingest.annotate` / `ingest.upload_predictions`, so both paths validate
and write alike: the same checks, keys, counts and errors (each naming the row, the row's field and the value).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from itertools import repeat
from typing import Any

from matchscope.services import validation
from matchscope.services.errors import FieldIssue, ValidationFailed
from matchscope.services.records import AnnotationRecord, PredictionRecord

Column = Sequence[Any]
_NONE = type(None)
# The Python types a JSON value of each kind arrives as (a JSON number is an int or a float; bool is not a number).
_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "number": frozenset({float, int}),
    "boolean": frozenset({bool}),
}
_REFUSED = {"string": "must be a string", "number": "must be a number", "boolean": "must be true or false"}


@dataclass(frozen=True, slots=True)
class BoxColumns:
    """The columns of `records.BoxRecord`'s fields, one entry per row."""

    item_reference_ids: Column
    labels: Column
    x: Column
    y: Column
    width: Column
    height: Column
    annotation_ids: Column | None = None


@dataclass(frozen=True, slots=True)
class AnnotationColumns(BoxColumns):
    iscrowd: Column | None = None
    metadata: Column | None = None
    areas: Column | None = None


@dataclass(frozen=True, slots=True)
class PredictionColumns(BoxColumns):
    confidences: Column | None = None
    class_pdfs: Column | None = None
    metadata: Column | None = None


# (column, the row field its entries fill as errors name it, kind, whether an entry may be null)
_BOX_COLUMNS = (
    ("itemReferenceIds", "itemReferenceId", "string", False),
    ("labels", "label", "string", False),
    ("x", "x", "number", False),
    ("y", "y", "number", False),
    ("width", "width", "number", False),
    ("height", "height", "number", False),
    ("annotationIds", "annotationId", "string", True),
)
_ANNOTATION_COLUMNS = (
    *_BOX_COLUMNS,
    ("iscrowd", "iscrowd", "boolean", False),
    ("metadata", "metadata", "json", True),
    ("areas", "area", "number", True),
)
_PREDICTION_COLUMNS = (
    *_BOX_COLUMNS,
    ("confidences", "confidence", "number", True),
    ("classPdfs", "classPdf", "json", True),
    ("metadata", "metadata", "json", True),
)


def _entries(issues: list[FieldIssue], field: str, values: Column, kind: str, nullable: bool) -> Column:
    """The column's entries as the row field would hold them (numbers as floats, as GraphQL's Float gives them);
    each entry of a wrong type is an issue naming its row."""
    if kind == "json":
        return values
    allowed = _TYPES[kind] | {_NONE} if nullable else _TYPES[kind]
    found = set(map(type, values))
    if not found <= allowed:
        for row, value in enumerate(values):
            if type(value) not in allowed:
                message = "is required" if value is None else _REFUSED[kind]
                issues.append(FieldIssue(field, value, message, row))
        return values
    if kind != "number" or int not in found:
        return values
    floats: list[float | None] = []
    for row, value in enumerate(values):
        try:
            floats.append(None if value is None else float(value))
        except OverflowError:
            issues.append(FieldIssue(field, value, "must be a finite number", row))
            floats.append(None)
    return floats


def _columns(
    given: dict[str, Column | None], layout: Sequence[tuple[str, str, str, bool]], what: str, max_rows: int | None
) -> list[Column]:
    """Every column of `layout` checked (absent optional ones: None for every row), in `layout`'s order."""
    rows = len(given["itemReferenceIds"] or ())
    validation.check_batch_size(what, rows, max_rows)
    issues: list[FieldIssue] = []
    lengths = {name: len(values) for name, values in given.items() if values is not None}
    for name, length in lengths.items():
        if length != rows:
            issues.append(
                FieldIssue(
                    name,
                    f"{length:,} entries",
                    f"every column holds one entry per row: itemReferenceIds has {rows:,}",
                )
            )
    if issues:
        raise ValidationFailed(issues)
    columns: list[Column] = []
    for name, field, kind, nullable in layout:
        values = given[name]
        columns.append([None] * rows if values is None else _entries(issues, field, values, kind, nullable))
    if issues:
        issues.sort(key=lambda issue: issue.row if issue.row is not None else -1)
        raise ValidationFailed(issues)
    return columns


def _given(columns: BoxColumns) -> dict[str, Column | None]:
    """The columns by their GraphQL names (`itemReferenceIds`), as `_columns` and its errors name them."""
    return {_camel_case(field.name): getattr(columns, field.name) for field in fields(columns)}


def _camel_case(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def annotation_records(columns: AnnotationColumns, *, max_rows: int | None) -> list[AnnotationRecord]:
    """The rows of ground-truth columns; ValidationFailed naming each bad row's field and value."""
    references, labels, x, y, width, height, keys, iscrowd, metadata, areas = _columns(
        _given(columns), _ANNOTATION_COLUMNS, "columns", max_rows
    )
    if columns.iscrowd is None:
        iscrowd = list(repeat(False, len(references)))
    return [
        AnnotationRecord(*row)
        for row in zip(references, labels, x, y, width, height, keys, iscrowd, metadata, areas, strict=True)
    ]


def prediction_records(columns: PredictionColumns, *, max_rows: int | None) -> list[PredictionRecord]:
    """The rows of prediction columns; ValidationFailed naming each bad row's field and value."""
    columns_in_order = _columns(_given(columns), _PREDICTION_COLUMNS, "columns", max_rows)
    return [PredictionRecord(*row) for row in zip(*columns_in_order, strict=True)]

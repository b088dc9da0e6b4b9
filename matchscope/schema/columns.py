"""Column-shaped upload inputs: one JSON list per field, entry i of every list being row i.

A row-shaped upload of 10,000 predictions is 10,000 input objects that graphql-core coerces field by field
(~120 ms of a request, more than the rest of the GraphQL work together); a list-typed column (`[Float!]!`) costs the
same, as graphql-core coerces each entry. A column scalar is one value to graphql-core, however long (~1 ms for
the same rows): its entries are checked by the service, all of them at once (services/columns.py), with the row,
field and value of each bad one in the payload's ValidationError, as the row-shaped uploads name them.
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from matchscope.schema.upload_inputs import built_from_mapping
from matchscope.services.columns import AnnotationColumns, PredictionColumns


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"a column is a JSON list with one entry per row, not {type(value).__name__}")
    return value


StringColumn = NewType("StringColumn", list[Any])
FloatColumn = NewType("FloatColumn", list[Any])
BooleanColumn = NewType("BooleanColumn", list[Any])
JSONColumn = NewType("JSONColumn", list[Any])
_ENTRIES = {
    StringColumn: "each a string (null where the column's field is optional)",
    FloatColumn: "each a number (null where the column's field is optional)",
    BooleanColumn: "each true or false",
    JSONColumn: "each any JSON value, or null",
}
# For StrawberryConfig(scalar_map=...).
COLUMN_SCALARS: dict[object, ScalarDefinition] = {
    kind: strawberry.scalar(
        name=kind.__name__,
        description=f"A column of an upload: a JSON list with one entry per row, {entries}.",
        serialize=_list,
        parse_value=_list,
    )
    for kind, entries in _ENTRIES.items()
}

_ROWS = "Every column given holds one entry per row; a refused row is named by its index and its field's row name."


@strawberry.input
class _BoxColumnsInput:
    """The columns both box column inputs start with (services/columns.py:BoxColumns'); not a type of the schema
    itself."""

    item_reference_ids: StringColumn
    labels: StringColumn
    x: FloatColumn
    y: FloatColumn
    width: FloatColumn
    height: FloatColumn


@built_from_mapping
@strawberry.input(description=f"Ground-truth boxes as columns (the fields of BoxAnnotationInput). {_ROWS}")
class BoxAnnotationColumnsInput(_BoxColumnsInput):
    annotation_ids: StringColumn | None = strawberry.field(
        default=None, description="null, or a null entry: the key derived from label and box."
    )
    iscrowd: BooleanColumn | None = strawberry.field(default=None, description="null: false for every row.")
    metadata: JSONColumn | None = None
    areas: FloatColumn | None = strawberry.field(
        default=None, description="COCO's segment areas; null, or a null entry: width * height."
    )

    def to_columns(self) -> AnnotationColumns:
        return AnnotationColumns(**vars(self))


@built_from_mapping
@strawberry.input(description=f"A model's predictions as columns (the fields of BoxPredictionInput). {_ROWS}")
class BoxPredictionColumnsInput(_BoxColumnsInput):
    annotation_ids: StringColumn | None = strawberry.field(
        default=None, description="null, or a null entry: the key derived from label, box and confidence."
    )
    confidences: FloatColumn | None = strawberry.field(default=None, description="null, or a null entry: none.")
    class_pdfs: JSONColumn | None = None
    metadata: JSONColumn | None = None

    def to_columns(self) -> PredictionColumns:
        return PredictionColumns(**vars(self))

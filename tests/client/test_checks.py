"""The whole-upload check of a prediction table (what import_coco reads a results file into) refuses exactly what
the check of the same rows as BoxPredictions refuses, with the same errors."""

from __future__ import annotations

import math
from typing import Any

import pytest

from matchscope.client import ValidationError
from matchscope.client._checks import check_table, check_upload
from matchscope.client.records import PredictionTable

pytestmark = pytest.mark.database_independent


def _table(rows: int = 6) -> PredictionTable:
    return PredictionTable(
        labels=["cat", "dog"] * (rows // 2),
        x=[float(i) for i in range(rows)],
        y=[2] * rows,
        width=[10.5] * rows,
        height=[3.0] * rows,
        reference_ids=[f"{i % 3}.jpg" for i in range(rows)],
        confidences=[i / rows for i in range(rows)],
        annotation_ids=[str(i + 1) for i in range(rows)],
    )


def _errors(check: Any, rows: Any) -> list[tuple[Any, ...]]:
    with pytest.raises(ValidationError) as raised:
        check(rows, "predictions")
    return [(e.row, e.field, e.value, e.message) for e in raised.value.errors]


def test_a_clean_table_passes() -> None:
    check_table(_table(), "predictions")
    table = _table()
    table.confidences[2] = None  # no confidence: allowed
    table.x[1] = -5  # x may be negative
    check_table(table, "predictions")


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [
        ("width", 3, -1.0),
        ("height", 0, math.nan),
        ("x", 2, math.inf),
        ("y", 5, "7"),
        ("y", 4, True),
        ("confidences", 1, 1.5),
        ("confidences", 4, -0.1),
        ("labels", 2, " "),
        ("labels", 3, None),
        ("labels", 0, "x" * 501),
        ("reference_ids", 1, ""),
        ("annotation_ids", 4, "1"),  # row 0's key on another item is fine; on the same item a duplicate
        ("annotation_ids", 3, "1"),
    ],
)
def test_a_bad_entry_is_refused_as_the_rows_check_refuses_it(column: str, row: int, value: Any) -> None:
    table = _table()
    getattr(table, column)[row] = value
    if column == "annotation_ids" and row == 4:
        check_table(table, "predictions")  # rows 0 and 4 are on different items
        return
    expected = _errors(check_upload, table.rows())
    assert expected and expected[0][0] == row
    assert _errors(check_table, table) == expected

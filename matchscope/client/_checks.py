"""The checks the server runs on every batch that need no stored data, run by the client on a whole upload of
more than one batch before it sends any: a bad row then refuses the upload before a batch is written. (Unknown
items are only known to the server: such a batch is refused there, after the batches before it.)"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matchscope.client.errors import FieldError, ValidationError
from matchscope.client.records import BoxAnnotation, BoxPrediction, DatasetItem, PredictionTable

MAX_TEXT = 500  # the server's limit on names, labels and keys


def _text(errors: list[FieldError], row: int, field: str, value: Any, *, required: bool) -> None:
    if value is None:
        if required:
            errors.append(FieldError(row, field, "None", "is required"))
    elif not isinstance(value, str):
        errors.append(FieldError(row, field, repr(value)[:200], "must be a string"))
    elif not value.strip():
        errors.append(FieldError(row, field, repr(value), "must not be empty"))
    elif len(value) > MAX_TEXT:
        errors.append(FieldError(row, field, repr(value[:40] + "..."), f"is longer than {MAX_TEXT} characters"))


def _number(errors: list[FieldError], row: int, field: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(FieldError(row, field, repr(value)[:200], "must be a number"))
    elif not math.isfinite(value):
        errors.append(FieldError(row, field, repr(value), "must be finite"))
    elif not low <= value <= high:
        message = "must not be negative" if high == math.inf else f"must be within [{low:g}, {high:g}]"
        errors.append(FieldError(row, field, repr(value), message))


def _item_errors(items: Sequence[DatasetItem]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for row, item in enumerate(items):
        _text(errors, row, "referenceId", item.reference_id, required=True)
        for field, size in (("width", item.width), ("height", item.height)):
            if size is not None:
                _number(errors, row, field, size, 0, math.inf)
        first = seen.setdefault(item.reference_id, row)
        if first != row:
            errors.append(FieldError(row, "referenceId", repr(item.reference_id), f"duplicates row {first}"))
    return errors


def _box_errors(boxes: Sequence[BoxAnnotation | BoxPrediction]) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: dict[tuple[str, str], int] = {}
    for row, box in enumerate(boxes):
        _text(errors, row, "itemReferenceId", box.reference_id, required=True)
        _text(errors, row, "label", box.label, required=True)
        _text(errors, row, "annotationId", box.annotation_id, required=False)
        _number(errors, row, "x", box.x, -math.inf, math.inf)
        _number(errors, row, "y", box.y, -math.inf, math.inf)
        _number(errors, row, "width", box.width, 0, math.inf)
        _number(errors, row, "height", box.height, 0, math.inf)
        if isinstance(box, BoxPrediction) and box.confidence is not None:
            _number(errors, row, "confidence", box.confidence, 0, 1)
        if isinstance(box, BoxAnnotation) and box.area is not None:
            _number(errors, row, "area", box.area, 0, math.inf)
        if box.annotation_id is not None:
            first = seen.setdefault((box.reference_id, box.annotation_id), row)
            if first != row:
                message = f"duplicates row {first} on the same item"
                errors.append(FieldError(row, "annotationId", repr(box.annotation_id), message))
    return errors


def check_upload(rows: Sequence[Any], what: str) -> None:
    """Raise ValidationError naming every bad row (indexes into `rows`) before anything is sent."""
    if not rows:
        return
    errors = _item_errors(rows) if isinstance(rows[0], DatasetItem) else _box_errors(rows)
    if errors:
        errors.sort(key=lambda error: error.row if error.row is not None else -1)
        shown = "; ".join(error.describe() for error in errors[:10])
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise ValidationError(
            f"{what} refused: {len(errors)} invalid value(s): {shown}{more}; nothing was sent", errors
        )


def _texts_pass(values: list[Any], *, required: bool) -> bool:
    present = values if required else [value for value in values if value is not None]
    if not present:
        return True
    return set(map(type, present)) == {str} and all(map(str.strip, present)) and max(map(len, present)) <= MAX_TEXT


def _numbers_pass(values: list[Any], low: float, high: float, *, required: bool = True) -> bool:
    present = values if required else [value for value in values if value is not None]
    if not present:
        return True
    if not set(map(type, present)) <= {float, int}:
        return False
    try:
        if not math.isfinite(math.fsum(present)):
            return False
    except (ValueError, OverflowError):
        return False
    return bool(low <= min(present) and max(present) <= high)


def check_table(table: PredictionTable, what: str) -> None:
    """`check_upload` of the table's rows: the columns are looked at whole (at C speed), and only a table that may
    hold a bad row is checked row by row, for the errors."""
    keys = list(zip(table.reference_ids, table.annotation_ids, strict=True))
    if (
        _texts_pass(table.reference_ids, required=True)
        and _texts_pass(table.labels, required=True)
        and _texts_pass(table.annotation_ids, required=False)
        and _numbers_pass(table.x, -math.inf, math.inf)
        and _numbers_pass(table.y, -math.inf, math.inf)
        and _numbers_pass(table.width, 0, math.inf)
        and _numbers_pass(table.height, 0, math.inf)
        and _numbers_pass(table.confidences, 0, 1, required=False)
        and len(set(keys)) == len(keys)
    ):
        return
    check_upload(table.rows(), what)

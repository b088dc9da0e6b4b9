"""Whole-batch validation: every problem of a batch is reported, before anything is written."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from matchscope.services.errors import FieldIssue, ValidationFailed
from matchscope.services.records import AnnotationRecord, ItemRecord, PredictionRecord, PredictionTable

MAX_TEXT = 500


def check_batch_size(field: str, rows: int, max_rows: int | None) -> None:
    """One upload call holds at most `max_rows` rows (None: no limit, for in-process imports that batch)."""
    if max_rows is not None and rows > max_rows:
        raise ValidationFailed.single(
            field,
            f"{rows:,} rows",
            f"one call holds at most {max_rows:,} rows (MATCHSCOPE_MAX_UPLOAD_ROWS); send them in several calls",
        )


def _finite(issues: list[FieldIssue], row: int, name: str, value: float, *, non_negative: bool) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        issues.append(FieldIssue(name, value, "must be a number", row))
    elif not math.isfinite(value):
        issues.append(FieldIssue(name, value, "must be finite", row))
    elif non_negative and value < 0:
        issues.append(FieldIssue(name, value, "must not be negative", row))


def _text(issues: list[FieldIssue], row: int | None, name: str, value: str | None, *, required: bool) -> None:
    if value is None:
        if required:
            issues.append(FieldIssue(name, value, "is required", row))
        return
    if required and not value.strip():
        issues.append(FieldIssue(name, value, "must not be empty", row))
    elif "\x00" in value:
        issues.append(FieldIssue(name, value, "must not contain the NUL character (U+0000)", row))
    elif len(value) > MAX_TEXT:
        issues.append(FieldIssue(name, value[:40] + "...", f"is longer than {MAX_TEXT} characters", row))


def require_name(field: str, value: str) -> None:
    issues: list[FieldIssue] = []
    _text(issues, None, field, value, required=True)
    if issues:
        raise ValidationFailed(issues)


def check_items(items: Sequence[ItemRecord]) -> None:
    issues: list[FieldIssue] = []
    seen: dict[str, int] = {}
    for row, item in enumerate(items):
        _text(issues, row, "referenceId", item.reference_id, required=True)
        for name, value in (("width", item.width), ("height", item.height)):
            if value is not None and value < 0:
                issues.append(FieldIssue(name, value, "must not be negative", row))
        first = seen.setdefault(item.reference_id, row)
        if first != row:
            issues.append(FieldIssue("referenceId", item.reference_id, f"duplicates row {first}", row))
    if issues:
        raise ValidationFailed(issues)


def derived_key(label: str, x: float, y: float, width: float, height: float, extra: object = None) -> str:
    """A key derived from content, so that uploading the same box twice stays idempotent."""
    text = f"{label}\x1f{x!r}\x1f{y!r}\x1f{width!r}\x1f{height!r}\x1f{extra!r}"
    return "auto-" + hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def box_keys(boxes: Sequence[AnnotationRecord | PredictionRecord]) -> list[str]:
    keys = []
    for box in boxes:
        if box.annotation_id is not None:
            keys.append(box.annotation_id)
        else:
            extra = box.confidence if isinstance(box, PredictionRecord) else None
            keys.append(derived_key(box.label, box.x, box.y, box.width, box.height, extra))
    return keys


def _extents(issues: list[FieldIssue], row: int, box: AnnotationRecord | PredictionRecord) -> None:
    """The box's right and bottom edges and its area are finite too (1e308 + 1e308 is not)."""
    if issues or not all(isinstance(v, int | float) for v in (box.x, box.y, box.width, box.height)):
        return
    derived = (
        ("width", box.width, "x + width", box.x + box.width),
        ("height", box.height, "y + height", box.y + box.height),
        ("width", box.width, "width * height", box.width * box.height),
    )
    for name, value, what, result in derived:
        if not math.isfinite(result):
            issues.append(FieldIssue(name, value, f"{what} overflows to {result}: it must be finite", row))


def _row_issues(box: AnnotationRecord | PredictionRecord, row: int, item_ids: dict[str, int]) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    _text(issues, row, "label", box.label, required=True)
    _text(issues, row, "annotationId", box.annotation_id, required=False)
    if box.annotation_id is not None and not box.annotation_id.strip():
        issues.append(FieldIssue("annotationId", box.annotation_id, "must not be empty", row))
    for name in ("x", "y"):
        _finite(issues, row, name, getattr(box, name), non_negative=False)
    for name in ("width", "height"):
        _finite(issues, row, name, getattr(box, name), non_negative=True)
    _extents(issues, row, box)
    if isinstance(box, PredictionRecord) and box.confidence is not None:
        confidence = box.confidence
        if not isinstance(confidence, int | float) or not math.isfinite(confidence) or not 0.0 <= confidence <= 1.0:
            issues.append(FieldIssue("confidence", confidence, "must be within [0, 1]", row))
    if isinstance(box, AnnotationRecord) and box.area is not None:
        _finite(issues, row, "area", box.area, non_negative=True)
    if box.item_reference_id not in item_ids:
        issues.append(FieldIssue("itemReferenceId", box.item_reference_id, "no such item in the dataset", row))
    key = box.annotation_id if isinstance(box.annotation_id, str) else None
    return [FieldIssue(i.field, i.value, i.message, i.row, key) for i in issues]


def _optional_values(boxes: Sequence[AnnotationRecord | PredictionRecord]) -> tuple[list[object], float]:
    """Each box's confidence (predictions, at most 1) or area (annotations, unbounded)."""
    if boxes and isinstance(boxes[0], PredictionRecord):
        return [b.confidence if isinstance(b, PredictionRecord) else None for b in boxes], 1.0
    return [b.area if isinstance(b, AnnotationRecord) else None for b in boxes], math.inf


def _bad_numbers(
    geometry: NDArray[np.float64], optional: NDArray[np.float64], given: NDArray[np.bool_] | bool, upper: float
) -> NDArray[np.bool_]:
    """Rows whose geometry or optional value (``given``: the rows that have one) `_row_issues` would refuse."""
    with np.errstate(over="ignore", invalid="ignore"):
        right, bottom = geometry[:, 0] + geometry[:, 2], geometry[:, 1] + geometry[:, 3]
        extents = np.isfinite(right) & np.isfinite(bottom) & np.isfinite(geometry[:, 2] * geometry[:, 3])
        bad = ~np.isfinite(geometry).all(axis=1) | (geometry[:, 2:] < 0).any(axis=1) | ~extents
        bad |= given & ~((optional >= 0) & (optional <= upper) & np.isfinite(optional))
    return bad


def _bad_text(value: str | None, *, required: bool) -> bool:
    if value is None:
        return required
    return (required and not value.strip()) or "\x00" in value or len(value) > MAX_TEXT


def _suspect_rows(boxes: Sequence[AnnotationRecord | PredictionRecord], item_ids: dict[str, int]) -> list[int]:
    """Rows that may be invalid, found with vectorised checks; only these get the detailed per-row check."""
    values, upper = _optional_values(boxes)
    try:
        geometry = np.array([(b.x, b.y, b.width, b.height) for b in boxes], dtype=np.float64).reshape(-1, 4)
        given = np.array([value is not None for value in values], dtype=bool)
        optional = np.array([0.0 if value is None else value for value in values], dtype=np.float64)
    except (TypeError, ValueError):
        return list(range(len(boxes)))
    bad = _bad_numbers(geometry, optional, given, upper)
    text_bad = [
        _bad_text(b.label, required=True)
        or (b.annotation_id is not None and _bad_text(b.annotation_id, required=True))
        or b.item_reference_id not in item_ids
        for b in boxes
    ]
    bad |= np.asarray(text_bad, dtype=bool).reshape(-1)
    return [int(row) for row in np.flatnonzero(bad)]


def _raise_issues(issues: list[FieldIssue]) -> None:
    if issues:
        issues.sort(key=lambda issue: issue.row if issue.row is not None else -1)
        raise ValidationFailed(issues)


def _duplicate_keys(issues: list[FieldIssue], items: Iterable[object], keys: Sequence[str]) -> None:
    pairs = list(zip(items, keys, strict=True))
    if len(set(pairs)) == len(pairs):
        return
    seen: dict[tuple[object, str], int] = {}
    for row, pair in enumerate(pairs):
        first = seen.setdefault(pair, row)
        if first != row:
            issues.append(FieldIssue("annotationId", pair[1], f"duplicates row {first} on the same item", row))


def check_prediction_table(table: PredictionTable, item_ids: dict[str, int]) -> None:
    """`check_boxes` for a table: the numbers a column at a time, each distinct reference and label once, the
    keys in one pass each; only suspect rows get `_row_issues`, so the errors are those of the same records."""
    bad = _bad_numbers(table.boxes, table.confidence, True, 1.0)
    bad_references = [code for code, reference in enumerate(table.references) if reference not in item_ids]
    bad_labels = [code for code, label in enumerate(table.labels) if _bad_text(label, required=True)]
    bad |= np.isin(table.reference_code, bad_references) | np.isin(table.label_code, bad_labels)
    keys = table.annotation_ids
    if keys and ("\x00" in "".join(keys) or max(map(len, keys)) > MAX_TEXT or not all(map(str.strip, keys))):
        bad |= np.array([_bad_text(key, required=True) for key in keys], dtype=bool)
    issues: list[FieldIssue] = []
    for row in np.flatnonzero(bad).tolist():
        issues += _row_issues(table.record(row), row, item_ids)
    if len(set(keys)) != len(keys):
        _duplicate_keys(issues, table.reference_code.tolist(), keys)
    _raise_issues(issues)


def check_boxes(
    boxes: Sequence[AnnotationRecord | PredictionRecord],
    keys: Sequence[str],
    item_ids: dict[str, int],
) -> None:
    """Validate geometry, labels, confidences, item references and duplicate keys of a whole batch."""
    issues: list[FieldIssue] = []
    for row in _suspect_rows(boxes, item_ids):
        issues += _row_issues(boxes[row], row, item_ids)
    _duplicate_keys(issues, (b.item_reference_id for b in boxes), keys)
    _raise_issues(issues)

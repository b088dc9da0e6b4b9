"""Error types of stored entries at query-time thresholds, as SQL over a `match_entry` row's evidence columns
(migration 0013) and as numpy over the same columns held in memory; both are the rules of
:mod:`matchscope.engine.error_types`, which the tests hold them to.

A false positive's type is one CASE over its own row. A false negative is MISSED unless a kept false positive on its
item names its ground truth as best match: a NOT EXISTS over the item's prediction rows, read through the
(evaluation, item) index. At the default thresholds the job stores each entry's type (`default_error_type`), which
pages read instead (`matchscope.services.browse`).
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    not_,
    null,
    true,
)
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from matchscope.engine.error_types import BACKGROUND_THRESHOLD, NO_ERROR, best_matches, false_positive_types
from matchscope.engine.error_types import ErrorType as Code
from matchscope.engine.error_types import missed as not_best_matches
from matchscope.store.tables import MatchEntry


class ErrorType(enum.StrEnum):
    CLASSIFICATION = "CLASSIFICATION"
    LOCALIZATION = "LOCALIZATION"
    BOTH = "BOTH"
    DUPLICATE = "DUPLICATE"
    BACKGROUND = "BACKGROUND"
    MISSED = "MISSED"


CODES = {kind: int(Code[kind.value]) for kind in ErrorType}
ERROR_TYPE_BY_CODE = {code: kind for kind, code in CODES.items()}
FALSE_POSITIVE_TYPES = frozenset(ErrorType) - {ErrorType.MISSED}
_TABLE = MatchEntry.__table__  # type: ignore[attr-defined]


def _float(name: str) -> Any:
    return bindparam(name, type_=Float())


def _rules(row: Any) -> tuple[list[tuple[ColumnElement[bool], int, Any]], Any]:
    """(condition, type code, best match) in tidecv's order over `row`'s columns, and BOTH's best match."""
    t, c, b = _float("t"), _float("c"), _float("b")
    compatible, incompatible = row.compatible_iou, row.incompatible_iou
    rules = [
        (
            and_(compatible > 0.0, compatible >= b, compatible < t),
            CODES[ErrorType.LOCALIZATION],
            row.compatible_ground_truth_id,
        ),
        (
            and_(incompatible > 0.0, incompatible >= t),
            CODES[ErrorType.CLASSIFICATION],
            row.incompatible_ground_truth_id,
        ),
        (
            and_(row.duplicate_iou > 0.0, row.duplicate_iou >= t, row.duplicate_confidence >= c),
            CODES[ErrorType.DUPLICATE],
            null(),
        ),
        (nearest_iou(row) <= b, CODES[ErrorType.BACKGROUND], null()),
    ]
    return rules, row.nearest_ground_truth_id


def nearest_iou(row: Any) -> ColumnElement[float]:
    """The nearest ground truth's IoU: the larger of the best compatible and incompatible ones."""
    return case((row.compatible_iou >= row.incompatible_iou, row.compatible_iou), else_=row.incompatible_iou)


def false_positive_type(row: Any = _TABLE.c) -> ColumnElement[int]:
    """The type code of a false-positive row (null where the row has no evidence)."""
    rules, _ = _rules(row)
    whens = [(row.compatible_iou.is_(None), null()), *((condition, literal(code)) for condition, code, _ in rules)]
    return case(*whens, else_=literal(CODES[ErrorType.BOTH]))


def _best_match(row: Any) -> ColumnElement[int]:
    rules, both = _rules(row)
    return case(*((condition, target) for condition, _, target in rules), else_=both)


def unindexed(column: ColumnElement[bool]) -> ColumnElement[bool]:
    """`+column`: the same value, which SQLite will not look up through an index (not valid on PostgreSQL)."""
    return UnaryExpression(column, operator=custom_op("+"), type_=Boolean())


def missed(confidence_above_zero: bool, sqlite: bool, row: Any = _TABLE.c) -> ColumnElement[bool]:
    """A false-negative row's ground truth is no kept false positive's best match. On SQLite, `is_prediction` is
    spelt so that only the (evaluation, item) index serves the lookup: without statistics SQLite otherwise reads
    the evaluation's every prediction through a browsing index, per row."""
    cover = _TABLE.alias("cover")
    is_prediction = unindexed(cover.c.is_prediction) if sqlite else cover.c.is_prediction
    conditions = [
        cover.c.evaluation_id == row.evaluation_id,
        cover.c.item_id == row.item_id,
        is_prediction == true(),
        not_(and_(cover.c.compatible == true(), cover.c.iou >= _float("t"))),
        _best_match(cover.c) == row.ground_truth_id,
    ]
    if confidence_above_zero:
        conditions.append(func.coalesce(cover.c.confidence, 1.0) >= _float("c"))
    return not_(exists().where(*conditions))


def missed_code(confidence_above_zero: bool, sqlite: bool) -> ColumnElement[int]:
    return case((missed(confidence_above_zero, sqlite), literal(CODES[ErrorType.MISSED])), else_=null())


def type_condition(kinds: frozenset[ErrorType]) -> ColumnElement[bool] | None:
    """The condition on a false-positive row for `kinds` (None: every false positive with evidence qualifies)."""
    wanted = kinds & FALSE_POSITIVE_TYPES
    if wanted == FALSE_POSITIVE_TYPES:
        return None
    return false_positive_type().in_([CODES[kind] for kind in sorted(wanted)])


def null_code() -> ColumnElement[int]:
    return null().cast(Integer())


def entry_codes(
    *,
    false_positive: NDArray[np.bool_],
    false_negative: NDArray[np.bool_],
    evidence: dict[str, NDArray[Any]],
    ground_truth_id: NDArray[np.int64],
    iou_threshold: float,
    confidence_threshold: float,
    best_match: NDArray[np.int64] | None = None,
) -> NDArray[np.int8]:
    """``(E,)`` type codes of entries held in memory (``NO_ERROR`` where none): the SQL above, in numpy.

    ``evidence`` holds the evidence columns ``(E,)`` (ids -1 where null); ``ground_truth_id`` likewise.
    ``best_match``: the evaluation's `fixed_ground_truths` when these entries are only some of its entries (the
    false positives that decide MISSED may be elsewhere); by default these entries' own.
    """
    codes = np.full(len(false_positive), NO_ERROR, dtype=np.int8)
    fp = np.flatnonzero(false_positive)
    fp_codes = _false_positive_codes(evidence, fp, iou_threshold, confidence_threshold)
    codes[fp] = fp_codes
    targets = _fixed_by(fp_codes, evidence, fp) if best_match is None else best_match
    fn = np.flatnonzero(false_negative)
    codes[fn[not_best_matches(ground_truth_id[fn], targets)]] = Code.MISSED
    return codes


def fixed_ground_truths(
    false_positive: NDArray[np.bool_],
    evidence: dict[str, NDArray[Any]],
    *,
    iou_threshold: float,
    confidence_threshold: float,
) -> NDArray[np.int64]:
    """``(F,)`` the ground truth id (-1: none) each false positive's fix would match: what is not MISSED."""
    fp = np.flatnonzero(false_positive)
    return _fixed_by(_false_positive_codes(evidence, fp, iou_threshold, confidence_threshold), evidence, fp)


def _false_positive_codes(
    evidence: dict[str, NDArray[Any]], fp: NDArray[np.intp], iou_threshold: float, confidence_threshold: float
) -> NDArray[np.int8]:
    return false_positive_types(
        evidence["compatible_iou"][fp],
        evidence["incompatible_iou"][fp],
        evidence["duplicate_iou"][fp],
        evidence["duplicate_confidence"][fp],
        iou_threshold=iou_threshold,
        confidence_threshold=confidence_threshold,
        background_threshold=BACKGROUND_THRESHOLD,
    )


def _fixed_by(fp_codes: NDArray[np.int8], evidence: dict[str, NDArray[Any]], fp: NDArray[np.intp]) -> NDArray[np.int64]:
    return best_matches(
        fp_codes,
        evidence["compatible_ground_truth_id"][fp],
        evidence["incompatible_ground_truth_id"][fp],
        evidence["nearest_ground_truth_id"][fp],
    )


__all__ = [
    "CODES",
    "ERROR_TYPE_BY_CODE",
    "FALSE_POSITIVE_TYPES",
    "ErrorType",
    "entry_codes",
    "false_positive_type",
    "fixed_ground_truths",
    "missed",
    "missed_code",
    "nearest_iou",
    "null_code",
    "type_condition",
]

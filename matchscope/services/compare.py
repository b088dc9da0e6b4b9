"""Comparing two evaluations of one dataset: metrics side by side, and the ground truths one model finds and the
other misses (flips).

Both evaluations match the same ground-truth rows (`match_entry.ground_truth_id`), so a ground truth's outcome on
each side is read from its own entry: TRUE_POSITIVE when its kept pair is compatible, reaches the IoU threshold
and its prediction is kept at the confidence threshold, else FALSE_NEGATIVE (DESIGN §3). Each evaluation's
ground-truth columns are loaded once into a bounded LRU (a complete evaluation never changes); the flips at a
pair of thresholds are one vectorised join of the two, kept in page order, so a page is a slice of arrays plus one
SQL statement that reads its entries with their boxes.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.engine.error_types import NO_ERROR
from matchscope.services import metrics, results
from matchscope.services.actor import Actor
from matchscope.services.browse import (
    EvaluationRow,
    MatchRow,
    Thresholds,
    entries_by_id,
    evaluation_coco,
    find_evaluation,
)
from matchscope.services.browse.records import FALSE_NEGATIVE_CODE
from matchscope.services.errors import NotFound, ValidationFailed
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size
from matchscope.services.tokens import global_id
from matchscope.store.bulk import bulk_select


class FlipKind(enum.StrEnum):
    FIXED = "FIXED"  # a false negative of the base model, a true positive of the other
    BROKEN = "BROKEN"  # the reverse


@dataclass(frozen=True, slots=True)
class Comparison:
    base: EvaluationRow
    other: EvaluationRow


async def open_comparison(actor: Actor, *, base_id: int, other_id: int) -> Comparison:
    """The two evaluations, when both are the actor's, complete, and of one dataset."""
    base = await find_evaluation(actor, evaluation_id=base_id)
    if base is None:
        raise NotFound("Evaluation", base_id)
    other = await find_evaluation(actor, evaluation_id=other_id)
    if other is None:
        raise NotFound("Evaluation", other_id)
    for name, row in (("baseId", base), ("otherId", other)):
        if not row.is_complete:
            raise ValidationFailed.single(
                name, global_id("Evaluation", row.id), "the evaluation is still running: compare complete ones"
            )
    if base.dataset_id != other.dataset_id:
        raise ValidationFailed.single(
            "otherId",
            global_id("Evaluation", other.id),
            f"evaluates dataset {other.dataset_id}, not the base evaluation's dataset {base.dataset_id}: "
            "only evaluations of one dataset can be compared",
        )
    return Comparison(base=base, other=other)


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class Side:
    """One evaluation's numbers for a class (or overall). AP and AP50 are its stored COCO numbers, which do not
    depend on the query's thresholds; None where COCO has none (-1)."""

    ground_truth_count: int
    prediction_count: int
    counts: metrics.Counts
    ap: float | None
    ap50: float | None


@dataclass(frozen=True, slots=True)
class ClassComparison:
    label: str | None  # None: every class together
    base: Side
    other: Side


def _stat(values: Any, index: int) -> float | None:
    if not isinstance(values, list) or len(values) <= index or values[index] is None:
        return None
    value = float(values[index])
    return None if value < 0 else value


def _sides(computed: metrics.Metrics, coco: dict[str, Any] | None) -> dict[str | None, Side]:
    coco = coco or {}
    per_class_coco = coco.get("per_class") or {}
    sides: dict[str | None, Side] = {
        None: Side(
            ground_truth_count=sum(item.ground_truth_count for item in computed.per_class),
            prediction_count=sum(item.prediction_count for item in computed.per_class),
            counts=computed.overall,
            ap=_stat(coco.get("stats"), 0),
            ap50=_stat(coco.get("stats"), 1),
        )
    }
    for item in computed.per_class:
        values = per_class_coco.get(item.label)
        ap, ap50 = _stat(values, 0), _stat(values, 1)
        sides[item.label] = Side(item.ground_truth_count, item.prediction_count, item.counts, ap, ap50)
    for label, values in per_class_coco.items():
        if label not in sides:
            sides[label] = Side(0, 0, _NO_COUNTS, _stat(values, 0), _stat(values, 1))
    return sides


_NO_COUNTS = metrics.Counts(0, 0, 0)
_NO_SIDE = Side(0, 0, _NO_COUNTS, None, None)


def class_comparisons(
    base: metrics.Metrics,
    other: metrics.Metrics,
    base_coco: dict[str, Any] | None,
    other_coco: dict[str, Any] | None,
) -> list[ClassComparison]:
    """Overall first, then every label either side has, in label order."""
    base_sides, other_sides = _sides(base, base_coco), _sides(other, other_coco)
    labels = sorted({*base_sides, *other_sides} - {None})  # type: ignore[type-var]
    return [
        ClassComparison(label, base_sides.get(label, _NO_SIDE), other_sides.get(label, _NO_SIDE))
        for label in [None, *labels]
    ]


async def compare_metrics(actor: Actor, comparison: Comparison, thresholds: Thresholds) -> list[ClassComparison]:
    computed = [
        metrics.compute_metrics(await results.entry_columns(actor, row), thresholds)
        for row in (comparison.base, comparison.other)
    ]
    async with actor.app.sessions() as session:
        cocos = [await evaluation_coco(session, evaluation_id=row.id) for row in (comparison.base, comparison.other)]
    return class_comparisons(computed[0], computed[1], cocos[0], cocos[1])


# ---------------------------------------------------------------- flips


@dataclass(frozen=True, slots=True)
class GroundTruthColumns:
    """The ``G`` ground truths one evaluation matched, by ground-truth id ascending; every array has shape ``(G,)``.

    ``confidence`` is the kept partner's (null read as 1); ``partner_entry_id`` is the partner prediction's own
    entry (-1: no partner), the entry that stands for the pair when it is a true positive.
    """

    ground_truth_id: NDArray[np.int64]
    entry_id: NDArray[np.int64]
    partner_entry_id: NDArray[np.int64]
    iou: NDArray[np.float64]
    compatible: NDArray[np.bool_]
    confidence: NDArray[np.float64]

    def true_positive(self, thresholds: Thresholds) -> NDArray[np.bool_]:
        reaches = self.compatible & (self.iou >= thresholds.iou)
        return reaches & (self.confidence >= thresholds.confidence)  # type: ignore[no-any-return]


# Every ground truth's row, and the prediction rows of kept pairs (those name a ground truth).
_GROUND_TRUTHS_SQL = text(
    "SELECT id, is_prediction, ground_truth_id, iou, compatible, coalesce(confidence, 1.0) FROM match_entry "
    "WHERE evaluation_id = :evaluation_id AND ground_truth_id IS NOT NULL"
)


def _column(records: Any, index: int, dtype: type[np.generic]) -> NDArray[Any]:
    return np.fromiter(map(itemgetter(index), records), dtype=dtype, count=len(records))


async def load_ground_truths(session: AsyncSession, evaluation_id: int) -> GroundTruthColumns:
    records = await bulk_select(session, _GROUND_TRUTHS_SQL, {"evaluation_id": evaluation_id})
    entry_id = _column(records, 0, np.int64)
    is_prediction = _column(records, 1, np.bool_)
    ground_truth_id = _column(records, 2, np.int64)
    own = ~is_prediction
    order = np.argsort(ground_truth_id[own], kind="stable")
    ids = ground_truth_id[own][order]
    partners_by_gt = ground_truth_id[is_prediction]
    partner_order = np.argsort(partners_by_gt, kind="stable")
    partners_by_gt, partner_entries = partners_by_gt[partner_order], entry_id[is_prediction][partner_order]
    partner_entry_id = np.full(len(ids), -1, dtype=np.int64)
    if len(partners_by_gt):
        position = np.minimum(np.searchsorted(partners_by_gt, ids), len(partners_by_gt) - 1)
        found = partners_by_gt[position] == ids
        partner_entry_id[found] = partner_entries[position[found]]
    return GroundTruthColumns(
        ground_truth_id=ids,
        entry_id=entry_id[own][order],
        partner_entry_id=partner_entry_id,
        iou=_column(records, 3, np.float64)[own][order],
        compatible=_column(records, 4, np.bool_)[own][order],
        confidence=_column(records, 5, np.float64)[own][order],
    )


@dataclass(frozen=True, slots=True)
class Flips:
    """The ``F`` ground truths whose outcome differs between base and other at some thresholds, in page order:
    the other's IoU descending, then ground-truth id descending. Every array has shape ``(F,)``; the entry ids
    are those that stand for each side's outcome (a true positive's prediction row, a false negative's own)."""

    ground_truth_id: NDArray[np.int64]
    fixed: NDArray[np.bool_]
    other_iou: NDArray[np.float64]
    base_entry_id: NDArray[np.int64]
    other_entry_id: NDArray[np.int64]


def find_flips(base: GroundTruthColumns, other: GroundTruthColumns, thresholds: Thresholds) -> Flips:
    """Ground truths matched in both evaluations (one that changed in between is in one of them only) whose
    outcome flips between them."""
    shared, in_base, in_other = np.intersect1d(
        base.ground_truth_id, other.ground_truth_id, assume_unique=True, return_indices=True
    )
    base_tp = base.true_positive(thresholds)[in_base]
    other_tp = other.true_positive(thresholds)[in_other]
    flipped = base_tp != other_tp
    in_base, in_other, fixed, ids = in_base[flipped], in_other[flipped], other_tp[flipped], shared[flipped]
    iou = other.iou[in_other]
    order = np.lexsort((-ids, -iou))
    in_base, in_other, fixed, ids, iou = in_base[order], in_other[order], fixed[order], ids[order], iou[order]
    return Flips(
        ground_truth_id=ids.astype(np.int64),
        fixed=fixed,
        other_iou=iou,
        base_entry_id=np.where(fixed, base.entry_id[in_base], base.partner_entry_id[in_base]),
        other_entry_id=np.where(fixed, other.partner_entry_id[in_other], other.entry_id[in_other]),
    )


@dataclass
class CompareCache:
    """Bounded LRUs: complete evaluations' ground-truth columns, and the flips of recent (pair, thresholds)."""

    capacity: int = 4
    flip_capacity: int = 16
    _columns: OrderedDict[tuple[int, datetime], GroundTruthColumns] = field(default_factory=OrderedDict)
    _flips: OrderedDict[tuple[Any, ...], Flips] = field(default_factory=OrderedDict)

    async def ground_truths(self, sessions: async_sessionmaker[AsyncSession], row: EvaluationRow) -> GroundTruthColumns:
        key = (row.id, row.created_at)
        columns = self._columns.get(key)
        if columns is None:
            async with sessions() as session:
                columns = await load_ground_truths(session, row.id)
            self._columns[key] = columns
            while len(self._columns) > self.capacity:
                self._columns.popitem(last=False)
        self._columns.move_to_end(key)
        return columns

    async def flips(
        self, sessions: async_sessionmaker[AsyncSession], comparison: Comparison, thresholds: Thresholds
    ) -> Flips:
        base, other = comparison.base, comparison.other
        key = (base.id, base.created_at, other.id, other.created_at, thresholds.iou, thresholds.confidence)
        found = self._flips.get(key)
        if found is None:
            found = find_flips(
                await self.ground_truths(sessions, base), await self.ground_truths(sessions, other), thresholds
            )
            self._flips[key] = found
            while len(self._flips) > self.flip_capacity:
                self._flips.popitem(last=False)
        self._flips.move_to_end(key)
        return found


class FlipRow(NamedTuple):
    kind: FlipKind
    base: MatchRow
    other: MatchRow


def _decode_after(after: str) -> tuple[float, int]:
    iou, ground_truth_id = decode_cursor(after, 2)
    if not isinstance(iou, int | float) or not isinstance(ground_truth_id, int) or isinstance(ground_truth_id, bool):
        raise ValidationFailed.single("after", after, "not a cursor from this API")
    return float(iou), ground_truth_id


def _selected(flips: Flips, kinds: Collection[FlipKind] | None) -> NDArray[np.intp]:
    """Positions of the flips of these kinds, in page order."""
    wanted = set(FlipKind) if kinds is None else set(kinds)
    if wanted == set(FlipKind):
        return np.arange(len(flips.fixed))
    if not wanted:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(flips.fixed == (FlipKind.FIXED in wanted))


async def flips_page(
    actor: Actor,
    comparison: Comparison,
    *,
    thresholds: Thresholds,
    kinds: Collection[FlipKind] | None,
    first: int | None,
    after: str | None,
    typed: bool = False,
) -> Page[FlipRow]:
    """A page of flips in (other's IoU, ground-truth id) descending order, keyset cursors on both; its entries
    come from one SQL statement. ``typed``: each side's false negative gets its error type at ``thresholds``
    (MISSED, or none when a false positive nearly found it) from its evaluation's entry columns."""
    size = page_size(first)
    cursor = None if after is None else _decode_after(after)
    flips = await actor.app.services.compare_cache.flips(actor.app.sessions, comparison, thresholds)
    positions = _selected(flips, kinds)
    start = 0
    if cursor is not None:
        iou, ground_truth_id = flips.other_iou[positions], flips.ground_truth_id[positions]
        later = (iou < cursor[0]) | ((iou == cursor[0]) & (ground_truth_id < cursor[1]))
        start = int(np.argmax(later)) if later.any() else len(positions)
    picked = positions[start : start + size]
    base_ids = flips.base_entry_id[picked].tolist()
    other_ids = flips.other_entry_id[picked].tolist()
    sides = ((comparison.base, base_ids), (comparison.other, other_ids))
    entries = await entries_by_id(actor.app.reads, sides=sides, thresholds=thresholds)
    if typed:
        for evaluation, ids in sides:
            await _type_false_negatives(actor, evaluation, ids, entries, thresholds)
    rows: list[FlipRow] = []
    cursors: list[str] = []
    for position, base_id, other_id in zip(picked.tolist(), base_ids, other_ids, strict=True):
        base_row, other_row = entries.get(base_id), entries.get(other_id)
        if base_row is None or other_row is None:  # deleted since the flips were found
            continue
        rows.append(FlipRow(FlipKind.FIXED if flips.fixed[position] else FlipKind.BROKEN, base_row, other_row))
        cursors.append(encode_cursor((float(flips.other_iou[position]), int(flips.ground_truth_id[position]))))
    return Page(
        rows=rows,
        cursors=cursors,
        has_next_page=start + size < len(positions),
        has_previous_page=cursor is not None,
        total_count=len(positions),
    )


async def _type_false_negatives(
    actor: Actor,
    evaluation: EvaluationRow,
    ids: list[int],
    entries: dict[int, MatchRow],
    thresholds: Thresholds,
) -> None:
    """The error type at ``thresholds`` of the false negatives among ``entries``' rows of ``ids`` (their
    evaluation's), in place; read by id, a flip's rows stand as TRUE_POSITIVE or FALSE_NEGATIVE, untyped."""
    negatives = [
        entry_id for entry_id in ids if entry_id in entries and entries[entry_id].outcome_code == FALSE_NEGATIVE_CODE
    ]
    if not negatives or not evaluation.error_evidence:
        return
    columns = await results.entry_columns(actor, evaluation, evidence=True)
    codes = metrics.type_codes(columns, thresholds)[columns.positions(np.asarray(negatives, dtype=np.int64))]
    for entry_id, code in zip(negatives, codes.tolist(), strict=True):
        entries[entry_id] = entries[entry_id]._replace(error_type_code=None if code == NO_ERROR else code)


__all__ = [
    "ClassComparison",
    "CompareCache",
    "Comparison",
    "FlipKind",
    "FlipRow",
    "Flips",
    "GroundTruthColumns",
    "Side",
    "class_comparisons",
    "compare_metrics",
    "find_flips",
    "flips_page",
    "load_ground_truths",
    "open_comparison",
]

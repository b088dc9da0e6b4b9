"""An evaluation's entries as numpy columns (`EntryColumns`), read from `match_entry` and held per process.

A complete evaluation never changes, so its entry columns are loaded once into a bounded LRU cache (`EntryCache`,
keyed by evaluation id and creation time) and every later question (services/metrics.py, services/error_pages.py,
services/reviews.py) is a few vectorised passes over them.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services.browse import EvaluationRow
from matchscope.services.errors import NotFound
from matchscope.services.shared_loads import shared_load
from matchscope.services.tokens import global_id
from matchscope.store.bulk import bulk_select
from matchscope.store.tables import Evaluation

if TYPE_CHECKING:
    from matchscope.services.metrics import Metrics

_SLICES_KEPT = 8
_TYPED_KEPT = 8  # thresholds whose type codes (and typed orders, services.error_pages) columns keep
_NO_LABEL = -1


@dataclass(frozen=True, slots=True)
class EntryColumns:
    """``E`` entries of one evaluation; every array has shape ``(E,)``.

    ``confidence`` is the prediction's (on a ground-truth row, its partner's) with null read as 1;
    label codes index ``labels`` (-1: none); ``item_index`` indexes ``item_ids``.
    """

    is_prediction: NDArray[np.bool_]
    compatible: NDArray[np.bool_]
    has_partner: NDArray[np.bool_]
    iou: NDArray[np.float64]
    confidence: NDArray[np.float64]
    ground_truth_label: NDArray[np.int32]
    prediction_label: NDArray[np.int32]
    item_index: NDArray[np.int64]
    labels: tuple[str, ...]
    item_ids: NDArray[np.int64]
    # The row's ground truth's id (-1: none), the entry's id, and the evidence columns of prediction rows (0 or -1
    # elsewhere): empty until an error type filter asks for them (`EntryCache.columns(..., evidence=True)`).
    ground_truth_id: NDArray[np.int64]
    entry_id: NDArray[np.int64]
    evidence: dict[str, NDArray[Any]]
    memo: dict[tuple[float, float], Metrics] = field(default_factory=dict)
    # Slices of these columns by their items' ids (`on_items`), most recent last.
    slices: dict[bytes, EntryColumns] = field(default_factory=dict)
    # Type codes per (t, c) (`type_codes`); what services.error_pages keeps: typed entries' orders, recent filters'
    # selections (each a few MB at a million entries: bounded by `keep`).
    error_codes: dict[tuple[float, float], NDArray[np.int8]] = field(default_factory=dict)
    page_memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    sorters: dict[str, NDArray[np.intp]] = field(default_factory=dict)  # "id": the entries by id (`positions`)

    def __len__(self) -> int:
        return len(self.iou)

    def positions(self, entry_ids: NDArray[np.int64]) -> NDArray[np.intp]:
        """Where entries of these columns sit, by their ids (the id order is sorted once and kept)."""
        if "id" not in self.sorters:
            self.sorters["id"] = np.argsort(self.entry_id, kind="stable")
        by_id = self.sorters["id"]
        return by_id[np.searchsorted(self.entry_id, entry_ids, sorter=by_id)]  # type: ignore[no-any-return]

    def masked(self, kept: NDArray[np.bool_]) -> EntryColumns:
        """The entries where `kept` holds (same labels and item ids), the evidence too when it is read."""
        return EntryColumns(
            is_prediction=self.is_prediction[kept],
            compatible=self.compatible[kept],
            has_partner=self.has_partner[kept],
            iou=self.iou[kept],
            confidence=self.confidence[kept],
            ground_truth_label=self.ground_truth_label[kept],
            prediction_label=self.prediction_label[kept],
            item_index=self.item_index[kept],
            labels=self.labels,
            item_ids=self.item_ids,
            ground_truth_id=self.ground_truth_id[kept],
            entry_id=self.entry_id[kept],
            evidence={name: values[kept] for name, values in self.evidence.items()},
        )

    def on_items(self, item_ids: NDArray[np.int64]) -> EntryColumns:
        """The entries on these items only (a slice), with the same labels and item ids; memoised on the ids, so
        a slice's metrics at other thresholds cost no new pass over every entry."""
        key = np.unique(item_ids).astype(np.int64).tobytes()
        cached = self.slices.pop(key, None)
        if cached is None:
            in_slice = np.isin(self.item_ids, item_ids)
            kept = in_slice[self.item_index]
            cached = self.masked(kept)
            while len(self.slices) >= _SLICES_KEPT:
                self.slices.pop(next(iter(self.slices)))
        self.slices[key] = cached
        return cached


def recall(memo: dict[Any, Any], key: Any) -> Any:
    """``memo[key]`` (None when absent), made the newest: `keep` drops the least recently used first."""
    value = memo.pop(key, None)
    if value is not None:
        memo[key] = value
    return value


def keep(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """``memo[key] = value``, the oldest of a full memo of per-threshold values dropped first."""
    while len(memo) >= _TYPED_KEPT:
        memo.pop(next(iter(memo)))
    memo[key] = value


_EVIDENCE_FLOATS = ("compatible_iou", "incompatible_iou", "duplicate_iou", "duplicate_confidence")
_EVIDENCE_IDS = ("compatible_ground_truth_id", "incompatible_ground_truth_id", "nearest_ground_truth_id")


def entry_columns_sql(table: str, *, evidence: bool = True) -> str:
    """The select list of `EntryColumns`' values from `table`, a `match_entry` row's name in the query; the
    evidence columns last, when asked for."""
    base = (
        f"{table}.is_prediction, {table}.compatible, "
        f"{table}.ground_truth_id IS NOT NULL AND {table}.prediction_id IS NOT NULL, {table}.iou, "
        f"coalesce({table}.confidence, 1.0), {table}.ground_truth_label, {table}.prediction_label, {table}.item_id, "
        f"coalesce({table}.ground_truth_id, -1), {table}.id"
    )
    return f"{base}, {_evidence_sql(table)}" if evidence else base


def _evidence_sql(table: str) -> str:
    return ", ".join(
        [
            *(f"coalesce({table}.{name}, 0.0)" for name in _EVIDENCE_FLOATS),
            *(f"coalesce({table}.{name}, -1)" for name in _EVIDENCE_IDS),
        ]
    )


# The evidence doubles what the first read of an evaluation costs, and only error type filters use it.
_OF_EVALUATION = "FROM match_entry WHERE evaluation_id = :evaluation_id"
_COLUMNS_SQL = text(f"SELECT {entry_columns_sql('match_entry', evidence=False)} {_OF_EVALUATION}")
_WITH_EVIDENCE_SQL = text(f"SELECT {entry_columns_sql('match_entry')} {_OF_EVALUATION}")
_EVIDENCE_SQL = text(f"SELECT id, {_evidence_sql('match_entry')} {_OF_EVALUATION}")
_EVIDENCE_AT = 10  # where the evidence starts in a record of entry_columns_sql


def _column(records: Sequence[Sequence[Any]], index: int, dtype: type[np.generic]) -> NDArray[Any]:
    # Column by column through C iterators: transposing with `zip(*records)` took a quarter of the load.
    return np.fromiter(map(itemgetter(index), records), dtype=dtype, count=len(records))


def _evidence_from(records: Sequence[Sequence[Any]], start: int) -> dict[str, NDArray[Any]]:
    return {
        **{name: _column(records, start + index, np.float64) for index, name in enumerate(_EVIDENCE_FLOATS)},
        **{
            name: _column(records, start + len(_EVIDENCE_FLOATS) + index, np.int64)
            for index, name in enumerate(_EVIDENCE_IDS)
        },
    }


async def load_columns(session: AsyncSession, evaluation_id: int, *, evidence: bool) -> EntryColumns:
    records = await bulk_select(
        session, _WITH_EVIDENCE_SQL if evidence else _COLUMNS_SQL, {"evaluation_id": evaluation_id}
    )
    return columns_from_records(records, evidence=evidence)


async def load_evidence(session: AsyncSession, columns: EntryColumns, evaluation_id: int) -> dict[str, NDArray[Any]]:
    """The evidence of `columns`' entries, in their order (a second read need not return rows in the first's)."""
    records = await bulk_select(session, _EVIDENCE_SQL, {"evaluation_id": evaluation_id})
    ids = _column(records, 0, np.int64)
    evidence = _evidence_from(records, 1)
    if np.array_equal(ids, columns.entry_id):
        return evidence
    if len(ids) != len(columns.entry_id):  # deleted (retention, a delete) since the first read
        raise NotFound("Evaluation", global_id("Evaluation", evaluation_id))
    order = np.argsort(ids, kind="stable")
    position = order[np.minimum(np.searchsorted(ids, columns.entry_id, sorter=order), len(ids) - 1)]
    if len(ids) and not np.array_equal(ids[position], columns.entry_id):
        raise NotFound("Evaluation", global_id("Evaluation", evaluation_id))
    return {name: values[position] for name, values in evidence.items()}


def columns_from_records(records: Sequence[Sequence[Any]], *, evidence: bool = True) -> EntryColumns:
    """Columns from records whose first values are `entry_columns_sql`'s, evidence as it says (later ones are the
    caller's)."""
    gt_label, pred_label = list(map(itemgetter(5), records)), list(map(itemgetter(6), records))
    labels = tuple(sorted(label for label in {*gt_label, *pred_label} if label is not None))
    codes: dict[Any, int] = {label: code for code, label in enumerate(labels)}
    codes[None] = _NO_LABEL
    item_ids, item_index = np.unique(_column(records, 7, np.int64), return_inverse=True)
    count = len(records)
    return EntryColumns(
        is_prediction=_column(records, 0, np.bool_),
        compatible=_column(records, 1, np.bool_),
        has_partner=_column(records, 2, np.bool_),
        iou=_column(records, 3, np.float64),
        confidence=_column(records, 4, np.float64),
        ground_truth_label=np.fromiter(map(codes.__getitem__, gt_label), dtype=np.int32, count=count),
        prediction_label=np.fromiter(map(codes.__getitem__, pred_label), dtype=np.int32, count=count),
        item_index=item_index.astype(np.int64).reshape(-1),
        labels=labels,
        item_ids=item_ids.astype(np.int64),
        ground_truth_id=_column(records, 8, np.int64),
        entry_id=_column(records, 9, np.int64),
        evidence=_evidence_from(records, _EVIDENCE_AT) if evidence else {},
    )


class EntryCache:
    """Bounded LRU of complete evaluations' entry columns; concurrent first readers share one load."""

    def __init__(self, capacity: int = 4) -> None:
        self.capacity = capacity
        self._columns: OrderedDict[tuple[int, datetime], EntryColumns] = OrderedDict()
        self._loading: dict[tuple[Any, ...], asyncio.Future[Any]] = {}

    def cached(self, evaluation: Evaluation | EvaluationRow, *, evidence: bool = False) -> EntryColumns | None:
        """The columns when they are already held (a complete evaluation never changes), without a query;
        `evidence`: with the evidence columns too."""
        if not evaluation.is_complete or evaluation.id is None:
            return None
        key = (evaluation.id, evaluation.created_at)
        columns = self._columns.get(key)
        if columns is None:
            return None
        self._columns.move_to_end(key)
        return None if evidence and not columns.evidence else columns

    async def columns(
        self, session: AsyncSession, evaluation: Evaluation | EvaluationRow, *, evidence: bool = False
    ) -> EntryColumns:
        evaluation_id = evaluation.id
        assert evaluation_id is not None
        if not evaluation.is_complete:  # still being written: never cached
            return await load_columns(session, evaluation_id, evidence=evidence)
        key = (evaluation_id, evaluation.created_at)
        columns = self._columns.get(key)
        if columns is None:
            columns = await self._once(key, lambda: load_columns(session, evaluation_id, evidence=False))
            self._columns[key] = columns
            while len(self._columns) > self.capacity:
                self._columns.popitem(last=False)
        self._columns.move_to_end(key)
        if evidence and not columns.evidence:
            held = columns
            loaded = await self._once((*key, "evidence"), lambda: load_evidence(session, held, evaluation_id))
            if not columns.evidence:
                columns.evidence.update(loaded)
                columns.slices.clear()  # taken without the evidence
        return columns

    async def _once(self, key: tuple[Any, ...], load: Callable[[], Awaitable[Any]]) -> Any:
        """`load()`, shared by the callers that ask for `key` while it runs."""
        return await shared_load(self._loading, key, load)

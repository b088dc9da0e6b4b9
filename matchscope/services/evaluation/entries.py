"""The MatchEntry rows of one matched chunk: one per prediction, then one per ground truth.

Rows are built column by column with numpy and written so (`bulk_insert_columns`): no Python code runs per row.
Columns with one value for every row (the evaluation id, a column that is null throughout) are not in the
rows: they go to the insert as constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.engine.error_types import NO_ERROR, ErrorEvidence
from matchscope.engine.matching import Matching
from matchscope.services.evaluation.load import Loaded
from matchscope.store import entry_partitions
from matchscope.store.bulk import ColumnValues, bulk_insert_columns

EVIDENCE_COLUMNS = (
    "compatible_iou",
    "compatible_ground_truth_id",
    "incompatible_iou",
    "incompatible_ground_truth_id",
    "nearest_ground_truth_id",
    "duplicate_iou",
    "duplicate_confidence",
    "default_error_type",
)
ENTRY_COLUMNS = (
    "evaluation_id",
    "item_id",
    "is_prediction",
    "ground_truth_id",
    "prediction_id",
    "ground_truth_label",
    "prediction_label",
    "iou",
    "confidence",
    "compatible",
    *EVIDENCE_COLUMNS,
)


@dataclass(frozen=True, slots=True)
class EntryRows:
    """The entries column by column (`columns`: every column with a value in some row); `nulls` are the columns
    null in every row; `browsing` the positions of the rows in the order of the IoU browsing index (is_prediction,
    compatible, iou; stable)."""

    columns: dict[str, ColumnValues]
    nulls: tuple[str, ...]
    browsing: NDArray[np.int64]

    async def insert(self, session: AsyncSession, *, evaluation_id: int, chunk: int | None = None) -> None:
        """Into the evaluation's own entry table on PostgreSQL (its chunk's, given one: `entry_partitions`), and on
        SQLite.

        The rows go in browsing order, so the entry ids they are given follow it too: the build of the IoU browsing
        index then sorts runs already sorted (PostgreSQL: 16 against 44-50 ms of the server's CPU for a chunk of
        53,000 entries; SQLite, every index of 530,932 entries: 1.78 against 1.54 s of CPU), and a page of that
        index reads neighbouring rows."""
        constants = entry_partitions.written_constants(session, evaluation_id, self.nulls)
        table = entry_partitions.entry_table(session, evaluation_id, chunk)
        await bulk_insert_columns(session, table, self.columns, constants=constants, order=self.browsing)


def _partner(values: NDArray[Any], partner: NDArray[np.int64]) -> NDArray[Any]:
    """`values[partner]`, or placeholders (masked out later) when there is nothing to point at."""
    return values[partner] if len(values) else np.zeros(len(partner), dtype=values.dtype)


def _evidence(
    chunk: Loaded, evidence: ErrorEvidence, default_types: tuple[NDArray[np.int8], NDArray[np.int8]], n_gt: int
) -> dict[str, ColumnValues]:
    """The evidence columns: the predictions' values (ground-truth ids, not indices), null on ground-truth rows;
    and every row's error type at the default thresholds (null: none)."""
    every_pred = np.ones(len(evidence.compatible_iou), dtype=np.bool_)
    present = np.concatenate([every_pred, np.zeros(n_gt, dtype=np.bool_)])

    def values(column: NDArray[Any]) -> ColumnValues:
        return ColumnValues(np.concatenate([column, np.zeros(n_gt, dtype=column.dtype)]), present)

    def ids(index: NDArray[np.int64]) -> ColumnValues:
        named = np.concatenate([index >= 0, np.zeros(n_gt, dtype=np.bool_)])
        return ColumnValues(np.concatenate([_partner(chunk.gt_id, np.maximum(index, 0)), chunk.gt_id]), named)

    types = np.concatenate(default_types)
    return {
        "compatible_iou": values(evidence.compatible_iou),
        "compatible_ground_truth_id": ids(evidence.compatible_gt),
        "incompatible_iou": values(evidence.incompatible_iou),
        "incompatible_ground_truth_id": ids(evidence.incompatible_gt),
        "nearest_ground_truth_id": ids(evidence.nearest_gt),
        "duplicate_iou": values(evidence.duplicate_iou),
        "duplicate_confidence": values(evidence.duplicate_confidence),
        "default_error_type": ColumnValues(types, types != NO_ERROR),
    }


def entry_rows(
    chunk: Loaded,
    matching: Matching,
    evidence: ErrorEvidence,
    default_types: tuple[NDArray[np.int8], NDArray[np.int8]],
    label_names: list[str],
) -> EntryRows:
    """The chunk's entries (predictions first, then ground truth), without the evaluation id; `default_types` are
    the predictions' and the ground truths' error type codes at the default thresholds."""
    names = np.array(label_names, dtype=object)
    n_pred, n_gt = len(matching.pred_partner), len(matching.gt_partner)
    pred_matched = matching.pred_partner >= 0
    gt_matched = matching.gt_partner >= 0
    pred_partner = np.where(pred_matched, matching.pred_partner, 0)
    gt_partner = np.where(gt_matched, matching.gt_partner, 0)
    every_pred = np.ones(n_pred, dtype=np.bool_)
    every_gt = np.ones(n_gt, dtype=np.bool_)
    confidence = np.concatenate([chunk.pred_confidence, _partner(chunk.pred_confidence, gt_partner)])
    iou = np.concatenate([matching.pred_iou, matching.gt_iou])
    compatible = np.concatenate([matching.pred_compatible, matching.gt_compatible])

    required = {
        "item_id": ColumnValues(np.concatenate([chunk.pred_item, chunk.gt_item])),
        "is_prediction": ColumnValues(np.concatenate([every_pred, ~every_gt])),
        "ground_truth_id": ColumnValues(
            np.concatenate([_partner(chunk.gt_id, pred_partner), chunk.gt_id]),
            np.concatenate([pred_matched, every_gt]),
        ),
        "prediction_id": ColumnValues(
            np.concatenate([chunk.pred_id, _partner(chunk.pred_id, gt_partner)]),
            np.concatenate([every_pred, gt_matched]),
        ),
        "ground_truth_label": ColumnValues(
            names[np.concatenate([_partner(chunk.gt_label, pred_partner), chunk.gt_label])],
            np.concatenate([pred_matched, every_gt]),
        ),
        "prediction_label": ColumnValues(
            names[np.concatenate([chunk.pred_label, _partner(chunk.pred_label, gt_partner)])],
            np.concatenate([every_pred, gt_matched]),
        ),
        "iou": ColumnValues(iou),
        "confidence": ColumnValues(confidence, ~np.isnan(confidence) & np.concatenate([every_pred, gt_matched])),
        "compatible": ColumnValues(compatible),
    }
    columns = {**required, **_evidence(chunk, evidence, default_types, n_gt)}
    kept = {name: values for name, values in columns.items() if values.present is None or values.present.any()}
    nulls = tuple(name for name in columns if name not in kept)
    browsing = np.lexsort((iou, compatible, columns["is_prediction"].values))
    return EntryRows(columns=kept, nulls=nulls, browsing=browsing)

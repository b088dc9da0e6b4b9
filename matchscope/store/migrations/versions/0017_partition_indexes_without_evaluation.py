"""PostgreSQL: the indexes of `match_entry` without the evaluation id, the label indexes led by the label
(`matchscope.store.entry_partitions.INDEXES`); SQLite keeps its indexes.

Every partition holds one evaluation, so the evaluation id as a first key only slowed the indexes' builds (every
comparison of a sort went past it) and widened them. The existing partitions' indexes are built again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 06:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_entry_eval_item": "(item_id)",
    "ix_entry_browse_iou": "(is_prediction, compatible, iou, id, ground_truth_label, prediction_label)",
    "ix_entry_browse_confidence": "(is_prediction, compatible, coalesce(confidence, 1.0), id)",
    "ix_entry_ground_truths_by_label": "(ground_truth_label, compatible, iou, id) WHERE NOT is_prediction",
    "ix_entry_predictions_by_label": (
        "(prediction_label, compatible, iou, id) WHERE is_prediction AND prediction_label IS NOT NULL"
    ),
    "ix_entry_review_key": "(coalesce(ground_truth_id, 0), coalesce(prediction_id, 0))",
    "ix_entry_error_type": "(default_error_type, iou, id) WHERE default_error_type IS NOT NULL",
}
_BEFORE = {
    "ix_entry_eval_item": "(evaluation_id, item_id)",
    "ix_entry_browse_iou": "(evaluation_id, is_prediction, compatible, iou, id, ground_truth_label, prediction_label)",
    "ix_entry_browse_confidence": "(evaluation_id, is_prediction, compatible, coalesce(confidence, 1.0), id)",
    "ix_entry_ground_truths_by_label": "(evaluation_id, compatible, ground_truth_label, iou, id) WHERE NOT is_prediction",
    "ix_entry_predictions_by_label": (
        "(evaluation_id, compatible, prediction_label, iou, id) WHERE is_prediction AND prediction_label IS NOT NULL"
    ),
    "ix_entry_review_key": "(evaluation_id, coalesce(ground_truth_id, 0), coalesce(prediction_id, 0))",
    "ix_entry_error_type": "(evaluation_id, default_error_type, iou, id) WHERE default_error_type IS NOT NULL",
}


def _replace(indexes: dict[str, str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, definition in indexes.items():
        columns, _, where = definition.partition(" WHERE ")
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON match_entry {columns}" + (f" WHERE {where}" if where else ""))


def upgrade() -> None:
    _replace(_INDEXES)


def downgrade() -> None:
    _replace(_BEFORE)

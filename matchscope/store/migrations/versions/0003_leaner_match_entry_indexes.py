"""Leaner match_entry indexes: every index costs on each of the ~500,000 rows an evaluation writes.

The label indexes go: a label filter scans the (branch, iou) index and stops after a page of matches, which
is a few thousand index entries at most. (evaluation_id, iou, id) is covered by the branch index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROPPED = {
    "ix_entry_eval_iou": ["evaluation_id", "iou", "id"],
    "ix_entry_browse_gt_label": ["evaluation_id", "ground_truth_label", "is_prediction", "compatible", "iou", "id"],
    "ix_entry_browse_pred_label": ["evaluation_id", "prediction_label", "is_prediction", "compatible", "iou", "id"],
}


def upgrade() -> None:
    for name in _DROPPED:
        op.drop_index(name, table_name="match_entry")


def downgrade() -> None:
    for name, columns in _DROPPED.items():
        op.create_index(name, "match_entry", columns)

"""match_entry indexes for browsing: one range scan per (is_prediction, compatible) branch, by IoU or confidence

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BRANCH = ["evaluation_id", "is_prediction", "compatible"]


def upgrade() -> None:
    op.create_index("ix_entry_browse_iou", "match_entry", [*_BRANCH, "iou", "id"])
    op.create_index(
        "ix_entry_browse_confidence", "match_entry", [*_BRANCH, sa.text("coalesce(confidence, 1.0)"), "id"]
    )
    op.create_index(
        "ix_entry_browse_gt_label", "match_entry", ["evaluation_id", "ground_truth_label", *_BRANCH[1:], "iou", "id"]
    )
    op.create_index(
        "ix_entry_browse_pred_label", "match_entry", ["evaluation_id", "prediction_label", *_BRANCH[1:], "iou", "id"]
    )


def downgrade() -> None:
    for name in ("pred_label", "gt_label", "confidence", "iou"):
        op.drop_index(f"ix_entry_browse_{name}", table_name="match_entry")

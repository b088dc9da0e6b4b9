"""Reviews of entries (`reviewMatch`): one row per (dataset, model, ground-truth box, prediction box), 0 for a
missing box, so that a review outlives the evaluation it was made on; entries indexed by that key, so that the
reviewed entries of an evaluation are one index lookup per review.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("dataset.id"), nullable=False),
        sa.Column("model_id", sa.Integer(), sa.ForeignKey("model.id"), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("ground_truth_id", sa.Integer(), nullable=False),
        sa.Column("prediction_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ux_review_key", "match_review", ["dataset_id", "model_id", "ground_truth_id", "prediction_id"], unique=True
    )
    op.create_index("ix_review_status", "match_review", ["dataset_id", "model_id", "status"])
    op.create_index(
        "ix_entry_review_key",
        "match_entry",
        ["evaluation_id", sa.text("coalesce(ground_truth_id, 0)"), sa.text("coalesce(prediction_id, 0)")],
    )


def downgrade() -> None:
    op.drop_index("ix_entry_review_key", table_name="match_entry")
    op.drop_index("ix_review_status", table_name="match_review")
    op.drop_index("ux_review_key", table_name="match_review")
    op.drop_table("match_review")

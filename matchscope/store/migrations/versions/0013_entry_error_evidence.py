"""Error evidence on prediction entries: what error types and the nearest ground truth are derived from.

Per prediction row: its best IoU with a compatible ground truth and which, with an incompatible one and which, its
nearest ground truth (any label), and its duplicate reach with the confidence of the reached pair's prediction
(`matchscope.engine.error_types`), and on every row its error type at the default thresholds (IoU 0.5,
confidence 0) with a partial index, so that a page of one error type there is an index range. The evidence is null
on ground-truth rows; all of it is null on the rows of evaluations computed before this revision, whose entries then
have no error type: `evaluation.error_evidence` says which evaluations have it (false on the existing ones, true on
every evaluation computed since).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("compatible_iou", sa.Float()),
    ("compatible_ground_truth_id", sa.Integer()),
    ("incompatible_iou", sa.Float()),
    ("incompatible_ground_truth_id", sa.Integer()),
    ("nearest_ground_truth_id", sa.Integer()),
    ("duplicate_iou", sa.Float()),
    ("duplicate_confidence", sa.Float()),
    ("default_error_type", sa.SmallInteger()),
)


def upgrade() -> None:
    for name, type_ in _COLUMNS:  # ALTER TABLE ADD COLUMN on both backends: no copy of the table
        op.add_column("match_entry", sa.Column(name, type_, nullable=True))
    op.add_column("evaluation", sa.Column("error_evidence", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index(
        "ix_entry_error_type",
        "match_entry",
        ["evaluation_id", "default_error_type", "iou", "id"],
        sqlite_where=sa.text("default_error_type IS NOT NULL"),
        postgresql_where=sa.text("default_error_type IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_entry_error_type", table_name="match_entry")
    with op.batch_alter_table("evaluation") as batch:
        batch.drop_column("error_evidence")
    with op.batch_alter_table("match_entry") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)

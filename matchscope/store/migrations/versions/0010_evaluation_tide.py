"""The TIDE summary of an evaluation (counts and ΔAP per error type, overall and per class), computed by the job.

No backfill: evaluations completed before this revision keep a null summary, which the first read computes and
stores (services/evaluation/tide.py) while their boxes are unchanged.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation") as batch:
        batch.add_column(sa.Column("tide", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation") as batch:
        batch.drop_column("tide")

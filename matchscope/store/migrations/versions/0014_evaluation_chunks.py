"""Chunks of a scaled-out evaluation: each one run by any worker, merged by the job when all are done.

A chunk row holds its item range, its state and lease, and once DONE the boxes and counts the final merge needs
(`payload`). On PostgreSQL the payload is stored uncompressed out of line: it is packed float arrays, which
compression attempts would only slow down.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_chunk",
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("first_item", sa.Integer(), nullable=False),
        sa.Column("last_item", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("evaluation_id", "chunk"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE evaluation_chunk ALTER COLUMN payload SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("evaluation_chunk")

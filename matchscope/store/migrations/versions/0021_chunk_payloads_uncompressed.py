"""PostgreSQL: a chunk's payload (`evaluation_chunk.payload`, the arrays a scaled-out evaluation's merge reads) is
stored out of line without compression.

The payload is numpy's npz of float64 boxes and ids, which the server's compression (pglz) tried whole and gave up
on: a chunk of bench/scaleout.py's 5,000 images (3.2 MB) cost 91-92 ms of the server's CPU to store that way, 8 ms
without (same size on disk), ten times a job. SQLite stores it as it is.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE evaluation_chunk ALTER COLUMN payload SET STORAGE {kind}")


def upgrade() -> None:
    _storage("EXTERNAL")


def downgrade() -> None:
    _storage("EXTENDED")

"""Job leases: the worker running a job holds it until `lease_expires_at` and renews it while it works.

A RUNNING job whose lease has lapsed (its worker was killed) is taken over by another worker; the owner is checked
on every write of the job, so a worker that only paused cannot write over its successor. The index serves the
reapers' periodic look for lapsed leases.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_job_lease", "job", ["status", "lease_expires_at"])


def downgrade() -> None:
    op.drop_index("ix_job_lease", table_name="job")
    with op.batch_alter_table("job") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_owner")

"""Dataset names are unique per account.

Datasets that already share a name with an older one of the same account are renamed `name (id N)` first, so the
index can be built on any existing database; each keeps its rows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE dataset SET name = name || ' (id ' || CAST(id AS VARCHAR) || ')' "
        "WHERE id NOT IN (SELECT min(id) FROM dataset GROUP BY account_id, name)"
    )
    op.create_index("ux_dataset_account_name", "dataset", ["account_id", "name"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_dataset_account_name", table_name="dataset")

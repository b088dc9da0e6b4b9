"""PostgreSQL: the primary key of `match_entry` is (id, evaluation_id, item_id), so that an evaluation's entry table
may itself be partitioned by item range (a scaled-out evaluation's chunks, `matchscope.store.entry_partitions`);
SQLite keeps its key.

A partitioned table's unique keys must hold its partition key, and those of its partitions the partitions' own. Ids
still come from the one sequence, so they stay unique on their own. The existing partitions' keys are built again.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 09:30:00
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(columns: str) -> None:
    op.execute("ALTER TABLE match_entry DROP CONSTRAINT match_entry_pkey")
    op.execute(f"ALTER TABLE match_entry ADD CONSTRAINT match_entry_pkey PRIMARY KEY {columns}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _key("(id, evaluation_id, item_id)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    bind = op.get_bind()
    # An evaluation partitioned by chunks cannot live under the old key: its entries go back into one table, which
    # attaching builds the indexes on.
    chunked = bind.execute(
        text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c "
            "WHERE c.relispartition AND c.relkind = 'p' AND c.relname ~ '^match_entry_[0-9]+$'"
        )
    ).all()
    for name, bound in chunked:
        op.execute(f"ALTER TABLE match_entry DETACH PARTITION {name}")
        op.execute(f"CREATE TABLE {name}_flat (LIKE match_entry INCLUDING DEFAULTS)")
        op.execute(f"INSERT INTO {name}_flat SELECT * FROM {name}")
        op.execute(f"DROP TABLE {name}")
        op.execute(f"ALTER TABLE {name}_flat RENAME TO {name}")
    _key("(id, evaluation_id)")
    for name, bound in chunked:
        op.execute(f"ALTER TABLE match_entry ATTACH PARTITION {name} {bound}")

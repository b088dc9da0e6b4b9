"""SQLite: each evaluation's entries in a table of its own, `match_entry_<evaluation id>`
(`matchscope.store.sqlite_entries`); PostgreSQL already has them (0016).

A job writes its entries without indexes and builds `match_entry`'s indexes on them once, instead of keeping seven
indexes up to date row by row; reads name `match_entry` and run on the evaluation's table. Entry ids carry their
evaluation in their high bits (id = evaluation id * 2**32 + rank), so existing entries move into their evaluation's
table with the id `evaluation_id * 2**32 + id` (links to a match of an evaluation made before change). Every
evaluation gets a table, an empty one when it has no entries; `match_entry` stays, empty.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 09:00:00
"""

import re
from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID_BITS = 32
# The table and its indexes as the database has them (schema text from sqlite_master), under each evaluation's names.
_TABLE = re.compile(r'^CREATE TABLE "?match_entry"?', re.IGNORECASE)
_INDEX = re.compile(r'^CREATE INDEX "?(\w+)"? ON "?match_entry"?', re.IGNORECASE)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        return
    table_sql = bind.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'match_entry'")).scalar()
    index_sql = (
        bind.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'match_entry' AND sql IS NOT NULL")
        )
        .scalars()
        .all()
    )
    columns = [row[1] for row in bind.execute(text("PRAGMA table_info(match_entry)")).all()]
    largest = bind.execute(
        # The template table itself, on purpose: the service's routing of match_entry reads (store/sqlite_entries)
        # lets a statement through that names its route, None for the table itself.
        text("SELECT max(id) FROM match_entry").execution_options(entry_evaluation=None)
    ).scalar()
    if largest is not None and largest >= 2**_ID_BITS:
        raise RuntimeError(f"match_entry.id {largest} does not fit in {_ID_BITS} bits: entries cannot move")
    selected = ", ".join(f"(evaluation_id << {_ID_BITS}) + id" if name == "id" else name for name in columns)
    for evaluation_id in bind.execute(text("SELECT id FROM evaluation ORDER BY id")).scalars().all():
        name = f"match_entry_{int(evaluation_id)}"
        op.execute(f"DROP TABLE IF EXISTS {name}")
        op.execute(_TABLE.sub(f"CREATE TABLE {name}", table_sql.strip(), count=1))
        op.execute(
            f"INSERT INTO {name} ({', '.join(columns)}) SELECT {selected} FROM match_entry "
            f"WHERE evaluation_id = {int(evaluation_id)} ORDER BY id"
        )
        for statement in index_sql:
            op.execute(_INDEX.sub(rf"CREATE INDEX \1_{int(evaluation_id)} ON {name}", statement.strip(), count=1))
    op.execute("DELETE FROM match_entry")


def downgrade() -> None:
    raise NotImplementedError("entries do not move back into match_entry")

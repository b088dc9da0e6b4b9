"""PostgreSQL tells every server process when API keys or evaluations change (`matchscope.store.changes`).

A statement-level trigger on each watched table sends the table's name on the channel `matchscope_changes` after
every INSERT, UPDATE, DELETE or TRUNCATE. PostgreSQL delivers a notification when its transaction commits, and
merges identical ones within a transaction, so a job that writes an evaluation sends one. SQLite has no such
channel; nothing is cached there, and this migration does nothing on it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt out rather than imported: a migration states the schema as it was when written.
_CHANNEL = "matchscope_changes"
_TABLES = ("api_key", "evaluation")
_FUNCTION = "matchscope_notify_change"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{_CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(f"DROP TRIGGER {table}_changed ON {table}")
    op.execute(f"DROP FUNCTION {_FUNCTION}()")

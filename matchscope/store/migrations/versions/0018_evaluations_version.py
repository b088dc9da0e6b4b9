"""`account.evaluations_version`, counted up by every change to the account's evaluations in the same transaction;
migration 0007's notifications go.

A server process reads the version with each request's API key (one statement) and keeps current evaluations only
for requests that read the same version (`matchscope.services.browse.evaluations.CurrentEvaluations`), instead of
listening for notifications. On PostgreSQL the count is a deferred constraint trigger: the account's row is written
(and locked) as the transaction commits, so transactions that change one account's evaluations wait for each other
only while they commit; writes that merely check the account (foreign keys) do not wait for it. SQLite has row
triggers only; its writers take turns anyway.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelt out rather than imported: a migration states the schema as it was when written.
_NOTIFIED = ("api_key", "evaluation")
_NOTIFY = "matchscope_notify_change"
_COUNT = "matchscope_count_evaluation_change"
_BUMP = "UPDATE account SET evaluations_version = evaluations_version + 1 WHERE id = {row}.account_id"
_EVENTS = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}


def upgrade() -> None:
    op.add_column("account", sa.Column("evaluations_version", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name != "postgresql":
        for event, row in _EVENTS.items():
            op.execute(
                f"CREATE TRIGGER evaluation_{event.lower()}_counted AFTER {event} ON evaluation "
                f"BEGIN {_BUMP.format(row=row)}; END"
            )
        return
    for table in _NOTIFIED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {_NOTIFY}()")
    # An UPDATE moving an evaluation to another account does not happen; the new row's account is counted.
    op.execute(
        f"""
        CREATE FUNCTION {_COUNT}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                {_BUMP.format(row="OLD")};
            ELSE
                {_BUMP.format(row="NEW")};
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER evaluation_counted AFTER INSERT OR UPDATE OR DELETE ON evaluation "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_COUNT}()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for event in _EVENTS:
            op.execute(f"DROP TRIGGER evaluation_{event.lower()}_counted")
        with op.batch_alter_table("account") as batch:
            batch.drop_column("evaluations_version")
        return
    op.execute("DROP TRIGGER evaluation_counted ON evaluation")
    op.execute(f"DROP FUNCTION {_COUNT}()")
    op.drop_column("account", "evaluations_version")
    op.execute(
        f"""
        CREATE FUNCTION {_NOTIFY}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('matchscope_changes', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in _NOTIFIED:
        op.execute(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_NOTIFY}()"
        )

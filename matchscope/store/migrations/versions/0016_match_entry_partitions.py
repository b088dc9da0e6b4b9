"""PostgreSQL: `match_entry` partitioned by evaluation, one partition per evaluation
(`matchscope.store.entry_partitions`); SQLite keeps one table.

A job writes its entries into a table of its own without indexes, builds the indexes once and attaches the table
as the evaluation's partition, instead of keeping six indexes up to date row by row. A partitioned table's primary
key must hold the partition key: it is (id, evaluation_id); ids still come from the one sequence. Existing entries
move into one partition per evaluation.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 03:00:00
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "match_entry_unpartitioned"
_INDEXES = {
    "ix_entry_eval_item": "(evaluation_id, item_id)",
    "ix_entry_browse_iou": "(evaluation_id, is_prediction, compatible, iou, id, ground_truth_label, prediction_label)",
    "ix_entry_browse_confidence": "(evaluation_id, is_prediction, compatible, coalesce(confidence, 1.0), id)",
    "ix_entry_ground_truths_by_label": "(evaluation_id, compatible, ground_truth_label, iou, id) WHERE NOT is_prediction",
    "ix_entry_review_key": "(evaluation_id, coalesce(ground_truth_id, 0), coalesce(prediction_id, 0))",
    "ix_entry_error_type": "(evaluation_id, default_error_type, iou, id) WHERE default_error_type IS NOT NULL",
    "ix_entry_predictions_by_label": (
        "(evaluation_id, compatible, prediction_label, iou, id) WHERE is_prediction AND prediction_label IS NOT NULL"
    ),
}


def _set_aside() -> None:
    """The table as it is, renamed with its indexes, so that the new one can take the names."""
    op.execute(f"ALTER TABLE match_entry RENAME TO {_OLD}")
    for name in (*_INDEXES, "match_entry_pkey"):
        op.execute(f"ALTER INDEX IF EXISTS {name} RENAME TO {name}_old")


def _indexes() -> None:
    for name, definition in _INDEXES.items():
        columns, _, where = definition.partition(" WHERE ")
        op.execute(f"CREATE INDEX {name} ON match_entry {columns}" + (f" WHERE {where}" if where else ""))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside()
    op.execute(f"CREATE TABLE match_entry (LIKE {_OLD} INCLUDING DEFAULTS) PARTITION BY LIST (evaluation_id)")
    op.execute("ALTER SEQUENCE match_entry_id_seq OWNED BY match_entry.id")
    op.execute("ALTER TABLE match_entry ADD CONSTRAINT match_entry_pkey PRIMARY KEY (id, evaluation_id)")
    _indexes()
    evaluations = op.get_bind().execute(text(f"SELECT DISTINCT evaluation_id FROM {_OLD}")).scalars().all()
    for evaluation_id in evaluations:
        op.execute(
            f"CREATE TABLE match_entry_{int(evaluation_id)} PARTITION OF match_entry FOR VALUES IN ({int(evaluation_id)})"
        )
    op.execute(f"INSERT INTO match_entry SELECT * FROM {_OLD}")
    op.execute(f"DROP TABLE {_OLD}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _set_aside()
    op.execute(f"CREATE TABLE match_entry (LIKE {_OLD} INCLUDING DEFAULTS)")
    op.execute("ALTER SEQUENCE match_entry_id_seq OWNED BY match_entry.id")
    op.execute("ALTER TABLE match_entry ADD CONSTRAINT match_entry_pkey PRIMARY KEY (id)")
    _indexes()
    op.execute(f"INSERT INTO match_entry SELECT * FROM {_OLD}")
    op.execute(f"DROP TABLE {_OLD}")
    # Evaluations whose job had not completed had their own table: their entries are written again by a re-run.
    tables = op.get_bind().execute(text("SELECT tablename FROM pg_tables WHERE tablename ~ '^match_entry_[0-9]+$'"))
    for name in tables.scalars().all():
        op.execute(f"DROP TABLE {name}")

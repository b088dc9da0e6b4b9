"""box_prediction's index by dataset becomes `ix_prediction_dataset (dataset_id)`, a BRIN index on PostgreSQL.

The B-tree on (dataset_id, model_id, id) was ~0.7 s of the server's ~2.9 s in the COPYs of a 1.2 M-detection
`import-coco` (bench/README.md, issue #23). Its readers are a dataset's predictions (deleting a dataset) and a
model's labels on a dataset (the prediction key's index, model_id first, serves the model); predictions arrive by
upload or import, one dataset's rows at a time, so ranges of pages summarized by dataset find them as well, for
next to nothing per inserted row. `autosummarize` summarizes a range once it is filled, without waiting for a
vacuum. SQLite has no BRIN: a B-tree on dataset_id.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 15:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_prediction_dataset_model", table_name="box_prediction")
    op.create_index(
        "ix_prediction_dataset",
        "box_prediction",
        ["dataset_id"],
        postgresql_using="brin",
        postgresql_with={"autosummarize": "on"},
    )


def downgrade() -> None:
    op.drop_index("ix_prediction_dataset", table_name="box_prediction")
    op.create_index("ix_prediction_dataset_model", "box_prediction", ["dataset_id", "model_id", "id"])

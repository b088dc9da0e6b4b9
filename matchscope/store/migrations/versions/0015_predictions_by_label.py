"""Predictions of one label as an index range: a partial index over prediction rows.

A page of false positives filtered on a rare or absent prediction label read its branch in IoU order through
`ix_entry_browse_iou` and checked the label on every entry of the branch: the whole branch for a label with fewer
false positives than a page. Through this index each branch is one range of the label's entries.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ix_entry_predictions_by_label"


def upgrade() -> None:
    op.create_index(
        _NAME,
        "match_entry",
        ["evaluation_id", "compatible", "prediction_label", "iou", "id"],
        sqlite_where=sa.text("is_prediction = 1 AND prediction_label IS NOT NULL"),
        postgresql_where=sa.text("is_prediction AND prediction_label IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(_NAME, table_name="match_entry")

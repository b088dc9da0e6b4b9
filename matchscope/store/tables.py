"""Database tables. Rows are plain sqlmodel records; the GraphQL layer maps them to its own types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps in UTC, read back with their offset on every database: SQLite keeps no offset, so without this
    the same field would read naive there and aware on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def _json(name: str | None = None, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(name, JSON, nullable=nullable))


def _timestamp(nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False))


class Account(SQLModel, table=True):
    __tablename__ = "account"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=200)
    created_at: datetime = _timestamp()
    # Counted up in the transaction of every change to the account's evaluations (migration 0018's triggers).
    evaluations_version: int = Field(default=0)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    key_id: str = Field(unique=True, index=True, max_length=32)
    secret_hash: str = Field(max_length=128)
    created_at: datetime = _timestamp()
    revoked_at: datetime | None = _timestamp(nullable=True)


class Dataset(SQLModel, table=True):
    __tablename__ = "dataset"
    __table_args__ = (Index("ux_dataset_account_name", "account_id", "name", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=500)
    meta: dict[str, Any] | None = _json("metadata")
    created_at: datetime = _timestamp()
    # Bumped by every upload that changes annotations; evaluations remember the value they saw.
    annotation_version: int = Field(default=0)


class DatasetItem(SQLModel, table=True):
    __tablename__ = "dataset_item"
    __table_args__ = (UniqueConstraint("dataset_id", "reference_id", name="uq_item_reference"),)
    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(foreign_key="dataset.id")
    reference_id: str = Field(max_length=1000)
    image_location: str | None = Field(default=None)
    width: int | None = Field(default=None)
    height: int | None = Field(default=None)
    meta: dict[str, Any] | None = _json("metadata")


class BoxAnnotation(SQLModel, table=True):
    __tablename__ = "box_annotation"
    __table_args__ = (
        UniqueConstraint("item_id", "annotation_id", name="uq_annotation_key"),
        Index("ix_annotation_dataset", "dataset_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # No foreign keys on the bulk tables (migration 0004): the services check ids before every bulk write.
    dataset_id: int
    item_id: int
    annotation_id: str = Field(max_length=500)
    label: str = Field(max_length=500)
    x: float
    y: float
    width: float
    height: float
    # COCO's segment area, kept so area ranges match pycocotools; null means width * height.
    area: float | None = Field(default=None)
    iscrowd: bool = Field(default=False)
    meta: dict[str, Any] | None = _json("metadata")


class Model(SQLModel, table=True):
    __tablename__ = "model"
    __table_args__ = (UniqueConstraint("account_id", "reference_id", name="uq_model_reference"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=500)
    reference_id: str = Field(max_length=500)
    meta: dict[str, Any] | None = _json("metadata")
    created_at: datetime = _timestamp()


class BoxPrediction(SQLModel, table=True):
    __tablename__ = "box_prediction"
    __table_args__ = (
        UniqueConstraint("model_id", "item_id", "annotation_id", name="uq_prediction_key"),
        # A dataset's predictions (deleting them; a model's labels on it). On PostgreSQL a BRIN index, ranges of
        # pages, which an import's rows fill one dataset at a time: a B-tree cost a quarter of the server's work in
        # the COPYs of a 1.2 M-detection import (migration 0022); SQLite keeps a B-tree.
        Index("ix_prediction_dataset", "dataset_id", postgresql_using="brin", postgresql_with={"autosummarize": "on"}),
    )
    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int
    model_id: int
    item_id: int
    annotation_id: str = Field(max_length=500)
    label: str = Field(max_length=500)
    x: float
    y: float
    width: float
    height: float
    confidence: float | None = Field(default=None)
    class_pdf: dict[str, Any] | None = _json("class_pdf")
    meta: dict[str, Any] | None = _json("metadata")


class PredictionSet(SQLModel, table=True):
    """One model's predictions on one dataset; its version is bumped by every upload that changes them."""

    __tablename__ = "prediction_set"
    dataset_id: int = Field(foreign_key="dataset.id", primary_key=True)
    model_id: int = Field(foreign_key="model.id", primary_key=True)
    version: int = Field(default=0)


class Job(SQLModel, table=True):
    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_dedupe", "dataset_id", "model_id", "options_key", "status"),
        Index("ix_job_lease", "status", "lease_expires_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    type: str = Field(max_length=50)
    status: str = Field(max_length=20)
    dataset_id: int | None = Field(default=None, foreign_key="dataset.id")
    model_id: int | None = Field(default=None, foreign_key="model.id")
    options: dict[str, Any] | None = _json("options")
    options_key: str = Field(default="", max_length=200)
    progress: float = Field(default=0.0)
    completed_steps: int = Field(default=0)
    total_steps: int = Field(default=0)
    message: str | None = Field(default=None)
    errors: list[str] | None = _json("errors")
    cancel_requested: bool = Field(default=False)
    attempts: int = Field(default=0)
    created_at: datetime = _timestamp()
    started_at: datetime | None = _timestamp(nullable=True)
    finished_at: datetime | None = _timestamp(nullable=True)
    evaluation_id: int | None = Field(default=None)
    # The worker running the job and until when it holds it (migration 0008); it renews the lease while it works.
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_expires_at: datetime | None = _timestamp(nullable=True)


class Evaluation(SQLModel, table=True):
    __tablename__ = "evaluation"
    __table_args__ = (Index("ix_evaluation_current", "dataset_id", "model_id", "is_current"),)
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    dataset_id: int = Field(foreign_key="dataset.id")
    model_id: int = Field(foreign_key="model.id")
    job_id: int | None = Field(default=None, foreign_key="job.id", index=True)
    class_agnostic: bool = Field(default=True)
    allowed_label_matches: list[list[str]] | None = _json("allowed_label_matches")
    # Only a fully stored evaluation is ever current; the switch happens in one transaction.
    is_current: bool = Field(default=False)
    is_complete: bool = Field(default=False)
    annotation_version: int = Field(default=0)
    prediction_version: int = Field(default=0)
    created_at: datetime = _timestamp()
    completed_at: datetime | None = _timestamp(nullable=True)
    # Its prediction entries carry error evidence (migration 0013: false for evaluations computed before it).
    error_evidence: bool = Field(default=True)
    # COCO results: {"stats": [12], "per_class": {label: [12]}, "pr_curves": {...}}
    coco: dict[str, Any] | None = _json("coco")
    # TIDE summary (migration 0010): {"ap50", "errors": [{"type", "count", "delta_ap"}], "per_class": [...]};
    # null for evaluations completed before it, computed on first read (services/evaluation/tide.py).
    tide: dict[str, Any] | None = _json("tide")


class EvaluationChunk(SQLModel, table=True):
    """One chunk of items of a scaled-out evaluation (migration 0014): any worker may run it.

    A chunk is PENDING, RUNNING under a worker's lease (`lease_owner` until `lease_expires_at`, renewed while it
    runs) or DONE. Its entries are written in the transaction that marks it DONE, together with `payload`: the
    boxes the final merge needs for COCO metrics and the TIDE summary, and the chunk's per-label counts
    (`matchscope.services.evaluation.chunks`). Like the bulk tables it has no foreign keys: deletes clear it
    explicitly.
    """

    __tablename__ = "evaluation_chunk"
    evaluation_id: int = Field(primary_key=True)
    chunk: int = Field(primary_key=True)
    first_item: int
    last_item: int
    items: int
    status: str = Field(max_length=20)
    # The labels (their order gives the codes) and how ground truth is ordered, the same for every chunk.
    plan: dict[str, Any] | None = _json("plan")
    attempts: int = Field(default=0)
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_expires_at: datetime | None = _timestamp(nullable=True)
    payload: bytes | None = Field(default=None, sa_column=Column(LargeBinary(), nullable=True))


class EvaluationClass(SQLModel, table=True):
    """Per-label counts at the default thresholds (IoU 0.5, confidence 0) and per-class COCO stats."""

    __tablename__ = "evaluation_class"
    evaluation_id: int = Field(foreign_key="evaluation.id", primary_key=True)
    label: str = Field(primary_key=True, max_length=500)
    ground_truth_count: int = Field(default=0)
    prediction_count: int = Field(default=0)
    true_positives: int = Field(default=0)
    false_positives: int = Field(default=0)
    false_negatives: int = Field(default=0)


class MatchEntry(SQLModel, table=True):
    """One row per box of an evaluation: every prediction and every ground truth.

    A kept pair appears twice (once per side) with the same iou, labels and compatibility;
    the outcome at query-time thresholds is derived from these columns.
    """

    __tablename__ = "match_entry"
    # Browsing reads one (is_prediction, compatible) branch at a time in IoU or confidence order (migration 0002);
    # the IoU index carries the labels so that a label filter is checked on it (migration 0005); ground-truth rows
    # (false negatives) of one label are a range of their own partial index (migration 0006).
    __table_args__ = (
        Index("ix_entry_eval_item", "evaluation_id", "item_id"),
        Index(
            "ix_entry_browse_iou",
            "evaluation_id",
            "is_prediction",
            "compatible",
            "iou",
            "id",
            "ground_truth_label",
            "prediction_label",
        ),
        Index(
            "ix_entry_browse_confidence",
            "evaluation_id",
            "is_prediction",
            "compatible",
            text("coalesce(confidence, 1.0)"),
            "id",
        ),
        Index(
            "ix_entry_ground_truths_by_label",
            "evaluation_id",
            "compatible",
            "ground_truth_label",
            "iou",
            "id",
            sqlite_where=text("is_prediction = 0"),
            postgresql_where=text("NOT is_prediction"),
        ),
        # Predictions of one label as an index range (migration 0015): a rare label's page does not scan its branch.
        Index(
            "ix_entry_predictions_by_label",
            "evaluation_id",
            "compatible",
            "prediction_label",
            "iou",
            "id",
            sqlite_where=text("is_prediction = 1 AND prediction_label IS NOT NULL"),
            postgresql_where=text("is_prediction AND prediction_label IS NOT NULL"),
        ),
        # An entry by its review key (migration 0012): a review finds its entries in any evaluation of its pair.
        Index(
            "ix_entry_review_key",
            "evaluation_id",
            text("coalesce(ground_truth_id, 0)"),
            text("coalesce(prediction_id, 0)"),
        ),
        Index(
            "ix_entry_error_type",
            "evaluation_id",
            "default_error_type",
            "iou",
            "id",
            sqlite_where=text("default_error_type IS NOT NULL"),
            postgresql_where=text("default_error_type IS NOT NULL"),
        ),
    )
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    )
    evaluation_id: int
    item_id: int
    is_prediction: bool
    ground_truth_id: int | None = Field(default=None)
    prediction_id: int | None = Field(default=None)
    ground_truth_label: str | None = Field(default=None, max_length=500)
    prediction_label: str | None = Field(default=None, max_length=500)
    iou: float = Field(default=0.0)
    # The prediction's confidence (null: none given, counts as 1); on a ground-truth row, its partner's.
    confidence: float | None = Field(default=None)
    compatible: bool = Field(default=False)
    # Error evidence of a prediction row (migration 0013; null on ground-truth rows and older evaluations), from
    # which error types at query-time thresholds and the nearest ground truth follow
    # (`matchscope.engine.error_types`). IoU 0 / id null: no such ground truth overlaps.
    compatible_iou: float | None = Field(default=None)
    compatible_ground_truth_id: int | None = Field(default=None)
    incompatible_iou: float | None = Field(default=None)
    incompatible_ground_truth_id: int | None = Field(default=None)
    nearest_ground_truth_id: int | None = Field(default=None)
    duplicate_iou: float | None = Field(default=None)
    duplicate_confidence: float | None = Field(default=None)
    # The entry's error type code at the default thresholds (IoU 0.5, confidence 0), null where none: pages of an
    # error type there are one range of ix_entry_error_type each.
    default_error_type: int | None = Field(default=None, sa_column=Column(SmallInteger(), nullable=True))


class MatchReview(SQLModel, table=True):
    """A reviewer's verdict on an entry, kept across re-evaluations of the same dataset and model (migration 0012).

    Keyed by the entry's two boxes: a box's row is its (item, annotationId) key, updated in place by uploads, so the
    same annotationIds find the same review in every evaluation of the pair. 0 stands for "no box" (an unmatched
    ground truth or prediction) so that the key is a plain unique index on both databases.
    """

    __tablename__ = "match_review"
    __table_args__ = (
        Index("ux_review_key", "dataset_id", "model_id", "ground_truth_id", "prediction_id", unique=True),
        # A pair's reviews of some statuses (browse's `reviewStatuses` filter, the LABEL_ERROR export).
        Index("ix_review_status", "dataset_id", "model_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    dataset_id: int = Field(foreign_key="dataset.id")
    model_id: int = Field(foreign_key="model.id")
    item_id: int
    ground_truth_id: int
    prediction_id: int
    status: str = Field(max_length=20)
    note: str | None = Field(default=None)
    updated_at: datetime = _timestamp()

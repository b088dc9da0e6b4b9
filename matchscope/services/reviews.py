"""Reviews of entries (`reviewMatch`): set, change, clear; the reviews of a page's entries; counts per status and
outcome; the LABEL_ERROR export. How a review is keyed and found is services/reviewed.py's."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services import browse, entry_columns, metrics
from matchscope.services.actor import Actor
from matchscope.services.errors import NotFound, ValidationFailed
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size
from matchscope.services.reviewed import STORED_STATUSES, ReviewFilter, ReviewStatus, entry_key, review_filter
from matchscope.store import dialect, sqlite_entries
from matchscope.store.bulk import bulk_select
from matchscope.store.db import transaction
from matchscope.store.tables import (
    BoxAnnotation,
    BoxPrediction,
    DatasetItem,
    Evaluation,
    MatchEntry,
    MatchReview,
    utcnow,
)

MAX_NOTE = 2000
_ENTRY = MatchEntry.__table__.c  # type: ignore[attr-defined]
_REVIEW = MatchReview.__table__.c  # type: ignore[attr-defined]
_EVALUATION = Evaluation.__table__.c  # type: ignore[attr-defined]


class _Keep(enum.Enum):
    NOTE = "keep"


KEEP_NOTE: Literal[_Keep.NOTE] = _Keep.NOTE
"""`note` not given: a changed review keeps its note."""


@dataclass(frozen=True, slots=True)
class Review:
    status: ReviewStatus
    note: str | None
    updated_at: datetime


def _check_note(status: ReviewStatus, note: str | _Keep | None) -> str | _Keep | None:
    """The note to store (None: none); an empty note clears it."""
    if not isinstance(note, str):
        return note
    if "\x00" in note:
        raise ValidationFailed.single("note", note[:40], "must not contain the NUL character (U+0000)")
    if len(note) > MAX_NOTE:
        raise ValidationFailed.single("note", note[:40] + "...", f"is longer than {MAX_NOTE:,} characters")
    if status is ReviewStatus.UNREVIEWED and note:
        raise ValidationFailed.single(
            "note", note[:40], "UNREVIEWED removes the review with its note: give no note, or another status"
        )
    return note or None


async def review_match(
    actor: Actor,
    *,
    entry_id: int,
    status: ReviewStatus,
    note: str | _Keep | None = KEEP_NOTE,
    thresholds: browse.Thresholds,
) -> browse.MatchRow:
    """Set (or, with UNREVIEWED, remove) the review of an entry's pair of boxes, in one transaction. Returns the
    entry at `thresholds`, or where it is hidden there (a true positive's ground truth), the true positive that
    stands for it: the same pair, the same review. NotFound unless the entry is of the actor's complete
    evaluation."""
    checked = _check_note(status, note)
    async with transaction(actor.app.sessions) as session:
        return await _review(session, account_id=actor.account_id, entry_id=entry_id, status=status, note=checked,
                             thresholds=thresholds)  # fmt: skip


async def _review(
    session: AsyncSession,
    *,
    account_id: int,
    entry_id: int,
    status: ReviewStatus,
    note: str | _Keep | None,
    thresholds: browse.Thresholds,
) -> browse.MatchRow:
    statement = select(_ENTRY.evaluation_id, _ENTRY.item_id, _ENTRY.ground_truth_id, _ENTRY.prediction_id).where(
        _ENTRY.id == entry_id
    )
    options = await sqlite_entries.entry_options(session, entry_id)
    entry = None if options is None else (await session.execute(statement.execution_options(**options))).one_or_none()
    evaluation = None
    if entry is not None:
        evaluation = await browse.visible_evaluation(session, account_id=account_id, evaluation_id=entry.evaluation_id)
    if entry is None or evaluation is None or not evaluation.is_complete:
        raise NotFound("Match", entry_id)
    key = {
        "dataset_id": evaluation.dataset_id,
        "model_id": evaluation.model_id,
        "ground_truth_id": entry.ground_truth_id or 0,
        "prediction_id": entry.prediction_id or 0,
    }
    if status is ReviewStatus.UNREVIEWED:
        await session.execute(delete(MatchReview).where(*(_REVIEW[name] == value for name, value in key.items())))
    else:
        await _upsert(session, key, account_id=account_id, item_id=entry.item_id, status=status, note=note)
    # At confidence 0 every prediction's entry shows, and so does every ground truth's but a true positive's.
    for shown_at in (thresholds, replace(thresholds, confidence=0.0)):
        on_item = await browse.item_entries(session, evaluation=evaluation, item_id=entry.item_id, thresholds=shown_at)
        own = [row for row in on_item if row.id == entry_id]
        partner = [
            row
            for row in on_item
            if (row.ground_truth_id, row.prediction_id) == (entry.ground_truth_id, entry.prediction_id)
        ]
        if own or partner:
            return (own or partner)[0]
    raise AssertionError(f"entry {entry_id} shows at confidence 0 or its true positive does")


async def _upsert(
    session: AsyncSession,
    key: dict[str, int],
    *,
    account_id: int,
    item_id: int,
    status: ReviewStatus,
    note: str | _Keep | None,
) -> None:
    changes: dict[str, Any] = {"status": status.value, "updated_at": utcnow()}
    if not isinstance(note, _Keep):
        changes["note"] = note
    statement = dialect.insert(session, MatchReview).values(**key, **changes, account_id=account_id, item_id=item_id)
    await session.execute(statement.on_conflict_do_update(index_elements=list(key), set_=changes))


_KEY = entry_key(_ENTRY)
_PAIR = (_REVIEW.ground_truth_id == _KEY[0]) & (_REVIEW.prediction_id == _KEY[1])


async def reviews_of_entries(actor: Actor, entry_ids: Sequence[int]) -> dict[int, Review]:
    """The reviews of these entries (of the actor's evaluations: the caller read them), by entry id; one query (on
    SQLite one per evaluation)."""
    rows: list[Any] = []
    async with actor.app.sessions() as session:
        for evaluation_id, ids in sqlite_entries.by_evaluation(session, entry_ids):
            statement = (
                select(_ENTRY.id, _REVIEW.status, _REVIEW.note, _REVIEW.updated_at)
                .select_from(MatchEntry)
                .join(Evaluation, _EVALUATION.id == _ENTRY.evaluation_id)
                .join(
                    MatchReview,
                    (_REVIEW.dataset_id == _EVALUATION.dataset_id) & (_REVIEW.model_id == _EVALUATION.model_id) & _PAIR,
                )
                .where(_ENTRY.id.in_(ids))
                .execution_options(**{sqlite_entries.ROUTE: evaluation_id})
            )
            rows += (await session.execute(statement)).all()
    return {row.id: Review(ReviewStatus(row.status), row.note, row.updated_at) for row in rows}


# Each review's entries through `ix_entry_review_key`, spelt as reviewed.reviewed_entry_join spells it.
_REVIEWED_SQL = text(
    f"SELECT {entry_columns.entry_columns_sql('e')}, r.status FROM match_review r JOIN match_entry e "
    "ON e.evaluation_id = :evaluation_id AND coalesce(e.ground_truth_id, 0) = r.ground_truth_id + 0 "
    "AND coalesce(e.prediction_id, 0) = r.prediction_id + 0 WHERE r.dataset_id = :dataset_id AND r.model_id = :model_id"
)


@dataclass(frozen=True, slots=True)
class ReviewedEntries:
    """The evaluation's reviewed entries as metrics' columns, and each one's status (shape ``(R,)``)."""

    columns: entry_columns.EntryColumns
    statuses: NDArray[np.str_]

    def having(self, statuses: Sequence[str]) -> entry_columns.EntryColumns:
        return self.columns.masked(np.isin(self.statuses, list(statuses)))

    def within(self, columns: entry_columns.EntryColumns | None) -> ReviewedEntries:
        """Those on the items of `columns`' entries only (a slice's, `EntryColumns.on_items`); all when None."""
        if columns is None:
            return self
        kept = np.isin(self.columns.item_ids[self.columns.item_index], columns.item_ids[columns.item_index])
        return ReviewedEntries(self.columns.masked(kept), self.statuses[kept])


async def reviewed_entries(session: AsyncSession, evaluation: browse.EvaluationRow) -> ReviewedEntries:
    """One query: one index lookup into the evaluation's entries per review of its pair."""
    records = await bulk_select(
        session,
        _REVIEWED_SQL,
        {"evaluation_id": evaluation.id, "dataset_id": evaluation.dataset_id, "model_id": evaluation.model_id},
    )
    statuses = np.array([record[-1] for record in records], dtype=np.str_)
    return ReviewedEntries(entry_columns.columns_from_records(records), statuses)


async def _reviewed(actor: Actor, evaluation: browse.EvaluationRow) -> ReviewedEntries:
    async with actor.app.sessions() as session:
        return await reviewed_entries(session, evaluation)


async def count_matches(
    actor: Actor,
    *,
    evaluation: browse.EvaluationRow,
    columns: entry_columns.EntryColumns,
    thresholds: browse.Thresholds,
    query: browse.MatchFilter,
) -> int:
    """`metrics.count_matches` with the review filter too: the reviewed entries are counted apart."""
    kind, statuses = review_filter(query.review_statuses)
    plain = replace(query, review_statuses=None)
    if query.review_statuses == frozenset():
        return 0
    evidence = evaluation.error_evidence
    if kind is None:
        return metrics.count_matches(columns, thresholds, plain, error_evidence=evidence)
    within = None if query.item_metadata is None else columns
    reviewed = (await _reviewed(actor, evaluation)).within(within).having([s.value for s in statuses])
    counted = metrics.count_matches(reviewed, thresholds, plain, error_evidence=evidence, evaluation_columns=columns)
    if kind is ReviewFilter.REVIEWED:
        return counted
    return metrics.count_matches(columns, thresholds, plain, error_evidence=evidence) - counted


@dataclass(frozen=True, slots=True)
class ReviewCounts:
    """Entries of one review status at some thresholds, by outcome."""

    status: ReviewStatus
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def total(self) -> int:
        return self.true_positives + self.false_positives + self.false_negatives


async def review_counts(
    actor: Actor,
    *,
    evaluation: browse.EvaluationRow,
    overall: metrics.Counts,
    thresholds: browse.Thresholds,
    within: entry_columns.EntryColumns | None = None,
) -> list[ReviewCounts]:
    """Per status (UNREVIEWED first: `overall` less the reviewed), the entries shown at `thresholds` by outcome;
    of a slice's items when `within` holds its columns (`overall` is then the slice's)."""
    reviewed = (await _reviewed(actor, evaluation)).within(within)
    masks = metrics.outcome_masks(reviewed.columns, thresholds)
    counts = [
        ReviewCounts(
            status,
            int((masks.true_positive & (reviewed.statuses == status.value)).sum()),
            int((masks.false_positive & (reviewed.statuses == status.value)).sum()),
            int((masks.false_negative & (reviewed.statuses == status.value)).sum()),
        )
        for status in sorted(STORED_STATUSES, key=list(ReviewStatus).index)
    ]
    unreviewed = ReviewCounts(
        ReviewStatus.UNREVIEWED,
        overall.true_positives - sum(c.true_positives for c in counts),
        overall.false_positives - sum(c.false_positives for c in counts),
        overall.false_negatives - sum(c.false_negatives for c in counts),
    )
    return [unreviewed, *counts]


_ITEM = DatasetItem.__table__.c  # type: ignore[attr-defined]
_ANNOTATION = BoxAnnotation.__table__.c  # type: ignore[attr-defined]
_PREDICTION = BoxPrediction.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class LabelError:
    """A LABEL_ERROR review as a COCO-style annotation (`coco`), with its note and time."""

    review_id: int
    coco: dict[str, Any]
    note: str | None
    updated_at: datetime


def _bbox(x: float | None, y: float | None, width: float | None, height: float | None) -> list[float] | None:
    return None if x is None or y is None or width is None or height is None else [x, y, width, height]


def _label_error(row: Any) -> LabelError:
    prediction = None
    if row.prediction_annotation_id is not None:
        prediction = {
            "id": row.prediction_annotation_id,
            "category": row.prediction_label,
            "bbox": _bbox(row.px, row.py, row.pwidth, row.pheight),
            "score": row.confidence,
        }
    coco = {
        "id": row.annotation_id,
        "image_id": row.reference_id,
        "category": row.label,
        "bbox": _bbox(row.x, row.y, row.width, row.height),
        "iscrowd": None if row.iscrowd is None else int(row.iscrowd),
        "prediction": prediction,
        "note": row.note,
    }
    return LabelError(row.id, coco, row.note, row.updated_at)


async def label_errors_page(
    session: AsyncSession, *, evaluation: browse.EvaluationRow, first: int | None, after: str | None
) -> Page[LabelError]:
    """The LABEL_ERROR reviews of the evaluation's dataset and model, oldest review first (keyset on its id)."""
    size = page_size(first)
    after_id = 0
    if after is not None:
        (after_id,) = decode_cursor(after, 1)
        if not isinstance(after_id, int) or isinstance(after_id, bool):
            raise ValidationFailed.single("after", after, "not a cursor from this API")
    statement = (
        select(
            _REVIEW.id,
            _REVIEW.note,
            _REVIEW.updated_at,
            _ITEM.reference_id,
            _ANNOTATION.annotation_id,
            _ANNOTATION.label,
            _ANNOTATION.x,
            _ANNOTATION.y,
            _ANNOTATION.width,
            _ANNOTATION.height,
            _ANNOTATION.iscrowd,
            _PREDICTION.annotation_id.label("prediction_annotation_id"),
            _PREDICTION.label.label("prediction_label"),
            _PREDICTION.x.label("px"),
            _PREDICTION.y.label("py"),
            _PREDICTION.width.label("pwidth"),
            _PREDICTION.height.label("pheight"),
            _PREDICTION.confidence,
        )
        .select_from(MatchReview)
        .join(DatasetItem, _ITEM.id == _REVIEW.item_id)
        .outerjoin(BoxAnnotation, _ANNOTATION.id == _REVIEW.ground_truth_id)
        .outerjoin(BoxPrediction, _PREDICTION.id == _REVIEW.prediction_id)
        .where(
            _REVIEW.dataset_id == evaluation.dataset_id,
            _REVIEW.model_id == evaluation.model_id,
            _REVIEW.status == ReviewStatus.LABEL_ERROR.value,
            _REVIEW.id > after_id,
        )
        .order_by(_REVIEW.id)
        .limit(size + 1)
    )
    rows = [_label_error(row) for row in (await session.execute(statement)).all()]
    shown = rows[:size]
    return Page(
        rows=shown,
        cursors=[encode_cursor((row.review_id,)) for row in shown],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def label_errors(
    actor: Actor, *, evaluation: browse.EvaluationRow, first: int | None, after: str | None
) -> Page[LabelError]:
    """`label_errors_page` of the actor's evaluation."""
    async with actor.app.sessions() as session:
        return await label_errors_page(session, evaluation=evaluation, first=first, after=after)


async def count_label_errors(actor: Actor, *, evaluation: browse.EvaluationRow) -> int:
    statement = select(func.count()).where(
        _REVIEW.dataset_id == evaluation.dataset_id,
        _REVIEW.model_id == evaluation.model_id,
        _REVIEW.status == ReviewStatus.LABEL_ERROR.value,
    )
    async with actor.app.sessions() as session:
        return int((await session.execute(statement)).scalar_one())

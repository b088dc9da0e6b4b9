"""Pages of entries, one item's entries, and entries by id: each one SQL statement."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services import error_types
from matchscope.services.actor import Actor
from matchscope.services.browse.evaluations import EvaluationRow, visible_evaluation
from matchscope.services.browse.records import MatchFilter, MatchOrder, MatchRow, Outcome, Thresholds
from matchscope.services.browse.rows import EVERY_DETAIL, RowDetails, as_rows, to_rows
from matchscope.services.browse.sql import ENTRY
from matchscope.services.browse.statements import BY_ID_SLOTS, by_id_slots, by_id_statement, page_statement
from matchscope.services.error_types import ErrorType
from matchscope.services.errors import ValidationFailed
from matchscope.services.pagination import Page, decode_cursor, encode_cursor, page_size
from matchscope.store import sqlite_entries
from matchscope.store.dialect import is_postgresql
from matchscope.store.reads import Reads, Row, fetch_all
from matchscope.store.tables import MatchEntry


async def entries_by_id(
    db: AsyncSession | Reads,
    *,
    sides: Sequence[tuple[EvaluationRow, Sequence[int]]],
    thresholds: Thresholds,
    details: RowDetails = EVERY_DETAIL,
) -> dict[int, MatchRow]:
    """Entries of several evaluations by id, with the item and boxes each names: one SQL statement for up to
    two pages' worth. The caller names the row that stands for each outcome at ``thresholds``: a prediction's row
    reads as its TRUE_POSITIVE, a ground truth's as its FALSE_NEGATIVE (its partner's fields None when
    ``thresholds`` drops the partner)."""
    owner = {entry_id: evaluation for evaluation, ids in sides for entry_id in ids}
    rows: dict[int, MatchRow] = {}
    for record in await records_by_id(db, list(owner), details):
        (row,) = as_rows(owner[record[0]], [record], thresholds)
        rows[row.id] = row
    return rows


async def records_by_id(db: AsyncSession | Reads, ids: Sequence[int], details: RowDetails) -> list[Row]:
    """The by-id statement's records of these entries (in no order, the missing left out): each reads as
    `entries_by_id` says, before `as_rows` makes it a row."""
    lateral = is_postgresql(db)
    records: list[Row] = []
    for evaluation_id, ordered in sqlite_entries.by_evaluation(db, ids):
        for start in range(0, len(ordered), BY_ID_SLOTS):
            chunk = ordered[start : start + BY_ID_SLOTS]
            slots = by_id_slots(len(chunk))
            chunk += [chunk[-1]] * (slots - len(chunk))
            statement = by_id_statement(lateral, slots, details)
            parameters = {f"entry_{slot}": value for slot, value in enumerate(chunk)}
            records += await fetch_all(db, statement, parameters, evaluation_id=evaluation_id)
    return records


def decode_after(after: str | None) -> tuple[float, int] | None:
    if after is None:
        return None
    value, entry_id = decode_cursor(after, 2)
    if not isinstance(value, int | float) or not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise ValidationFailed.single("after", after, "not a cursor from this API")
    return float(value), entry_id


async def matches_page(
    db: AsyncSession | Reads,
    *,
    evaluation: EvaluationRow,
    thresholds: Thresholds,
    query: MatchFilter,
    order: MatchOrder,
    first: int | None,
    after: str | None,
    details: RowDetails = EVERY_DETAIL,
) -> Page[MatchRow]:
    """One page of entries, ordered by (sort value, id) in `order`'s direction, with the item and boxes each
    names (their seldom-shown columns as `details` says); one SQL statement."""
    size = page_size(first)
    cursor = decode_after(after)
    empty = empty_page(evaluation, query, size, cursor)
    if empty is not None:
        return empty
    statement, parameters = page_statement(db, evaluation, thresholds, query, order, cursor, size + 1, details)
    records = await fetch_all(db, statement, parameters)
    return rows_page(to_rows(evaluation, records, order, thresholds, size), len(records) > size, cursor)


def rows_page(rows: list[MatchRow], has_next: bool, cursor: tuple[float, int] | None) -> Page[MatchRow]:
    """A page of rows in page order, each with its keyset cursor (sort value, id)."""
    return Page(
        rows=rows,
        cursors=[encode_cursor((float(row.sort_value), row.id)) for row in rows],
        has_next_page=has_next,
        has_previous_page=cursor is not None,
    )


def empty_page(
    evaluation: EvaluationRow, query: MatchFilter, size: int, cursor: tuple[float, int] | None
) -> Page[MatchRow] | None:
    """The empty page of a query that can select nothing (None: it may select entries)."""
    nothing = size == 0 or frozenset() in (query.outcomes, query.review_statuses)
    nothing = nothing or () in (query.ground_truth_labels, query.prediction_labels)
    if not nothing and query.error_types is not None:
        outcomes = query.outcomes if query.outcomes is not None else frozenset(Outcome)
        nothing = not _typed_outcomes(query.error_types, evaluation) & outcomes
    return Page(rows=[], cursors=[], has_next_page=False, has_previous_page=cursor is not None) if nothing else None


def _typed_outcomes(kinds: frozenset[ErrorType], evaluation: EvaluationRow) -> frozenset[Outcome]:
    """The outcomes entries of these types can have (none without error evidence)."""
    if not evaluation.error_evidence:
        return frozenset()
    fp = {Outcome.FALSE_POSITIVE} if kinds & error_types.FALSE_POSITIVE_TYPES else set()
    return frozenset(fp | ({Outcome.FALSE_NEGATIVE} if ErrorType.MISSED in kinds else set()))


async def item_entries(
    session: AsyncSession, *, evaluation: EvaluationRow, item_id: int, thresholds: Thresholds
) -> list[MatchRow]:
    """Every entry on one item at the thresholds, by IoU descending (ids break ties)."""
    order = MatchOrder()
    statement, parameters = page_statement(
        session, evaluation, thresholds, MatchFilter(item_id=item_id), order, None, 1_000_000
    )
    return to_rows(evaluation, await fetch_all(session, statement, parameters), order, thresholds)


async def entry_by_id(
    session: AsyncSession, *, account_id: int, entry_id: int, thresholds: Thresholds
) -> MatchRow | None:
    """One entry of the account's at the thresholds; None when there is none or it is hidden there (a ground
    truth of a true positive)."""
    options = await sqlite_entries.entry_options(session, entry_id)
    if options is None:
        return None
    statement = select(MatchEntry).where(ENTRY.id == entry_id).execution_options(**options)
    entry = (await session.execute(statement)).scalar_one_or_none()
    if entry is None:
        return None
    evaluation = await visible_evaluation(session, account_id=account_id, evaluation_id=entry.evaluation_id)
    if evaluation is None:
        return None
    on_item = await item_entries(session, evaluation=evaluation, item_id=entry.item_id, thresholds=thresholds)
    return next((row for row in on_item if row.id == entry_id), None)


async def entry(actor: Actor, *, entry_id: int, thresholds: Thresholds) -> MatchRow | None:
    """`entry_by_id` of the actor's."""
    async with actor.app.sessions() as session:
        return await entry_by_id(session, account_id=actor.account_id, entry_id=entry_id, thresholds=thresholds)


async def entries_on_item(actor: Actor, *, evaluation_id: int, item_id: int, thresholds: Thresholds) -> list[MatchRow]:
    """`item_entries` of the actor's evaluation; empty when the evaluation is not the actor's."""
    async with actor.app.sessions() as session:
        evaluation = await visible_evaluation(session, account_id=actor.account_id, evaluation_id=evaluation_id)
        if evaluation is None:
            return []
        return await item_entries(session, evaluation=evaluation, item_id=item_id, thresholds=thresholds)

"""A table of predictions (what import-coco reads from a results file) written in chunks, pipelined: a worker
thread checks the next chunk and builds its rows while the database writes the current one.

On PostgreSQL the client's work and the server's COPY otherwise ran one after the other, each about half of a
1.2 M-row import on a 2-core machine. The database sees what the chunks in sequence would send: each chunk's key
lookup runs after the previous chunk's rows are written, the rows keep the table's order (row ids, which the
greedy tie-break follows), and a chunk the checks refuse raises before its own rows are sent; the rows of the
chunks before it are the caller's transaction to roll back, as they were when each chunk was a call of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from matchscope.services import ingest, validation
from matchscope.services.errors import ValidationFailed
from matchscope.services.records import PredictionTable, UploadCounts
from matchscope.store.tables import BoxPrediction

CHUNK = 50_000
# The first chunk is prepared while the database has nothing to do: a small one starts its writes sooner.
FIRST_CHUNK = 5_000
_COLUMNS = ("label", "x", "y", "width", "height", "confidence")
_NULLS: dict[str, None] = {"class_pdf": None, "metadata": None}


@dataclass(frozen=True, slots=True)
class _Chunk:
    items: list[int]  # the distinct item ids of its rows
    rows: list[tuple[Any, ...]]  # (item id, annotation id, *_COLUMNS)


def _prepared(table: PredictionTable, start: int, stop: int, item_ids: dict[str, int]) -> _Chunk:
    """Rows `start:stop` checked and as rows; a refusal names rows by their place in `table`. No database work:
    this runs in a worker thread while the session writes the previous chunk."""
    chunk = table[start:stop]
    try:
        validation.check_prediction_table(chunk, item_ids)
    except ValidationFailed as error:
        issues = [issue if issue.row is None else replace(issue, row=issue.row + start) for issue in error.issues]
        raise ValidationFailed(issues) from None
    ids = np.array([item_ids[reference] for reference in chunk.references], dtype=np.int64)
    labels = np.array(chunk.labels, dtype=object)
    values = (labels[chunk.label_code].tolist(), *chunk.boxes.T.tolist(), chunk.confidence.tolist())
    rows = list(zip(ids[chunk.reference_code].tolist(), chunk.annotation_ids, *values, strict=True))
    return _Chunk(ids.tolist(), rows)


def _bounds(rows: int, chunk_rows: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk: a first one of at most FIRST_CHUNK rows, then `chunk_rows` each."""
    if not rows:
        return []
    starts = [0, *range(min(rows, chunk_rows, FIRST_CHUNK), rows, chunk_rows)]
    return list(zip(starts, [*starts[1:], rows], strict=True))


def _prepare(
    table: PredictionTable, bounds: list[tuple[int, int]], index: int, item_ids: dict[str, int]
) -> asyncio.Future[_Chunk] | None:
    """Chunk `index` being prepared in a worker thread, or None past the last."""
    if index >= len(bounds):
        return None
    return asyncio.ensure_future(asyncio.to_thread(_prepared, table, *bounds[index], item_ids))


async def upload_prediction_table(
    session: AsyncSession,
    *,
    account_id: int,
    dataset_id: int,
    model_id: int,
    table: PredictionTable,
    update: bool = False,
    chunk_rows: int = CHUNK,
    progress: Callable[[int], object] | None = None,
) -> UploadCounts:
    """`ingest.upload_predictions` of a table's rows (same checks, errors, keys, counts and writes), `chunk_rows`
    at a time; a refusal's rows are positions in `table`. `progress` gets each written chunk's row count."""
    await ingest.get_dataset(session, account_id=account_id, dataset_id=dataset_id)
    await ingest.get_model(session, account_id=account_id, model_id=model_id)
    item_ids = await ingest.item_ids_by_reference(session, dataset_id, table.references)
    bounds = _bounds(len(table), chunk_rows)
    scope = {"dataset_id": dataset_id, "model_id": model_id}
    target = BoxPrediction.__table__  # type: ignore[attr-defined]
    total = UploadCounts()
    following = _prepare(table, bounds, 0, item_ids)
    for index in range(len(bounds)):
        assert following is not None
        chunk = await following
        # Its key lookup sees the chunks before it written, and runs before the next chunk's thread starts: the
        # event loop thread, woken by each reply, would wait for the worker's GIL.
        existing = await ingest.existing_box_keys(session, target, chunk.items, model_id)
        following = _prepare(table, bounds, index + 1, item_ids)
        try:
            counts = await ingest.write_box_rows(
                session, target, scope=scope, existing=existing, rows=chunk.rows, columns=_COLUMNS, nulls=_NULLS,
                update=update,
            )  # fmt: skip
        except BaseException:
            if following is not None:  # its thread runs on; its result (or refusal) is of no use now
                following.cancel()
            raise
        total = UploadCounts(total.new + counts.new, total.updated + counts.updated, total.ignored + counts.ignored)
        if progress is not None:
            progress(len(chunk.rows))
    if total.new or total.updated:
        await ingest.bump_prediction_version(session, dataset_id=dataset_id, model_id=model_id)
    return total

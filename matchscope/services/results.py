"""What the API reads of an evaluation besides its pages of entries: its entry columns (whole or a slice's, for
metrics and counts), whether it is stale, its COCO results and its TIDE summary (stored, or a slice's computed).

The evaluation is one the actor was shown (`browse.visible_evaluation`, `browse.current_evaluation`): its rows are
the actor's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchscope.services import slices, staleness
from matchscope.services.actor import Actor
from matchscope.services.browse import EvaluationRow, evaluation_coco
from matchscope.services.entry_columns import EntryColumns
from matchscope.services.evaluation.tide import evaluation_tide


async def _slice_items(
    actor: Actor, evaluation: EvaluationRow, item_metadata: slices.ItemMetadata | None
) -> NDArray[np.int64] | None:
    """The ids of the slice's items as they are now; None without a slice (None or {}: every item)."""
    if item_metadata is None or not item_metadata.pairs:
        return None
    return await slices.item_ids(actor.app.reads, dataset_id=evaluation.dataset_id, metadata=item_metadata)


async def entry_columns(
    actor: Actor,
    evaluation: EvaluationRow,
    item_metadata: slices.ItemMetadata | None = None,
    *,
    evidence: bool = False,
) -> EntryColumns:
    """The entry columns (with the error evidence when `evidence`), from the process's cache when it holds them;
    of the slice's items only when `item_metadata` names one."""
    cache = actor.app.services.entry_cache
    columns = cache.cached(evaluation, evidence=evidence)
    if columns is None:
        async with actor.app.sessions() as session:
            columns = await cache.columns(session, evaluation, evidence=evidence)
    item_ids = await _slice_items(actor, evaluation, item_metadata)
    return columns if item_ids is None else columns.on_items(item_ids)


async def is_stale(actor: Actor, evaluation: EvaluationRow) -> bool:
    """Annotations or predictions changed after the evaluation was computed."""
    async with actor.app.sessions() as session:
        return await staleness.evaluation_is_stale(session, evaluation)


async def coco(
    actor: Actor, evaluation: EvaluationRow, item_metadata: slices.ItemMetadata | None = None
) -> dict[str, Any] | None:
    """The stored COCO results; of a slice, those of an evaluation of its items alone."""
    item_ids = await _slice_items(actor, evaluation, item_metadata)
    if item_ids is not None:
        cache = actor.app.services.slice_cache
        return (await cache.results(actor.app.sessions, evaluation=evaluation, item_ids=item_ids)).coco
    async with actor.app.sessions() as session:
        return await evaluation_coco(session, evaluation_id=evaluation.id)


async def tide(
    actor: Actor, evaluation: EvaluationRow, item_metadata: slices.ItemMetadata | None = None
) -> dict[str, Any]:
    """The stored TIDE summary (made on first read for an older evaluation); of a slice, that of an evaluation
    of its items alone."""
    item_ids = await _slice_items(actor, evaluation, item_metadata)
    if item_ids is not None:
        cache = actor.app.services.slice_cache
        return (await cache.results(actor.app.sessions, evaluation=evaluation, item_ids=item_ids)).tide
    return await evaluation_tide(actor.app.sessions, evaluation_id=evaluation.id)

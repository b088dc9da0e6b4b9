"""What a chunk of a scaled-out evaluation (`chunks`) leaves for the merge besides its entries: its boxes, its
per-label counts and its labels, as one byte string (numpy's npz, no pickles); and the merge's reading of them all."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from matchscope.services.evaluation.load import Loaded
from matchscope.services.evaluation.match import Totals
from matchscope.store.tables import EvaluationChunk

_COUNTS = ("gt_count", "pred_count", "tp", "fp", "fn")
_LOADED = tuple(field.name for field in dataclasses.fields(Loaded))


class LocalCodes(dict[str, int]):
    """A chunk's label codes: the plan's labels first, then any other label as the chunk meets it. Chunks learn
    their labels from their own boxes (no scan of every prediction before the first chunk can start); the merge
    maps every chunk's codes onto the evaluation's labels, which are sorted as a job run in one piece sorts them."""

    def __missing__(self, label: str) -> int:
        code = self[label] = len(self)
        return code


def pack(chunk: Loaded, totals: Totals, labels: list[str]) -> bytes:
    """A chunk's boxes, counts and labels (its codes' names) as one byte string."""
    buffer = io.BytesIO()
    arrays: dict[str, Any] = {name: getattr(chunk, name) for name in _LOADED}
    arrays.update({f"count_{name}": getattr(totals, name) for name in _COUNTS})
    arrays["labels"] = np.array(labels, dtype=np.str_) if labels else np.zeros(0, dtype="<U1")
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def unpack(payload: bytes) -> tuple[Loaded, dict[str, NDArray[np.int64]], list[str]]:
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        loaded = Loaded(**{name: arrays[name] for name in _LOADED})
        counts = {name: arrays[f"count_{name}"] for name in _COUNTS}
        labels = [str(label) for label in arrays["labels"].tolist()]
    return loaded, counts, labels


async def merged(
    sessions: async_sessionmaker[AsyncSession],
    evaluation_id: int,
    base_labels: set[str],
    own: Mapping[int, bytes] | None = None,
) -> tuple[Totals, list[str]]:
    """Every chunk's boxes (in chunk order, i.e. item order) and the sum of their counts, from the payloads (those
    of `own`, chunks this worker matched, as it holds them; the others' as stored), with the evaluation's labels:
    those of every chunk and `base_labels`, sorted, the boxes' codes mapped onto them."""
    own = own or {}
    statement = (
        select(col(EvaluationChunk.chunk), col(EvaluationChunk.payload))
        .where(col(EvaluationChunk.evaluation_id) == evaluation_id, col(EvaluationChunk.chunk).not_in(list(own)))
        .order_by(col(EvaluationChunk.chunk))
    )
    payloads = dict(own)
    async with sessions() as session:
        for k, payload in (await session.execute(statement)).all():
            if payload is None:
                raise RuntimeError(f"chunk {k} of evaluation {evaluation_id} is DONE without its payload")
            payloads[k] = payload
    parts = [unpack(payloads[k]) for k in sorted(payloads)]
    labels = sorted(base_labels.union(*(set(part[2]) for part in parts)))
    code = {label: position for position, label in enumerate(labels)}
    totals = Totals(labels=len(labels))
    for loaded, counts, local in parts:
        to_global = np.array([code[label] for label in local], dtype=np.int32)
        if len(local):
            loaded.gt_label = to_global[loaded.gt_label]
            loaded.pred_label = to_global[loaded.pred_label]
            for name in _COUNTS:
                np.add.at(getattr(totals, name), to_global, counts[name])
        totals.chunks.append(loaded)
    return totals, labels

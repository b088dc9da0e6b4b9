"""The merge of an evaluation's chunks: COCO metrics and the TIDE summary over every chunk, before the evaluation
is made current (`run`). For a scaled-out evaluation the job reads every chunk's payload (`chunk_payloads`); it
starts as soon as every chunk is matched (`EarlyMerge`; a chunk's payload is stored before its entries are written),
not once every chunk is written: COCO and TIDE then run while the last chunks' entries are still being written and
indexed by the database, which with the merge after them was the job's serial tail."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from matchscope.services.evaluation import chunks
from matchscope.services.evaluation.chunks import ChunkPlan, Phases
from matchscope.services.evaluation.coco_results import coco_results
from matchscope.services.evaluation.load import CocoOrders, coco_orders
from matchscope.services.evaluation.match import Totals
from matchscope.services.evaluation.tide import tide_results


@dataclass(frozen=True, slots=True)
class DatasetItems:
    """The dataset's item ids in id order, and each item's COCO image id (`load.image_keys`)."""

    ids: list[int]
    keys: dict[int, int]


@dataclass(frozen=True, slots=True)
class Metrics:
    """What the merge computed over every chunk: the totals, the evaluation's labels, COCO and TIDE."""

    totals: Totals
    labels: list[str]
    coco: dict[str, Any]
    tide: dict[str, Any]


async def computed(totals: Totals, plan: ChunkPlan, items: DatasetItems, orders: CocoOrders, timer: Phases) -> Metrics:
    """COCO metrics and the TIDE summary over every chunk, in two threads (the kernels release the GIL)."""
    allowed = plan.allowed()
    with timer("metrics"):
        coco, tide = await asyncio.gather(
            asyncio.to_thread(coco_results, totals, plan.labels, items.keys, plan.options, allowed, orders.categories),
            asyncio.to_thread(tide_results, totals.chunks, items.ids, plan.labels),
        )
    return Metrics(totals, plan.labels, coco, tide)


class EarlyMerge:
    """The merge of a scaled-out evaluation, over every chunk's payload: those this worker matched as it holds them
    (`payloads`, filled by `chunk_runs.run_chunks`), the others' as stored. `drained()` (this worker found no chunk
    left to claim, which it is told again at each look whether the others are done) starts it when every other
    chunk's payload is stored; `start()` (every chunk done) in any case."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        evaluation_id: int,
        plan: ChunkPlan,
        items: DatasetItems,
        timer: Phases,
    ) -> None:
        self.sessions = sessions
        self.evaluation_id = evaluation_id
        self.plan = plan
        self.items = items
        self.timer = timer
        self.payloads: dict[int, bytes] = {}
        self.task: asyncio.Task[Metrics] | None = None

    async def drained(self) -> None:
        if self.task is not None:
            return
        async with self.sessions() as session:
            if await chunks.unmatched_but(session, self.evaluation_id, self.payloads) == 0:
                self.start()

    def start(self) -> asyncio.Task[Metrics]:
        if self.task is None:
            self.task = asyncio.create_task(self._merged(dict(self.payloads)))
        return self.task

    async def _merged(self, own: dict[int, bytes]) -> Metrics:
        plan = self.plan
        with self.timer("read chunks"):
            totals, labels = await chunks.merged(self.sessions, self.evaluation_id, set(plan.labels), own)
            async with self.sessions() as session:
                orders = await coco_orders(session, plan.dataset_id, labels)
        plan = ChunkPlan(plan.dataset_id, plan.model_id, labels, orders.by_annotation_id, plan.options)
        return await computed(totals, plan, self.items, orders, self.timer)

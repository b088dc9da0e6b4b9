"""SQLite: a job reads its chunks of boxes in a process of its own (`services/evaluation/apart.py`), which must
give what a read in the job's process gives, and whose death costs no chunk."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import pytest_asyncio
from sqlalchemy import text

from matchscope.services import accounts
from matchscope.services.evaluation import apart
from matchscope.services.evaluation.load import Loaded, load_chunk
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.db import sqlite_file, transaction
from matchscope.store.migrate import upgrade
from tests.jobs.conftest import COCO_DETS, COCO_GT, import_coco

pytestmark = pytest.mark.database_independent  # its own SQLite file, whatever the pass


@pytest_asyncio.fixture
async def coco_file(tmp_path: Path) -> AsyncIterator[tuple[AppState, int, int, dict[str, int]]]:
    state = AppState.create(Settings(database_url=f"sqlite:///{tmp_path / 'apart.db'}"))
    try:
        await upgrade(state.engine)
        async with transaction(state.sessions) as session:
            account = await accounts.get_or_create_account(session, "apart")
        assert account.id is not None
        dataset_id, model_id = await import_coco(state, account.id, COCO_GT, COCO_DETS)
        async with state.sessions() as session:
            labels = (
                await session.execute(text("SELECT label FROM box_annotation UNION SELECT label FROM box_prediction"))
            ).scalars()
            codes = {label: code for code, label in enumerate(sorted(labels))}
        yield state, dataset_id, model_id, codes
    finally:
        await state.close()


def _same(here: Loaded, there: Loaded) -> None:
    for field in dataclasses.fields(Loaded):
        mine, theirs = getattr(here, field.name), getattr(there, field.name)
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, field.name
        assert np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f"), field.name


async def test_a_chunk_read_apart_is_the_chunk_read_here(coco_file: tuple[AppState, int, int, dict[str, int]]) -> None:
    state, dataset_id, model_id, codes = coco_file
    path = sqlite_file(state.engine)
    assert path is not None
    async with state.sessions() as session:
        first, last = (await session.execute(text("SELECT min(id), max(id) FROM dataset_item"))).one()
    middle = (first + last) // 2
    for by_annotation_id in (False, True):
        for low, high in ((first, middle), (middle + 1, last)):
            arguments: dict[str, Any] = {
                "dataset_id": dataset_id,
                "model_id": model_id,
                "first_item": low,
                "last_item": high,
                "codes": codes,
                "by_annotation_id": by_annotation_id,
            }
            async with state.sessions() as session:
                here = await load_chunk(session, **arguments)
            there = await apart.load_chunk_apart(path, **arguments)
            assert len(here.pred_id) > 100 and len(here.gt_id) > 50
            _same(here, there)


async def test_a_reading_process_that_died_costs_no_chunk(coco_file: tuple[AppState, int, int, dict[str, int]]) -> None:
    state, dataset_id, model_id, codes = coco_file
    path = sqlite_file(state.engine)
    assert path is not None
    arguments: dict[str, Any] = {
        "dataset_id": dataset_id,
        "model_id": model_id,
        "first_item": 0,
        "last_item": 2**31,
        "codes": codes,
    }
    whole = await apart.load_chunk_apart(path, **arguments)
    reader = apart._executor()
    with pytest.raises(BrokenProcessPool):
        reader.submit(os._exit, 1).result(timeout=30)
    read_after = await apart.load_chunk_apart(path, **arguments)  # here, the process being gone
    _same(whole, read_after)
    assert apart._executor() is not reader  # and a new process for the next
    _same(whole, await apart.load_chunk_apart(path, **arguments))


_ORPHANED = """
import os, sys
from matchscope.services.evaluation import apart
reader = apart._executor().submit(os.getpid).result(timeout=60)
print(reader, flush=True)
os._exit(0)  # no clean-up: the pool is told nothing
"""


def test_the_reading_process_ends_with_the_process_it_reads_for() -> None:
    started = subprocess.run([sys.executable, "-c", _ORPHANED], capture_output=True, text=True, timeout=60, check=True)
    reader = int(started.stdout.split()[-1])
    deadline = time.monotonic() + 20
    while Path(f"/proc/{reader}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{reader}").exists(), f"the reading process {reader} outlived the process it read for"

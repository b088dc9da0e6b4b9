"""Scale-out (DESIGN §6): an evaluation above the threshold split into chunks that real `matchscope worker`
processes run, on PostgreSQL and Redis. One worker, two workers and the in-process run give the same entries,
class counts, COCO results and TIDE summary; a worker killed mid-evaluation costs nothing but time."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from matchscope.engine.synthetic import generate_coco
from matchscope.jobs.events import JobSnapshot, LocalEventBus, RedisEventBus
from matchscope.jobs.task import execute_job
from matchscope.schema.ids import expect_id, to_global_id
from matchscope.services import ingest
from matchscope.services.evaluation.chunks import chunk_size
from matchscope.services.records import PredictionRecord
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.db import transaction
from matchscope.store.tables import Evaluation, Job, MatchEntry
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import JOB, SUBMIT, import_coco, wait_finished
from tests.jobs.entry_tables import UNROUTED, detached, every_entry
from tests.jobs.servers import SlowLink

pytestmark = pytest.mark.postgresql_only  # arq workers in other processes share the test database

ITEMS = 240
# Every evaluation is scaled out, in chunks of a few items: two workers share a job of a few seconds.
SCALED = {"MATCHSCOPE_SCALEOUT_ITEMS": "0", "MATCHSCOPE_CHUNK_ITEMS": "6", "MATCHSCOPE_KEEP_EVALUATIONS": "10"}
# Items per chunk: 6, or more to make at most `chunks.MAX_CHUNKS` of them.
CHUNK = chunk_size(ITEMS, 6)


@pytest.fixture
def settings(database_url: str, redis_url: str, queue_name: str) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, debug=True)


async def snapshot(state: AppState, evaluation_id: int) -> dict[str, Any]:
    """Everything an evaluation stored: its entries (every column but the row's own id and the evaluation's),
    class rows, COCO results and TIDE summary."""
    async with state.sessions() as session:
        entries = (
            await session.execute(
                text("SELECT * FROM match_entry WHERE evaluation_id = :evaluation_id"), {"evaluation_id": evaluation_id}
            )
        ).mappings()
        rows = [tuple(value for name, value in row.items() if name not in {"id", "evaluation_id"}) for row in entries]
        classes = (
            await session.execute(
                text("SELECT * FROM evaluation_class WHERE evaluation_id = :e ORDER BY label"), {"e": evaluation_id}
            )
        ).all()
        chunks = (
            await session.execute(
                text("SELECT count(*) FROM evaluation_chunk WHERE evaluation_id = :e"), {"e": evaluation_id}
            )
        ).scalar_one()
        evaluation = await session.get(Evaluation, evaluation_id)
    assert evaluation is not None and evaluation.is_complete and evaluation.coco and evaluation.tide
    assert chunks == 0, "a completed evaluation keeps no chunk rows"
    return {
        "entries": sorted(rows, key=repr),
        "unique": len(set(rows)) == len(rows),
        "classes": [tuple(row)[1:] for row in classes],
        "coco": evaluation.coco,
        "tide": evaluation.tide,
    }


async def dataset(state: AppState, caller: Caller, items: int = ITEMS, dets_per_image: int = 20) -> dict[str, str]:
    gt, dets = generate_coco(images=items, seed=5, dets_per_image=dets_per_image, categories=8)
    dataset_id, model_id = await import_coco(state, caller.account_id, gt, dets)
    return {"d": to_global_id("Dataset", dataset_id), "m": to_global_id("Model", model_id)}


async def in_process(gql: GraphQL, state: AppState, ids: dict[str, Any]) -> dict[str, Any]:
    """The job run in this process by the in-process runner's job function, in one piece (no worker yet)."""
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    job_id = expect_id(job["id"], "AsyncJob")
    assert await execute_job(state, LocalEventBus(), job_id, keep_evaluations=10) == "COMPLETED"
    async with state.sessions() as session:
        row = await session.get(Job, job_id)
    assert row is not None and row.evaluation_id is not None
    return await snapshot(state, row.evaluation_id)


async def run(
    gql: GraphQL, state: AppState, ids: dict[str, Any], items: int = ITEMS
) -> tuple[dict[str, Any], set[int]]:
    """A job run by the workers: its evaluation's snapshot and every completedSteps value seen while it ran."""
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    seen: set[int] = set()
    while True:
        current = (await gql(JOB, {"id": job["id"]}))["job"]
        seen.add(current["completedSteps"])
        if current["status"] not in {"QUEUED", "RUNNING"}:
            break
        await asyncio.sleep(0.01)
    assert current["status"] == "COMPLETED", current
    assert current["completedSteps"] == current["totalSteps"] == items
    return await snapshot(state, expect_id(current["evaluation"]["id"], "Evaluation")), seen


def chunk_runners(log: Path, job_id: int) -> set[str]:
    """Lease owners (host:pid:random) that ran chunks of the job, from the workers' log."""
    pattern = re.compile(rf"job {job_id} chunk \d+ \(\d+ items\) by (\S+):")
    return set(pattern.findall(log.read_text(errors="replace")))


async def last_job_id(state: AppState) -> int:
    async with state.sessions() as session:
        return int((await session.execute(text("SELECT max(id) FROM job"))).scalar_one())


@pytest.mark.serial  # the second worker must start within a job of a few seconds
async def workers_started(log: Path, count: int) -> None:
    """Wait until `count` workers writing to `log` have started (a loaded machine takes seconds)."""
    for _ in range(600):
        if (await asyncio.to_thread(log.read_text, errors="replace")).count("Starting worker") >= count:
            await asyncio.sleep(1)  # its start-up hook: migrations checked, numba's cache loaded
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {count} workers started within 60 s: see {log}")


async def chunk_tables(state: AppState) -> dict[str, int]:
    """The last job's evaluation's entry tables under its own: each chunk's name and its number of indexes."""
    async with state.sessions() as session:
        evaluation_id = (
            await session.execute(text("SELECT evaluation_id FROM job ORDER BY id DESC LIMIT 1"))
        ).scalar_one()
        found = await session.execute(
            text(
                "SELECT inhrelid::regclass::text, (SELECT count(*) FROM pg_index WHERE indrelid = inhrelid) "
                "FROM pg_inherits WHERE inhparent = to_regclass(:name)"
            ),
            {"name": f"match_entry_{evaluation_id}"},
        )
        return {str(name): int(count) for name, count in found.all()}


async def test_one_and_two_workers_give_the_in_process_result(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, tmp_path: Path
) -> None:
    ids = await dataset(state, caller)
    expected = await in_process(gql, state, ids)
    assert expected["unique"] and len(expected["entries"]) > ITEMS * 20

    first = start_worker(**SCALED)
    one, steps = await run(gql, state, ids)
    assert one == expected
    # Each chunk's entries are a partition of the evaluation's table holding the indexes the chunk built: attaching
    # them built none more.
    tables = await chunk_tables(state)
    assert len(tables) == ITEMS // CHUNK
    assert set(tables.values()) == {len(MatchEntry.__table__.indexes) + 1}  # type: ignore[attr-defined]
    # Progress moves a chunk at a time: every value seen is a whole number of chunks.
    assert steps <= set(range(0, ITEMS + 1, CHUNK)) and ITEMS in steps

    start_worker(**SCALED)
    await workers_started(tmp_path / "worker.log", 2)  # the second's start-up: imports, numba's cache
    two, steps = await run(gql, state, ids)
    assert two == expected
    assert steps <= set(range(0, ITEMS + 1, CHUNK))
    assert len(chunk_runners(tmp_path / "worker.log", await last_job_id(state))) == 2, "both workers ran chunks"
    first.stop()


@pytest.mark.slow
async def test_class_aware_with_allowed_pairs_scaled_out(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any
) -> None:
    """Chunks learn their labels from their own boxes (some chunks lack some labels, and a label of the options
    may appear in none): the merged evaluation still equals the in-process one, class-aware with allowed pairs.
    A quarter of the other tests' items in chunks of a few (the most chunks `chunks.MAX_CHUNKS` makes), every chunk
    an arq job of its own."""
    ids = await dataset(state, caller, ITEMS // 4)
    async with state.sessions() as session:
        labels = sorted((await session.execute(text("SELECT DISTINCT label FROM box_annotation"))).scalars())
    pairs = [
        {"groundTruthLabel": labels[0], "modelPredictionLabel": labels[1]},
        {"groundTruthLabel": labels[2], "modelPredictionLabel": labels[0]},
    ]
    options = {**ids, "o": {"allowedLabelMatches": pairs}}
    expected = await in_process(gql, state, options)
    start_worker(**{**SCALED, "MATCHSCOPE_CHUNK_ITEMS": "1"})
    scaled, _steps = await run(gql, state, options, ITEMS // 4)
    assert scaled == expected
    # The allowed pairs matched across labels (columns: item, is_prediction, ids, labels, iou, confidence, compatible).
    for pair in pairs:
        gt_label, pred_label = pair["groundTruthLabel"], pair["modelPredictionLabel"]
        assert any(row[4] == gt_label and row[5] == pred_label and row[8] for row in scaled["entries"])


async def two_workers_a_quarter_in(
    gql: GraphQL, state: AppState, ids: dict[str, Any], start_worker: Any
) -> tuple[dict[int, Any], dict[str, Any], int]:
    """Two workers (chunks of 2 items, leases of 3 s) running a job of `ids`, once a quarter of it is done: the
    workers by pid, the job as submitted, and the pid of the worker running the job itself."""
    fast = {**SCALED, "MATCHSCOPE_CHUNK_ITEMS": "2", "MATCHSCOPE_JOB_LEASE": "3"}
    workers = {worker.process.pid: worker for worker in (start_worker(**fast), start_worker(**fast))}
    await workers_started(Path(next(iter(workers.values()))._log.name), 2)
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    job_id = expect_id(job["id"], "AsyncJob")
    async with asyncio.timeout(60):
        while True:
            row = await _job(state, job_id)
            assert row is not None and row.status in {"QUEUED", "RUNNING"}, row
            if row.completed_steps >= ITEMS // 4 and row.lease_owner is not None:
                return workers, job, int(row.lease_owner.rsplit(":", 2)[1])
            await asyncio.sleep(0.01)


@pytest.mark.serial  # taken over within a minute of the kill
@pytest.mark.parametrize("victim", ["coordinator", "helper"])
async def test_a_worker_killed_mid_evaluation_costs_nothing_but_time(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, victim: str
) -> None:
    """Two workers; one is SIGKILLed while chunks are running: the worker running the job itself (its job is taken
    over and keeps the chunks done) or the other one (its chunk's lease lapses and the chunk runs again). The job
    completes with the in-process run's entries and stats, none duplicated."""
    ids = await dataset(state, caller)
    expected = await in_process(gql, state, ids)
    workers, job, coordinator = await two_workers_a_quarter_in(gql, state, ids, start_worker)
    job_id = expect_id(job["id"], "AsyncJob")
    killed = coordinator if victim == "coordinator" else next(pid for pid in workers if pid != coordinator)
    workers[killed].kill()
    killed_at = time.monotonic()

    done = await wait_finished(gql, job["id"], limit_s=120)
    assert done["status"] == "COMPLETED", done
    assert time.monotonic() - killed_at < 60
    again = await snapshot(state, expect_id(done["evaluation"]["id"], "Evaluation"))
    assert again["unique"] and again == expected
    async with state.sessions() as session:
        row = await session.get(Job, job_id)
    assert row is not None
    assert row.attempts == (2 if victim == "coordinator" else 1)


@pytest.mark.slow
@pytest.mark.parametrize("action", ["cancelJob", "deleteDataset"])
async def test_a_scaled_out_job_cancelled_or_deleted_mid_evaluation_leaves_nothing(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, action: str
) -> None:
    """Two workers run chunks; the job is cancelled, or its dataset deleted, mid-evaluation: the job ends
    CANCELLED (or gone with its dataset) and no chunk, entry or evaluation of it is left, whatever chunk was being
    written at that moment."""
    ids = await dataset(state, caller)
    fast = {**SCALED, "MATCHSCOPE_CHUNK_ITEMS": "2"}
    start_worker(**fast)
    worker = start_worker(**fast)
    await workers_started(Path(worker._log.name), 2)
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    job_id = expect_id(job["id"], "AsyncJob")
    async with asyncio.timeout(60):
        while (row := await _job(state, job_id)) is not None and row.completed_steps < ITEMS // 4:
            assert row.status in {"QUEUED", "RUNNING"}, row
            await asyncio.sleep(0.01)
    mutation = f"mutation($id: ID!) {{ {action}(id: $id) {{ __typename }} }}"
    target = job["id"] if action == "cancelJob" else ids["d"]
    assert (await gql(mutation, {"id": target}))[action]["__typename"] in {"AsyncJob", "DeleteResult"}
    async with asyncio.timeout(60):
        while (row := await _job(state, job_id)) is not None and row.status != "CANCELLED":
            assert row.status == "RUNNING", row
            await asyncio.sleep(0.05)
    await asyncio.sleep(2)  # chunks being run at that moment end (their writes are refused)
    async with state.sessions() as session:
        counts = [
            (await session.execute(text(f"SELECT count(*) FROM {table}").execution_options(**UNROUTED))).scalar_one()
            for table in ("evaluation_chunk", await every_entry(session), "evaluation")
        ]
        assert await detached(session) == []
    assert counts == [0, 0, 0]
    row = await _job(state, job_id)
    assert (row is None) == (action == "deleteDataset")
    assert row is None or (row.status, row.evaluation_id, row.lease_owner) == ("CANCELLED", None, None)


async def _job(state: AppState, job_id: int) -> Job | None:
    async with state.sessions() as session:
        return await session.get(Job, job_id)


@pytest.mark.serial  # both workers must be up within a job of a few seconds
async def test_progress_events_of_two_workers_never_go_back(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    """Two workers finish chunks and each publishes the job's progress, one of them over a slow link to Redis (what
    it sends arrives 50 ms late): what a subscriber of the job's channel receives never goes back, and nothing
    comes after the final state."""
    # Eight times the other tests' items and five times their detections: at most `chunks.MAX_CHUNKS` chunks, each
    # long enough that the worker behind the slow link claims some before the other has run them all.
    ids = await dataset(state, caller, ITEMS * 8, dets_per_image=100)
    fast = {**SCALED, "MATCHSCOPE_CHUNK_ITEMS": "4"}
    redis = urlsplit(redis_url)
    assert redis.port is not None
    async with SlowLink(redis.port, delay_s=0.05) as link:
        start_worker(**fast)
        start_worker(**fast, REDIS_URL=f"redis://127.0.0.1:{link.port}{redis.path}")
        await workers_started(tmp_path / "worker.log", 2)
        bus = RedisEventBus(redis_url, queue_name)
        received: list[JobSnapshot] = []
        try:
            job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
            job_id = expect_id(job["id"], "AsyncJob")
            async with bus.subscribe(job_id) as subscription:
                while not received or received[-1].status in {"QUEUED", "RUNNING"}:
                    snapshot = await subscription.next(60)
                    assert snapshot is not None, received[-3:]
                    received.append(snapshot)
                # Whatever a worker still had to say about this job would arrive now.
                while (late := await subscription.next(3)) is not None:
                    received.append(late)
        finally:
            await bus.close()
    assert len(chunk_runners(tmp_path / "worker.log", job_id)) == 2, "both workers ran chunks"
    finals = [n for n, snapshot in enumerate(received) if snapshot.status not in {"QUEUED", "RUNNING"}]
    assert finals == [len(received) - 1] and received[-1].status == "COMPLETED", [s.status for s in received]
    steps = [snapshot.completed_steps for snapshot in received]
    assert steps == sorted(steps), steps
    assert steps[-1] == ITEMS * 8


@pytest.mark.serial  # taken over within a minute of the kill
async def test_a_job_taken_over_after_its_predictions_changed_is_evaluated_on_the_new_ones(
    gql: GraphQL, state: AppState, caller: Caller, start_worker: Any
) -> None:
    """The job's own worker is killed mid-evaluation and predictions are added to items whose chunks were done
    before the job is taken over. The new worker plans the chunks again: the evaluation equals an uninterrupted
    one of the predictions as they are now, and is not stale. (Keeping the chunks done would mix the first
    attempt's predictions with the new ones under the first attempt's versions.)"""
    ids = await dataset(state, caller)
    workers, job, coordinator = await two_workers_a_quarter_in(gql, state, ids, start_worker)
    job_id = expect_id(job["id"], "AsyncJob")
    workers[coordinator].kill()
    # A shifted copy of every prediction of the first five items, whose chunks are done.
    async with transaction(state.sessions) as session:
        rows = (
            await session.execute(
                text(
                    "SELECT i.reference_id, p.label, p.x, p.y, p.width, p.height, p.confidence FROM box_prediction p "
                    "JOIN dataset_item i ON i.id = p.item_id WHERE p.item_id IN "
                    "(SELECT id FROM dataset_item ORDER BY id LIMIT 5)"
                )
            )
        ).all()
        shifted = [
            PredictionRecord(reference, label, x + 3, y, width, height, confidence=confidence)
            for reference, label, x, y, width, height, confidence in rows
        ]
        counts = await ingest.upload_predictions(
            session,
            account_id=caller.account_id,
            dataset_id=expect_id(ids["d"], "Dataset"),
            model_id=expect_id(ids["m"], "Model"),
            predictions=shifted,
        )
    assert counts.new == len(shifted) > 0, counts

    done = await wait_finished(gql, job["id"], limit_s=120)
    assert done["status"] == "COMPLETED" and done["evaluation"]["isStale"] is False, done
    taken_over = await snapshot(state, expect_id(done["evaluation"]["id"], "Evaluation"))
    row = await _job(state, job_id)
    assert row is not None and row.attempts == 2
    assert taken_over == await in_process(gql, state, ids)

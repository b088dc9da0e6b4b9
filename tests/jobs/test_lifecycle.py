"""Submission, validation, scoping, dedupe, cancellation, failures and staleness, with the in-process runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from matchscope.jobs.events import LocalEventBus
from matchscope.jobs.task import execute_job
from matchscope.schema.ids import expect_id, to_global_id
from matchscope.state import AppState
from matchscope.store import tables
from tests.conftest import Caller, GraphQL, backend
from tests.jobs.conftest import CANCEL, COCO_DETS, COCO_GT, JOB, SUBMIT, import_coco, wait_finished, wait_running
from tests.jobs.entry_tables import UNROUTED, detached, entry_stats


class HeldQueue:
    """A queue that keeps jobs until the test runs them, to observe QUEUED jobs."""

    def __init__(self) -> None:
        self.job_ids: list[int] = []

    async def enqueue(self, job_id: int) -> None:
        self.job_ids.append(job_id)

    async def close(self) -> None:
        pass


def hold(state: AppState) -> HeldQueue:
    queue = HeldQueue()
    state.services.job_queue = queue
    state.services.job_events = LocalEventBus()
    return queue


async def _ids(state: AppState, caller: Caller) -> dict[str, str]:
    dataset, model = await import_coco(state, caller.account_id, COCO_GT, COCO_DETS)
    return {"d": to_global_id("Dataset", dataset), "m": to_global_id("Model", model)}


async def _count(state: AppState, table: Any) -> int:
    async with state.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def _entries(state: AppState) -> int:
    """Every entry of the database, wherever it is."""
    return (await entry_stats(state.sessions))[0]


def _pairs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"groundTruthLabel": a, "modelPredictionLabel": b} for a, b in pairs]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"classAgnostic": True, "allowedLabelMatches": _pairs(("car", "truck"))}, "options.classAgnostic"),
        ({"allowedLabelMatches": _pairs(("", "truck"))}, "options.allowedLabelMatches.groundTruthLabel"),
        ({"allowedLabelMatches": _pairs(("car", " "))}, "options.allowedLabelMatches.modelPredictionLabel"),
    ],
)
async def test_invalid_options(gql: GraphQL, state: AppState, caller: Caller, options: Any, field: str) -> None:
    hold(state)
    payload = (await gql(SUBMIT, {**await _ids(state, caller), "o": options}))["calculateEvaluationMetrics"]
    assert payload["__typename"] == "ValidationError" and payload["field"] == field, payload
    assert await _count(state, tables.Job) == 0


async def test_unknown_labels_are_accepted_and_named(gql: GraphQL, state: AppState, caller: Caller) -> None:
    queue = hold(state)
    options = {"allowedLabelMatches": _pairs(("car", "truck"), ("zebra-ish", "unicorn"))}
    job = (await gql(SUBMIT, {**await _ids(state, caller), "o": options}))["calculateEvaluationMetrics"]
    assert job["__typename"] == "AsyncJob" and job["status"] == "QUEUED"
    assert "'unicorn'" in job["jobMessage"] and "'zebra-ish'" in job["jobMessage"]
    assert "'car'" not in job["jobMessage"]
    assert len(queue.job_ids) == 1


async def test_identical_request_returns_the_queued_job(gql: GraphQL, state: AppState, caller: Caller) -> None:
    queue = hold(state)
    ids = await _ids(state, caller)
    first = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    same = (await gql(SUBMIT, {**ids, "o": {"classAgnostic": True}}))["calculateEvaluationMetrics"]
    other = (await gql(SUBMIT, {**ids, "o": {"classAgnostic": False}}))["calculateEvaluationMetrics"]
    assert first["id"] == same["id"] != other["id"]
    assert len(queue.job_ids) == 2


async def test_foreign_and_unknown_ids_read_as_not_found(
    gql: GraphQL, state: AppState, caller: Caller, make_caller: Callable[[str], Awaitable[Caller]]
) -> None:
    hold(state)
    ids = await _ids(state, caller)
    bob = await make_caller("bob")
    foreign = (await gql(SUBMIT, ids, as_=bob))["calculateEvaluationMetrics"]
    assert foreign["__typename"] == "NotFoundError"
    bogus = (await gql(SUBMIT, {**ids, "m": "nonsense"}))["calculateEvaluationMetrics"]
    assert bogus["__typename"] == "NotFoundError"
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    assert (await gql(JOB, {"id": job["id"]}, as_=bob))["job"] is None
    node = "query($id: ID!) { node(id: $id) { __typename ... on AsyncJob { status } } }"
    assert (await gql(node, {"id": job["id"]}))["node"] == {"__typename": "AsyncJob", "status": "QUEUED"}
    assert (await gql(node, {"id": job["id"]}, as_=bob))["node"] is None
    assert (await gql(CANCEL, {"id": job["id"]}, as_=bob))["cancelJob"]["__typename"] == "NotFoundError"


async def test_cancel_queued_job_at_once_then_refuse(gql: GraphQL, state: AppState, caller: Caller) -> None:
    queue = hold(state)
    job = (await gql(SUBMIT, await _ids(state, caller)))["calculateEvaluationMetrics"]
    cancelled = (await gql(CANCEL, {"id": job["id"]}))["cancelJob"]
    assert cancelled == {"__typename": "AsyncJob", "id": job["id"], "status": "CANCELLED"}
    again = (await gql(CANCEL, {"id": job["id"]}))["cancelJob"]
    assert again["__typename"] == "ValidationError"
    # The queue still delivers it; the worker sees it cancelled and does nothing.
    assert await execute_job(state, LocalEventBus(), queue.job_ids[0]) == "CANCELLED"
    assert await _count(state, tables.Evaluation) == 0


async def test_cancel_running_job_keeps_previous_evaluation(gql: GraphQL, state: AppState, caller: Caller) -> None:
    ids = await _ids(state, caller)
    first = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    previous = await wait_finished(gql, first["id"])
    assert previous["status"] == "COMPLETED"
    entries_before = await _entries(state)

    state.settings = state.settings.model_copy(update={"evaluation_chunk_items": 1})
    job = (await gql(SUBMIT, {**ids, "o": {"classAgnostic": False}}))["calculateEvaluationMetrics"]
    assert (await wait_running(gql, job["id"]))["status"] == "RUNNING"
    assert (await gql(CANCEL, {"id": job["id"]}))["cancelJob"]["status"] == "RUNNING"
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "CANCELLED" and done["evaluation"] is None
    assert await _entries(state) == entries_before
    async with state.sessions() as session:
        assert await detached(session) == []  # the cancelled job's own entry table went with it
    again = (await gql(JOB, {"id": first["id"]}))["job"]
    assert again["evaluation"]["isCurrent"] is True
    assert await _count(state, tables.Evaluation) == 1


async def test_failing_job_is_errored_with_a_message(gql: GraphQL, state: AppState, caller: Caller) -> None:
    queue = hold(state)
    job = (await gql(SUBMIT, await _ids(state, caller)))["calculateEvaluationMetrics"]
    async with state.sessions() as session, session.begin():
        await session.execute(
            update(tables.Job).values(options={"class_agnostic": False, "allowed_label_matches": [["car"]]})
        )
    assert await execute_job(state, LocalEventBus(), queue.job_ids[0]) == "ERRORED"
    failed = (await gql(JOB, {"id": job["id"]}))["job"]
    assert failed["status"] == "ERRORED" and failed["finishedAt"] is not None
    assert failed["message"].startswith("evaluation failed: ValueError")
    assert failed["errors"] and failed["evaluation"] is None
    assert await _entries(state) == 0
    async with state.sessions() as session:
        assert await detached(session) == []
    assert await _count(state, tables.Evaluation) == 0


async def test_a_chunk_failing_while_the_one_before_is_written_leaves_nothing(
    gql: GraphQL, state: AppState, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk's entries are written while the next chunk is matched; when that matching fails, the job ends
    ERRORED and the write in flight leaves no entry behind."""
    from matchscope.services.evaluation import run

    matched = 0
    real = run.match_chunk

    def failing_second(*args: Any) -> Any:
        nonlocal matched
        matched += 1
        if matched == 2:
            raise RuntimeError("second chunk")
        return real(*args)

    monkeypatch.setattr(run, "match_chunk", failing_second)
    state.settings = state.settings.model_copy(update={"evaluation_chunk_items": 1})
    queue = hold(state)
    job = (await gql(SUBMIT, await _ids(state, caller)))["calculateEvaluationMetrics"]
    assert await execute_job(state, LocalEventBus(), queue.job_ids[0]) == "ERRORED"
    failed = (await gql(JOB, {"id": job["id"]}))["job"]
    assert matched == 2 and failed["message"].startswith("evaluation failed: RuntimeError")
    assert await _entries(state) == 0
    assert await _count(state, tables.Evaluation) == 0


async def test_evaluation_turns_stale_after_an_upload(gql: GraphQL, state: AppState, caller: Caller) -> None:
    ids = await _ids(state, caller)
    job = (await gql(SUBMIT, ids))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED" and done["evaluation"]["isStale"] is False
    assert done["progress"] == 1.0 and done["completedSteps"] == done["totalSteps"] == 100
    async with state.sessions() as session:
        reference = (await session.execute(text("SELECT reference_id FROM dataset_item LIMIT 1"))).scalar_one()
    upload = """mutation($d: ID!, $m: ID!, $boxes: [BoxPredictionInput!]!) {
      uploadPredictions(datasetId: $d, modelId: $m, predictions: $boxes) { __typename } }"""
    box = {"itemReferenceId": reference, "label": "cat", "x": 1.0, "y": 1.0, "width": 5.0, "height": 5.0}
    assert (await gql(upload, {**ids, "boxes": [box]}))["uploadPredictions"]["__typename"] == "UploadResult"
    stale = (await gql(JOB, {"id": job["id"]}))["job"]
    assert stale["evaluation"]["isStale"] is True and stale["evaluation"]["isCurrent"] is True


async def test_empty_model_and_empty_dataset_complete(gql: GraphQL, state: AppState, caller: Caller) -> None:
    create = 'mutation { createDataset(input: {name: "empty"}) { ... on Dataset { id } } }'
    model = 'mutation { createModel(input: {name: "m", referenceId: "m"}) { ... on Model { id } } }'
    dataset_id = (await gql(create))["createDataset"]["id"]
    model_id = (await gql(model))["createModel"]["id"]
    job = (await gql(SUBMIT, {"d": dataset_id, "m": model_id}))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED" and done["totalSteps"] == 0, done

    ids = await _ids(state, caller)
    job = (await gql(SUBMIT, {**ids, "m": model_id}))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED", done
    assert await _entries(state) == 839


async def test_a_completed_evaluation_is_a_table_of_its_own_holding_its_entries(
    gql: GraphQL, state: AppState, caller: Caller
) -> None:
    """The job's entries are in the evaluation's own table (PostgreSQL: attached as its partition, below); on
    SQLite with `match_entry`'s indexes built on it, ids in the evaluation's range, and `match_entry` holds none."""
    job = (await gql(SUBMIT, await _ids(state, caller)))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED", done
    evaluation_id = expect_id(done["evaluation"]["id"], "Evaluation")
    name = f"match_entry_{evaluation_id}"
    async with state.sessions() as session:
        assert (await session.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one() == 839 + 734
        assert await detached(session) == []
        if backend() != "sqlite":
            return
        indexes = await session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"),
            {"table": name},
        )
        parent = [str(index.name) for index in tables.MatchEntry.__table__.indexes]  # type: ignore[attr-defined]
        assert sorted(indexes.scalars().all()) == sorted(f"{index}_{evaluation_id}" for index in parent)
        ids = (await session.execute(text(f"SELECT min(id), max(id) FROM {name}"))).one()
        assert tuple(ids) == ((evaluation_id << 32) + 1, (evaluation_id << 32) + 839 + 734)
        assert (
            await session.execute(text("SELECT count(*) FROM match_entry").execution_options(**UNROUTED))
        ).scalar_one() == 0


@pytest.mark.postgresql_only
async def test_a_completed_evaluation_is_a_partition_holding_the_indexes_its_job_built(
    gql: GraphQL, state: AppState, caller: Caller
) -> None:
    """On PostgreSQL the job's own entry table is attached as the evaluation's partition, and the indexes the job
    built on it are the parent's: attaching it built none more."""
    job = (await gql(SUBMIT, await _ids(state, caller)))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED", done
    name = f"match_entry_{expect_id(done['evaluation']['id'], 'Evaluation')}"
    async with state.sessions() as session:
        partitions = await session.execute(
            text("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'match_entry'::regclass")
        )
        assert name in set(partitions.scalars().all())
        counted = "SELECT count(*) FROM pg_index WHERE indrelid = to_regclass(:table)"
        own = (await session.execute(text(counted), {"table": name})).scalar_one()
        parent = (await session.execute(text(counted), {"table": "match_entry"})).scalar_one()
        assert own == parent == len(tables.MatchEntry.__table__.indexes) + 1  # type: ignore[attr-defined]
        assert (await session.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one() == 839 + 734
        assert await detached(session) == []

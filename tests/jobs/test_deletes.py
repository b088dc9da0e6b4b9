"""Retention of superseded evaluations, and deleteDataset / deleteModel / deleteEvaluation, with the in-process
runner on the run's database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from matchscope.schema.ids import expect_id, to_global_id
from matchscope.services.job_snapshot import JobSnapshot
from matchscope.state import AppState
from tests.conftest import Caller, GraphQL
from tests.jobs.conftest import COCO_DETS, COCO_GT, JOB, SUBMIT, import_coco, wait_finished, wait_running
from tests.jobs.entry_tables import UNROUTED, entry_tables, every_entry

BOXES = 839 + 734
DELETE = """mutation($id: ID!) { %s(id: $id) { __typename ... on DeleteResult { id deletedRows }
  ... on NotFoundError { kind missingId: id } } }"""
CURRENT = "query($d: ID!, $m: ID!) { evaluation(datasetId: $d, modelId: $m) { id } }"


async def _import(state: AppState, account_id: int, dataset: str, model: str) -> tuple[str, str]:
    """The COCO sample as dataset `dataset` with model `model`'s detections; their global ids."""
    dataset_pk, model_pk = await import_coco(state, account_id, COCO_GT, COCO_DETS, dataset, model)
    return to_global_id("Dataset", dataset_pk), to_global_id("Model", model_pk)


async def _evaluate(gql: GraphQL, dataset: str, model: str, **options: Any) -> dict[str, Any]:
    job = (await gql(SUBMIT, {"d": dataset, "m": model, "o": options or None}))["calculateEvaluationMetrics"]
    done = await wait_finished(gql, job["id"])
    assert done["status"] == "COMPLETED", done
    return done


async def _counts(state: AppState) -> dict[str, int]:
    """Rows of every table (`match_entry`: every evaluation's entries, wherever they are), and the evaluations'
    own entry tables (`entry tables`)."""
    async with state.sessions() as session:
        counts = {
            table.name: int(
                (
                    await session.execute(text(f'SELECT count(*) FROM "{table.name}"').execution_options(**UNROUTED))
                ).scalar_one()
            )
            for table in SQLModel.metadata.sorted_tables
        }
        entries = f"SELECT count(*) FROM {await every_entry(session)}"
        counts["match_entry"] = int((await session.execute(text(entries).execution_options(**UNROUTED))).scalar_one())
        counts["entry tables"] = len(await entry_tables(session))
    return counts


async def _scalar(state: AppState, sql: str, **parameters: Any) -> Any:
    async with state.sessions() as session:
        return (await session.execute(text(sql), parameters)).scalar_one()


@pytest.mark.parametrize("keep", [1, 0, 3])
async def test_ten_reruns_leave_the_current_evaluation_and_the_kept_ones(
    gql: GraphQL, state: AppState, caller: Caller, keep: int
) -> None:
    if keep != 1:  # 1 is the default
        state.settings = state.settings.model_copy(update={"keep_evaluations": keep})
    dataset, model = await _import(state, caller.account_id, "coco", "detector")
    evaluations = [(await _evaluate(gql, dataset, model))["evaluation"]["id"] for _ in range(10)]
    counts = await _counts(state)
    print(
        f"MATCHSCOPE_KEEP_EVALUATIONS={keep}: after 10 runs {counts['evaluation']} evaluation rows, "
        f"{counts['match_entry']} match_entry rows, {counts['evaluation_class']} evaluation_class rows"
    )
    assert counts["evaluation"] == keep + 1
    assert counts["match_entry"] == (keep + 1) * BOXES
    assert counts["entry tables"] == keep + 1  # the deleted evaluations' tables dropped
    labels = await _scalar(state, "SELECT count(DISTINCT label) FROM evaluation_class")
    assert counts["evaluation_class"] == (keep + 1) * labels and labels > 0
    async with state.sessions() as session:
        kept = list((await session.execute(text("SELECT id FROM evaluation ORDER BY id"))).scalars())
    assert [to_global_id("Evaluation", pk) for pk in kept] == evaluations[-(keep + 1) :]
    assert (await gql(CURRENT, {"d": dataset, "m": model}))["evaluation"]["id"] == evaluations[-1]
    # The jobs of deleted evaluations stay, without an evaluation.
    assert counts["job"] == 10
    assert await _scalar(state, "SELECT count(*) FROM job WHERE evaluation_id IS NOT NULL") == keep + 1


async def _references(state: AppState, column: str, pk: int, evaluation_ids: list[int]) -> dict[str, int]:
    """Rows of every table that still point at dataset or model `pk` (`column`), or at its evaluations."""
    found: dict[str, int] = {}
    async with state.sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            own = "id" if table.name == column.removesuffix("_id") else column
            conditions = [f"{own} = {pk}"] if own in table.c else []
            if "evaluation_id" in table.c and evaluation_ids:
                conditions.append(f"evaluation_id IN ({', '.join(map(str, evaluation_ids))})")
            if table.name == "evaluation" and evaluation_ids:
                conditions.append(f"id IN ({', '.join(map(str, evaluation_ids))})")
            if conditions:
                # Entries wherever they are: on SQLite `match_entry` itself is empty, each evaluation has a table.
                source = await every_entry(session) if table.name == "match_entry" else f'"{table.name}"'
                sql = text(f"SELECT count(*) FROM {source} WHERE {' OR '.join(conditions)}")
                found[table.name] = int((await session.execute(sql.execution_options(**UNROUTED))).scalar_one())
    return found


@pytest.mark.parametrize("kind", ["Dataset", "Model"])
async def test_deleting_a_dataset_or_model_leaves_no_row_of_it(
    gql: GraphQL, state: AppState, caller: Caller, make_caller: Any, kind: str
) -> None:
    # One model on two datasets, and a second model on the first: the delete must take only what is under it.
    first, shared = await _import(state, caller.account_id, "first", "shared")
    second, _ = await _import(state, caller.account_id, "second", "shared")
    _, other = await _import(state, caller.account_id, "first", "other")
    for dataset, model in ((first, shared), (second, shared), (first, other)):
        await _evaluate(gql, dataset, model)
    target = first if kind == "Dataset" else shared
    column = "dataset_id" if kind == "Dataset" else "model_id"
    pk = expect_id(target, kind)
    async with state.sessions() as session:
        evaluation_ids = list(
            (await session.execute(text(f"SELECT id FROM evaluation WHERE {column} = {pk}"))).scalars()
        )
    assert len(evaluation_ids) == 2
    assert (await _references(state, column, pk, evaluation_ids))["match_entry"] > 0  # the check below can fail
    bob = await make_caller("bob")
    before = await _counts(state)
    mutation = DELETE % f"delete{kind}"
    assert (await gql(mutation, {"id": target}, as_=bob))[f"delete{kind}"] == {
        "__typename": "NotFoundError",
        "kind": kind,
        "missingId": target,
    }
    wrong_type = second if kind == "Model" else shared
    assert (await gql(mutation, {"id": wrong_type}))[f"delete{kind}"]["__typename"] == "NotFoundError"
    assert await _counts(state) == before

    deleted = (await gql(mutation, {"id": target}))[f"delete{kind}"]
    after = await _counts(state)
    assert deleted == {
        "__typename": "DeleteResult",
        "id": target,
        "deletedRows": sum(before.values()) - sum(after.values()) - (before["entry tables"] - after["entry tables"]),
    }
    assert set((await _references(state, column, pk, evaluation_ids)).values()) == {0}
    assert (await gql(DELETE % f"delete{kind}", {"id": target}))[f"delete{kind}"]["__typename"] == "NotFoundError"
    # What is not under it stays: the other evaluations are current and whole.
    survivors = [(second, shared)] if kind == "Dataset" else [(first, other)]
    for dataset, model in survivors:
        assert (await gql(CURRENT, {"d": dataset, "m": model}))["evaluation"] is not None
    assert after["match_entry"] == BOXES and after["evaluation"] == 1 and after["dataset"] == 2 - (kind == "Dataset")
    assert after["entry tables"] == 1
    assert after["model"] == 2 - (kind == "Model") and after["box_annotation"] == 839 * after["dataset"]


async def test_deleting_evaluations(gql: GraphQL, state: AppState, caller: Caller, make_caller: Any) -> None:
    dataset, model = await _import(state, caller.account_id, "coco", "detector")
    older = (await _evaluate(gql, dataset, model))["evaluation"]["id"]
    current = (await _evaluate(gql, dataset, model))["evaluation"]["id"]
    mutation = DELETE % "deleteEvaluation"
    bob = await make_caller("bob")
    assert (await gql(mutation, {"id": current}, as_=bob))["deleteEvaluation"]["__typename"] == "NotFoundError"
    before = await _counts(state)
    deleted = (await gql(mutation, {"id": current}))["deleteEvaluation"]
    classes = before["evaluation_class"] // 2
    assert deleted == {"__typename": "DeleteResult", "id": current, "deletedRows": BOXES + classes + 1}
    # No evaluation is current until the next completes; the older one is not promoted.
    assert (await gql(CURRENT, {"d": dataset, "m": model}))["evaluation"] is None
    after = await _counts(state)
    assert after["evaluation"] == 1 and after["match_entry"] == BOXES and after["job"] == 2
    assert (await gql(mutation, {"id": older}))["deleteEvaluation"]["deletedRows"] == BOXES + classes + 1
    assert after["entry tables"] == 1
    assert (await _counts(state))["match_entry"] == 0
    assert (await _counts(state))["entry tables"] == 0


async def test_deleting_the_dataset_of_a_running_job_cancels_it_cleanly(
    gql: GraphQL, state: AppState, caller: Caller
) -> None:
    state.settings = state.settings.model_copy(update={"evaluation_chunk_items": 1})
    dataset, model = await _import(state, caller.account_id, "doomed", "detector")
    kept_dataset, kept_model = await _import(state, caller.account_id, "kept", "other")
    job = (await gql(SUBMIT, {"d": dataset, "m": model}))["calculateEvaluationMetrics"]
    jobs = await state.jobs()
    async with jobs.events.subscribe(expect_id(job["id"], "AsyncJob")) as updates:
        assert (await wait_running(gql, job["id"]))["status"] == "RUNNING"
        deleted = (await gql(DELETE % "deleteDataset", {"id": dataset}))["deleteDataset"]
        assert deleted["__typename"] == "DeleteResult"
        last: JobSnapshot | None = None
        while (snapshot := await updates.next(2.0)) is not None:
            last = snapshot
    assert last is not None and last.status == "CANCELLED", last
    assert (await gql(JOB, {"id": job["id"]}))["job"] is None
    # The runner stopped at its next chunk without writing it; it runs the next job as usual.
    await asyncio.sleep(0.5)
    counts = await _counts(state)
    assert counts["match_entry"] == counts["evaluation"] == counts["job"] == counts["entry tables"] == 0
    assert counts["dataset"] == 1 and counts["box_prediction"] == 734
    await _evaluate(gql, kept_dataset, kept_model)
    assert (await _counts(state))["match_entry"] == BOXES

"""The tenant walk: account B calls every root field of the schema with each of account A's IDs.

A owns a dataset with items and boxes, a model with predictions and (when the schema has jobs) a completed
evaluation. Every ID A can see is collected by walking the schema as A. Then B, with its own key, calls every
root Query, Mutation and Subscription field, filling ID arguments with each of A's IDs (alone, and alongside B's
own IDs), and other required arguments with minimal valid values built from their types. Each answer must be
exactly the answer for an ID that never existed, must contain nothing of A's, and no row of A's may change.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, parse, validate
from graphql import build_schema as graphql_schema_from_sdl

from matchscope.resolvers.root import build_schema
from matchscope.state import AppState
from tests.conftest import Caller
from tests.security import walk
from tests.security.conftest import Server, owned_rows, ws_subscribe

MARK = "zqx"  # in every name, label, reference and metadata value of A's; B's answers must never contain it
TERMINAL = {"COMPLETED", "ERRORED", "CANCELLED"}


class Api:
    def __init__(self, http: httpx.AsyncClient, schema: GraphQLSchema) -> None:
        self.http = http
        self.schema = schema
        self._valid: set[str] = set()

    def _validate(self, query: str) -> None:
        # Validity does not depend on the string literals (the IDs); validating big queries is slow.
        shape = re.sub(r'"(?:[^"\\]|\\.)*"', '""', query)
        if shape not in self._valid:
            errors = validate(self.schema, parse(query))
            assert not errors, f"generated operation is invalid: {errors}\n{query}"
            self._valid.add(shape)

    async def __call__(self, who: Caller, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self._validate(query)
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": dict(variables or {})}, headers=who.headers
        )
        assert response.status_code == 200, f"{response.status_code}: {response.text[:2000]}\n{query}"
        body: dict[str, Any] = response.json()
        assert "data" in body, body
        return body

    async def data(self, who: Caller, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        body = await self(who, query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


def _box(item: str, label: str, annotation_id: str, shift: float, **extra: Any) -> dict[str, Any]:
    return {
        "itemReferenceId": item,
        "annotationId": annotation_id,
        "label": label,
        "x": 10.0 + shift,
        "y": 10.0,
        "width": 20.0,
        "height": 20.0,
        "metadata": {"note": f"{MARK}-meta-{annotation_id}"},
        **extra,
    }


async def _populate(api: Api, who: Caller, tag: str) -> dict[str, list[str]]:
    """A dataset with two items and their boxes, a model and its predictions; returns IDs by kind."""
    dataset = (
        await api.data(
            who,
            "mutation($n: String!, $m: JSON) { createDataset(input: {name: $n, metadata: $m}) { ... on Dataset { id } } }",
            {"n": f"{tag}-dataset", "m": {"owner": f"{tag}-meta"}},
        )
    )["createDataset"]["id"]
    items = [
        {
            "referenceId": f"{tag}-img-{i}.jpg",
            "imageLocation": f"s3://{tag}/{i}.jpg",
            "width": 64,
            "height": 64,
            "metadata": {"camera": f"{tag}-cam"},
        }
        for i in range(2)
    ]
    upload = "... on UploadResult { new } ... on ValidationError { message } ... on NotFoundError { message }"
    result = await api.data(
        who,
        f"mutation($d: ID!, $i: [DatasetItemInput!]!) {{ appendItems(datasetId: $d, items: $i) {{ {upload} }} }}",
        {"d": dataset, "i": items},
    )
    assert result["appendItems"] == {"new": 2}, result
    boxes = [
        _box(f"{tag}-img-0.jpg", f"{tag}-cat", f"{tag}-gt-0", 0.0),
        _box(f"{tag}-img-0.jpg", f"{tag}-dog", f"{tag}-gt-1", 30.0),
        _box(f"{tag}-img-1.jpg", f"{tag}-cat", f"{tag}-gt-2", 0.0),
    ]
    result = await api.data(
        who,
        f"mutation($d: ID!, $b: [BoxAnnotationInput!]!) {{ annotate(datasetId: $d, annotations: $b) {{ {upload} }} }}",
        {"d": dataset, "b": boxes},
    )
    assert result["annotate"] == {"new": 3}, result
    model = (
        await api.data(
            who,
            "mutation($n: String!, $r: String!) { createModel(input: {name: $n, referenceId: $r, metadata: {v: $n}}) "
            "{ ... on Model { id } } }",
            {"n": f"{tag}-model", "r": f"{tag}-model-ref"},
        )
    )["createModel"]["id"]
    predictions = [
        _box(f"{tag}-img-0.jpg", f"{tag}-cat", f"{tag}-pred-0", 1.0, confidence=0.9, classPdf={f"{tag}-cat": 0.9}),
        _box(f"{tag}-img-0.jpg", f"{tag}-cat", f"{tag}-pred-1", 31.0, confidence=0.4),
        _box(f"{tag}-img-1.jpg", f"{tag}-dog", f"{tag}-pred-2", 40.0, confidence=0.7),
    ]
    result = await api.data(
        who,
        f"mutation($d: ID!, $m: ID!, $p: [BoxPredictionInput!]!) "
        f"{{ uploadPredictions(datasetId: $d, modelId: $m, predictions: $p) {{ {upload} }} }}",
        {"d": dataset, "m": model, "p": predictions},
    )
    assert result["uploadPredictions"] == {"new": 3}, result
    return {"Dataset": [dataset], "Model": [model]}


async def _evaluate(api: Api, who: Caller, dataset: str, model: str) -> list[str]:
    """Run an evaluation job to completion when the schema has jobs; returns the job's ID (or nothing)."""
    mutation = api.schema.mutation_type
    if mutation is None or "calculateEvaluationMetrics" not in mutation.fields:
        return []
    body = await api.data(
        who,
        "mutation($d: ID!, $m: ID!) { calculateEvaluationMetrics(datasetId: $d, modelId: $m) "
        "{ __typename ... on AsyncJob { id status } } }",
        {"d": dataset, "m": model},
    )
    job = body["calculateEvaluationMetrics"]
    assert job["__typename"] == "AsyncJob", job
    status = job["status"]
    for _ in range(600):
        if status in TERMINAL:
            break
        await asyncio.sleep(0.1)
        status = (await api.data(who, "query($id: ID!) { job(id: $id) { status } }", {"id": job["id"]}))["job"][
            "status"
        ]
    assert status == "COMPLETED", f"A's evaluation job ended {status}"
    return [job["id"]]


async def _harvest(api: Api, owner: Caller, seeds: set[str]) -> tuple[set[str], list[str]]:
    """Every global ID the owner can reach from the root queries, to a fixpoint, and every answer it saw."""
    known = set(seeds)
    answers: list[str] = []
    done: set[str] = set()
    while True:
        by_kind: dict[str, list[str]] = {}
        for global_id in sorted(known):
            by_kind.setdefault(walk.kind_of_id(global_id) or "", []).append(global_id)
        before = len(known)
        for operation, name, field in walk.root_fields(api.schema):
            if operation != "query":
                continue
            names = walk.id_arguments(field)
            for fixed in walk.combinations(names, by_kind, sorted(known)) if names else [{}]:
                signature = json.dumps([name, fixed], sort_keys=True)
                if signature in done:
                    continue
                done.add(signature)
                fallback = next(iter(fixed.values()), "")

                def id_for(argument: str, fallback: str = fallback, by_kind: dict[str, list[str]] = by_kind) -> str:
                    wanted = walk.KIND_BY_ARGUMENT.get(argument)
                    if wanted is None:
                        return fallback
                    pool = by_kind.get(wanted)
                    return pool[0] if pool else walk.typed_id_for(fallback)(argument)

                query = walk.root_operation(api.schema, operation, name, fixed, id_for)
                body = await api(owner, query)
                answers.append(json.dumps(body))
                walk.harvest_ids(body.get("data"), known)
        if len(known) == before:
            return known, answers


def _sample(ids: set[str], per_kind: int = 2) -> list[str]:
    """The first and last IDs of each type: every kind of object is tried, in bounded time."""
    by_kind: dict[str, list[str]] = {}
    for global_id in sorted(ids, key=lambda value: (walk.kind_of_id(value) or "", walk.primary_key(value) or 0)):
        by_kind.setdefault(walk.kind_of_id(global_id) or "", []).append(global_id)
    chosen: list[str] = []
    for same_kind in by_kind.values():
        chosen += sorted({same_kind[0], same_kind[-1]})[:per_kind]
    return chosen


def _leaks(text: str, foreign_ids: set[str]) -> list[str]:
    found = [MARK] if MARK in text else []
    return found + [global_id for global_id in foreign_ids if global_id in text]


async def _call_pair(
    api: Api, who: Caller, operation: str, name: str, fixed: dict[str, str], foreign: str
) -> tuple[Any, Any, str]:
    ghost = walk.ghost_of(foreign)
    ghost_fixed = {key: ghost if value == foreign else value for key, value in fixed.items()}
    query = walk.root_operation(api.schema, operation, name, fixed, walk.typed_id_for(foreign))
    ghost_query = walk.root_operation(api.schema, operation, name, ghost_fixed, walk.typed_id_for(ghost))
    return await api(who, query), await api(who, ghost_query), query


@pytest.mark.slow
async def test_another_accounts_objects_are_invisible_and_untouchable(
    state: AppState, server: Server, make_caller: Callable[[str], Awaitable[Caller]]
) -> None:
    alice = await make_caller(f"{MARK}-alice")
    bob = await make_caller("bob")
    schema = graphql_schema_from_sdl(build_schema().as_str())
    async with httpx.AsyncClient(base_url=server.http_url, timeout=60) as http:
        api = Api(http, schema)
        alice_roots = await _populate(api, alice, f"{MARK}-alpha")
        jobs = await _evaluate(api, alice, alice_roots["Dataset"][0], alice_roots["Model"][0])
        seeds = {*alice_roots["Dataset"], *alice_roots["Model"], *jobs}
        alice_ids, alice_answers = await _harvest(api, alice, seeds)
        seen_kinds = {walk.kind_of_id(global_id) for global_id in alice_ids}
        assert {"Dataset", "DatasetItem", "BoxAnnotation", "Model", "BoxPrediction"} <= seen_kinds, seen_kinds
        if jobs:
            assert "Evaluation" in seen_kinds, seen_kinds
        assert any(MARK in answer for answer in alice_answers)

        empty = await api.data(bob, "{ datasets { edges { node { id } } } models { edges { node { id } } } }")
        assert empty == {"datasets": {"edges": []}, "models": {"edges": []}}
        bob_roots = await _populate(api, bob, "bravo")
        bob_ids, _ = await _harvest(api, bob, {*bob_roots["Dataset"], *bob_roots["Model"]})
        assert not bob_ids & alice_ids
        bob_own = {walk.kind_of_id(global_id) or "": global_id for global_id in sorted(bob_ids)}

        before = await owned_rows(state)
        problems: list[str] = []
        subscriptions: list[tuple[str, dict[str, str], str]] = []
        for operation, name, field in walk.root_fields(schema):
            names = walk.id_arguments(field)
            if not names:
                query = walk.root_operation(schema, operation, name, {}, lambda _argument: bob_roots["Dataset"][0])
                if operation == "subscription":
                    subscriptions.append((query, {}, ""))
                    continue
                text = json.dumps(await api(bob, query))
                if leaks := _leaks(text, alice_ids):
                    problems.append(f"{name}: {leaks} in {text[:500]}")
                continue
            for foreign in _sample(alice_ids):
                for fixed in walk.variants(names, foreign, bob_own, bob_roots["Dataset"][0]):
                    if operation == "subscription":
                        subscriptions.append((name, fixed, foreign))
                        continue
                    answer, ghost_answer, query = await _call_pair(api, bob, operation, name, fixed, foreign)
                    problems += _compare(name, fixed, foreign, answer, ghost_answer, alice_ids)
        for name, fixed, foreign in subscriptions:
            problems += await _walk_subscription(server, schema, bob, name, fixed, foreign, alice_ids)
        after = await owned_rows(state)
        if jobs and schema.subscription_type is not None and "jobUpdates" in schema.subscription_type.fields:
            # The control: the owner does get its job's updates, so "no data" above is not vacuous.
            own = await ws_subscribe(
                server,
                {"apiKey": alice.key},
                "subscription($id: ID!) { jobUpdates(id: $id) { id status } }",
                {"id": jobs[0]},
                wait=5.0,
            )
            updates = [m["payload"]["data"] for m in own.messages if m.get("type") == "next"]
            assert updates and updates[-1]["jobUpdates"] == {"id": jobs[0], "status": "COMPLETED"}, own

    assert not problems, "\n".join(problems[:50])
    _assert_rows_unchanged(before, after, bob.account_id)


def _compare(
    name: str, fixed: dict[str, str], foreign: str, answer: Any, ghost_answer: Any, foreign_ids: set[str]
) -> list[str]:
    pks = [pk for pk in (walk.primary_key(foreign), walk.primary_key(walk.ghost_of(foreign))) if pk is not None]
    replacements = {foreign: "<ID>", walk.ghost_of(foreign): "<ID>"}
    seen = walk.normalized(answer, replacements, pks)
    expected = walk.normalized(ghost_answer, replacements, pks)
    problems = []
    if seen != expected:
        problems.append(
            f"{name}{fixed}: answers differently for A's {foreign} than for an unknown ID:\n"
            f"  A's ID: {json.dumps(seen)[:600]}\n  unknown: {json.dumps(expected)[:600]}"
        )
    if leaks := _leaks(json.dumps(seen), foreign_ids):
        problems.append(f"{name}{fixed}: {leaks} in {json.dumps(seen)[:600]}")
    return problems


async def _walk_subscription(
    server: Server,
    schema: GraphQLSchema,
    who: Caller,
    name: str,
    fixed: dict[str, str],
    foreign: str,
    foreign_ids: set[str],
) -> list[str]:
    params = {"Authorization": f"Bearer {who.key}"}
    if not foreign:  # no ID arguments: `name` holds the whole operation
        outcome = await ws_subscribe(server, params, name, {}, wait=1.0)
        text = json.dumps(outcome.messages)
        return [f"subscription without IDs: {leaks}"] if (leaks := _leaks(text, foreign_ids)) else []
    problems = []
    query = walk.root_operation(schema, "subscription", name, fixed, walk.typed_id_for(foreign))
    outcome = await ws_subscribe(server, params, query, {}, wait=1.0)
    data = [m for m in outcome.messages if m.get("type") == "next" and (m.get("payload") or {}).get("data")]
    if data:
        problems.append(f"subscription {name}{fixed}: data for A's {foreign}: {json.dumps(data)[:600]}")
    if not any(m.get("type") in {"error", "complete"} for m in outcome.messages) and outcome.close_code is None:
        problems.append(f"subscription {name}{fixed}: neither error nor complete for A's {foreign}")
    text = json.dumps(walk.normalized(outcome.messages, {foreign: "<ID>"}, []))
    if leaks := _leaks(text, foreign_ids):
        problems.append(f"subscription {name}{fixed}: {leaks} in {text[:600]}")
    return problems


def _assert_rows_unchanged(before: Mapping[Any, Any], after: Mapping[Any, Any], intruder: int) -> None:
    mixed = [key for key, (_values, owners) in after.items() if len(owners) > 1]
    assert not mixed, f"rows that reach two accounts: {mixed}"
    kept_before = {key: values for key, (values, owners) in before.items() if owners != {intruder}}
    kept_after = {key: values for key, (values, owners) in after.items() if owners != {intruder}}
    assert kept_before.keys() == kept_after.keys(), (
        f"rows appeared: {sorted(kept_after.keys() - kept_before.keys())[:20]}; "
        f"disappeared: {sorted(kept_before.keys() - kept_after.keys())[:20]}"
    )
    changed = [key for key in kept_before if kept_before[key] != kept_after[key]]
    assert not changed, f"rows changed by the other account: {changed[:20]}"

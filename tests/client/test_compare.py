"""Comparing two evaluations through both clients: metrics and flips equal what compareEvaluations returns and the
planted plan; refused and unknown pairs raise the client's errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from matchscope.client import AsyncClient, Client, Flip, MetricsComparison, NotFoundError, ValidationError
from matchscope.schema.ids import to_global_id
from matchscope.state import AppState
from tests.client.conftest import Server
from tests.conftest import Caller, GraphQL
from tests.graphql import compare_data
from tests.graphql.compare_data import Stored
from tests.graphql.test_compare import METRICS, THRESHOLDS, _all_flips, _planted_flips


@pytest.fixture
async def stored(state: AppState, caller: Caller) -> Stored:
    return await compare_data.store(state, caller.account_id, compare_data.make_plan(seed=3))


def _ids(stored: Stored) -> tuple[str, str]:
    return tuple(to_global_id("Evaluation", stored.evaluation_ids[model]) for model in ("base", "other"))  # type: ignore[return-value]


def _rows(metrics: MetricsComparison) -> list[dict[str, Any]]:
    """The client's rows in the API's shape (its field names)."""
    return [row.model_dump(by_alias=True) for row in (metrics.overall, *metrics.per_class)]


def _flip(flip: Flip) -> dict[str, Any]:
    """The fields tests.graphql.test_compare.FLIPS asks for, from a client flip."""

    def side(match: Any) -> dict[str, Any]:
        prediction = match.prediction
        return {
            "id": match.id,
            "outcome": match.outcome.value,
            "iou": match.iou,
            "groundTruth": {"id": match.ground_truth.id},
            "prediction": None
            if prediction is None
            else {"id": prediction.id, "annotationId": prediction.annotation_id},
        }

    truth = flip.ground_truth
    return {
        "kind": flip.kind.value,
        "groundTruth": {"id": truth.id, "annotationId": truth.annotation_id, "label": truth.label},
        "item": {"id": flip.item.id, "referenceId": flip.item.reference_id},
        "base": side(flip.base),
        "other": side(flip.other),
    }


@pytest.mark.parametrize(("t", "c"), THRESHOLDS)
async def test_sync_comparison_equals_the_api(
    server: Server, key: str, gql: GraphQL, stored: Stored, t: float, c: float
) -> None:
    base, other = _ids(stored)
    api_rows = (await gql(METRICS, {"b": base, "o": other, "t": t, "c": c}))["compareEvaluations"]["metrics"]
    api_flips, total = await _all_flips(gql, base, other, t=t, c=c)
    with Client(key, endpoint=server.endpoint) as client:  # blocking calls: the server runs in its own thread
        evaluations = {evaluation.id: evaluation for evaluation in client.list_evaluations()}
        comparison = evaluations[base].compare(evaluations[other])
        metrics = comparison.metrics(iou_threshold=t, confidence_threshold=c)
        assert (metrics.iou_threshold, metrics.confidence_threshold) == (t, c)
        assert metrics.overall.label is None and _rows(metrics) == api_rows
        flips = comparison.flips(iou_threshold=t, confidence_threshold=c, page_size=4)
        got = [_flip(flip) for flip in flips]
        assert got == api_flips and flips.total_count == total == len(got)
        assert [(f["groundTruth"]["annotationId"], f["kind"]) for f in got] == _planted_flips(stored, t, c)
        again = client.compare_evaluations(base, other).flips(iou_threshold=t, confidence_threshold=c)
        assert [_flip(flip) for flip in again] == got


async def test_async_comparison_equals_the_api(server: Server, key: str, gql: GraphQL, stored: Stored) -> None:
    base, other = _ids(stored)
    api_rows = (await gql(METRICS, {"b": base, "o": other, "t": 0.5, "c": 0.0}))["compareEvaluations"]["metrics"]
    async with AsyncClient(key, endpoint=server.endpoint) as client:
        comparison = client.compare_evaluations(base, other)
        assert _rows(await comparison.metrics()) == api_rows
        expected = _planted_flips(stored, 0.5, 0.0)
        for kinds in (["FIXED"], ["BROKEN"], ["FIXED", "BROKEN"], None):
            api_flips, total = await _all_flips(gql, base, other, kinds=kinds)
            flips = comparison.flips(kinds=kinds, page_size=3)
            got = [_flip(flip) async for flip in flips]
            assert got == api_flips and flips.total_count == total
            wanted = [pair for pair in expected if kinds is None or pair[1] in kinds]
            assert [(f["groundTruth"]["annotationId"], f["kind"]) for f in got] == wanted
        # The other way round every flip changes kind.
        swap = {"FIXED": "BROKEN", "BROKEN": "FIXED"}
        backward = [
            (f.ground_truth.id, swap[f.kind.value]) async for f in client.compare_evaluations(other, base).flips()
        ]
        assert sorted(backward) == sorted((f["groundTruth"]["id"], f["kind"]) for f in got)


async def test_refused_and_unknown_pairs(
    server: Server, key: str, other_key: str, state: AppState, caller: Caller, stored: Stored
) -> None:
    elsewhere = await compare_data.store(state, caller.account_id, compare_data.make_plan(seed=4), name="elsewhere")
    base, other = _ids(stored)
    foreign = _ids(elsewhere)[0]
    missing = to_global_id("Evaluation", 10**9)
    with Client(key, endpoint=server.endpoint) as client:
        comparison = client.compare_evaluations(base, foreign)
        with pytest.raises(ValidationError) as refused:
            comparison.metrics()
        assert refused.value.field == "otherId" and "compare evaluations" in str(refused.value)
        with pytest.raises(ValidationError) as refused:
            list(comparison.flips())
        assert refused.value.field == "otherId"
        with pytest.raises(NotFoundError) as unknown:
            client.compare_evaluations(missing, other).metrics()
        assert unknown.value.kind == "Evaluation" and unknown.value.id == missing
        with pytest.raises(ValidationError) as bad_kind:
            client.compare_evaluations(base, other).flips(kinds=["FIXED", "SWAPPED"])
        assert bad_kind.value.field == "kinds" and "'SWAPPED'" in str(bad_kind.value)
        with pytest.raises(ValidationError) as bad_size:
            client.compare_evaluations(base, other).flips(page_size=101)
        assert bad_size.value.field == "page_size"
    # Another account's evaluations are not found.
    with Client(other_key, endpoint=server.endpoint) as stranger, pytest.raises(NotFoundError):
        stranger.compare_evaluations(base, other).metrics()

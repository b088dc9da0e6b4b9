"""Reviews of entries (`review`, `review_match`, the review filter) and the account's jobs (`jobs`, an
evaluation's `job`), through both clients against a real server."""

from __future__ import annotations

import pytest

from matchscope.client import (
    AsyncClient,
    BoxAnnotation,
    BoxPrediction,
    Client,
    DatasetItem,
    NotFoundError,
    ValidationError,
)
from matchscope.services.tokens import global_id
from tests.client.conftest import Server

ITEMS = [DatasetItem("a.jpg", None, 100, 100), DatasetItem("b.jpg", None, 100, 100)]
TRUTH = [
    BoxAnnotation("cat", 0, 0, 10, 10, reference_id="a.jpg", annotation_id="g1"),
    BoxAnnotation("dog", 20, 20, 10, 10, reference_id="a.jpg", annotation_id="g2"),
    BoxAnnotation("cat", 0, 0, 20, 20, reference_id="b.jpg", annotation_id="g3"),
]
PREDICTED = [
    BoxPrediction("cat", 0, 0, 10, 10, reference_id="a.jpg", confidence=0.9, annotation_id="p1"),
    BoxPrediction("cat", 0, 0, 10, 20, reference_id="b.jpg", confidence=0.8, annotation_id="p2"),
    BoxPrediction("cat", 60, 60, 5, 5, reference_id="a.jpg", confidence=0.3, annotation_id="p3"),
]


def _key_of(match: object) -> tuple[str | None, str | None]:
    truth, prediction = getattr(match, "ground_truth", None), getattr(match, "prediction", None)
    return (truth and truth.annotation_id, prediction and prediction.annotation_id)


def test_reviews_through_the_blocking_client(server: Server, key: str, other_key: str) -> None:
    with Client(key, endpoint=server.endpoint) as client, Client(other_key, endpoint=server.endpoint) as other:
        dataset = client.create_dataset("reviews")
        dataset.append(ITEMS)
        dataset.annotate(TRUTH)
        model = client.create_model("yolo", "yolo-v1")
        dataset.upload_predictions(model, PREDICTED)
        dataset.calculate_evaluation_metrics(model).sleep_until_complete(verbose_std_out=False)
        evaluation = dataset.evaluation(model)
        entries = {_key_of(m): m for m in evaluation.matches()}
        assert all(m.review is None for m in entries.values())

        false_positive = entries[(None, "p3")]
        reviewed = evaluation.review(false_positive, "IGNORED", "a reflection")
        assert reviewed.id == false_positive.id and reviewed.review is not None
        assert (reviewed.review.status.value, reviewed.review.note) == ("IGNORED", "a reflection")
        # The note omitted keeps it; the status changes.
        again = client.review_match(false_positive.id, "LABEL_ERROR")
        assert again.review is not None and (again.review.status.value, again.review.note) == (
            "LABEL_ERROR",
            "a reflection",
        )
        # An entry at other thresholds: the pair g3/p2 (IoU 0.5) is a false positive at 0.6, its review shared.
        pair = entries[("g3", "p2")]
        assert pair.outcome.value == "TRUE_POSITIVE"
        at_06 = evaluation.review(pair, "CONFIRMED", None, iou_threshold=0.6)
        assert at_06.outcome.value == "FALSE_POSITIVE" and at_06.review is not None
        assert (at_06.review.status.value, at_06.review.note) == ("CONFIRMED", None)

        assert [_key_of(m) for m in evaluation.matches(review_statuses=["LABEL_ERROR"])] == [(None, "p3")]
        assert [_key_of(m) for m in evaluation.matches(review_statuses=["CONFIRMED"])] == [("g3", "p2")]
        unreviewed = {_key_of(m) for m in evaluation.matches(review_statuses=["UNREVIEWED"])}
        assert unreviewed == {("g1", "p1"), ("g2", None)}
        assert len([m for m in evaluation.matches() if m.review is not None]) == 2

        # A new evaluation of the same dataset and model keeps the reviews (keyed by the annotationIds).
        dataset.calculate_evaluation_metrics(model, options={"class_agnostic": False}).sleep_until_complete(
            verbose_std_out=False
        )
        later = dataset.evaluation(model)
        assert later.id != evaluation.id
        kept = {_key_of(m): m.review.status.value for m in later.matches() if m.review is not None}
        assert kept == {(None, "p3"): "LABEL_ERROR", ("g3", "p2"): "CONFIRMED"}

        cleared = client.review_match(next(iter(later.matches(review_statuses=["LABEL_ERROR"]))), "UNREVIEWED")
        assert cleared.review is None
        assert [_key_of(m) for m in later.matches(review_statuses=["LABEL_ERROR"])] == []

        with pytest.raises(ValidationError, match="status") as raised:
            client.review_match(false_positive.id, "WRONG")
        assert raised.value.errors[0].field == "status" and raised.value.errors[0].value == "'WRONG'"
        with pytest.raises(ValidationError, match="note") as raised:
            client.review_match(pair.id, "CONFIRMED", "x" * 2001)
        assert raised.value.errors[0].field == "note"
        with pytest.raises(NotFoundError) as missing:
            client.review_match(global_id("Match", 10**9), "CONFIRMED")
        assert missing.value.kind == "Match"
        with pytest.raises(NotFoundError):
            other.review_match(pair.id, "IGNORED")
        with pytest.raises(NotFoundError):
            client.review_match("garbage", "IGNORED")


def test_jobs_through_the_blocking_client(server: Server, key: str, other_key: str) -> None:
    with Client(key, endpoint=server.endpoint) as client, Client(other_key, endpoint=server.endpoint) as other:
        dataset = client.create_dataset("jobs")
        dataset.append(ITEMS)
        dataset.annotate(TRUTH)
        models = [client.create_model(f"m{i}", f"m{i}") for i in range(3)]
        started = []
        for model in models:
            dataset.upload_predictions(model, PREDICTED)
            job = dataset.calculate_evaluation_metrics(model)
            job.sleep_until_complete(verbose_std_out=False)
            started.append(job.id)
        jobs = client.jobs()
        listed = [job.id for job in jobs]
        assert listed == started[::-1]  # newest first
        assert jobs.total_count == 3
        paged = client.jobs(page_size=1)
        assert [len(page) for page in paged.pages()] == [1, 1, 1]
        assert [job.id for job in client.jobs(page_size=2)] == listed
        assert [job.status() for job in client.jobs(["COMPLETED"])] == ["COMPLETED"] * 3
        assert list(client.jobs(["QUEUED", "RUNNING", "ERRORED"])) == []
        assert list(other.jobs()) == []

        evaluation = dataset.evaluation(models[1])
        job_of = evaluation.job()
        assert job_of is not None and job_of.id == started[1]
        assert job_of.info().evaluation is not None and job_of.info().evaluation.id == evaluation.id

        with pytest.raises(ValidationError, match="statuses") as raised:
            client.jobs(["DONE"])
        assert raised.value.errors[0].value == "'DONE'"
        with pytest.raises(ValidationError, match="page_size"):
            client.jobs(page_size=101)


async def test_reviews_and_jobs_through_the_async_client(server: Server, key: str) -> None:
    async with AsyncClient(key, endpoint=server.endpoint) as client:
        dataset = await client.create_dataset("async")
        await dataset.append(ITEMS)
        await dataset.annotate(TRUTH)
        model = await client.create_model("yolo", "yolo-v1")
        await dataset.upload_predictions(model, PREDICTED)
        job = await dataset.calculate_evaluation_metrics(model)
        await job.sleep_until_complete(verbose_std_out=False)
        listed = [found async for found in client.jobs()]
        assert [found.id for found in listed] == [job.id]
        assert listed[0].last_state.status.value == "COMPLETED"
        assert [found.id async for found in client.jobs(statuses=["CANCELLED"])] == []

        evaluation = await dataset.evaluation(model)
        job_of = evaluation.job()
        assert job_of is not None and job_of.id == job.id
        entries = [m async for m in evaluation.matches(outcomes=["FALSE_NEGATIVE"])]
        assert [_key_of(m) for m in entries] == [("g2", None)]
        reviewed = await evaluation.review(entries[0], "LABEL_ERROR", "it is a cat")
        assert reviewed.review is not None and reviewed.review.note == "it is a cat"
        again = await client.review_match(entries[0].id, "LABEL_ERROR", None)
        assert again.review is not None and again.review.note is None
        found = [_key_of(m) async for m in evaluation.matches(review_statuses=["LABEL_ERROR"])]
        assert found == [("g2", None)]
        with pytest.raises(NotFoundError):
            await client.review_match(global_id("Match", 10**9), "IGNORED")

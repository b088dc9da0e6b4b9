"""AsyncClient: the same methods as coroutines; entries filtered and ordered; to_pandas."""

from __future__ import annotations

import sys

import pytest

from matchscope.client import AsyncClient, BoxAnnotation, BoxPrediction, DatasetItem, NotFoundError, ValidationError
from tests.client.conftest import Server


async def test_async_client_flow(
    server: Server, key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with AsyncClient(key, endpoint=server.endpoint) as client:
        dataset = await client.create_dataset("shapes", metadata={"split": "val"})
        assert (await client.get_dataset(dataset.id)).info.metadata == {"split": "val"}
        items = [DatasetItem("a.jpg", "img/a.jpg", 100, 100), DatasetItem("b.jpg", None, 50, 50)]
        assert (await dataset.append(items)).new == 2
        assert capsys.readouterr().err == ""  # one batch: no bar unless asked
        assert (await dataset.append(items, progress=True)).ignored == 2
        bar = capsys.readouterr().err
        assert "items: 100%" in bar and "2/2" in bar
        truth = [
            BoxAnnotation("cat", 0, 0, 10, 10, reference_id="a.jpg", annotation_id="g1"),
            BoxAnnotation("dog", 20, 20, 10, 10, reference_id="a.jpg", annotation_id="g2"),
            BoxAnnotation("cat", 0, 0, 20, 20, reference_id="b.jpg", annotation_id="g3"),
        ]
        assert (await dataset.annotate(truth)).new == 3
        model = await client.create_model("yolo", "yolo-v1")
        predicted = [
            BoxPrediction("cat", 0, 0, 10, 10, reference_id="a.jpg", confidence=0.9, annotation_id="p1"),
            BoxPrediction("cat", 0, 0, 10, 20, reference_id="b.jpg", confidence=0.8, annotation_id="p2"),
            BoxPrediction("cat", 60, 60, 5, 5, reference_id="a.jpg", confidence=0.3, annotation_id="p3"),
        ]
        assert (await dataset.upload_predictions(model, predicted)).new == 3
        assert [i.reference_id for i in await dataset.items()] == ["a.jpg", "b.jpg"]

        job = await dataset.calculate_evaluation_metrics(model, options={"class_agnostic": False})
        final = await job.sleep_until_complete(verbose_std_out=False)
        assert final.status.value == "COMPLETED" and await job.errors() == []
        evaluation = await dataset.evaluation(model)
        matches = evaluation.matches()
        entries = [(m.outcome.value, m.ground_truth and m.ground_truth.annotation_id,
                    m.prediction and m.prediction.annotation_id, m.iou) async for m in matches]  # fmt: skip
        assert entries[:2] == [("TRUE_POSITIVE", "g1", "p1", 1.0), ("TRUE_POSITIVE", "g3", "p2", 0.5)]
        assert set(entries[2:]) == {("FALSE_POSITIVE", None, "p3", 0.0), ("FALSE_NEGATIVE", "g2", None, 0.0)}
        assert matches.total_count == 4
        fp = [m.prediction.annotation_id async for m in evaluation.matches(outcomes=["FALSE_POSITIVE"]) if m.prediction]
        assert fp == ["p3"]
        tight = [m.id async for m in evaluation.matches(min_iou=0.6, page_size=1)]
        assert len(tight) == 1
        by_confidence = [m.confidence async for m in evaluation.matches(order_by="CONFIDENCE", direction="ASC",
                                                                        outcomes=["TRUE_POSITIVE", "FALSE_POSITIVE"])]  # fmt: skip
        assert by_confidence == [0.3, 0.8, 0.9]
        at_06 = await evaluation.metrics(iou_threshold=0.6)
        assert (at_06.overall.true_positives, at_06.overall.false_positives, at_06.overall.false_negatives) == (1, 2, 2)
        # AP50: cat's two ground truths found by its two most confident predictions (1), dog's never (0).
        assert (await evaluation.coco()).stats[1] == pytest.approx(0.5)
        with pytest.raises(ValidationError, match="outcomes = 'TP': must be one of"):
            evaluation.matches(outcomes=["TP"])
        # Nothing is reviewed yet: every entry is UNREVIEWED.
        unreviewed = [m.id async for m in evaluation.matches(review_statuses=["UNREVIEWED"])]
        assert len(unreviewed) == 4 and [m async for m in evaluation.matches(review_statuses=["CONFIRMED"])] == []
        with pytest.raises(ValidationError, match="review_statuses = 'DONE': must be one of"):
            evaluation.matches(review_statuses=["DONE"])
        # TIDE types: the stray p3 overlaps nothing (BACKGROUND, no nearest ground truth), the dog g2 is MISSED; at
        # IoU 0.6, p2 (IoU 0.5 with g3) is a LOCALIZATION error whose nearest ground truth is g3.
        typed = {(m.outcome.value, m.error_type and m.error_type.value, m.nearest_ground_truth) async for m in matches}
        assert typed == {("TRUE_POSITIVE", None, None), ("FALSE_POSITIVE", "BACKGROUND", None),
                         ("FALSE_NEGATIVE", "MISSED", None)}  # fmt: skip
        missed = [
            m.ground_truth.annotation_id async for m in evaluation.matches(error_types=["MISSED"]) if m.ground_truth
        ]
        assert missed == ["g2"]
        loose = [(m.prediction and m.prediction.annotation_id, m.nearest_ground_truth)
                 async for m in evaluation.matches(iou_threshold=0.6, error_types=["LOCALIZATION"])]  # fmt: skip
        assert len(loose) == 1 and loose[0][0] == "p2" and loose[0][1] is not None
        assert (loose[0][1].ground_truth.annotation_id, loose[0][1].iou) == ("g3", 0.5)
        with pytest.raises(ValidationError, match="error_types = 'LOC': must be one of"):
            evaluation.matches(error_types=["LOC"])

        frame = await evaluation.matches().to_pandas()
        assert list(frame["outcome"]) == [e[0] for e in entries] and frame["reference_id"].iloc[0] == "a.jpg"
        assert set(frame["error_type"].dropna()) == {"BACKGROUND", "MISSED"}
        monkeypatch.setitem(sys.modules, "pandas", None)
        with pytest.raises(ImportError, match="pip install 'matchscope\\[pandas\\]'"):
            await evaluation.matches().to_pandas()

        with pytest.raises(NotFoundError):
            await client.get_dataset_by_name("nope")

"""import_coco: the keys `import-coco` gives, what pycocotools drops, and refused files naming the entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchscope.client import Client, NotFoundError, ValidationError
from tests.client.conftest import Server

TRUTH = {
    "images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 100}, {"id": 2, "file_name": "b.jpg"},
               {"id": 1, "file_name": "a.jpg"}],
    "categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}],
    "annotations": [
        {"id": 10, "image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 64.0},
        {"id": 11, "image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10], "iscrowd": 1},
        {"id": 12, "image_id": 9, "category_id": 1, "bbox": [5, 5, 10, 10]},
    ],
}  # fmt: skip
DETECTIONS = [
    {"image_id": 1, "category_id": 7, "bbox": [0, 0, 10, 10], "score": 0.9},
    {"image_id": 1, "category_id": 1, "bbox": [0, 0, 10, 10], "score": 0.8},
    {"image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10], "score": 0.7},
]


def _write(folder: Path, truth: object, detections: object) -> tuple[Path, Path]:
    (folder / "gt.json").write_text(json.dumps(truth))
    (folder / "dets.json").write_text(json.dumps(detections))
    return folder / "gt.json", folder / "dets.json"


def test_import_coco_keys_and_drops_as_pycocotools_reads(server: Server, key: str, tmp_path: Path) -> None:
    gt, dets = _write(tmp_path, TRUTH, DETECTIONS)
    with Client(key, endpoint=server.endpoint) as client:
        imported = client.import_coco("d", gt, model="m", results=dets)
        assert (imported.items.new, imported.annotations.new, imported.predictions.new) == (2, 2, 2)
        assert imported.notes == (
            "1 image(s) listed twice, read once",
            "1 annotation(s) on images or of categories the file does not list, dropped",
            "1 detection(s) of categories the ground truth does not list, dropped",
        )
        dataset = client.get_dataset_by_name("d")
        assert dataset.info.metadata == {"coco_categories": {"1": "cat", "2": "dog"}}
        items = {item.reference_id: item for item in dataset.items()}
        assert items["a.jpg"].metadata == {"coco_image_id": 1} and items["a.jpg"].width == 100
        job = dataset.calculate_evaluation_metrics(client.get_model_by_reference_id("m"))
        job.sleep_until_complete(verbose_std_out=False)
        keys = {(m.ground_truth and m.ground_truth.annotation_id, m.prediction and m.prediction.annotation_id)
                for m in dataset.evaluation(imported.model_id or "").matches()}  # fmt: skip
        assert keys == {("10", "2"), ("11", "3")}  # positions count the dropped detection
        again = client.import_coco("d", gt, model="m", results=dets)
        assert (again.items.ignored, again.annotations.ignored, again.predictions.ignored) == (2, 2, 2)
        assert again.predictions.new == 0


@pytest.mark.parametrize(
    ("truth", "detections", "message"),
    [
        ({**TRUTH, "categories": None}, DETECTIONS, "categories"),
        (TRUTH, [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}], "row 0: [0].score = None: is missing"),
        (TRUTH, [DETECTIONS[1], {"image_id": 5, "category_id": 1, "bbox": [0, 0, 1, 1], "score": 1}],
         "row 1: [1].image_id = 5: no such image in the ground truth"),
        (TRUTH, [{**DETECTIONS[1], "bbox": [0, 0, 1]}], "[0].bbox = [0, 0, 1]: must be [x, y, width, height]"),
        (TRUTH, {"not": "a list"}, "a COCO results file is a JSON list"),
    ],
)  # fmt: skip
def test_a_refused_file_names_the_entry_and_writes_nothing(
    server: Server, key: str, tmp_path: Path, truth: object, detections: object, message: str
) -> None:
    gt, dets = _write(tmp_path, truth, detections)
    with Client(key, endpoint=server.endpoint) as client:
        with pytest.raises(ValidationError) as raised:
            client.import_coco("d", gt, model="m", results=dets)
        assert message in str(raised.value)
        assert client.list_datasets() == []


def test_evaluations_listed_then_everything_deleted(server: Server, key: str, other_key: str, tmp_path: Path) -> None:
    gt, dets = _write(tmp_path, TRUTH, DETECTIONS)
    with Client(key, endpoint=server.endpoint) as client, Client(other_key, endpoint=server.endpoint) as other:
        imported = client.import_coco("d", gt, model="m", results=dets)
        dataset, model = client.get_dataset(imported.dataset_id), client.get_model_by_reference_id("m")
        for options in ({"class_agnostic": True}, {"class_agnostic": False}):
            dataset.calculate_evaluation_metrics(model, options).sleep_until_complete(verbose_std_out=False)
        listed = dataset.evaluations(model)
        assert [e.info.class_agnostic for e in listed] == [False, True] and listed[0].info.is_current
        assert [e.id for e in client.list_evaluations(model=model)] == [e.id for e in listed]
        assert other.list_evaluations() == []
        with pytest.raises(NotFoundError):
            other.delete_evaluation(listed[0])
        assert client.delete_evaluation(listed[0]) > 0
        with pytest.raises(NotFoundError, match="no evaluation"):
            dataset.evaluation(model)
        for call in (lambda: other.delete_dataset(dataset), lambda: other.delete_model(model)):
            with pytest.raises(NotFoundError):
                call()
        assert client.delete_model(model) > 0 and client.list_models() == []
        assert client.delete_dataset(dataset) > 0 and client.list_datasets() == []
        with pytest.raises(NotFoundError):
            client.delete_dataset(dataset.id)


def test_a_results_file_of_several_batches_is_checked_whole_before_it_is_sent(
    server: Server, key: str, tmp_path: Path
) -> None:
    detections = [
        {"image_id": 1 + i % 2, "category_id": 1 + i % 2, "bbox": [i, 0, 10, 10], "score": round(0.1 + i / 10, 2)}
        for i in range(7)
    ]
    detections[4]["bbox"] = [4, 0, -10, 10]
    detections[6]["score"] = 1.5
    gt, dets = _write(tmp_path, TRUTH, detections)
    with Client(key, endpoint=server.endpoint, batch_size=2) as client:
        with pytest.raises(ValidationError) as raised:
            client.import_coco("d", gt, model="m", results=dets)
        assert [(e.row, e.field, e.value) for e in raised.value.errors] == [
            (4, "width", "-10"),
            (6, "confidence", "1.5"),
        ]
        assert "nothing was sent" in str(raised.value)
        model = client.get_model_by_reference_id("m")
        dataset = client.get_dataset_by_name("d")
        job = dataset.calculate_evaluation_metrics(model)
        job.sleep_until_complete(verbose_std_out=False)
        assert list(dataset.evaluation(model).matches(outcomes=["FALSE_POSITIVE", "TRUE_POSITIVE"])) == []

        detections[4]["bbox"], detections[6]["score"] = [4, 0, 10, 10], 0.9
        gt, dets = _write(tmp_path, TRUTH, detections)
        imported = client.import_coco("d", gt, model="m", results=dets)
        assert (imported.predictions.new, imported.predictions.ignored) == (7, 0)
        again = client.import_coco("d", gt, model="m", results=dets)
        assert (again.predictions.new, again.predictions.ignored) == (0, 7)

"""Bad input through the client: typed exceptions with clear messages, and nothing duplicated after a retry."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import func, select

from matchscope.client import (
    AuthenticationError,
    BoxAnnotation,
    BoxPrediction,
    Client,
    ConnectionFailed,
    DatasetItem,
    NotFoundError,
    ValidationError,
)
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store import tables
from tests.client.conftest import Server, serve_on
from tests.jobs.servers import free_port


def _boxes(count: int, items: int) -> list[BoxPrediction]:
    return [
        BoxPrediction(label="cat", x=i % 50, y=i // 50, width=5, height=5, reference_id=f"{i % items}.jpg",
                      confidence=0.5, annotation_id=str(i))
        for i in range(count)
    ]  # fmt: skip


async def _count(state: AppState, table: object) -> int:
    async with state.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[call-overload]


def test_wrong_key_is_an_authentication_error(server: Server) -> None:
    with Client("not-a-key", endpoint=server.endpoint) as client, pytest.raises(AuthenticationError) as raised:
        client.list_datasets()
    assert "refused the API key" in str(raised.value) and "invalid or revoked API key" in str(raised.value)
    with pytest.raises(AuthenticationError, match="API key is required"):
        Client("", endpoint=server.endpoint)


def test_unknown_and_foreign_ids_are_not_found(server: Server, key: str, other_key: str) -> None:
    with Client(key, endpoint=server.endpoint) as client, Client(other_key, endpoint=server.endpoint) as other:
        dataset = client.create_dataset("mine")
        model = client.create_model("yolo", "yolo-v1")
        for call in (
            lambda: client.get_dataset("RGF0YXNldDo5OTk5"),
            lambda: client.get_dataset("garbage"),
            lambda: client.get_model("garbage"),
            lambda: client.get_job("garbage"),
            lambda: client.get_dataset_by_name("nope"),
            lambda: client.get_model_by_reference_id("nope"),
            lambda: dataset.evaluation(model),
            lambda: other.get_dataset(dataset.id),
            lambda: other.get_dataset_by_name("mine"),
            lambda: other.get_model(model.id),
            lambda: other.get_model_by_reference_id("yolo-v1"),
        ):
            with pytest.raises(NotFoundError):
                call()
        with pytest.raises(NotFoundError, match="not found") as raised:
            dataset.upload_predictions("garbage", _boxes(1, 1))
        assert raised.value.kind == "Model"
        foreign = other.create_dataset("theirs")
        with pytest.raises(NotFoundError) as raised:
            client.get_dataset(foreign.id).append([DatasetItem("a.jpg")])
        assert raised.value.kind == "Dataset" and raised.value.id == foreign.id
        with pytest.raises(NotFoundError):
            dataset.calculate_evaluation_metrics(other.create_model("m", "m"))
        assert [d.name for d in other.list_datasets()] == ["theirs"]
        assert [m.reference_id for m in client.list_models()] == ["yolo-v1"]


async def test_a_refused_batch_names_rows_of_the_callers_list(server: Server, key: str, state: AppState) -> None:
    with Client(key, endpoint=server.endpoint, batch_size=3) as client:
        dataset = client.create_dataset("d")
        assert dataset.append([DatasetItem(f"{i}.jpg", width=10, height=10) for i in range(4)]).new == 4
        boxes = [BoxAnnotation("cat", 1, 1, 2, 2, reference_id=f"{i % 4}.jpg", annotation_id=str(i)) for i in range(8)]
        boxes[5].reference_id = "missing.jpg"  # only the server knows: refused with its batch
        with pytest.raises(ValidationError) as raised:
            dataset.annotate(boxes)
        error = raised.value
        assert error.rows == [5]
        assert [(e.row, e.field, e.value) for e in error.errors] == [(5, "itemReferenceId", "'missing.jpg'")]
        assert "row 5: itemReferenceId = 'missing.jpg': no such item in the dataset" in str(error)
        assert "rows 0-2 were written" in str(error)
        assert await _count(state, tables.BoxAnnotation) == 3

        boxes = [BoxAnnotation("cat", 1, 1, 2, 2, reference_id=f"{i % 4}.jpg", annotation_id=f"n{i}") for i in range(8)]
        boxes[4].width = -2.0
        boxes[6].x = float("nan")
        boxes[7].annotation_id = "n3"
        boxes[7].reference_id = "3.jpg"
        with pytest.raises(ValidationError) as raised:
            dataset.annotate(boxes)
        assert [(e.row, e.field, e.value, e.message) for e in raised.value.errors] == [
            (4, "width", "-2.0", "must not be negative"),
            (6, "x", "nan", "must be finite"),
            (7, "annotationId", "'n3'", "duplicates row 3 on the same item"),
        ]  # fmt: skip
        assert "nothing was sent" in str(raised.value)
        assert await _count(state, tables.BoxAnnotation) == 3
        predictions = [
            BoxPrediction("cat", 1, 1, 2, 2, reference_id="0.jpg", confidence=c) for c in (0.1, 0.2, 0.3, 1.5)
        ]
        with pytest.raises(ValidationError, match=r"row 3: confidence = 1.5: must be within \[0, 1\]"):
            dataset.upload_predictions(client.create_model("m", "m"), predictions)
        with pytest.raises(ValidationError, match="allowed_label_matches"):
            dataset.calculate_evaluation_metrics("x", options={"allowed_label_matches": [{"gt": "a"}]})
        with pytest.raises(ValidationError, match="unknown option"):
            dataset.calculate_evaluation_metrics("x", options={"classagnostic": True})


async def test_server_down_mid_upload_then_retry_writes_nothing_twice(
    settings: Settings, state: AppState, key: str
) -> None:
    port = free_port()
    boxes = _boxes(600, 20)
    failure: list[BaseException] = []
    with serve_on(settings, port) as endpoint:
        client = Client(key, endpoint=endpoint, batch_size=5, retry_delays=(0.1, 0.2))
        dataset = client.create_dataset("d")
        model = client.create_model("m", "m")
        dataset.append([DatasetItem(f"{i}.jpg") for i in range(20)])

        def upload() -> None:
            try:
                dataset.upload_predictions(model, boxes, progress=False)
            except BaseException as error:
                failure.append(error)

        uploader = threading.Thread(target=upload)
        uploader.start()
        deadline = time.monotonic() + 30
        while await _count(state, tables.BoxPrediction) == 0:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
    uploader.join(timeout=60)
    assert len(failure) == 1 and isinstance(failure[0], ConnectionFailed), failure
    assert "cannot reach the matchscope server" in str(failure[0]) and "after 2 retries" in str(failure[0])
    written = await _count(state, tables.BoxPrediction)
    assert 0 < written < len(boxes)
    with serve_on(settings, port):
        again = dataset.upload_predictions(model, boxes, progress=False)
    client.close()
    assert (again.new, again.ignored) == (len(boxes) - written, written)
    assert await _count(state, tables.BoxPrediction) == len(boxes)

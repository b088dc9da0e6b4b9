"""Following a job: through QUEUED (arq, no worker yet), over the subscription or by polling, to a typed failure."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from matchscope.client import Client, JobFailed, ValidationError
from matchscope.client._generated import GraphQLClient
from matchscope.settings import Settings
from tests.client.conftest import COCO_DETS, COCO_GT, serve_on
from tests.jobs.servers import REDIS_URL


@pytest.fixture
def settings(database_url: str, queue_name: str) -> Settings:
    """arq on Redis, and no worker: a submitted job stays QUEUED until the test cancels it."""
    return Settings(database_url=database_url, redis_url=REDIS_URL, debug=True)


@pytest.mark.parametrize("transport", ["subscription", "polling"])
def test_waits_through_queued_and_raises_when_cancelled(
    settings: Settings, key: str, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[str] = []
    original = GraphQLClient.get_job

    async def counted(self: GraphQLClient, id: str, **kwargs: Any) -> Any:
        polls.append(id)
        return await original(self, id, **kwargs)

    monkeypatch.setattr(GraphQLClient, "get_job", counted)
    with serve_on(settings) as endpoint, Client(key, endpoint=endpoint) as client:
        if transport == "polling":  # as if websockets could not connect
            client._client.connection.graphql.ws_url = "ws://127.0.0.1:9/graphql"
        client.import_coco("coco", COCO_GT, model="fake", results=COCO_DETS, progress=False)
        dataset = client.get_dataset_by_name("coco")
        job = dataset.calculate_evaluation_metrics(client.get_model_by_reference_id("fake"))
        failure: list[BaseException] = []

        def wait() -> None:
            try:
                job.sleep_until_complete(verbose_std_out=False, poll_interval=0.1)
            except BaseException as error:
                failure.append(error)

        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(1.5)
        assert waiter.is_alive() and job.status() == "QUEUED"
        polls.clear()
        assert job.cancel().status.value == "CANCELLED"
        waiter.join(timeout=30)
        assert not waiter.is_alive()
        assert len(failure) == 1 and isinstance(failure[0], JobFailed), failure
        assert failure[0].status == "CANCELLED" and f"job {job.id} CANCELLED" in str(failure[0])
        # The cancel itself polls nothing; what the waiter read after it tells the transport apart.
        assert (polls == []) if transport == "subscription" else len(polls) >= 1
        with pytest.raises(ValidationError, match="cannot cancel"):
            job.cancel()

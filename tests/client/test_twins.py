"""The blocking client runs the asynchronous one on a loop of its own: each class has the same public methods,
with the same parameters, each documented."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from matchscope.client import aio, sync

pytestmark = pytest.mark.database_independent

TWINS = [
    (aio.Client, sync.Client),
    (aio.Dataset, sync.Dataset),
    (aio.Evaluation, sync.Evaluation),
    (aio.AsyncJob, sync.AsyncJob),
    (aio.Comparison, sync.Comparison),
]


def _methods(cls: type[Any]) -> dict[str, Any]:
    return {name: value for name, value in vars(cls).items() if inspect.isfunction(value) and not name.startswith("_")}


@pytest.mark.parametrize(("asynchronous", "blocking"), TWINS, ids=lambda cls: cls.__qualname__)
def test_the_blocking_twin_takes_the_same_arguments(asynchronous: type[Any], blocking: type[Any]) -> None:
    assert set(_methods(blocking)) == set(_methods(asynchronous))
    for name, method in _methods(asynchronous).items():
        twin = getattr(blocking, name)
        assert inspect.signature(twin).parameters == inspect.signature(method).parameters, name
        assert twin.__doc__ and method.__doc__, name

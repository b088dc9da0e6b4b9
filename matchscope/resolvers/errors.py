"""Turning domain errors into payload union members."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from matchscope.schema.common import NotFoundError, ValidationError
from matchscope.services.errors import NotFound, ValidationFailed

T = TypeVar("T")


async def as_payload(action: Callable[[], Awaitable[T]]) -> T | ValidationError | NotFoundError:
    try:
        return await action()
    except ValidationFailed as error:
        return ValidationError.from_error(error)
    except NotFound as error:
        return NotFoundError.from_error(error)

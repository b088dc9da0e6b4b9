"""Uploads of any size: batches under the server's per-call row cap, a progress bar, refused batches raised."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Protocol, TypeVar

from tqdm import tqdm

from matchscope.client._checks import check_upload
from matchscope.client._connection import Connection, not_found_error, validation_error
from matchscope.client.records import UploadResult

# The server takes at most 10,000 rows a call; half that keeps each request a few MB.
BATCH_SIZE = 5_000
InputT = TypeVar("InputT")
InputT_co = TypeVar("InputT_co", covariant=True)


class _Row(Protocol[InputT_co]):
    def to_input(self) -> InputT_co: ...


async def upload(
    connection: Connection,
    rows: Sequence[_Row[InputT]],
    send: Callable[[list[InputT]], Awaitable[Any]],
    *,
    what: str,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
) -> UploadResult:
    """Send `rows` in batches through `send` (a generated mutation returning an UploadPayload member); retries are
    safe because uploads are keyed. The bar is shown for uploads of more than one batch unless `progress` says."""
    if len(rows) > batch_size:
        check_upload(rows, what)
    show = len(rows) > batch_size if progress is None else progress
    total = UploadResult()
    with tqdm(total=len(rows), unit="row", desc=what, disable=not show, file=sys.stderr) as bar:
        for start in range(0, len(rows), batch_size):
            batch = [row.to_input() for row in rows[start : start + batch_size]]
            payload = await connection.call(partial(send, batch))
            if payload.typename__ == "ValidationError":
                written = f"; rows 0-{start - 1} were written (uploading them again is harmless)" if start else ""
                raise validation_error(payload, row_offset=start, what=f"{what} refused{written}")
            if payload.typename__ == "NotFoundError":
                raise not_found_error(payload)
            total = total + UploadResult(payload.new, payload.updated, payload.ignored)
            bar.update(len(batch))
    return total

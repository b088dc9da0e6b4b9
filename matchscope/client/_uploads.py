"""Uploads of any size: batches under the server's per-call row cap, a progress bar, refused batches raised.

Boxes go as columns (`annotateColumns`, `uploadPredictionColumns`: one list per field), which the server takes at a
fraction of the cost of row-shaped input objects, with the same keys, checks, counts and errors."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Protocol, TypeVar

from tqdm import tqdm

from matchscope.client._checks import check_upload
from matchscope.client._connection import Connection, not_found_error, validation_error
from matchscope.client._generated import BoxAnnotationColumnsInput, BoxPredictionColumnsInput
from matchscope.client.records import Box, BoxAnnotation, BoxPrediction, PredictionTable, UploadResult

# The server's default cap on rows a call (MATCHSCOPE_MAX_UPLOAD_ROWS): as columns, 10,000 boxes are ~1 MB of JSON,
# and every call saved is a request and a transaction saved.
BATCH_SIZE = 10_000
InputT = TypeVar("InputT")
InputT_co = TypeVar("InputT_co", covariant=True)


class _Row(Protocol[InputT_co]):
    def to_input(self) -> InputT_co: ...


def input_rows(batch: Sequence[_Row[InputT]]) -> list[InputT]:
    """A batch as row-shaped GraphQL inputs."""
    return [row.to_input() for row in batch]


def _optional(values: list[Any]) -> list[Any] | None:
    """An optional column: None (the server's default for every row) when no row has a value."""
    return values if any(value is not None for value in values) else None


def _box_columns(batch: Sequence[Box]) -> dict[str, Any]:
    """The columns of what every box has."""
    return {
        "item_reference_ids": [box.reference_id for box in batch],
        "labels": [box.label for box in batch],
        "x": [box.x for box in batch],
        "y": [box.y for box in batch],
        "width": [box.width for box in batch],
        "height": [box.height for box in batch],
    }


def annotation_columns(batch: Sequence[BoxAnnotation]) -> BoxAnnotationColumnsInput:
    """A batch of ground-truth boxes as the columns of `annotateColumns`."""
    return BoxAnnotationColumnsInput.model_construct(
        **_box_columns(batch),
        annotation_ids=_optional([box.annotation_id for box in batch]),
        iscrowd=[box.iscrowd for box in batch] if any(box.iscrowd for box in batch) else None,
        metadata=_optional([box.metadata for box in batch]),
        areas=_optional([box.area for box in batch]),
    )


def prediction_columns(batch: Sequence[BoxPrediction]) -> BoxPredictionColumnsInput:
    """A batch of predictions as the columns of `uploadPredictionColumns`."""
    return BoxPredictionColumnsInput.model_construct(
        **_box_columns(batch),
        annotation_ids=_optional([box.annotation_id for box in batch]),
        confidences=_optional([box.confidence for box in batch]),
        class_pdfs=_optional([box.class_pdf for box in batch]),
        metadata=_optional([box.metadata for box in batch]),
    )


def table_columns(batch: PredictionTable) -> BoxPredictionColumnsInput:
    """A slice of a prediction table as the columns of `uploadPredictionColumns`."""
    return BoxPredictionColumnsInput.model_construct(
        item_reference_ids=batch.reference_ids,
        labels=batch.labels,
        x=batch.x,
        y=batch.y,
        width=batch.width,
        height=batch.height,
        annotation_ids=batch.annotation_ids,
        confidences=batch.confidences,
    )


class _Rows(Protocol):
    def __len__(self) -> int: ...

    def __getitem__(self, part: slice, /) -> Any: ...


RowsT = TypeVar("RowsT", bound=_Rows)


async def upload(
    connection: Connection,
    rows: RowsT,
    encode: Callable[[RowsT], InputT],
    send: Callable[[InputT], Awaitable[Any]],
    *,
    what: str,
    batch_size: int = BATCH_SIZE,
    progress: bool | None = None,
    check: Callable[[Any, str], None] = check_upload,
) -> UploadResult:
    """Send `rows` (a list, or a table: anything sliced into its batches) in batches, each encoded by `encode`,
    through `send` (a generated mutation returning an UploadPayload member); retries are safe because uploads are
    keyed. An upload of more than one batch is first checked whole by `check`. The bar is shown for uploads of more
    than one batch unless `progress` says."""
    if len(rows) > batch_size:
        check(rows, what)
    show = len(rows) > batch_size if progress is None else progress
    total = UploadResult()
    with tqdm(total=len(rows), unit="row", desc=what, disable=not show, file=sys.stderr) as bar:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            payload = await connection.call(partial(send, encode(batch)))
            if payload.typename__ == "ValidationError":
                written = f"; rows 0-{start - 1} were written (uploading them again is harmless)" if start else ""
                raise validation_error(payload, row_offset=start, what=f"{what} refused{written}")
            if payload.typename__ == "NotFoundError":
                raise not_found_error(payload)
            total = total + UploadResult(payload.new, payload.updated, payload.ignored)
            bar.update(len(batch))
    return total

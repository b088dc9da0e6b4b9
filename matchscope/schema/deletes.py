"""Payloads of the delete mutations."""

from __future__ import annotations

from typing import Annotated

import strawberry

from matchscope.schema.common import NotFoundError


@strawberry.type(
    description="What a delete removed: the object's id and how many rows went with it, every table "
    "counted (entries, boxes, items, evaluations, jobs)."
)
class DeleteResult:
    id: strawberry.ID
    deleted_rows: int


DeletePayload = Annotated[DeleteResult | NotFoundError, strawberry.union("DeletePayload")]

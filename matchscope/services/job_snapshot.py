"""A job as the API shows it and its progress events carry it: the row's values, frozen, with their wire form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import orjson

from matchscope.store.tables import Job


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    id: int
    account_id: int
    type: str
    status: str
    progress: float
    completed_steps: int
    total_steps: int
    message: str | None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    evaluation_id: int | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_row(cls, row: Job) -> JobSnapshot:
        assert row.id is not None
        return cls(
            id=row.id,
            account_id=row.account_id,
            type=row.type,
            status=row.status,
            progress=row.progress,
            completed_steps=row.completed_steps,
            total_steps=row.total_steps,
            message=row.message,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            evaluation_id=row.evaluation_id,
            errors=tuple(row.errors or ()),
        )

    def to_bytes(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_bytes(cls, data: bytes | str) -> JobSnapshot:
        raw: dict[str, Any] = orjson.loads(data)
        for name in ("created_at", "started_at", "finished_at"):
            if raw.get(name) is not None:
                raw[name] = datetime.fromisoformat(raw[name])
        raw["errors"] = tuple(raw.get("errors") or ())
        return cls(**raw)

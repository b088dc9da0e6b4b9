"""Domain errors: expected failures that the API turns into payload union members."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldIssue:
    field: str
    value: Any
    message: str
    row: int | None = None
    # The row's own key (its annotationId), when it has one.
    key: str | None = None

    def describe(self) -> str:
        where = ""
        if self.row is not None:
            where = f"row {self.row} (annotationId {self.key!r}): " if self.key is not None else f"row {self.row}: "
        return f"{where}{self.field} = {self.value!r}: {self.message}"


class DomainError(Exception):
    """An expected failure the caller can act on."""


@dataclass
class ValidationFailed(DomainError):
    issues: list[FieldIssue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """What was refused and why, in the request's own names; what the refusal means for writes is the
        caller's to say (a refused upload wrote nothing; a refused read has nothing to write)."""
        shown = "; ".join(issue.describe() for issue in self.issues[:10])
        if len(self.issues) == 1:
            return shown
        more = f" (and {len(self.issues) - 10} more)" if len(self.issues) > 10 else ""
        return f"{len(self.issues)} invalid values: {shown}{more}"

    @property
    def field(self) -> str | None:
        return self.issues[0].field if self.issues else None

    @classmethod
    def single(cls, field: str, value: Any, message: str, row: int | None = None) -> ValidationFailed:
        return cls([FieldIssue(field=field, value=value, message=message, row=row)])


@dataclass
class NotFound(DomainError):
    kind: str
    id: Any

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.kind} {self.id!r} not found"

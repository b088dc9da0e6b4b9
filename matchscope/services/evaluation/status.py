"""Job statuses and types, the cancellation signal, and how a job's message is put together."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    ERRORED = "ERRORED"
    CANCELLED = "CANCELLED"


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED = (JobStatus.COMPLETED, JobStatus.ERRORED, JobStatus.CANCELLED)


class JobType(StrEnum):
    EVALUATION = "EVALUATION"


class JobCancelled(Exception):
    """Raised at a chunk boundary when a cancellation was requested."""


def join_message(*parts: str | None) -> str | None:
    text = "; ".join(part for part in parts if part)
    return text or None


def submission_note(message: str | None) -> str | None:
    """The part of a job's message that was there at submission (e.g. the unknown labels)."""
    if message and message.startswith("labels in allowedLabelMatches"):
        return message
    return None

"""The client's exceptions: one base class, and a type per failure a caller can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MatchscopeError(Exception):
    """Anything the matchscope client raises."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused value: the row of the caller's list (None when not about a row), the field, the value, why."""

    row: int | None
    field: str
    value: str
    message: str

    def describe(self) -> str:
        """`row 3: width = -1.0: must not be negative`."""
        where = f"row {self.row}: " if self.row is not None else ""
        return f"{where}{self.field} = {self.value}: {self.message}"


class ValidationError(MatchscopeError):
    """The server (or the client's own check) refused the input; `errors` name each row, field and value."""

    def __init__(self, message: str, errors: Sequence[FieldError] = (), field: str | None = None) -> None:
        self.message = message
        self.errors = list(errors)
        self.field = field if field is not None else (self.errors[0].field if self.errors else None)
        super().__init__(message)

    @property
    def rows(self) -> list[int]:
        """The refused rows, as indexes into the list the caller passed."""
        return sorted({error.row for error in self.errors if error.row is not None})


class NotFoundError(MatchscopeError):
    """No object with that id (or name) is visible with this API key: it does not exist or is another account's."""

    def __init__(self, message: str, kind: str, id: str) -> None:
        self.kind = kind
        self.id = id
        super().__init__(message)


class AuthenticationError(MatchscopeError):
    """The server refused the API key (missing, unknown or revoked)."""


class ConnectionFailed(MatchscopeError):
    """The server could not be reached, or kept failing, after the client's retries."""


class ServerError(MatchscopeError):
    """The server answered with an error the client cannot act on (a refused query, a 5xx, a malformed answer)."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        self.status_code = status_code
        super().__init__(message)


class JobFailed(MatchscopeError):
    """A job finished ERRORED or CANCELLED; `status` says which and `errors` what the server reported."""

    def __init__(self, job_id: str, status: str, errors: Sequence[str]) -> None:
        self.job_id = job_id
        self.status = status
        self.errors = list(errors)
        reason = "; ".join(self.errors) or "no error reported"
        super().__init__(f"job {job_id} {status}: {reason}")


__all__ = [
    "AuthenticationError",
    "ConnectionFailed",
    "FieldError",
    "JobFailed",
    "MatchscopeError",
    "NotFoundError",
    "ServerError",
    "ValidationError",
]

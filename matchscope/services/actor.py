"""Whom a use case acts for: an account, in one running process (its database, hot reads, caches and jobs).

Every use case the API calls takes an `Actor`: it opens its own sessions from `actor.app` and reads or writes only
what `actor.account_id` owns, so that neither the schema nor the resolvers hold a session or a tenant rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the application state imports the services' caches
    from matchscope.state import AppState


@dataclass(frozen=True, slots=True)
class Actor:
    account_id: int  # 0: no account; it owns nothing, so it sees nothing
    app: AppState
    # The account's `evaluations_version` as this request's key was read with it: which of the process's kept
    # current evaluations the request may use (None: it reads them).
    evaluations_version: int | None = None

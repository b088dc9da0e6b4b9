"""`uvicorn --factory tests.security.app_factory:app`: the application from the environment, for tests that
serve it in a process of its own (so that the test's clients do not share its interpreter)."""

from __future__ import annotations

from starlette.applications import Starlette

from matchscope.app import create_app
from matchscope.settings import Settings


def app() -> Starlette:
    return create_app(Settings.from_env())

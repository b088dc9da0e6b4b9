"""The Python types of the column scalars of uploads (one list entry per row), as the generated inputs declare
them (pyproject's [tool.ariadne-codegen.scalars])."""

from __future__ import annotations

from typing import Any

StringColumn = list[str | None]
FloatColumn = list[float | None]
BooleanColumn = list[bool]
JSONColumn = list[Any]

"""`Match.from_row` unpacks a MatchRow positionally (a page builds 50 of them): its names follow the record's."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from matchscope.schema.browse import Match
from matchscope.services.browse import MatchRow

pytestmark = pytest.mark.database_independent

# The unpacking's own names for two fields: `id` is a builtin, the sort value is not shown.
RENAMED = {"id": "entry_id", "sort_value": "_sort_value"}


def unpacked_names() -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(Match.from_row.__func__)))  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id == "row":
            (target,) = node.targets
            assert isinstance(target, ast.Tuple)
            return [element.id for element in target.elts if isinstance(element, ast.Name)]
    raise AssertionError("Match.from_row no longer unpacks its row")


def test_the_unpacking_names_every_field_in_the_records_order() -> None:
    assert unpacked_names() == [RENAMED.get(name, name) for name in MatchRow._fields]

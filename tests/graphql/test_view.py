"""The GraphQL view's JSON: orjson, with the stdlib's encoder for what orjson refuses, text for websockets."""

from __future__ import annotations

import json

import pytest
import strawberry

from matchscope.schema.view import GraphQLView

pytestmark = pytest.mark.database_independent


@strawberry.type
class Query:
    ok: bool = True


def test_encode_json_is_text_and_falls_back() -> None:
    view: GraphQLView[None, None] = GraphQLView(strawberry.Schema(query=Query))
    page = {"data": {"x": [1.5, "é", None, True]}}
    assert isinstance(view.encode_json(page), str) and json.loads(view.encode_json(page)) == page
    huge = {"data": {"metadata": {"n": 2**70}}}
    assert json.loads(view.encode_json(huge)) == huge

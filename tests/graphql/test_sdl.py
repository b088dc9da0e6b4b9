"""The committed SDL (matchscope/schema/schema.graphql) is what the code builds."""

from __future__ import annotations

import pytest

from matchscope.resolvers.root import export_sdl
from matchscope.schema import SDL_PATH

pytestmark = pytest.mark.database_independent


def test_sdl_file_matches_the_code() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
    assert committed == export_sdl(), (
        f"{SDL_PATH.name} differs from the schema the code builds; regenerate it with `python -m matchscope.schema`"
    )


def test_sdl_names_the_contract() -> None:
    sdl = export_sdl()
    for fragment in (
        "type Evaluation implements Node",
        "matches(iouThreshold: Float! = 0.5, confidenceThreshold: Float! = 0, filter: MatchFilter = null,",
        "type Match implements Node",
        "input MatchFilter",
        "evaluation(datasetId: ID!, modelId: ID!): Evaluation",
    ):
        assert fragment in sdl, fragment

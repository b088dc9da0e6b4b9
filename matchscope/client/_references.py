"""What the client's methods take for a dataset, model, evaluation or entry: the object, or its id."""

from __future__ import annotations

from typing import Protocol

from matchscope.client._generated import ModelFields

Model = ModelFields
"""A model: `id`, `name`, `reference_id`, `metadata`, `created_at`."""


class Identified(Protocol):
    @property
    def id(self) -> str: ...


ModelRef = Model | str


def id_of(reference: Identified | str) -> str:
    """The id of an object the server returned (a dataset, model, evaluation, entry), or the id itself."""
    return reference if isinstance(reference, str) else reference.id

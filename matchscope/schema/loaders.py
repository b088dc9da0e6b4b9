"""Per-request DataLoaders: one query per batch of keys, whatever the page size."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from strawberry.dataloader import DataLoader

from matchscope.services import catalog, reviews
from matchscope.services.actor import Actor
from matchscope.services.catalog import BoxAnnotation, BoxPrediction, Dataset, DatasetItem, Model


class Loaders:
    """Each loader is made on first use: most requests (a page of matches, metrics) use none. They read the actor's
    rows only (`catalog.rows_by_id`): another account's id is not found."""

    def __init__(self, actor: Actor, *, box_limit: int) -> None:
        self._actor = actor
        # Boxes read per item at most: one more than a plain list's cap tells a list over it.
        self.box_limit = box_limit

    @cached_property
    def item(self) -> DataLoader[int, DatasetItem | None]:
        return DataLoader(self._items)

    @cached_property
    def dataset(self) -> DataLoader[int, Dataset | None]:
        return DataLoader(self._datasets)

    @cached_property
    def model(self) -> DataLoader[int, Model | None]:
        return DataLoader(self._models)

    @cached_property
    def annotation(self) -> DataLoader[int, BoxAnnotation | None]:
        return DataLoader(self._annotations)

    @cached_property
    def prediction(self) -> DataLoader[int, BoxPrediction | None]:
        return DataLoader(self._predictions)

    @cached_property
    def item_annotations(self) -> DataLoader[int, list[BoxAnnotation]]:
        return DataLoader(self._item_annotations)

    @cached_property
    def item_predictions(self) -> DataLoader[tuple[int, int], list[BoxPrediction]]:
        return DataLoader(self._item_predictions)

    @cached_property
    def review(self) -> DataLoader[int, reviews.Review | None]:
        """Entries' reviews, by entry id."""
        return DataLoader(self._reviews)

    async def _reviews(self, entry_ids: list[int]) -> list[reviews.Review | None]:
        found = await reviews.reviews_of_entries(self._actor, entry_ids)
        return [found.get(entry_id) for entry_id in entry_ids]

    async def _by_id(self, model: type[catalog.Row], ids: Sequence[int]) -> list[catalog.Row | None]:
        found = await catalog.rows_by_id(self._actor, model, ids)
        return [found.get(pk) for pk in ids]

    async def _items(self, ids: list[int]) -> list[DatasetItem | None]:
        return await self._by_id(DatasetItem, ids)

    async def _datasets(self, ids: list[int]) -> list[Dataset | None]:
        return await self._by_id(Dataset, ids)

    async def _models(self, ids: list[int]) -> list[Model | None]:
        return await self._by_id(Model, ids)

    async def _annotations(self, ids: list[int]) -> list[BoxAnnotation | None]:
        return await self._by_id(BoxAnnotation, ids)

    async def _predictions(self, ids: list[int]) -> list[BoxPrediction | None]:
        return await self._by_id(BoxPrediction, ids)

    async def _item_annotations(self, item_ids: list[int]) -> list[list[BoxAnnotation]]:
        grouped = await catalog.annotations_by_item(self._actor, item_ids, limit=self.box_limit)
        return [grouped.get(item_id, []) for item_id in item_ids]

    async def _item_predictions(self, keys: list[tuple[int, int]]) -> list[list[BoxPrediction]]:
        grouped = await catalog.predictions_by_item(self._actor, keys, limit=self.box_limit)
        return [grouped.get(key, []) for key in keys]

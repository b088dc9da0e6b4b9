"""Per-request DataLoaders: one query per batch of keys, whatever the page size."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from matchscope.services import catalog, reviews
from matchscope.store import tables


class Loaders:
    """Each loader is made on first use: most requests (a page of matches, metrics) use none."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, box_limit: int) -> None:
        self._sessions = sessions
        # Boxes read per item at most: one more than a plain list's cap tells a list over it.
        self.box_limit = box_limit

    @cached_property
    def item(self) -> DataLoader[int, tables.DatasetItem | None]:
        return DataLoader(self._items)

    @cached_property
    def dataset(self) -> DataLoader[int, tables.Dataset | None]:
        return DataLoader(self._datasets)

    @cached_property
    def model(self) -> DataLoader[int, tables.Model | None]:
        return DataLoader(self._models)

    @cached_property
    def annotation(self) -> DataLoader[int, tables.BoxAnnotation | None]:
        return DataLoader(self._annotations)

    @cached_property
    def prediction(self) -> DataLoader[int, tables.BoxPrediction | None]:
        return DataLoader(self._predictions)

    @cached_property
    def item_annotations(self) -> DataLoader[int, list[tables.BoxAnnotation]]:
        return DataLoader(self._item_annotations)

    @cached_property
    def item_predictions(self) -> DataLoader[tuple[int, int], list[tables.BoxPrediction]]:
        return DataLoader(self._item_predictions)

    @cached_property
    def review(self) -> DataLoader[int, reviews.Review | None]:
        """Entries' reviews, by entry id."""
        return DataLoader(self._reviews)

    async def _reviews(self, entry_ids: list[int]) -> list[reviews.Review | None]:
        async with self._sessions() as session:
            found = await reviews.reviews_of_entries(session, entry_ids)
        return [found.get(entry_id) for entry_id in entry_ids]

    async def _by_id(self, model: type[catalog.Row], ids: Sequence[int]) -> list[catalog.Row | None]:
        async with self._sessions() as session:
            found = await catalog.rows_by_id(session, model, ids)
        return [found.get(pk) for pk in ids]

    async def _items(self, ids: list[int]) -> list[tables.DatasetItem | None]:
        return await self._by_id(tables.DatasetItem, ids)

    async def _datasets(self, ids: list[int]) -> list[tables.Dataset | None]:
        return await self._by_id(tables.Dataset, ids)

    async def _models(self, ids: list[int]) -> list[tables.Model | None]:
        return await self._by_id(tables.Model, ids)

    async def _annotations(self, ids: list[int]) -> list[tables.BoxAnnotation | None]:
        return await self._by_id(tables.BoxAnnotation, ids)

    async def _predictions(self, ids: list[int]) -> list[tables.BoxPrediction | None]:
        return await self._by_id(tables.BoxPrediction, ids)

    async def _item_annotations(self, item_ids: list[int]) -> list[list[tables.BoxAnnotation]]:
        async with self._sessions() as session:
            grouped = await catalog.annotations_by_item(session, item_ids, limit=self.box_limit)
        return [grouped.get(item_id, []) for item_id in item_ids]

    async def _item_predictions(self, keys: list[tuple[int, int]]) -> list[list[tables.BoxPrediction]]:
        async with self._sessions() as session:
            grouped = await catalog.predictions_by_item(session, keys, limit=self.box_limit)
        return [grouped.get(key, []) for key in keys]

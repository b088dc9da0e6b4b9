"""`/images/<item id>` and `/thumbnails/<item id>?size=N`: an item's local image and its thumbnail, for the
item's own account only (the auth middleware has resolved the key; an unknown or foreign item and a file that
cannot be served all answer the same 404). The UI fetches them with its key and shows them as blob: URLs."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from matchscope.schema.ids import from_global_id
from matchscope.services import images
from matchscope.services.errors import ValidationFailed
from matchscope.state import AppState

CACHE_CONTROL = "private, max-age=3600"
# Opened on its own, a file from the image root (an SVG, say) must not run as a page of this origin.
_HEADERS = {
    "Cache-Control": CACHE_CONTROL,
    "Vary": "Authorization",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


def _error(status: int, message: str) -> Response:
    return JSONResponse({"errors": [{"message": message}]}, status_code=status, headers={"Cache-Control": "no-store"})


NOT_FOUND_MESSAGE = "No image for this item"


class ItemImages:
    def __init__(self, state: AppState, *, root: Path, thumbnails: Path) -> None:
        self.state = state
        self.root = root
        self.cache = images.ThumbnailCache(thumbnails)
        self._rendering: dict[tuple[int, int], asyncio.Future[images.Thumbnail | None]] = {}
        # Pillow's work on threads of its own, one per core: a gallery's burst of cold thumbnails neither waits
        # behind nor delays the evaluation chunks that in-process jobs run on the loop's default executor, and at
        # most this many images are decoded at once.
        self._workers = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="thumbnails")

    def close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)

    def routes(self) -> list[Route]:
        return [
            Route("/images/{item_id}", self.image, methods=["GET", "HEAD"]),
            Route("/thumbnails/{item_id}", self.thumbnail, methods=["GET", "HEAD"]),
        ]

    async def _location(self, request: Request) -> tuple[int, str] | None:
        """The item's id and local image location, when the caller's account owns the item."""
        decoded = from_global_id(request.path_params["item_id"])
        if decoded is None or decoded[0] != "DatasetItem":
            return None
        account_id: int = request.scope.get("state", {}).get("account_id", 0)
        item = await images.item_image(self.state.reads, account_id=account_id, item_id=decoded[1])
        if item is None or item.location is None or images.is_remote(item.location):
            return None
        return decoded[1], item.location

    async def image(self, request: Request) -> Response:
        found = await self._location(request)
        path = None if found is None else await asyncio.to_thread(images.resolve_local, self.root, found[1])
        if path is None:
            return _error(404, NOT_FOUND_MESSAGE)
        return FileResponse(path, media_type=images.media_type(path), headers=_HEADERS)

    async def thumbnail(self, request: Request) -> Response:
        try:
            size = images.check_thumbnail_size(request.query_params.get("size", images.DEFAULT_THUMBNAIL_SIZE))
        except ValidationFailed as error:
            return _error(400, error.issues[0].describe())
        found = await self._location(request)
        if found is None:
            return _error(404, NOT_FOUND_MESSAGE)
        try:
            made = await self._thumbnail(found[0], found[1], size)
        except images.ThumbnailError as error:
            return _error(415, f"No thumbnail for this item's image: {error}")
        if made is None:
            return _error(404, NOT_FOUND_MESSAGE)
        return FileResponse(made.path, media_type=made.media_type, headers=_HEADERS, stat_result=made.stat)

    def _resolve_and_make(self, item_id: int, location: str, size: int) -> images.Thumbnail | None:
        path = images.resolve_local(self.root, location)
        return None if path is None else self.cache.thumbnail(item_id, path, size)

    async def _thumbnail(self, item_id: int, location: str, size: int) -> images.Thumbnail | None:
        """The file checks and Pillow's work in one worker thread hop; concurrent requests for the same thumbnail
        share one rendering."""
        key = (item_id, size)
        pending = self._rendering.get(key)
        if pending is None:
            loop = asyncio.get_running_loop()
            pending = loop.run_in_executor(self._workers, self._resolve_and_make, item_id, location, size)
            self._rendering[key] = pending
            pending.add_done_callback(lambda _: self._rendering.pop(key, None))
        return await asyncio.shield(pending)

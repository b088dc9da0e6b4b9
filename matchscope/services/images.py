"""Item images: where an item's `imageLocation` points, the item's image for its own account only, and
thumbnails of local images made with Pillow and cached on disk.

A location is either an http(s) URL, which the browser loads itself, or a path under the image root (relative to
it, or absolute inside it). Local files are served only when their resolved path (symlinks followed) lies under
the resolved root."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import Integer, bindparam, select
from sqlmodel import col

from matchscope.services.errors import ValidationFailed
from matchscope.store.reads import Reads, fetch_all
from matchscope.store.tables import Dataset, DatasetItem

THUMBNAIL_SIZES = (128, 256, 512)
DEFAULT_THUMBNAIL_SIZE = 256
# Pillow refuses twice its own limit and warns above it; a thumbnail is not worth decoding more than this.
MAX_SOURCE_PIXELS = 64_000_000
_REMOTE_SCHEMES = ("http://", "https://")


def is_remote(location: str) -> bool:
    return location[:8].lower().startswith(_REMOTE_SCHEMES)


@lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    """The root with its symlinks resolved, once per process: GraphQL's imageUrl judges every item's location on
    the event loop, without touching the file system (serving resolves it again, in a thread)."""
    return root.resolve()


def local_part(root: Path, location: str) -> PurePath | None:
    """The location as a path relative to the root, judged on its text alone (no file system access); None for a
    URL, a path outside the root or one that climbs with `..`."""
    if "://" in location or "\0" in location or not location.strip():
        return None
    path = Path(location)
    if path.is_absolute():
        for base in (root, _resolved(root)):
            if path.is_relative_to(base):
                path = path.relative_to(base)
                break
        else:
            return None
    if not path.parts or ".." in path.parts:
        return None
    return path


def resolve_local(root: Path, location: str) -> Path | None:
    """The regular file the location names, resolved, when it lies under the resolved root; else None."""
    relative = local_part(root, location)
    if relative is None:
        return None
    real_root = root.resolve()
    try:
        resolved = (real_root / relative).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if not resolved.is_relative_to(real_root) or not resolved.is_file():
        return None
    return resolved


def image_url(item_id: str, location: str | None, root: Path) -> str | None:
    """What the browser loads: the URL itself, the same-origin route of a local file, None when not servable."""
    if location is None:
        return None
    if is_remote(location):
        return location
    return f"/images/{item_id}" if local_part(root, location) is not None else None


def thumbnail_url(item_id: str, location: str | None, root: Path, size: int = DEFAULT_THUMBNAIL_SIZE) -> str | None:
    check_thumbnail_size(size)
    if location is None:
        return None
    if is_remote(location):
        return location
    return f"/thumbnails/{item_id}?size={size}" if local_part(root, location) is not None else None


def check_thumbnail_size(size: int | str) -> int:
    """The size (an int, or the text of a query parameter) when it is one of THUMBNAIL_SIZES."""
    number = size if isinstance(size, int) else int(size) if size.isdigit() and len(size) <= 6 else None
    if number not in THUMBNAIL_SIZES:
        allowed = ", ".join(map(str, THUMBNAIL_SIZES))
        raise ValidationFailed.single("size", size, f"must be one of {allowed}")
    return size if isinstance(size, int) else int(size)


def media_type(path: Path) -> str:
    """The file's image type by its name; anything that is not an image is sent as opaque bytes."""
    guessed = mimetypes.guess_type(path.name)[0]
    return guessed if guessed is not None and guessed.startswith("image/") else "application/octet-stream"


_ITEM_IMAGE = (
    select(col(DatasetItem.image_location))
    .join(Dataset, col(Dataset.id) == col(DatasetItem.dataset_id))
    .where(
        col(DatasetItem.id) == bindparam("item_id", type_=Integer()),
        col(Dataset.account_id) == bindparam("account_id", type_=Integer()),
    )
)


@dataclass(frozen=True, slots=True)
class ItemImage:
    location: str | None


async def item_image(reads: Reads, *, account_id: int, item_id: int) -> ItemImage | None:
    """The item's image location when the item belongs to the account; None for an unknown or foreign item."""
    rows = await fetch_all(reads, _ITEM_IMAGE, {"item_id": item_id, "account_id": account_id})
    return ItemImage(location=rows[0][0]) if rows else None


_MEDIA_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


class ThumbnailError(Exception):
    """The file is not an image Pillow can read, or is too large to thumbnail."""


@dataclass(frozen=True, slots=True)
class Thumbnail:
    path: Path
    media_type: str
    stat: os.stat_result


class ThumbnailCache:
    """Thumbnails on disk under `directory/<size>/<shard>/`, keyed by item, size and the source's path, mtime and
    byte size: a replaced or edited source gets a new thumbnail, and the stale one is removed then."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.renders = 0  # thumbnails made by this process (the rest came from the cache)
        self._lock = threading.Lock()
        Image.preinit()  # the common formats' plugins, imported now rather than by the first gallery's requests

    def thumbnail(self, item_id: int, source: Path, size: int) -> Thumbnail:
        """The cached thumbnail, made first if missing. Blocking: call it from a worker thread."""
        stat = source.stat()
        digest = hashlib.sha256(f"{source}\0{stat.st_mtime_ns}\0{stat.st_size}".encode()).hexdigest()[:20]
        folder = self.directory / str(size) / f"{item_id % 1000:03d}"
        stem = f"{item_id}-{digest}"
        for suffix in _MEDIA_TYPES:
            try:
                return Thumbnail(folder / (stem + suffix), _MEDIA_TYPES[suffix], (folder / (stem + suffix)).stat())
            except FileNotFoundError:
                continue
        folder.mkdir(parents=True, exist_ok=True)
        target = self._render(source, size, folder, stem)
        for stale in folder.glob(f"{item_id}-*"):
            if stale != target and not stale.name.endswith(".tmp"):
                stale.unlink(missing_ok=True)
        return Thumbnail(target, _MEDIA_TYPES[target.suffix], target.stat())

    def _render(self, source: Path, size: int, folder: Path, stem: str) -> Path:
        try:
            with Image.open(source) as image:
                if image.width * image.height > MAX_SOURCE_PIXELS:
                    raise ThumbnailError(f"{image.width}x{image.height} pixels is more than {MAX_SOURCE_PIXELS}")
                # Keeps the aspect ratio. A JPEG is decoded straight at the smallest DCT scale (1/2, 1/4, 1/8) that is
                # still at least the thumbnail's size, then resampled bilinearly (a step of less than 2x, where bicubic
                # looks the same): 2.7 ms of CPU for a 640x480 JPEG against 4.8 with Pillow's default, which decodes it
                # in full for a thumbnail of 256, and 3.1 with bicubic (bench/README.md).
                image.thumbnail((size, size), Image.Resampling.BILINEAR, reducing_gap=1.0)
                transparent = image.mode in ("RGBA", "LA") or "transparency" in image.info
                converted = image.convert("RGBA" if transparent else "RGB")
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
            raise ThumbnailError(f"not a readable image: {error}") from None
        target = folder / (stem + (".png" if transparent else ".jpg"))
        temporary = folder / f"{stem}.{os.getpid()}.{threading.get_ident()}.tmp"
        options: dict[str, Any] = {"format": "PNG"} if transparent else {"format": "JPEG", "quality": 82}
        converted.save(temporary, **options)
        os.replace(temporary, target)  # readers see the whole file or none
        with self._lock:
            self.renders += 1
        return target


__all__ = [
    "DEFAULT_THUMBNAIL_SIZE",
    "THUMBNAIL_SIZES",
    "ItemImage",
    "Thumbnail",
    "ThumbnailCache",
    "ThumbnailError",
    "check_thumbnail_size",
    "image_url",
    "item_image",
    "media_type",
    "resolve_local",
    "thumbnail_url",
]

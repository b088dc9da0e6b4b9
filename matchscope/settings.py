"""Typed settings read from the environment; built by the caller, never at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///matchscope.db"
PACKAGED_UI_DIR = Path(__file__).with_name("web") / "ui"


class SettingsError(ValueError):
    """A configuration value that cannot be used."""


def _parse_bool(key: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"Setting {key!r} has value {value!r}. Not a valid bool.")


def _optional_path(env: Mapping[str, str], key: str) -> Path | None:
    value = env.get(key, "").strip()
    return Path(value).expanduser() if value else None


def _parse_int(key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"Setting {key!r} has value {value!r}. Not a valid integer.") from None


def _parse_count(key: str, value: str) -> int:
    number = _parse_int(key, value)
    if number < 0:
        raise SettingsError(f"Setting {key!r} has value {value!r}. Not a non-negative integer.")
    return number


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    debug: bool = False
    max_body_bytes: int = 32 * 1024 * 1024
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_query_aliases: int = 30
    # Objects a query may resolve at most, lists counted at their `first` or cap (matchscope/schema/cost.py).
    max_query_cost: int = 20_000
    # Rows one upload call (appendItems, annotate, uploadPredictions) may hold.
    max_upload_rows: int = 10_000
    evaluation_chunk_items: int = 500
    # Evaluations of more items than this, run by arq workers, are split into chunks that any worker runs.
    evaluation_scaleout_items: int = 2000
    # None: the defaults of `images_dir()`, `thumbnails_dir()` and `web_ui_dir()`.
    image_root: Path | None = None
    thumbnail_cache: Path | None = None
    ui_dir: Path | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        redis_url = env.get("REDIS_URL", "").strip() or None
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            redis_url=redis_url,
            debug=_parse_bool("MATCHSCOPE_DEBUG", env.get("MATCHSCOPE_DEBUG", "0")),
            max_body_bytes=_parse_int(
                "MATCHSCOPE_MAX_BODY_BYTES", env.get("MATCHSCOPE_MAX_BODY_BYTES", str(32 * 1024 * 1024))
            ),
            max_query_cost=_parse_int("MATCHSCOPE_MAX_QUERY_COST", env.get("MATCHSCOPE_MAX_QUERY_COST", "20000")),
            max_upload_rows=_parse_int("MATCHSCOPE_MAX_UPLOAD_ROWS", env.get("MATCHSCOPE_MAX_UPLOAD_ROWS", "10000")),
            evaluation_chunk_items=_parse_int("MATCHSCOPE_CHUNK_ITEMS", env.get("MATCHSCOPE_CHUNK_ITEMS", "500")),
            evaluation_scaleout_items=_parse_count(
                "MATCHSCOPE_SCALEOUT_ITEMS", env.get("MATCHSCOPE_SCALEOUT_ITEMS", "2000")
            ),
            image_root=_optional_path(env, "MATCHSCOPE_IMAGE_ROOT"),
            thumbnail_cache=_optional_path(env, "MATCHSCOPE_THUMBNAIL_CACHE"),
            ui_dir=_optional_path(env, "MATCHSCOPE_UI_DIR"),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.database_url.split(":///", 1)[1])

    def data_dir(self) -> Path:
        """Where files that belong with the database go by default: beside a SQLite file, else the working
        directory."""
        path = self.sqlite_path()
        return Path.cwd() if path is None or path.name == ":memory:" else path.parent.absolute()

    def images_dir(self) -> Path:
        """The image root: local `imageLocation`s are served from under it only (relative ones are relative to it)."""
        return (self.image_root or self.data_dir() / "matchscope-images").absolute()

    def thumbnails_dir(self) -> Path:
        return (self.thumbnail_cache or self.data_dir() / "matchscope-thumbnails").absolute()

    def web_ui_dir(self) -> Path:
        """The built web UI (index.html, graphiql.html, assets/)."""
        return self.ui_dir or PACKAGED_UI_DIR

"""Typed settings read from the environment; built by the caller (app factory, command), never at import time.

Every field is one environment variable, named by its `validation_alias`; the README's Configuration table lists
them all (a test compares the two). `Settings()` reads the process environment; keyword arguments, by field name,
take precedence over it. `Settings.from_env()` does the same and reports a bad value as one `SettingsError` line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///matchscope.db"
PACKAGED_UI_DIR = Path(__file__).with_name("web") / "ui"
DEFAULT_QUEUE_NAME = "matchscope:queue"
DEFAULT_JOB_TIMEOUT_S = 3600
# A running job's lease, renewed every sixth of it: a job is taken over this long after its worker died.
DEFAULT_LEASE_S = 30.0
# Superseded evaluations kept per dataset-model pair besides the current one; older ones are deleted.
DEFAULT_KEEP_EVALUATIONS = 1

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class SettingsError(ValueError):
    """A configuration value that cannot be used."""


def _expand(path: Path | None) -> Path | None:
    return None if path is None else path.expanduser()


def _log_level(value: str) -> str:
    if value.lower() not in LOG_LEVELS:
        raise ValueError(f"should be one of {', '.join(LOG_LEVELS)}")
    return value.lower()


OptionalPath = Annotated[Path | None, AfterValidator(_expand)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        frozen=True,
        case_sensitive=True,
        env_ignore_empty=True,  # an empty variable means its default, as if unset
        str_strip_whitespace=True,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
    )

    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    debug: bool = Field(default=False, validation_alias="MATCHSCOPE_DEBUG")
    log_level: Annotated[str, AfterValidator(_log_level)] = Field(
        default="info", validation_alias="MATCHSCOPE_LOG_LEVEL"
    )
    max_body_bytes: int = Field(default=32 * 1024 * 1024, gt=0, validation_alias="MATCHSCOPE_MAX_BODY_BYTES")
    max_query_depth: int = Field(default=12, gt=0, validation_alias="MATCHSCOPE_MAX_QUERY_DEPTH")
    max_query_tokens: int = Field(default=4000, gt=0, validation_alias="MATCHSCOPE_MAX_QUERY_TOKENS")
    max_query_aliases: int = Field(default=30, ge=0, validation_alias="MATCHSCOPE_MAX_QUERY_ALIASES")
    # Objects a query may resolve at most, lists counted at their `first` or cap (matchscope/schema/cost.py).
    max_query_cost: int = Field(default=20_000, gt=0, validation_alias="MATCHSCOPE_MAX_QUERY_COST")
    # Rows one upload call (appendItems, annotate, uploadPredictions) may hold.
    max_upload_rows: int = Field(default=10_000, gt=0, validation_alias="MATCHSCOPE_MAX_UPLOAD_ROWS")
    evaluation_chunk_items: int = Field(default=500, gt=0, validation_alias="MATCHSCOPE_CHUNK_ITEMS")
    # Evaluations of more items than this, run by arq workers, are split into chunks that any worker runs.
    evaluation_scaleout_items: int = Field(default=2000, ge=0, validation_alias="MATCHSCOPE_SCALEOUT_ITEMS")
    # None: the defaults of `images_dir()`, `thumbnails_dir()` and `web_ui_dir()`.
    image_root: OptionalPath = Field(default=None, validation_alias="MATCHSCOPE_IMAGE_ROOT")
    thumbnail_cache: OptionalPath = Field(default=None, validation_alias="MATCHSCOPE_THUMBNAIL_CACHE")
    ui_dir: OptionalPath = Field(default=None, validation_alias="MATCHSCOPE_UI_DIR")
    # The arq queue (and event channel prefix): keeps deployments that share a Redis apart.
    queue_name: str = Field(default=DEFAULT_QUEUE_NAME, min_length=1, validation_alias="MATCHSCOPE_QUEUE_NAME")
    job_timeout_s: int = Field(default=DEFAULT_JOB_TIMEOUT_S, gt=0, validation_alias="MATCHSCOPE_JOB_TIMEOUT")
    job_lease_s: float = Field(
        default=DEFAULT_LEASE_S, gt=0, allow_inf_nan=False, validation_alias="MATCHSCOPE_JOB_LEASE"
    )
    keep_evaluations: int = Field(
        default=DEFAULT_KEEP_EVALUATIONS, ge=0, validation_alias="MATCHSCOPE_KEEP_EVALUATIONS"
    )

    @classmethod
    def from_env(cls) -> Settings:
        """The settings of the process environment; a bad value raises one line naming the variable and value."""
        try:
            return cls()
        except ValidationError as error:
            raise SettingsError(describe(error)) from None

    @classmethod
    def variables(cls) -> list[str]:
        """The environment variables read, one per field."""
        return [str(field.validation_alias) for field in cls.model_fields.values()]

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


def describe(error: ValidationError) -> str:
    """One line per bad value: the variable (or field), the value as given, and what it should be."""
    lines = []
    for problem in error.errors(include_url=False):
        name = ".".join(str(part) for part in problem["loc"])
        reason = problem["msg"].removeprefix("Value error, ")
        lines.append(f"Setting {name!r} has value {problem['input']!r}: {reason[:1].lower()}{reason[1:]}.")
    return "\n".join(lines)

"""Settings whose image root, thumbnail cache and UI build are a test's own directories: nothing is read from or
written to the package or the working directory (on PostgreSQL the default folders are the working directory's)."""

from __future__ import annotations

from pathlib import Path

from matchscope.settings import Settings


def isolated_settings(database_url: str, directory: Path) -> Settings:
    return Settings(
        database_url=database_url,
        debug=True,
        image_root=directory / "images",
        thumbnail_cache=directory / "thumbnails",
        ui_dir=directory / "ui",
    )

"""The one logging set-up of matchscope's processes: `serve`, `worker` and every command that reads `Settings`."""

from __future__ import annotations

import logging

from matchscope.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(settings: Settings) -> None:
    """Records of `MATCHSCOPE_LOG_LEVEL` and above to stderr. A process whose logging is already set up (a test
    runner, an embedding application) keeps its own."""
    level = logging.getLevelName(settings.log_level.upper())
    logging.basicConfig(level=level, format=FORMAT)
    # Alembic describes its context at INFO whenever a command checks for migrations, with none to run: below
    # `debug` only its warnings are worth a command's stderr.
    logging.getLogger("alembic").setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))

"""`matchscope worker`: an arq worker running evaluation jobs (needs REDIS_URL)."""

from __future__ import annotations

import argparse
import logging

from matchscope.commands._common import announce_database, fail, load_settings, prepare_database, run
from matchscope.jobs.config import JobConfig
from matchscope.settings import SettingsError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("worker", help="run an arq worker for evaluation jobs (needs REDIS_URL)")
    parser.add_argument("--burst", action="store_true", help="exit once the queue is empty")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        config = JobConfig.from_env()
    except SettingsError as error:
        return fail(str(error))
    if not settings.redis_url:
        return fail("REDIS_URL is not set: without it the API runs jobs itself (matchscope serve)")
    announce_database(settings, "worker")
    run(prepare_database(settings))
    from arq.worker import Worker

    from matchscope.jobs.worker import worker_options

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    Worker(**worker_options(settings, config), burst=args.burst).run()
    return 0

"""`matchscope worker`: an arq worker running evaluation jobs (needs REDIS_URL)."""

from __future__ import annotations

import argparse

from matchscope.commands._common import announce_database, fail, load_settings, prepare_database, run


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("worker", help="run an arq worker for evaluation jobs (needs REDIS_URL)")
    parser.add_argument("--burst", action="store_true", help="exit once the queue is empty")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.redis_url:
        return fail("REDIS_URL is not set: without it the API runs jobs itself (matchscope serve)")
    announce_database(settings, "worker")
    run(prepare_database(settings))
    from arq.worker import Worker

    from matchscope.jobs.worker import worker_options

    Worker(**worker_options(settings), burst=args.burst).run()
    return 0

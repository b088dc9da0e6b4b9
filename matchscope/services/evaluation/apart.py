"""SQLite: a job's chunks of boxes read in a process of its own.

sqlite3 makes a Python object of every value it reads and takes the GIL back after every row. In the job's process
that reading shared the GIL with the entry writer and the matching, and was what the chunk loop waited for; read in
another process, it runs on another core and comes back as arrays (bench/README.md, the sqlite_job section). One
process serves every job of this process (the embedded runner runs one job at a time), started with the runner.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from matchscope.services.evaluation import load
from matchscope.services.evaluation.load import Loaded, load_chunk_from

logger = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # Not fork: the job's process runs threads (the database driver's, the engine's), which a fork copies
        # mid-flight. The fork server imports the reading code once; each reader is forked from it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([load.__name__])
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_end_with_parent)
    return _pool


def _end_with_parent() -> None:
    """In the reading process: end when the process it reads for has ended, whichever way. A process that ends
    without its clean-up (`os._exit`, a kill) tells its pool nothing; the reader would wait for work forever, and
    the fork server, which lives while any of its children holds the parent's end of their pipe, with it."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="matchscope-reader-parent", daemon=True).start()


def start() -> Future[int]:
    """Start the reading process now, so that the first job does not wait for it; done once it runs."""
    return _executor().submit(int)


async def load_chunk_apart(path: str, **arguments: Any) -> Loaded:
    """`load_chunk_from(path, **arguments)` in the reading process; in a thread of this one if that process died
    (a new one serves the next read)."""
    global _pool
    read = functools.partial(load_chunk_from, path, **arguments)
    try:
        return await asyncio.wrap_future(_executor().submit(read))
    except BrokenProcessPool:
        logger.warning("the process reading chunks ended; reading this chunk here")
        _pool = None
        return await asyncio.to_thread(read)

"""What the offline commands (`evaluate`, `tide`) share: a failure as one line, the report as JSON or text, and
the end of the process without the interpreter's teardown. Standard library only: registering a command imports
this."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2
# What a shell reports for a process killed by SIGPIPE (128 + 13), as `head` and `grep -q` readers expect.
EXIT_BROKEN_PIPE = 141

Run = Callable[[argparse.Namespace], int]


def failure(command: str, error: Exception) -> int:
    """One line on stderr for a failed offline command, never a traceback; its exit code."""
    if isinstance(error, ValueError | OSError | RecursionError | MemoryError):
        print(f"matchscope {command}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # A bug, still one line rather than a traceback.
    print(f"matchscope {command}: internal error ({type(error).__name__}: {error})", file=sys.stderr)
    return 1


def with_context(option: str, load: Callable[[], Any]) -> Any:
    """What `load` returns; its ValueError's message prefixed with the option that named the file."""
    try:
        return load()
    except ValueError as error:
        raise ValueError(f"{option}: {error}") from None


def dumps(value: Any) -> bytes:
    """orjson, or the json module for ids beyond 64 bits (COCO ids may be any JSON integer)."""
    import orjson

    try:
        return orjson.dumps(value)
    except TypeError:
        import json

        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def write_report(as_json: bool, json_report: Callable[[], Any], text_report: Callable[[], list[str]]) -> int:
    """Print the report as one JSON object or as text lines; EXIT_BROKEN_PIPE when the reader went away."""
    try:
        if as_json:
            sys.stdout.buffer.write(dumps(json_report()) + b"\n")
        else:
            print("\n".join(text_report()))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`... | head`): no traceback, and nothing more to write at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return 0


def main(
    prog: str,
    description: str | None,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    run: Run,
    argv: Sequence[str] | None,
) -> int:
    """The command on its own (`python -m matchscope.commands.<name>`, tests): its parser, then `run`."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def as_command(run: Run) -> Run:
    """`run` as the `matchscope` command's subcommand: when this process is that command, it ends right after."""

    def run_command(args: argparse.Namespace) -> int:
        code = run(args)
        if _started_as_command():
            exit_now(code)
        return code

    return run_command


def _started_as_command() -> bool:
    """This process is the `matchscope` command itself, not a test or a program calling ``cli.main``."""
    entry = sys.modules.get("__main__")
    spec = getattr(entry, "__spec__", None)
    if spec is not None:
        return spec.name in ("matchscope.__main__", "matchscope.cli")
    return Path(sys.argv[0]).name == "matchscope"


def exit_now(code: int) -> None:
    """Ends the process without the interpreter's teardown, which takes 0.15-0.2 s after numba and LLVM have
    been loaded (a fifth of a whole evaluation). Nothing is lost: the output is flushed here, a file the command
    wrote is already closed and its worker threads have finished."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        return  # e.g. a closed pipe: let the normal exit report it
    os._exit(code)

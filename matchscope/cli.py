"""The `matchscope` command. Each module in `matchscope.commands` registers one subcommand."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from matchscope import commands

# Command name -> module, so that running one command imports only its module: `evaluate` must not pay for
# the database and GraphQL imports of `serve`. Modules not listed here are still found for --help.
COMMAND_MODULES = {
    "demo": "serve",
    "evaluate": "evaluate",
    "import-coco": "import_coco",
    "keys": "keys",
    "label-errors": "label_errors",
    "serve": "serve",
    "tide": "tide",
    "worker": "worker",
}


def _all_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matchscope", description="Evaluate object-detection models.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else _all_modules()
    for name in modules:
        module = importlib.import_module(f"{commands.__name__}.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = arguments[0] if arguments else None
    args = build_parser(command).parse_args(arguments)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

"""Subcommands of `matchscope`; each module exposes `register(subparsers)` and sets `func`."""

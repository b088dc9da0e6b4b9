"""The `matchscope` entry point: every command listed, and one command imports only its own module."""

from __future__ import annotations

import subprocess
import sys

import pytest

from matchscope.cli import COMMAND_MODULES, main

pytestmark = pytest.mark.database_independent


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    listed = capsys.readouterr().out
    for command in COMMAND_MODULES:
        assert command in listed


def test_evaluate_does_not_import_the_service_stack() -> None:
    probe = (
        "import sys; from matchscope.cli import build_parser; build_parser('evaluate'); "
        "print(sorted(m for m in ('sqlalchemy', 'strawberry', 'alembic', 'arq') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2
    assert "frobnicate" in capsys.readouterr().err

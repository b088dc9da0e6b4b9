"""Settings from the environment: every variable's default, valid values, one clear line for each kind of bad
value, and the README's Configuration table listing exactly the variables read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matchscope.cli import main
from matchscope.jobs.config import JobConfig
from matchscope.settings import Settings, SettingsError

pytestmark = pytest.mark.database_independent

ROOT = Path(__file__).resolve().parents[1]
# Variables in the table that a library reads itself, not Settings.
LIBRARY_VARIABLES = {"NUMBA_CACHE_DIR"}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.variables():
        monkeypatch.delenv(name, raising=False)


def _readme_variables() -> list[str]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = section[section.index("| variable |") :].split("\n\n", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)


def test_the_readme_lists_exactly_the_variables_read() -> None:
    listed = _readme_variables()
    assert len(listed) == len(set(listed)), listed
    assert set(listed) - LIBRARY_VARIABLES == set(Settings.variables())


def test_defaults() -> None:
    settings = Settings.from_env()
    assert settings == Settings()
    assert (settings.database_url, settings.redis_url, settings.debug, settings.log_level) == (
        "sqlite:///matchscope.db",
        None,
        False,
        "info",
    )
    assert (settings.max_body_bytes, settings.max_query_cost, settings.max_upload_rows) == (
        32 * 1024**2,
        20_000,
        10_000,
    )
    assert (settings.max_query_depth, settings.max_query_tokens, settings.max_query_aliases) == (12, 4000, 30)
    assert (settings.evaluation_chunk_items, settings.evaluation_scaleout_items) == (500, 2000)
    assert (settings.image_root, settings.thumbnail_cache, settings.ui_dir) == (None, None, None)
    config = JobConfig.from_settings(settings)
    assert (config.queue_name, config.job_timeout_s, config.lease_s, config.keep_evaluations) == (
        "matchscope:queue",
        3600,
        30.0,
        1,
    )
    assert config.takeover_job_id(7, 1) == "matchscope:queue:job:7:takeover:1"
    assert config.chunk_job_id(7, 9, 3) == "matchscope:queue:job:7:evaluation:9:chunk:3"


@pytest.mark.parametrize(
    ("name", "raw", "field", "expected"),
    [
        ("DATABASE_URL", " postgresql://db/x ", "database_url", "postgresql://db/x"),
        ("DATABASE_URL", "", "database_url", "sqlite:///matchscope.db"),
        ("REDIS_URL", "", "redis_url", None),
        ("MATCHSCOPE_DEBUG", "yes", "debug", True),
        ("MATCHSCOPE_DEBUG", "0", "debug", False),
        ("MATCHSCOPE_LOG_LEVEL", "WARNING", "log_level", "warning"),
        ("MATCHSCOPE_MAX_QUERY_COST", "600", "max_query_cost", 600),
        ("MATCHSCOPE_MAX_UPLOAD_ROWS", "7", "max_upload_rows", 7),
        ("MATCHSCOPE_SCALEOUT_ITEMS", "0", "evaluation_scaleout_items", 0),
        ("MATCHSCOPE_IMAGE_ROOT", "~/pictures", "image_root", Path("~/pictures").expanduser()),
        ("MATCHSCOPE_QUEUE_NAME", "staging", "queue_name", "staging"),
        ("MATCHSCOPE_JOB_LEASE", "12.5", "job_lease_s", 12.5),
        ("MATCHSCOPE_JOB_LEASE", " 8 ", "job_lease_s", 8.0),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "0", "keep_evaluations", 0),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "4", "keep_evaluations", 4),
        ("MATCHSCOPE_JOB_TIMEOUT", "60", "job_timeout_s", 60),
    ],
)
def test_valid_values(monkeypatch: pytest.MonkeyPatch, name: str, raw: str, field: str, expected: object) -> None:
    monkeypatch.setenv(name, raw)
    assert getattr(Settings.from_env(), field) == expected


def test_arguments_take_precedence_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHSCOPE_CHUNK_ITEMS", "25")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
    settings = Settings(database_url="sqlite:///here.db")
    assert (settings.database_url, settings.evaluation_chunk_items) == ("sqlite:///here.db", 25)


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("MATCHSCOPE_MAX_QUERY_COST", "lots", "input should be a valid integer, unable to parse string as an integer"),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "1.5", "input should be a valid integer, unable to parse string as an integer"),
        ("MATCHSCOPE_JOB_TIMEOUT", "0", "input should be greater than 0"),
        ("MATCHSCOPE_SCALEOUT_ITEMS", "-1", "input should be greater than or equal to 0"),
        ("MATCHSCOPE_JOB_LEASE", "soon", "input should be a valid number, unable to parse string as a number"),
        ("MATCHSCOPE_JOB_LEASE", "nan", "input should be a finite number"),
        ("MATCHSCOPE_JOB_LEASE", "inf", "input should be a finite number"),
        ("MATCHSCOPE_DEBUG", "maybe", "input should be a valid boolean, unable to interpret input"),
        ("MATCHSCOPE_LOG_LEVEL", "LOUD", "should be one of critical, error, warning, info, debug"),
        ("MATCHSCOPE_QUEUE_NAME", "  ", "string should have at least 1 character"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch, name: str, raw: str, reason: str
) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(SettingsError) as error:
        Settings.from_env()
    assert str(error.value) == f"Setting {name!r} has value {raw!r}: {reason}."


def test_a_command_ends_with_that_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MATCHSCOPE_MAX_UPLOAD_ROWS", "-5")
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "list"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "matchscope: error: Setting 'MATCHSCOPE_MAX_UPLOAD_ROWS' has value '-5': input should be greater than 0.\n"
    )

"""Job settings from the environment: defaults, valid values, and one clear line for each bad one."""

from __future__ import annotations

import pytest

from matchscope.jobs.config import JobConfig
from matchscope.settings import Settings, SettingsError


def test_defaults() -> None:
    config = JobConfig.from_env({})
    assert (config.queue_name, config.job_timeout_s, config.lease_s, config.keep_evaluations) == (
        "matchscope:queue",
        3600,
        30.0,
        1,
    )
    assert config.takeover_job_id(7, 1) == "matchscope:queue:job:7:takeover:1"


@pytest.mark.parametrize(
    ("name", "raw", "field", "expected"),
    [
        ("MATCHSCOPE_JOB_LEASE", "12.5", "lease_s", 12.5),
        ("MATCHSCOPE_JOB_LEASE", " 8 ", "lease_s", 8.0),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "0", "keep_evaluations", 0),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "4", "keep_evaluations", 4),
        ("MATCHSCOPE_JOB_TIMEOUT", "60", "job_timeout_s", 60),
    ],
)
def test_valid_values(name: str, raw: str, field: str, expected: float) -> None:
    assert getattr(JobConfig.from_env({name: raw}), field) == expected


@pytest.mark.parametrize(
    ("name", "raw", "wanted"),
    [
        ("MATCHSCOPE_JOB_LEASE", "0", "a positive number"),
        ("MATCHSCOPE_JOB_LEASE", "-3", "a positive number"),
        ("MATCHSCOPE_JOB_LEASE", "nan", "a positive number"),
        ("MATCHSCOPE_JOB_LEASE", "inf", "a positive number"),
        ("MATCHSCOPE_JOB_LEASE", "soon", "a positive number"),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "-1", "a non-negative integer"),
        ("MATCHSCOPE_KEEP_EVALUATIONS", "1.5", "a non-negative integer"),
        ("MATCHSCOPE_JOB_TIMEOUT", "0", "a positive integer"),
        ("MATCHSCOPE_JOB_TIMEOUT", "an hour", "a positive integer"),
    ],
)
def test_bad_values_name_the_setting_and_the_value(name: str, raw: str, wanted: str) -> None:
    with pytest.raises(SettingsError) as error:
        JobConfig.from_env({name: raw})
    assert str(error.value) == f"Setting {name!r} has value {raw!r}. Not {wanted}."


def test_the_scale_out_threshold() -> None:
    assert Settings.from_env({}).evaluation_scaleout_items == 2000
    assert Settings.from_env({"MATCHSCOPE_SCALEOUT_ITEMS": "0"}).evaluation_scaleout_items == 0
    assert JobConfig().chunk_job_id(7, 9, 3) == "matchscope:queue:job:7:evaluation:9:chunk:3"
    for raw, wanted in (("-1", "a non-negative integer"), ("many", "a valid integer")):
        with pytest.raises(SettingsError) as error:
            Settings.from_env({"MATCHSCOPE_SCALEOUT_ITEMS": raw})
        assert str(error.value) == f"Setting 'MATCHSCOPE_SCALEOUT_ITEMS' has value {raw!r}. Not {wanted}."

"""`matchscope keys create|list|revoke` as a user runs them: subprocesses on the test database, then HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx
import pytest

from matchscope.app import create_app
from matchscope.state import AppState

QUERY = {"query": "{ datasets { edges { node { id } } } }"}


def _matchscope(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "matchscope", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


async def _run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(_matchscope, database_url, *args)


async def _status(state: AppState, key: str) -> int:
    app = create_app(state.settings, state=state)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        response = await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {key}"})
        return response.status_code


@pytest.mark.slow
async def test_created_key_authenticates_until_revoked(state: AppState) -> None:
    url = state.settings.database_url
    created = await _run(url, "keys", "create", "--account", "acme")
    assert created.returncode == 0, created.stderr
    lines = created.stdout.strip().splitlines()
    key = lines[-1]
    assert key.startswith("ms_") and " " not in key
    assert created.stdout.count(key) == 1, "the key is printed once"
    assert key not in created.stderr
    key_id = key.split("_")[1]
    assert await _status(state, key) == 200

    listed = await _run(url, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(key_id))
    assert "acme" in row and "active" in row
    assert key.split("_")[2] not in listed.stdout, "list never shows secrets"

    revoked = await _run(url, "keys", "revoke", key_id)
    assert revoked.returncode == 0, revoked.stderr
    assert await _status(state, key) == 401
    listed = await _run(url, "keys", "list")
    row = next(line for line in listed.stdout.splitlines() if line.startswith(key_id))
    assert "revoked" in row


@pytest.mark.slow
async def test_keys_of_one_account_share_it_and_revoke_independently(state: AppState) -> None:
    url = state.settings.database_url
    first = (await _run(url, "keys", "create", "--account", "acme")).stdout.strip().splitlines()[-1]
    second = (await _run(url, "keys", "create", "--account", "acme")).stdout.strip().splitlines()[-1]
    assert first != second
    # A whole key pasted into revoke is understood as its id, and the secret is not echoed.
    revoked = await _run(url, "keys", "revoke", first)
    assert revoked.returncode == 0, revoked.stderr
    assert first.split("_")[2] not in revoked.stdout + revoked.stderr
    assert await _status(state, first) == 401
    assert await _status(state, second) == 200


async def test_revoking_an_unknown_key_fails_clearly(state: AppState) -> None:
    result = await _run(state.settings.database_url, "keys", "revoke", "0123456789ab")
    assert result.returncode != 0
    assert "0123456789ab" in result.stderr and "not found" in result.stderr


async def test_create_needs_an_account_name(state: AppState) -> None:
    missing = await _run(state.settings.database_url, "keys", "create")
    assert missing.returncode != 0 and "--account" in missing.stderr
    blank = await _run(state.settings.database_url, "keys", "create", "--account", "  ")
    assert blank.returncode != 0
    assert "ms_" not in blank.stdout

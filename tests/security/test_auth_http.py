"""Every GraphQL request over HTTP carries a valid API key, or gets 401 with no data."""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable

import httpx
import pytest

from matchscope.services import accounts
from matchscope.state import AppState
from matchscope.store.db import transaction
from tests.conftest import Caller, wrong_secret
from tests.security.conftest import Server

QUERY = {"query": "{ datasets { edges { node { id name } } } }"}


def _basic(user: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:".encode()).decode()


async def _revoke(state: AppState, key: str) -> None:
    key_id = accounts.parse_key_id(key)
    assert key_id is not None
    async with transaction(state.sessions) as session:
        await accounts.revoke_key(session, key_id)


def _assert_unauthorized(response: httpx.Response, *, secret: str | None = None) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"].startswith("Unauthorized")
    challenge = response.headers["www-authenticate"]
    assert challenge == 'Bearer realm="matchscope"'  # a Basic challenge makes browsers pop a sign-in dialog
    if secret:
        assert secret not in response.text
        assert all(secret not in value for value in response.headers.values())


BAD_HEADERS: list[tuple[str, str | None]] = [
    ("missing", None),
    ("empty", ""),
    ("bearer without key", "Bearer"),
    ("bearer blank", "Bearer    "),
    ("basic not base64", "Basic !!!"),
    ("basic empty user", "Basic " + base64.b64encode(b":").decode()),
    ("basic empty", "Basic "),
    ("basic not utf-8", "Basic " + base64.b64encode(b"\xff\xfe:").decode()),
    ("unknown scheme", "Token ms_0123456789ab_secret"),
    ("wrong prefix", "Bearer sk_0123456789ab_secret"),
    ("too many parts", "Bearer ms_0123456789ab_sec_ret_x"),
    ("no key id", "Bearer ms__secret"),
    ("unknown key id", "Bearer ms_0123456789ab_c2VjcmV0c2VjcmV0c2VjcmV0"),
    ("unknown key basic", _basic("ms_0123456789ab_c2VjcmV0c2VjcmV0c2VjcmV0")),
]


@pytest.mark.parametrize(("case", "header"), BAD_HEADERS, ids=[case for case, _ in BAD_HEADERS])
async def test_bad_credentials_get_401_without_data(
    client: httpx.AsyncClient, caller: Caller, case: str, header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header}
    _assert_unauthorized(await client.post("/graphql", json=QUERY, headers=headers))
    _assert_unauthorized(await client.get("/graphql", params=QUERY, headers=headers))


async def test_valid_key_id_with_wrong_secret_is_refused(client: httpx.AsyncClient, caller: Caller) -> None:
    prefix, key_id, secret = caller.key.split("_")
    forged = f"{prefix}_{key_id}_{wrong_secret(secret)}"
    response = await client.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {forged}"})
    _assert_unauthorized(response, secret=forged)


async def test_bearer_and_basic_keys_work(client: httpx.AsyncClient, caller: Caller) -> None:
    for headers in (caller.headers, caller.basic_headers, {"Authorization": f"bearer  {caller.key} "}):
        response = await client.post("/graphql", json=QUERY, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"datasets": {"edges": []}}}


async def test_basic_with_a_password_still_uses_the_user_part(client: httpx.AsyncClient, caller: Caller) -> None:
    header = "Basic " + base64.b64encode(f"{caller.key}:ignored".encode()).decode()
    response = await client.post("/graphql", json=QUERY, headers={"Authorization": header})
    assert response.status_code == 200


async def test_revoked_key_gets_401(client: httpx.AsyncClient, state: AppState, caller: Caller) -> None:
    assert (await client.post("/graphql", json=QUERY, headers=caller.headers)).status_code == 200
    await _revoke(state, caller.key)
    _assert_unauthorized(await client.post("/graphql", json=QUERY, headers=caller.headers), secret=caller.key)
    _assert_unauthorized(await client.post("/graphql", json=QUERY, headers=caller.basic_headers), secret=caller.key)


async def test_revoking_one_key_leaves_the_accounts_other_keys(
    client: httpx.AsyncClient, state: AppState, make_caller: Callable[[str], Awaitable[Caller]]
) -> None:
    first = await make_caller("alice")
    second = await make_caller("alice")
    assert first.account_id == second.account_id
    await _revoke(state, first.key)
    assert (await client.post("/graphql", json=QUERY, headers=first.headers)).status_code == 401
    assert (await client.post("/graphql", json=QUERY, headers=second.headers)).status_code == 200


async def test_graphiql_page_is_public_but_a_get_query_is_not(client: httpx.AsyncClient, caller: Caller) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<html" in page.text.lower()
    # strawberry executes a GET that carries a query even when the client accepts HTML.
    sneaky = await client.get("/graphql", params=QUERY, headers={"Accept": "text/html,application/json"})
    _assert_unauthorized(sneaky)
    allowed = await client.get("/graphql", params=QUERY, headers={"Accept": "text/html", **caller.headers})
    assert allowed.status_code == 200 and allowed.json()["data"] == {"datasets": {"edges": []}}


async def test_health_is_public(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200


async def test_error_messages_never_echo_the_key(client: httpx.AsyncClient, caller: Caller) -> None:
    wrong = caller.key + "x"
    for headers in ({"Authorization": f"Bearer {wrong}"}, {"Authorization": _basic(wrong)}):
        _assert_unauthorized(await client.post("/graphql", json=QUERY, headers=headers), secret=wrong)


async def test_keys_never_reach_the_logs(
    server: Server, caller: Caller, state: AppState, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    revoked = caller.key
    async with httpx.AsyncClient(base_url=server.http_url) as http:
        assert (
            await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {revoked}"})
        ).status_code == 200
        assert (
            await http.post("/graphql", json={"query": "{ nope }"}, headers={"Authorization": _basic(revoked)})
        ).status_code == 200
        await _revoke(state, revoked)
        assert (
            await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {revoked}"})
        ).status_code == 401
        assert (
            await http.post("/graphql", json=QUERY, headers={"Authorization": f"Bearer {revoked}zz"})
        ).status_code == 401
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert "POST /graphql" in logged, "uvicorn's access log was not captured"
    secret_part = revoked.split("_")[2]
    assert secret_part not in logged
    assert base64.b64encode(f"{revoked}:".encode()).decode() not in logged

"""ASGI middleware: API-key authentication and the request-body size cap."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib

import orjson
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matchscope.services import accounts
from matchscope.state import AppState

PUBLIC_PATHS = frozenset({"/healthz", "/", "/favicon.ico"})
# What a refused body may still send before the connection is closed under it.
DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0


def key_from_authorization(header: str | None) -> str | None:
    """`Basic base64(key:)` (as Nucleus clients send it) or `Bearer key`; None when absent or malformed."""
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return credentials or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, _, _password = decoded.partition(":")
        return user or None
    return None


async def _send_json(send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = orjson.dumps({"errors": [{"message": message}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AuthMiddleware:
    """Resolves the caller's account from its API key; HTTP requests without a valid key get 401."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._is_public(scope):
            await self.app(scope, receive, send)
            return
        key = key_from_authorization(Headers(scope=scope).get("authorization"))
        signed_in = await self.sign_in(key)
        if signed_in is None:
            reason = "missing API key" if key is None else "invalid or revoked API key"
            # Never a Basic challenge: browsers answer it with a sign-in dialog, and the web UI's fetch waits on it.
            challenge = [(b"www-authenticate", b'Bearer realm="matchscope"')]
            await _send_json(send, 401, f"Unauthorized: {reason}", challenge)
            return
        state = scope.setdefault("state", {})
        state["account_id"], state["evaluations_version"] = signed_in.account_id, signed_in.evaluations_version
        await self.app(scope, receive, send)

    async def sign_in(self, key: str | None) -> accounts.SignedIn | None:
        if key is None:
            return None
        return await accounts.sign_in(self.state.reads, key)

    @staticmethod
    def _is_public(scope: Scope) -> bool:
        path: str = scope.get("path", "")
        if path in PUBLIC_PATHS:
            return True
        # GraphiQL's HTML page carries no data; the key goes in its headers pane. A GET that carries a query
        # is executed by strawberry even when it accepts HTML, so it must authenticate like any other.
        # (The web UI's pages are answered before this middleware: matchscope.web.ui.)
        if (
            path != "/graphql"
            or scope.get("method") != "GET"
            or "text/html" not in Headers(scope=scope).get("accept", "")
        ):
            return False
        return "query" not in QueryParams(scope.get("query_string", b""))


class BodySizeLimitMiddleware:
    """Bodies over `max_bytes` get 413 with a JSON error, declared (Content-Length) or counted as they arrive
    (chunked); never buffered. Once refused, the rest of the body is read and dropped, up to `DRAIN_BYTES` and
    `DRAIN_SECONDS`: a server that closes a connection with unread data resets it, and the client then loses
    the response it has not read yet."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            # A client waiting for "100 Continue" sends no body at all: nothing to drain.
            drain = headers.get("expect", "").lower() != "100-continue"
            await self._refuse(receive, send, drain=drain)
            return
        received = 0
        finished = False

        async def limited_receive() -> Message:
            nonlocal received, finished
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                finished = not message.get("more_body", False)
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await self._refuse(receive, send, drain=not finished)

    async def _refuse(self, receive: Receive, send: Send, *, drain: bool) -> None:
        message = (
            f"Request body refused: it is larger than the cap of {self.max_bytes} bytes (MATCHSCOPE_MAX_BODY_BYTES); "
            "send fewer rows per call"
        )
        body = orjson.dumps({"errors": [{"message": message}]})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": drain})
        if not drain:
            return
        dropped = 0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(DRAIN_SECONDS):
                while dropped <= DRAIN_BYTES:
                    chunk = await receive()
                    if chunk["type"] != "http.request":
                        break
                    dropped += len(chunk.get("body", b""))
                    if not chunk.get("more_body", False):
                        break
        await send({"type": "http.response.body", "body": b""})


class BodyTooLarge(Exception):
    pass

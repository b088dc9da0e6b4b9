"""One server connection: the generated GraphQL client, its HTTP client, retries and the mapping of failures
to the client's exceptions."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import httpx

from matchscope.client._generated import (
    GraphQLClient,
    GraphQLClientError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
)
from matchscope.client._generated.async_base_client import HttpClient
from matchscope.client.errors import (
    AuthenticationError,
    ConnectionFailed,
    FieldError,
    NotFoundError,
    ServerError,
    ValidationError,
)

T = TypeVar("T")
DEFAULT_ENDPOINT = "http://127.0.0.1:8000"
# Requests that the server may be slow to answer (a batch of 5,000 boxes, metrics over a large evaluation).
DEFAULT_TIMEOUT_S = 300.0
RETRY_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0)
_TRANSIENT_STATUS = frozenset({502, 503, 504})

try:
    import orjson as _orjson
except ImportError:  # not a dependency of the client: httpx's stdlib encoder then
    _orjson = None  # type: ignore[assignment]


def graphql_url(endpoint: str) -> str:
    """`http://host:8000` → `http://host:8000/graphql` (an endpoint already ending in /graphql is kept)."""
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/graphql") else f"{endpoint}/graphql"


def websocket_url(url: str) -> str:
    """The graphql-transport-ws address of a GraphQL HTTP address."""
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    return "ws://" + url.removeprefix("http://")


def _all_finite(value: Any) -> bool:
    """Whether every float in a JSON-able value is finite; lists of plain values are looked at C speed."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(inner) for inner in value.values())
    if isinstance(value, list):
        kinds = set(map(type, value))
        if not kinds & {float, dict, list}:
            return True
        if kinds <= {float, int}:
            try:
                return math.isfinite(math.fsum(value))
            except (ValueError, OverflowError):
                return False
        return all(_all_finite(inner) for inner in value)
    return True


class _HttpClient(httpx.AsyncClient):
    """httpx with JSON bodies written by orjson when it is installed (an upload's columns encode ~5x faster than
    with the stdlib encoder httpx uses). Bodies orjson would write differently from httpx — a NaN or an infinity
    (orjson writes null; httpx refuses them), integers beyond 64 bits — and what orjson refuses go through httpx."""

    async def request(self, method: str, url: httpx.URL | str, *, json: Any = None, **kwargs: Any) -> httpx.Response:
        if json is not None and _orjson is not None and kwargs.get("content") is None and _all_finite(json):
            try:
                kwargs["content"] = _orjson.dumps(json)
            except TypeError:
                pass
            else:
                headers = httpx.Headers(kwargs.pop("headers", None))
                headers.setdefault("Content-Type", "application/json")
                return await super().request(method, url, headers=headers, **kwargs)
        return await super().request(method, url, json=json, **kwargs)


class Connection:
    """The generated client bound to one endpoint and API key; `call` runs an operation with retries."""

    def __init__(
        self,
        api_key: str,
        endpoint: str = DEFAULT_ENDPOINT,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        retry_delays: tuple[float, ...] = RETRY_DELAYS_S,
    ) -> None:
        if not api_key:
            raise AuthenticationError("an API key is required (matchscope keys create --account NAME prints one)")
        self.url = graphql_url(endpoint)
        self.retry_delays = retry_delays
        headers = {"Authorization": f"Bearer {api_key}"}
        self._http = _HttpClient(headers=headers, timeout=timeout)
        self.graphql = GraphQLClient(
            url=self.url,
            headers=headers,
            http_client=cast(HttpClient, self._http),
            ws_url=websocket_url(self.url),
            ws_connection_init_payload={"Authorization": f"Bearer {api_key}"},
        )

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def call(self, operation: Callable[[], Awaitable[T]], *, idempotent: bool = True) -> T:
        """Run `operation`, retrying transient failures: every one when the operation is idempotent, otherwise only
        those where the request never reached the server. Failures become the client's exceptions."""
        attempt = 0
        while True:
            try:
                return await operation()
            except (httpx.TransportError, GraphQLClientHttpError) as error:
                if not _is_transient(error, idempotent) or attempt >= len(self.retry_delays):
                    raise _translate(error, self.url, attempt) from error
                await asyncio.sleep(self.retry_delays[attempt])
                attempt += 1
            except GraphQLClientError as error:
                raise _translate(error, self.url, attempt) from error


def _is_transient(error: Exception, idempotent: bool) -> bool:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return True  # the request was not sent
    if not idempotent:
        return False
    if isinstance(error, GraphQLClientHttpError):
        return error.status_code in _TRANSIENT_STATUS
    return isinstance(error, httpx.TransportError)


def _translate(error: Exception, url: str, retries: int) -> Exception:
    if isinstance(error, httpx.TransportError):
        tried = f" (after {retries} retries)" if retries else ""
        return ConnectionFailed(f"cannot reach the matchscope server at {url}{tried}: {type(error).__name__}: {error}")
    if isinstance(error, GraphQLClientHttpError):
        return _http_error(error, url)
    if isinstance(error, GraphQLClientGraphQLMultiError):
        return ServerError(f"the server refused the request: {error}")
    return ServerError(f"unexpected answer from {url}: {error}")


def _http_error(error: GraphQLClientHttpError, url: str) -> Exception:
    status = error.status_code
    detail = _error_message(error.response)
    if status == 401:
        return AuthenticationError(f"the server at {url} refused the API key: {detail}")
    if status == 413:
        return ValidationError(f"the request was too large for the server: {detail}", field="body")
    return ServerError(f"HTTP {status} from {url}: {detail}", status_code=status)


def _error_message(response: Any) -> str:
    try:
        body = response.json()
        return "; ".join(str(e.get("message")) for e in body.get("errors", [])) or str(body)
    except (ValueError, AttributeError):
        return str(getattr(response, "text", ""))[:200]


def validation_error(payload: Any, *, row_offset: int = 0, what: str = "") -> ValidationError:
    """A ValidationError payload member → the exception, rows shifted to the caller's list."""
    errors = [
        FieldError(
            row=None if e.row is None else e.row + row_offset,
            field=e.field,
            value=e.value,
            message=e.message,
        )
        for e in payload.errors
    ]
    shown = "; ".join(error.describe() for error in errors[:10])
    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
    prefix = f"{what}: " if what else ""
    message = f"{prefix}{len(errors)} invalid value(s): {shown}{more}" if errors else f"{prefix}{payload.message}"
    return ValidationError(message, errors, field=payload.field)


def not_found_error(payload: Any) -> NotFoundError:
    """A NotFoundError payload member → the exception."""
    return NotFoundError(payload.message, payload.kind, payload.missing_id)

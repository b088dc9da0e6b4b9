"""create_app(settings) -> the Starlette application."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage, SubscribeMessage
from strawberry.types.unset import UNSET, UnsetType

from matchscope.engine import kernel_counts
from matchscope.engine import warmup as engine_warmup
from matchscope.jobs import runtime as jobs_runtime
from matchscope.middleware import AuthMiddleware, BodySizeLimitMiddleware, key_from_authorization
from matchscope.resolvers.root import build_schema
from matchscope.schema.context import Context
from matchscope.schema.view import GraphQLView
from matchscope.services.actor import Actor
from matchscope.settings import Settings
from matchscope.state import AppState
from matchscope.store.migrate import upgrade
from matchscope.web.images import ItemImages
from matchscope.web.ui import WebUI, graphiql_page

logger = logging.getLogger(__name__)


class WebSocketUnauthorized(Exception):
    """A missing, malformed, unknown or revoked key in connectionParams; the socket closes with 4401."""


# How often an open socket's key is checked again (through the key cache): a revoked key's socket closes this soon.
KEY_RECHECK_S = 2.0


class _TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    # strawberry closes with 4403 on ConnectionRejectionError; graphql-transport-ws reserves 4401 for
    # "Unauthorized", which is what clients (and our HTTP 401) mean here.
    _key_watch: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if message.get("payload") is None:  # the protocol allows null; strawberry would close with 4400
            message = {"type": "connection_init", "payload": {}}
        try:
            await super().handle_connection_init(message)
        except WebSocketUnauthorized:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        if self.connection_acknowledged and self._key_watch is None:
            self._key_watch = asyncio.create_task(self._close_when_key_revoked(), name="matchscope-ws-key-watch")

    async def _close_when_key_revoked(self) -> None:
        """Close the socket with 4401 once its key no longer opens the account: running subscriptions end too."""
        view = cast("GraphQLApp", self.view)
        while True:
            await asyncio.sleep(KEY_RECHECK_S)
            try:
                still = await view.account_for_connection(self.context) == self.context.account_id
            except Exception:  # the database away for a moment: ask again at the next round
                logger.warning("could not re-check a websocket's API key", exc_info=True)
                continue
            if not still:
                await self.websocket.close(code=4401, reason="Unauthorized")
                return

    async def shutdown(self) -> None:
        if self._key_watch is not None:
            self._key_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._key_watch
        await super().shutdown()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # A key revoked while the socket is open starts no new operation (running ones finish).
        if self.connection_acknowledged:
            view = cast("GraphQLApp", self.view)
            if await view.account_for_connection(self.context) != self.context.account_id:
                await self.websocket.close(code=4401, reason="Unauthorized")
                return
        await super().handle_subscribe(message)


class GraphQLApp(GraphQLView[Context, None]):
    graphql_transport_ws_handler_class = _TransportWSHandler

    def __init__(self, state: AppState, *, ui_dir: Path | None = None, **kwargs: Any) -> None:
        settings = state.settings
        self.ui_dir = ui_dir or settings.web_ui_dir()
        schema = build_schema(
            debug=settings.debug,
            max_depth=settings.max_query_depth,
            max_tokens=settings.max_query_tokens,
            max_aliases=settings.max_query_aliases,
            max_cost=settings.max_query_cost,
        )
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            **kwargs,
        )
        self.state = state

    async def render_graphql_ide(self, request: Request) -> Response:
        # The build's own GraphiQL (its scripts served from /assets), not strawberry's page that loads them from a CDN.
        return graphiql_page(self.ui_dir, request.headers)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # AuthMiddleware sets it for HTTP; websockets authenticate in on_ws_connect.
        # 0 is no account: it owns nothing, so it sees nothing.
        state = request.scope.get("state", {})
        actor = Actor(state.get("account_id", 0), self.state, state.get("evaluations_version"))
        return Context(actor, request=request, response=response)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        account_id = await self.account_for_connection(context)
        if account_id is None:
            raise WebSocketUnauthorized
        context.account_id = account_id
        return cast(UnsetType, UNSET)

    async def account_for_connection(self, context: Context) -> int | None:
        """The account of the key in connectionParams (`Authorization` or `apiKey`) or the handshake's header."""
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        key = key_from_authorization(raw) if isinstance(raw, str) else None
        if key is None and isinstance(params.get("apiKey"), str):
            key = str(params["apiKey"])
        if key is None and context.request is not None:
            # Non-browser clients may authenticate the handshake itself instead.
            key = key_from_authorization(context.request.headers.get("authorization"))
        signed_in = await AuthMiddleware(self, self.state).sign_in(key)
        return None if signed_in is None else signed_in.account_id


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    state = state or AppState.create(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await upgrade(state.engine)
        # Compile (or load from the on-disk cache) the engine's kernels now, never inside a request.
        await asyncio.to_thread(engine_warmup)
        loaded, compiled = kernel_counts()
        logger.info("engine kernels: %d loaded from the cache, %d compiled in this process", loaded, compiled)
        await jobs_runtime.ensure_started(state)
        # What start-up built (modules, the schema, mappers, compiled kernels) lives as long as the process: move
        # it out of the collector's generations, or every full collection walks all of it again (~100 ms here,
        # stalling every request in flight).
        gc.collect()
        gc.freeze()
        # A page request allocates ~10,000 short-lived objects: with the default threshold of 700 the collector
        # runs a dozen times per request to examine objects that die with it anyway (~1.5 % of a page's CPU).
        gc.set_threshold(20_000, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            item_images.close()
            await jobs_runtime.shutdown(state)
            await state.close()

    graphql = GraphQLApp(state, ui_dir=settings.web_ui_dir())

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    item_images = ItemImages(state, root=settings.images_dir(), thumbnails=settings.thumbnails_dir())
    routes = [
        Route("/healthz", health),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *item_images.routes(),
    ]
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        lifespan=lifespan,
        middleware=[
            # Outermost: the UI's pages and assets are public, everything else authenticates.
            Middleware(WebUI, directory=settings.web_ui_dir()),
            Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(AuthMiddleware, state=state),
        ],
    )
    app.state.matchscope = state
    app.state.item_images = item_images
    return app

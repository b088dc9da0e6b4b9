"""The built web UI, served ahead of authentication: its pages and scripts hold no data (the app asks for the
API key and sends it with every API call), so a browser can load them before it has a key.

`/assets/*` are the build's hashed files, cached for a year; any other GET that is not an API route and accepts
HTML is the app's `index.html`, so that a reloaded or shared deep link (`/evaluations/<id>`) opens its view."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from matchscope.web.headers import IMMUTABLE, REVALIDATE, security_headers

# Routes of the API itself: never answered with the app's page.
API_PREFIXES = ("/graphql", "/healthz", "/images/", "/thumbnails/")
ASSETS = "/assets/"
INDEX = "index.html"
GRAPHIQL = "graphiql.html"
# Set explicitly: a module script served with a type the platform's mime table lacks is refused under nosniff.
MEDIA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".wasm": "application/wasm",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
NOT_BUILT = (
    "The web UI ({page}) is not built in {directory}. Build it with `npm ci && npm run build` in the repository's ui/ "
    "directory (or set MATCHSCOPE_UI_DIR to a build). The API works without it: GraphQL at /graphql."
)


def is_api_path(path: str) -> bool:
    return path == "/graphql" or path.startswith(API_PREFIXES)


class UIFiles:
    """Files of one UI build directory, looked up without leaving it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()

    def find(self, relative: str) -> Path | None:
        """The regular file at `relative` (a URL path below the build directory), or None."""
        parts = relative.split("/")
        if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
            return None
        candidate = self.directory.joinpath(*parts)
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.directory) or not resolved.is_file():
            return None
        return resolved

    def page(self, name: str, headers: Headers) -> Response:
        """An HTML page of the build (index.html, graphiql.html), revalidated on every load."""
        path = self.find(name)
        if path is None:
            return self.not_built(name, headers)
        stat = path.stat()
        etag = '"' + hashlib.md5(f"{stat.st_mtime_ns}-{stat.st_size}".encode(), usedforsecurity=False).hexdigest() + '"'
        response_headers = {**security_headers(headers.get("host")), "Cache-Control": REVALIDATE, "ETag": etag}
        if etag in headers.get("if-none-match", ""):
            return Response(status_code=304, headers=response_headers)
        return FileResponse(path, media_type=MEDIA_TYPES[".html"], headers=response_headers, stat_result=stat)

    def file(self, relative: str, headers: Headers, cache_control: str) -> Response:
        path = self.find(relative)
        security = security_headers(headers.get("host"))
        if path is None:
            return PlainTextResponse("Not Found", status_code=404, headers=security)
        media_type = MEDIA_TYPES.get(path.suffix.lower())
        return FileResponse(path, media_type=media_type, headers={**security, "Cache-Control": cache_control})

    def not_built(self, page: str, headers: Headers) -> Response:
        """Says what is missing and how to build it (the API is up: not an error status)."""
        title = "GraphiQL" if page == GRAPHIQL else "matchscope"
        message = NOT_BUILT.format(page=page, directory=self.directory)
        response_headers = {**security_headers(headers.get("host")), "Cache-Control": "no-store"}
        if "text/html" not in headers.get("accept", ""):
            return JSONResponse({"message": message, "graphql": "/graphql"}, headers=response_headers)
        body = f"<!doctype html><html><title>{title}</title><h1>{title}</h1><p>{_escape(message)}</p></html>"
        return HTMLResponse(body, headers=response_headers)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WebUI:
    """ASGI middleware in front of the API: answers the UI's GETs, passes everything else on."""

    def __init__(self, app: ASGIApp, directory: Path) -> None:
        self.app = app
        self.files = UIFiles(directory)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self._response(scope) if scope["type"] == "http" else None
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _response(self, scope: Scope) -> Response | None:
        path: str = scope["path"]
        if scope["method"] not in ("GET", "HEAD") or is_api_path(path):
            return None
        headers = Headers(scope=scope)
        if path.startswith(ASSETS):
            return self.files.file(path[1:], headers, IMMUTABLE)
        name = path[1:]
        # Files at the top of the build (favicon, build-info.json) are served as they are.
        if name and "/" not in name and self.files.find(name) is not None:
            if name.endswith(".html"):
                return self.files.page(name, headers)
            return self.files.file(name, headers, REVALIDATE)
        if path == "/" or "text/html" in headers.get("accept", ""):
            return self.files.page(INDEX, headers)
        return None


def graphiql_page(directory: Path, headers: Headers) -> Response:
    return UIFiles(directory).page(GRAPHIQL, headers)


__all__ = ["API_PREFIXES", "UIFiles", "WebUI", "graphiql_page", "is_api_path"]

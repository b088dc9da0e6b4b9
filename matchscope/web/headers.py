"""Response headers of the UI's pages and assets: caching and the browser's security policy."""

from __future__ import annotations

import re

IMMUTABLE = "public, max-age=31536000, immutable"  # hashed asset names change with their content
REVALIDATE = "no-cache"  # pages name the current assets: always ask again (a 304 is cheap)

_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def content_security_policy(host: str | None) -> str:
    """No inline or foreign scripts; images from anywhere (an item's `imageLocation` may be any http(s) URL, and
    the UI shows fetched images as blob: URLs); the API and its websocket on this host only."""
    connect = ["'self'"]
    if host is not None and _HOST.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob: http: https:",
        "font-src": "'self' data:",
        "connect-src": " ".join(connect),
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(host: str | None) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(host),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
    }

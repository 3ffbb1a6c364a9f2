"""Who may call what, and what every response promises the browser.

The app is bound to loopback by default; bound to another address, the endpoints that take uploads (every
POST) want a token, given as ``Authorization: Bearer …`` or ``X-XXGK-Token``. Every response carries a
Content-Security-Policy that allows only the app's own scripts and styles — no inline script, no event
handler attribute, nothing from another origin — so even a report text that slipped past escaping could
not run. On loopback the Host header must name loopback, which stops DNS rebinding from reaching the app.
"""

from __future__ import annotations

import ipaddress
import json
import secrets

from fastapi import Request
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xxgk.web.errors import ApiError, error_body

TOKEN_HEADER = "X-XXGK-Token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and 'localhost' are loopback; anything else (0.0.0.0 included) is not."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, token: str | None) -> str | None:
    """The token the server will want: the one given; else, off loopback, a fresh random one (printed by
    ``xxgk serve``) — uploads from the network are never open by accident; on loopback none."""
    if token:
        return token
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def presented_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get(TOKEN_HEADER)


def require_token(request: Request) -> None:
    """Dependency of every POST endpoint: passes when the app wants no token or the right one is given."""
    expected: str | None = request.app.state.settings.token
    if expected is None:
        return
    given = presented_token(request)
    if given is None:
        raise ApiError(401, "unauthorized", f"this server wants a token for uploads ({TOKEN_HEADER} header)")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise ApiError(403, "forbidden", "wrong token")


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):  # [::1]:8000
        return host_header.split("]", 1)[0] + "]"
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a body without a Content-Length runs past the limit."""

    def __init__(self) -> None:
        super().__init__(413, "request body larger than this server accepts")


class SecurityMiddleware:
    """Adds the security headers to every response; refuses a body over ``max_body`` (by its declared
    length before reading it, else while it arrives); with ``allowed_hosts``, refuses other Host headers."""

    def __init__(
        self, app: ASGIApp, max_body: int | None = None, allowed_hosts: tuple[str, ...] | None = None
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = tuple(h.lower() for h in allowed_hosts) if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if (
            self.allowed_hosts is not None
            and _host_name(headers.get("host", "").lower()) not in self.allowed_hosts
        ):
            await _refuse(send, 400, "bad_host", "this server answers only to loopback names")
            return
        declared = headers.get("content-length", "")
        if self.max_body is not None and declared.isdigit() and int(declared) > self.max_body:
            await _refuse(send, 413, "too_large", "request body larger than this server accepts")
            return

        received = 0

        async def receive_bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request" and self.max_body is not None:
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in out:
                        out[name] = value
            await send(message)

        await self.app(scope, receive_bounded, send_with_headers)


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    """An error in the one shape, sent before the app (and its handlers) sees the request."""
    body = json.dumps(error_body(status, code, message), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

"""The one JSON error shape of the API: ``{"error": {"status", "code", "message"[, "detail"]}}``.

Every failure — an unreadable upload, a file too large, a missing token, a bad query parameter, an unknown
report id, a bug — reaches the client in this shape, so a script needs one branch for errors. The message
is one line; a traceback never leaves the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from xxgk.errors import ReadError

log = logging.getLogger("xxgk.web")

# HTTP status → the code a client branches on, for errors raised by the framework itself
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_type",
    422: "invalid",
    503: "unavailable",
}


class ApiError(Exception):
    """An error the client caused or must know about; becomes the one JSON shape."""

    def __init__(self, status: int, code: str, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail


def error_body(status: int, code: str, message: str, detail: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    return {"error": body}


def error_response(status: int, code: str, message: str, detail: Any = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(status, code, message, detail), status_code=status, headers=headers)


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Where each bad parameter is and why, without echoing the (possibly large) input back."""
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]


HtmlError = Callable[[Request, int, str], Response]


def wants_html(request: Request) -> bool:
    """A browser navigating to a page (not the API, not a script's fetch) gets an error page, not JSON."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI, html: HtmlError | None = None) -> None:
    """Route every exception the app can meet to the one shape (or, for a page, to ``html``)."""

    def respond(request: Request, status: int, code: str, message: str, detail: Any = None) -> Response:
        if html is not None and wants_html(request):
            return html(request, status, message)
        return error_response(status, code, message, detail)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return respond(request, exc.status, exc.code, exc.message, exc.detail)

    async def read_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ReadError)
        return respond(request, 422, "unreadable", f"cannot read {exc.source}: {exc.reason}")

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = _CODES.get(exc.status_code, "error")
        message = (
            "request body larger than this server accepts" if exc.status_code == 413 else str(exc.detail)
        )
        return respond(request, exc.status_code, code, message)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = _validation_detail(exc)
        first = detail[0] if detail else {"loc": [], "msg": "invalid request"}
        where = ".".join(first["loc"][1:] or first["loc"])
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return respond(request, 422, "invalid", message, detail)

    async def internal(request: Request, exc: Exception) -> Response:
        log.error("internal error", exc_info=exc)
        return respond(request, 500, "internal", f"internal error ({type(exc).__name__})")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(ReadError, read_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, internal)

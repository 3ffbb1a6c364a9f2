"""The app factory: ``create_app(db_path=None, token=None, …)`` → a FastAPI app, the pages and ``/api/v1``.

Everything the browser loads comes from this app (templates, one script, one style sheet, charts drawn as
SVG on the server), so it works with no internet. Static files are read into memory when the app is made
and served by name from that fixed set: no path from a request reaches the file system.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from xxgk import __version__
from xxgk.web import api_corpus, api_review, pages, pages_data
from xxgk.web.apidocs import endpoints
from xxgk.web.errors import ApiError, install_error_handlers
from xxgk.web.security import SecurityMiddleware
from xxgk.web.templating import templates
from xxgk.web.uploads import DEFAULT_MAX_UPLOAD, ParseSlots

DESCRIPTION = """政府信息公开工作年度报告：上传、审核、数据。

Read and check 政府信息公开工作年度报告 (government information disclosure annual reports); browse the corpus.
Every error is `{"error": {"status", "code", "message"[, "detail"]}}`. When the server was started on a
non-loopback address, POST endpoints want `Authorization: Bearer <token>` (or `X-XXGK-Token`)."""


@dataclass(frozen=True)
class Settings:
    db_path: Path | None = None
    token: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    allowed_hosts: tuple[str, ...] | None = None
    roster_path: Path | None = None
    parse_slots: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    media_type: str
    etag: str


def load_static() -> dict[str, StaticFile]:
    """Every file of ``xxgk/web/static``, read once: the only names ``/static/…`` will serve."""
    out: dict[str, StaticFile] = {}
    for entry in resources.files("xxgk.web").joinpath("static").iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            body = entry.read_bytes()
            media = mimetypes.guess_type(entry.name)[0] or "application/octet-stream"
            if media.startswith("text/") or media in ("application/javascript", "image/svg+xml"):
                media += "; charset=utf-8"
            out[entry.name] = StaticFile(body, media, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
    return out


def create_app(
    db_path: str | Path | None = None,
    token: str | None = None,
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    allowed_hosts: tuple[str, ...] | None = None,
    roster_path: str | Path | None = None,
) -> FastAPI:
    """The web app. ``db_path``: a corpus database (``xxgk ingest``) for the 数据 pages and corpus endpoints;
    ``token``: wanted on every POST when given; ``allowed_hosts``: Host names accepted (loopback serving)."""
    settings = Settings(
        db_path=Path(db_path) if db_path is not None else None,
        token=token or None,
        max_upload_bytes=max_upload_bytes,
        allowed_hosts=allowed_hosts,
        roster_path=Path(roster_path) if roster_path is not None else None,
    )
    app = FastAPI(
        title="xxgk",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's docs page loads its script from a CDN; /api/v1/docs is drawn here instead
        redoc_url=None,
        form_limits={"max_files": 2, "max_fields": 8, "max_part_size": 64 * 1024},
    )
    app.state.settings = settings
    app.state.slots = ParseSlots(settings.parse_slots)
    static = load_static()

    def html_error(request: Request, status: int, message: str) -> Response:
        return templates().TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    install_error_handlers(app, html_error)
    # the whole request may hold a report and last year's, with the multipart framing
    max_body = 2 * max_upload_bytes + 64 * 1024
    app.add_middleware(SecurityMiddleware, max_body=max_body, allowed_hosts=allowed_hosts)

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str, request: Request) -> Response:
        f = static.get(name)
        if f is None:
            raise ApiError(404, "not_found", f"no static file {name!r}")
        headers = {"ETag": f.etag, "Cache-Control": "no-cache"}
        if request.headers.get("if-none-match") == f.etag:
            return Response(status_code=304, headers=headers)
        return Response(f.body, media_type=f.media_type, headers=headers)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(static["favicon.svg"].body, media_type="image/svg+xml")

    @app.get("/api/v1/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs(request: Request) -> Response:
        context = {"endpoints": endpoints(app.openapi()), "description": DESCRIPTION, "nav": "api"}
        return templates().TemplateResponse(request, "api_docs.html", context)

    app.include_router(api_review.router)
    app.include_router(api_corpus.router)
    app.include_router(pages.router)
    app.include_router(pages_data.router)
    return app

"""``xxgk serve``: the web app (review uploads, browse the corpus, the HTTP API) on uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True)


def serve_cmd(
    db: Annotated[
        Path | None, typer.Option("--db", help="A corpus database (xxgk ingest) for the 数据 pages and API.")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; loopback unless you mean otherwise.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="XXGK_TOKEN",
            help="Token wanted on uploads (POST). Off loopback one is made up and printed when not given.",
        ),
    ] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, max=200)] = 50,
    roster: Annotated[
        Path | None, typer.Option("--roster", help="CSV of the bodies expected to report (coverage chart).")
    ] = None,
) -> None:
    """Start the web app: 审核 (drop reports, see findings), 数据 (the corpus), /api/v1 (JSON, OpenAPI)."""
    import uvicorn

    from xxgk.web import create_app
    from xxgk.web.security import LOOPBACK_NAMES, is_loopback, resolve_token

    for label, path in (("database", db), ("roster", roster)):
        if path is not None and not path.is_file():
            err.print(f"xxgk: cannot read {path}: no such {label} file", markup=False)
            raise typer.Exit(2)
    loopback = is_loopback(host)
    wanted = resolve_token(host, token)
    app = create_app(
        db,
        wanted,
        max_upload_bytes=max_upload_mb * 2**20,
        allowed_hosts=(*LOOPBACK_NAMES, host.lower()) if loopback else None,
        roster_path=roster,
    )
    shown = f"[{host}]" if ":" in host else host
    err.print(f"xxgk: serving on http://{shown}:{port}/  (API: /api/v1/docs)", markup=False)
    if not loopback:
        if token:
            err.print("xxgk: uploads want the token given by --token / XXGK_TOKEN", markup=False)
        else:
            err.print(f"xxgk: bound to {host}, not loopback; uploads want this token: {wanted}", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", ws="none", server_header=False)

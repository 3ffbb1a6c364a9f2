"""Shared by the web tests and the web benchmark: a hostile report, a corpus database, a live server.

The live server is uvicorn in a thread on a free loopback port — a real HTTP server, as the browser and
the benchmark need, started and stopped inside the test process.
"""

from __future__ import annotations

import random
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xxgk
from xxgk.render.html import render_html
from xxgk.render.text import ReportData, random_valid_cells

ROOT = Path(__file__).resolve().parent.parent
SEED_REPORT = ROOT / "examples" / "002_c6746dbda78f73e9.txt"  # three warnings, one naming 15 cells of 表四

# What a hostile page tries: script elements, event handlers, javascript: links, markup as visible text.
PWN = "window.__pwned=1"
HOSTILE_TEXT = f"<script>{PWN}</script><img src=x onerror={PWN}>"


def hostile_html() -> bytes:
    """A real report (it reads, with tables) whose page carries scripts, handlers and markup-as-text."""
    cells = dict(random_valid_cells(random.Random(7)))
    sections = {1: f"本机关认真落实条例。{HOSTILE_TEXT}本年度工作如下。"}
    page = render_html(ReportData("隆德县联财镇人民政府", 2024, cells, sections=sections))
    attack = (
        f"<script>{PWN}</script>"
        f'<img src="x" onerror="{PWN}">'
        f'<p onclick="{PWN}" onmouseover="{PWN}">点击<a href="javascript:{PWN}">这里</a></p>'
        f'<svg onload="{PWN}"><script>{PWN}</script></svg>'
        f'<iframe src="javascript:{PWN}"></iframe>'
    )
    return page.replace("<body>", "<body>" + attack, 1).replace("</body>", attack + "</body>", 1).encode()


def api_client(app: Any, **kwargs: Any) -> Any:
    """FastAPI's TestClient; starlette warns that it would rather have httpx2, which is not pinned here."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient

    return TestClient(app, **kwargs)


def corpus_db(folder: Path) -> Path:
    """A store of four bodies over three years (corpus_fixtures.py); the first body's 2023 report carries
    over 5 more applications than 2022 carried forward, so the store holds history findings."""
    from corpus_fixtures import write_series

    from xxgk.corpus import Store
    from xxgk.corpus.ingest import ingest
    from xxgk.render.text import render_text

    paths = write_series(folder / "reports")
    broken = paths[1]  # body 0, 2023
    report = xxgk.parse(broken)
    cells = dict(report.cells)
    for key in ("t3.carried_over.natural_person", "t3.carried_over.total", "t3.granted.natural_person"):
        cells[key] = (cells[key] or 0) + 5
    for key in ("t3.granted.total", "t3.total.natural_person", "t3.total.total"):
        cells[key] = (cells[key] or 0) + 5
    agency = report.agency.name or ""
    broken.write_text(render_text(ReportData(agency, 2023, cells), "tabbed"), encoding="utf-8")
    db = folder / "corpus.duckdb"
    with Store.open(db) as store:
        ingest(paths, store, workers=1)
    return db


def assert_error(resp: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape: {"error": {"status", "code", "message"[, "detail"]}}, status as the response's."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) <= {"status", "code", "message", "detail"}
    assert (err["status"], err["code"]) == (status, code)
    assert isinstance(err["message"], str) and err["message"] and "\n" not in err["message"]
    assert "Traceback" not in resp.text
    return err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """The app on uvicorn in a thread; yields its base URL and stops it afterwards."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)

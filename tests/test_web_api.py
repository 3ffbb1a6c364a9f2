"""The HTTP API and pages (FastAPI TestClient): every endpoint, the one error shape, limits and security."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from corpus_fixtures import series_cells
from openpyxl import load_workbook
from PIL import Image
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner
from web_fixtures import HOSTILE_TEXT, SEED_REPORT, api_client, assert_error, free_port, hostile_html

import xxgk
from xxgk.cli.app import app as cli_app
from xxgk.record import check_record
from xxgk.render.text import ReportData, render_text
from xxgk.web import create_app
from xxgk.web.security import LOOPBACK_NAMES, is_loopback, resolve_token
from xxgk.web.uploads import safe_name

SEED = SEED_REPORT.read_bytes()


@pytest.fixture(scope="module")
def client() -> Any:
    return api_client(create_app())


def upload(name: str, data: bytes) -> dict[str, Any]:
    return {"file": (name, data, "application/octet-stream")}


def without_path(record: dict[str, Any]) -> dict[str, Any]:
    record = json.loads(json.dumps(record))
    record["report"]["source"].pop("path")
    return record


# ---------------------------------------------------------------------------------------- parse and check


def test_check_gives_the_same_json_as_the_cli(client: Any) -> None:
    resp = client.post("/api/v1/check", files=upload(SEED_REPORT.name, SEED))
    assert resp.status_code == 200
    got = resp.json()
    assert set(got) == {"report", "findings"}
    assert got["report"]["source"]["path"] == SEED_REPORT.name  # the upload's name, only as a label
    assert len(got["report"]["cells"]) == 200
    assert [f["rule"] for f in got["findings"]] == [
        "section.title_nonstandard",
        "table.layout_nonstandard",
        "text.sum_mismatch",
    ]
    cli = CliRunner().invoke(cli_app, ["check", "--json", str(SEED_REPORT)])
    assert without_path(got) == without_path(json.loads(cli.stdout))
    report = xxgk.parse(SEED_REPORT)
    assert without_path(got) == without_path(check_record(report, xxgk.check(report)))


def test_parse_gives_the_report_only(client: Any) -> None:
    resp = client.post("/api/v1/parse", files=upload("r.txt", SEED))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"report"}
    assert body["report"]["agency"]["name"] == "平罗县渠口乡"
    assert body["report"]["cells"]["t3.new.total"] == 0


def test_check_with_previous_runs_the_history_rules(client: Any) -> None:
    series = series_cells(3, [2023, 2024])  # the cross-year relations hold
    now_cells = dict(series[2024])
    for key in ("t3.carried_over.natural_person", "t3.carried_over.total", "t3.granted.natural_person"):
        now_cells[key] = (
            now_cells[key] or 0
        ) + 3  # 上年结转 no longer last year's 结转下年度; the table still adds up
    for key in ("t3.granted.total", "t3.total.natural_person", "t3.total.total"):
        now_cells[key] = (now_cells[key] or 0) + 3
    body = "隆德县联财镇人民政府"
    before = render_text(ReportData(body, 2023, series[2023]), "tabbed").encode()
    now = render_text(ReportData(body, 2024, now_cells), "tabbed").encode()
    alone = client.post("/api/v1/check", files=upload("2024.txt", now)).json()
    assert not [f for f in alone["findings"] if f["rule"].startswith("history.")]
    files = {**upload("2024.txt", now), "previous": ("2023.txt", before, "text/plain")}
    both = client.post("/api/v1/check", files=files).json()
    history = [(f["rule"], f["cells"]) for f in both["findings"] if f["rule"].startswith("history.")]
    assert history == [
        ("history.carry_mismatch", ["t3.carried_over.natural_person"]),
        ("history.carry_mismatch", ["t3.carried_over.total"]),
    ]


def test_the_type_comes_from_the_bytes_not_the_name(client: Any) -> None:
    as_txt = client.post("/api/v1/parse", files=upload("report.txt", hostile_html())).json()
    assert as_txt["report"]["source"]["kind"] == "html"
    as_pdf = client.post("/api/v1/parse", files=upload("report.pdf", SEED)).json()
    assert as_pdf["report"]["source"]["kind"] == "text"


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "unreadable"),
        (b"hello world, this is no annual report", 422, "unreadable"),
        (b"\x7fELF\x02\x01\x01" + bytes(200), 415, "unsupported_type"),
        (b"MZ\x90\x00" + bytes(200), 415, "unsupported_type"),
    ],
    ids=["empty", "not-a-report", "elf", "exe"],
)
def test_unreadable_and_unsupported_uploads(client: Any, data: bytes, status: int, code: str) -> None:
    err = assert_error(client.post("/api/v1/check", files=upload("x.txt", data)), status, code)
    assert "x.txt" in err["message"]


def test_a_zip_that_is_not_a_word_document_is_refused(client: Any) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "一、总体情况")
    assert_error(client.post("/api/v1/check", files=upload("a.zip", buf.getvalue())), 415, "unsupported_type")


def test_upload_names_are_labels_not_paths(client: Any) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\报告.txt") == "报告.txt"
    assert safe_name("a\x00b\nc.txt") == "abc.txt"
    assert safe_name(None) == "upload"
    resp = client.post("/api/v1/parse", files=upload("../../../../tmp/x.txt", SEED))
    assert resp.json()["report"]["source"]["path"] == "x.txt"


def test_upload_limit() -> None:
    small = api_client(create_app(max_upload_bytes=4096))
    err = assert_error(small.post("/api/v1/check", files=upload("big.txt", SEED)), 413, "too_large")
    assert "big.txt" in err["message"]
    # far beyond the whole-request limit: refused while the body is read
    assert_error(small.post("/api/v1/check", files=upload("huge.txt", SEED * 10)), 413, "too_large")
    # a body with no declared length (chunked) is cut off as it arrives, with the same answer
    chunks = iter(
        [b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'] + [b"0" * 8192] * 40
    )
    headers = {"content-type": "multipart/form-data; boundary=x"}
    err = assert_error(small.post("/api/v1/check", content=chunks, headers=headers), 413, "too_large")
    assert err["message"] == "request body larger than this server accepts"


def test_error_shape_for_framework_errors(client: Any) -> None:
    err = assert_error(client.post("/api/v1/check"), 422, "invalid")
    assert err["detail"][0]["loc"] == ["body", "file"]
    assert_error(client.post("/api/v1/check?format=pdf", files=upload("r.txt", SEED)), 422, "invalid")
    assert_error(client.post("/api/v1/check", files=upload("r.txt", SEED), data={"ocr": "x"}), 422, "invalid")
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/v1/check"), 405, "method_not_allowed")


# ---------------------------------------------------------------------------------------- downloads


def test_check_as_xlsx_colours_the_cells_and_lists_the_findings(client: Any) -> None:
    resp = client.post("/api/v1/check?format=xlsx", files=upload("渠口乡.txt", SEED))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E6%B8%A0" in resp.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(resp.content))
    assert wb.sheetnames == ["审核意见", "表二", "表三", "表四", "单元格"]
    rules = [
        row[2] for row in wb["审核意见"].iter_rows(values_only=True) if row and row[1] in ("错误", "警告")
    ]
    assert rules == ["section.title_nonstandard", "table.layout_nonstandard", "text.sum_mismatch"]
    t4 = wb["表四"]
    values = [c for c in t4[5] if c.value is not None]  # title, three header rows, then the values
    assert [c.value for c in values] == [0] * 15
    assert {c.fill.fgColor.rgb for c in values} == {"00FCE8B2"}  # the warning colour
    assert all(c.comment is not None and "table.layout_nonstandard" in c.comment.text for c in values)
    assert wb["单元格"].max_row == 201


def test_check_as_printable_sheet(client: Any) -> None:
    resp = client.post("/api/v1/check?format=html", files=upload("渠口乡.txt", SEED))
    assert resp.status_code == 200
    assert resp.headers["content-security-policy"].startswith("default-src 'none'")
    text = resp.text
    assert "政府信息公开工作年度报告审核意见" in text and "平罗县渠口乡" in text
    assert "审核结论：通过" in text
    assert text.count('<li class="sev-warning">') == 3
    assert "<script" not in text


# ---------------------------------------------------------------------------------------- crop


def page_png() -> bytes:
    im = Image.new("RGB", (600, 800), "white")
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def test_crop_draws_the_box_on_the_page(client: Any) -> None:
    resp = client.post(
        "/api/v1/crop", files=upload("scan.png", page_png()), data={"page": 1, "bbox": "100,300,200,330"}
    )
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
    im = Image.open(io.BytesIO(resp.content)).convert("RGB")
    assert im.width == 600 and im.height < 800  # a band around the box, not the whole page
    assert (220, 30, 30) in {im.getpixel((x, y)) for x in range(95, 205) for y in range(im.height)}


def test_crop_errors(client: Any) -> None:
    png = upload("scan.png", page_png())
    assert_error(
        client.post("/api/v1/crop", files=upload("r.txt", SEED), data={"page": 1, "bbox": "1,2,3,4"}),
        422,
        "invalid",
    )
    assert_error(client.post("/api/v1/crop", files=png, data={"page": 1, "bbox": "1,2,3"}), 422, "invalid")
    assert_error(client.post("/api/v1/crop", files=png, data={"page": 1, "bbox": "5,2,3,4"}), 422, "invalid")
    assert_error(client.post("/api/v1/crop", files=png, data={"page": 0, "bbox": "1,2,3,4"}), 422, "invalid")
    assert_error(client.post("/api/v1/crop", files=png, data={"page": 3, "bbox": "1,2,3,4"}), 422, "invalid")


# ---------------------------------------------------------------------------------------- pages


def test_review_page_and_panel(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "把报告拖到这里" in page.text
    assert '<script src="/static/app.js' in page.text
    panel = client.post("/review", files=upload("渠口乡.txt", SEED))
    assert panel.status_code == 200
    html = panel.text
    assert html.count('class="finding sev-warning"') == 3
    assert html.count('class="v st-number sev-warning"') == 15  # the 15 cells of 表四 the long row names
    assert 'data-cells="t4.review.upheld t4.review.corrected' in html
    assert html.count("<li>") >= 110  # the source lines
    assert_error(client.post("/review", files=upload("x.txt", b"nothing")), 422, "unreadable")


def live_markup(html: str) -> list[str]:
    """What in an HTML fragment could run or fetch: script-ish elements, on* attributes, javascript: URLs."""
    tree = HTMLParser(html)
    found = [
        n.tag for n in tree.css("script, iframe, object, embed, svg, img[src], link, meta[http-equiv], base")
    ]
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            if name.lower().startswith("on") or "javascript:" in (value or "").lower():
                found.append(f"{node.tag}[{name}]")
    return found


def test_hostile_report_text_is_escaped(client: Any) -> None:
    panel = client.post("/review", files=upload("hostile.html", hostile_html()))
    assert panel.status_code == 200
    html = panel.text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html  # the text the page printed, as text
    assert live_markup(html) == []
    assert HTMLParser(html).body is not None and HOSTILE_TEXT in HTMLParser(html).text()  # shown, as text
    sheet = client.post("/api/v1/check?format=html", files=upload("hostile.html", hostile_html())).text
    assert live_markup(sheet) == [] and "&lt;script&gt;" in sheet
    parsed = client.post("/api/v1/check", files=upload("hostile.html", hostile_html())).json()
    assert HOSTILE_TEXT in parsed["report"]["sections"][0]["text"]  # JSON keeps the text as it was


def test_security_headers_on_every_response(client: Any) -> None:
    for resp in (
        client.get("/"),
        client.get("/api/v1/health"),
        client.get("/static/app.js"),
        client.get("/x"),
    ):
        csp = resp.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "DENY"


def test_static_files_come_from_a_fixed_set(client: Any) -> None:
    js = client.get("/static/app.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.js", headers={"if-none-match": js.headers["etag"]}).status_code == 304
    for name in ("../app.py", "..%2Fapp.py", "%2e%2e%2f__init__.py", "/etc/passwd", "app.js%00.css"):
        assert client.get(f"/static/{name}").status_code == 404


def test_error_pages_for_browsers(client: Any) -> None:
    resp = client.get("/no/such/page", headers={"accept": "text/html"})
    assert resp.status_code == 404 and resp.headers["content-type"].startswith("text/html")
    assert "出错了（404）" in resp.text


def test_api_docs_page_lists_every_endpoint(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()
    for path in spec["paths"]:
        assert path in docs.text
    assert {"/api/v1/parse", "/api/v1/check", "/api/v1/crop", "/api/v1/health", "/api/v1/rules"} <= set(
        spec["paths"]
    )


def test_health_and_rules(client: Any) -> None:
    health = client.get("/api/v1/health").json()
    assert health == {
        "version": xxgk.__version__,
        "database": False,
        "max_upload_bytes": 50 * 2**20,
        "token_required": False,
    }
    rules = client.get("/api/v1/rules").json()
    assert {r["id"] for r in rules} == set(xxgk.RULES)


# ---------------------------------------------------------------------------------------- access


def test_token_is_wanted_on_writes_when_set() -> None:
    guarded = api_client(create_app(token="s3cret"))
    err = assert_error(guarded.post("/api/v1/check", files=upload("r.txt", SEED)), 401, "unauthorized")
    assert "X-XXGK-Token" in err["message"]
    assert_error(guarded.post("/review", files=upload("r.txt", SEED)), 401, "unauthorized")
    wrong = {"Authorization": "Bearer nope"}
    assert_error(guarded.post("/api/v1/parse", files=upload("r.txt", SEED), headers=wrong), 403, "forbidden")
    for headers in ({"Authorization": "Bearer s3cret"}, {"X-XXGK-Token": "s3cret"}):
        assert guarded.post("/api/v1/check", files=upload("r.txt", SEED), headers=headers).status_code == 200
    assert guarded.get("/api/v1/health").json()["token_required"] is True
    assert guarded.get("/").status_code == 200  # reading needs no token
    assert 'id="token"' in guarded.get("/").text


def test_serving_off_loopback_always_wants_a_token() -> None:
    assert [
        is_loopback(h) for h in ("127.0.0.1", "127.8.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.5", "::")
    ] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert resolve_token("127.0.0.1", None) is None
    assert resolve_token("0.0.0.0", "given") == "given"
    made = resolve_token("0.0.0.0", None)
    assert made is not None and len(made) >= 24 and made != resolve_token("0.0.0.0", None)


def test_loopback_serving_refuses_other_host_names() -> None:
    app = create_app(allowed_hosts=LOOPBACK_NAMES)
    assert_error(api_client(app).get("/api/v1/health"), 400, "bad_host")  # Host: testserver
    assert_error(api_client(app, base_url="http://evil.example:8000").get("/"), 400, "bad_host")
    for base in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"):
        assert api_client(app, base_url=base).get("/api/v1/health").status_code == 200


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "none.duckdb" in result.stderr and "no such database file" in result.stderr


@pytest.mark.slow
def test_serve_starts_uvicorn_on_loopback() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from xxgk.cli.app import main; main()", "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(base + "/api/v1/health", trust_env=False)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "xxgk serve did not start"
                time.sleep(0.2)
        assert health.json()["token_required"] is False
        evil = httpx.get(base + "/", headers={"Host": "evil.example"}, trust_env=False)
        assert evil.status_code == 400 and evil.json()["error"]["code"] == "bad_host"
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    assert f"serving on http://127.0.0.1:{port}/" in stderr

"""The web app in a real browser: Debian's Chromium, headless, driven by Playwright, against uvicorn on a
free loopback port. Screenshots go to a temporary folder (printed with -s; kept by pytest's tmp_path).

Skips when Chromium or Playwright is missing; no browser is ever downloaded.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixtures import PWN, ROOT, SEED_REPORT, corpus_db, hostile_html, live_server

from xxgk.render.html import render_html
from xxgk.render.text import ReportData, random_valid_cells
from xxgk.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = ROOT / "examples"

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed (.ci/run installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = corpus_db(tmp_path_factory.mktemp("corpus"))
    with live_server(create_app(db)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)  # a loaded two-core machine parses slowly
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.problems = problems
    yield pg
    context.close()


def upload(page: Any, base_url: str, name: str, data: bytes, mime: str) -> Any:
    """Open the review page, give it one file, and wait for its panel."""
    page.goto(base_url + "/")
    page.set_input_files("#files", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.wait_for_selector("section.panel:not(.pending)")
    return page.locator("section.panel").first


def test_upload_seed_report_see_findings_click_one_see_its_cells(
    page: Any, base_url: str, shots: Path
) -> None:
    panel = upload(page, base_url, SEED_REPORT.name, SEED_REPORT.read_bytes(), "text/plain")
    assert "平罗县渠口乡" in panel.locator(".agency").inner_text()
    findings = panel.locator(".finding")
    assert findings.count() == 3
    assert [findings.nth(i).get_attribute("data-rule") for i in range(3)] == [
        "section.title_nonstandard",
        "table.layout_nonstandard",
        "text.sum_mismatch",
    ]
    assert "规定标题为“五、存在的主要问题及改进情况”" in findings.nth(0).inner_text()
    assert panel.locator("td.hl").count() == 0
    page.screenshot(path=str(shots / "review-uploaded.png"), full_page=True)

    findings.nth(1).click()  # 表四 printed 16 values where 15 belong: its 15 cells light up
    highlighted = panel.locator("td.hl")
    assert highlighted.count() == 15
    keys = [highlighted.nth(i).get_attribute("data-key") for i in range(15)]
    assert all(k and k.startswith("t4.") for k in keys)
    assert "active" in (findings.nth(1).get_attribute("class") or "")
    source = panel.locator("ol.lines li.hl-line")  # and the source line it points at: the 16 values
    assert source.count() == 1 and source.first.inner_text().split("\t") == ["0"] * 16
    assert "第88行" in panel.locator(".source-hint").inner_text()
    page.screenshot(path=str(shots / "review-finding-clicked.png"), full_page=True)

    cell = panel.locator('td[data-key="t3.new.total"]')
    cell.click()  # a cell alone: only it is highlighted, and its source line marked
    assert panel.locator("td.hl").count() == 1
    assert panel.locator("ol.lines mark").count() == 1
    assert page.problems == []


def test_many_reports_dropped_at_once_each_get_a_panel(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    names = ["000_cc5777ecc468ec6c.txt", "004_e70ccd0979ef1614.txt", "not-a-report.txt"]
    texts = [(EXAMPLES / n).read_text(encoding="utf-8") for n in names[:2]] + ["hello"]
    transfer = page.evaluate_handle(
        """([names, texts]) => {
            const dt = new DataTransfer();
            names.forEach((n, i) => dt.items.add(new File([texts[i]], n, {type: "text/plain"})));
            return dt;
        }""",
        [names, texts],
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    page.wait_for_function("() => document.querySelectorAll('section.panel').length === 3")
    page.wait_for_function("() => document.querySelectorAll('section.panel.pending').length === 0")
    done = page.locator("section.panel:not(.failed) .fname").all_inner_texts()
    assert sorted(done) == names[:2]
    failed = page.locator("section.panel.failed")
    assert failed.count() == 1 and "无法读取：cannot read not-a-report.txt" in failed.inner_text()
    assert [p for p in page.problems if "422" not in p] == []  # the browser logs the refused file's 422


def test_pdf_report_finding_shows_the_page_crop(page: Any, browser: Any, base_url: str, shots: Path) -> None:
    cells = dict(random_valid_cells(random.Random(11)))
    cells["t3.new.natural_person"] = (cells["t3.new.natural_person"] or 0) + 1  # breaks the row total
    printer = browser.new_page()
    printer.set_content(render_html(ReportData("隆德县联财镇人民政府", 2024, cells)))
    pdf = printer.pdf(format="A4")
    printer.close()
    panel = upload(page, base_url, "联财镇.pdf", pdf, "application/pdf")
    assert panel.get_attribute("data-kind") == "pdf"
    finding = panel.locator('.finding[data-rule="arith.t3_row_total"]')
    assert finding.count() >= 1
    finding.first.click()
    assert panel.locator('td.hl[data-key="t3.new.natural_person"]').count() == 1
    img = panel.locator("figure.crop img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    assert "第" in panel.locator("figure.crop figcaption").inner_text()
    assert img.evaluate("img => img.naturalWidth") > 500
    page.screenshot(path=str(shots / "review-pdf-crop.png"), full_page=True)
    assert page.problems == []


def test_hostile_html_report_renders_inert(page: Any, base_url: str, shots: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    panel = upload(page, base_url, "hostile.html", hostile_html(), "text/html")
    page.wait_for_timeout(500)  # give any smuggled handler the time it would need
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    # the markup the report printed is shown as text, and nothing of it became an element
    assert "<script>" + PWN + "</script>" in panel.locator("ol.lines").inner_text()
    assert (
        page.evaluate("() => document.querySelectorAll('[onerror],[onclick],[onload],[onmouseover]').length")
        == 0
    )
    assert page.evaluate("() => document.querySelectorAll('iframe, svg script, img[src]').length") == 0
    scripts = page.evaluate("() => Array.from(document.scripts).map(s => new URL(s.src).pathname)")
    assert scripts == ["/static/app.js"]
    panel.locator("td.v").first.click()  # clicks and hovers run the page's own handlers only
    panel.locator("ol.lines").hover()
    assert page.evaluate("() => window.__pwned") is None
    page.screenshot(path=str(shots / "review-hostile.png"), full_page=True)


def test_dashboard_shows_charts_with_chinese_labels(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/data/dashboard?min_group=1")
    charts = page.locator(".chart svg")
    assert charts.count() >= 4
    labels = page.locator(".chart svg text").all_text_contents()
    assert {"予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"} <= set(labels)
    assert any(label.endswith("江苏省") for label in labels)  # the ranking by province
    first = page.locator(".chart svg text", has_text="予以公开").first
    box = first.bounding_box()
    assert box is not None and box["width"] > 30  # four CJK glyphs drawn, not empty boxes of no width
    assert page.evaluate("() => document.fonts.check('12px \"WenQuanYi Micro Hei\"')")
    csv_links = page.locator(".chart a.csv, .chart p.csv a")
    assert csv_links.count() >= 4
    with page.expect_download() as download:
        page.locator(".chart p.csv a").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "outcome,name,reports,applications,share"
    assert CJK.search(text)
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    assert page.problems == []


def test_corpus_list_filter_and_agency_page(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/data")
    assert page.locator("table.list tr").count() == 13  # header + 12 reports
    page.fill("input[name=year]", "2023")
    page.select_option("select[name=errors]", "yes")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"year=2023"))
    rows = page.locator("table.list tr")
    assert rows.count() == 2 and "隆德县联财镇人民政府" in rows.nth(1).inner_text()
    rows.nth(1).locator("a").first.click()
    page.wait_for_url(re.compile(r"/data/agency/"))
    assert page.locator(".chart svg").count() == 2
    history = page.locator(".finding")
    assert history.count() == 2 and "history.carry_mismatch" in history.first.inner_text()
    page.screenshot(path=str(shots / "agency.png"), full_page=True)
    page.locator("table.list tr", has_text="2023").locator("a").first.click()  # the stored 2023 report
    page.wait_for_url(re.compile(r"/data/reports/"))
    page.locator('.finding[data-rule="history.carry_mismatch"]').first.click()
    assert page.locator("td.hl").all_text_contents() and page.locator("td.hl").count() == 1
    assert page.locator("td.hl").get_attribute("data-key") == "t3.carried_over.natural_person"
    assert page.problems == []

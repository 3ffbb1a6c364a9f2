"""PDFs as agencies make them: the report's HTML page printed by Chromium and its DOCX exported by
LibreOffice (tests/print_fixtures.py), read back to the very 200 cells, each with its page and box; and a
Chromium printout scanned back to noisy page images, read by OCR to the same cells.

The fixed set holds busy reports, whose table 三 the printer breaks over two pages wherever it falls, a
report with one blank cell (it must come back null with its finding, never 0), and a sparse one. Each
printout is made once per session; the tests skip when the printer is not installed.
"""

from __future__ import annotations

import random
import time
from functools import cache

import pytest
from print_fixtures import PrintError, chromium, chromium_pdf, run_printer, scanned, soffice, writer_pdf

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.formats.pdf import read_pdf
from xxgk.render.text import ReportData, random_valid_cells

pdfium = pytest.importorskip("pypdfium2")

# name → (seed, busy, cells printed blank)
CASES: dict[str, tuple[int, float, tuple[str, ...]]] = {
    "busy": (21, 0.9, ()),
    "busiest": (22, 1.0, ()),
    "blank-cell": (24, 0.8, ("t3.granted.legal_service",)),
    "sparse": (25, 0.1, ()),
}
BUSY = ["busy", "busiest", "blank-cell"]
PRINTERS = {
    "chromium": (chromium, chromium_pdf, "apt-get install chromium"),
    "writer": (soffice, writer_pdf, "apt-get install libreoffice-writer-nogui"),
}


@cache
def report_data(name: str) -> ReportData:
    seed, busy, blanks = CASES[name]
    cells: dict[str, int | float | None] = dict(random_valid_cells(random.Random(seed), busy=busy))
    cells.update(dict.fromkeys(blanks))
    return ReportData("某某县人民政府", 2023, cells)


@cache
def _printed(printer: str, name: str) -> bytes:
    return PRINTERS[printer][1](report_data(name))


def printout(printer: str, name: str) -> bytes:
    find, _, install = PRINTERS[printer]
    if find() is None:
        pytest.skip(f"{printer} is not installed ({install})")
    return _printed(printer, name)


def _differ(report: xxgk.Report, data: ReportData) -> dict[str, tuple[object, object]]:
    return {k: (report.cells.get(k), v) for k, v in data.cells.items() if report.cells.get(k) != v}


def _findings(report: xxgk.Report) -> list[tuple[str, list[str]]]:
    return [(f.rule, list(f.cells)) for f in xxgk.check(report)]


def _blank_findings(data: ReportData) -> list[tuple[str, list[str]]]:
    return [("cell.blank", [k]) for k, v in data.cells.items() if v is None]


# ------------------------------------------------------------------------------------- text layer


@pytest.mark.parametrize("printer", list(PRINTERS))
@pytest.mark.parametrize("name", list(CASES))
def test_printout_reads_back_to_the_same_200_cells(printer: str, name: str) -> None:
    data = report_data(name)
    report = xxgk.parse_bytes(printout(printer, name), f"{name}-{printer}.pdf")
    assert report.source.kind == "pdf"
    assert not _differ(report, data)
    assert report.agency.name == "某某县人民政府" and report.year == 2023
    assert _findings(report) == _blank_findings(data)  # valid data, read right: only the blank is news


@pytest.mark.parametrize("printer", list(PRINTERS))
@pytest.mark.parametrize("name", ["busiest", "blank-cell"])
def test_every_cell_of_a_printout_has_a_page_and_a_box_holding_exactly_its_text(
    printer: str, name: str
) -> None:
    pdf = printout(printer, name)
    report = xxgk.parse_bytes(pdf, f"{name}-{printer}.pdf")
    doc = pdfium.PdfDocument(pdf)
    try:
        for key in cell_keys():
            d = report.details[key]
            assert d.place is not None and d.place.page is not None and d.place.bbox is not None, key
            page = doc[d.place.page - 1]
            width, height = page.get_size()
            x0, y0, x1, y1 = d.place.bbox
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, key
            text = page.get_textpage().get_text_bounded(x0, height - y1, x1, height - y0)
            assert "".join(text.split()) == d.raw, key  # a blank cell's box holds nothing
    finally:
        doc.close()


@pytest.mark.parametrize("printer", list(PRINTERS))
@pytest.mark.parametrize("name", BUSY)
def test_table_three_printed_across_a_page_break_reads_as_one_table(printer: str, name: str) -> None:
    pdf = printout(printer, name)
    report = xxgk.parse_bytes(pdf, f"{name}-{printer}.pdf")
    first, last = report.details["t3.new.total"].place, report.details["t3.carried_forward.total"].place
    assert first is not None and last is not None and last.page == first.page + 1  # type: ignore[operator]
    doc = read_pdf(pdf, name)
    rows = [b for b in doc.blocks if b.cells is not None]
    table = next(b.table for b in rows if "本年新收" in b.cells[0].text)  # type: ignore[index]
    mine = [b for b in rows if b.table == table]
    assert "结转下年度" in mine[-1].cells[0].text  # type: ignore[index]
    assert len({len(b.cells) for b in mine if b.cells}) == 1  # one grid: every row as wide


def test_a_sentence_the_printer_wrapped_before_table_four_stays_one_sentence() -> None:
    """LibreOffice wraps ``…被提起行政诉讼2210件，统计`` / ``如下。``: read as two lines, the first (with its
    numbers and no full stop) was taken for a row of table 四 and all 15 cells came out ambiguous."""
    pdf = printout("writer", "busy")
    prose = [b.text for b in read_pdf(pdf, "busy.pdf").blocks if b.cells is None]
    sentence = next(t for t in prose if "被申请行政复议" in t)
    assert sentence.endswith("统计如下。") and len(sentence) > 30
    assert "如下。" not in prose


# ------------------------------------------------------------------------------------------- OCR


@pytest.mark.slow
def test_a_scanned_chromium_printout_reads_back_by_ocr() -> None:
    """Every page rasterised at 150 dpi, turned by up to 1°, blurred and JPEG-compressed, stored as an
    image-only PDF: OCR reads it to the same cells, the blank one null and named, each on its page."""
    data = report_data("blank-cell")
    pdf = printout("chromium", "blank-cell")
    report = xxgk.parse_bytes(scanned(pdf, seed=24), "scan.pdf")
    pages = len(pdfium.PdfDocument(pdf))
    assert report.notes[:pages] == [f"page {i} read by OCR" for i in range(1, pages + 1)]
    assert not _differ(report, data)
    assert _findings(report) == _blank_findings(data)
    text_layer = xxgk.parse_bytes(pdf, "printed.pdf")
    for key in ("t2.fees.amount", "t3.new.total", "t3.carried_forward.total", "t4.review.total"):
        scan, printed = report.details[key].place, text_layer.details[key].place
        assert scan is not None and printed is not None and scan.bbox is not None and printed.bbox is not None
        assert scan.page == printed.page, key
        centre = ((scan.bbox[0] + scan.bbox[2]) / 2, (scan.bbox[1] + scan.bbox[3]) / 2)
        x0, y0, x1, y1 = printed.bbox
        assert x0 - 8 < centre[0] < x1 + 8 and y0 - 8 < centre[1] < y1 + 8, key  # within 8 pt of the cell


# -------------------------------------------------------------------------------------- printers


def test_a_printer_that_overruns_is_killed_and_reported() -> None:
    start = time.perf_counter()
    with pytest.raises(PrintError, match="did not finish"):
        run_printer(["sh", "-c", "sleep 30 & sleep 30"], timeout=0.5)
    assert time.perf_counter() - start < 10

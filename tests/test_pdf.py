"""The PDF backend and the shared layout step.

Generated PDFs (tests/pdf_fixtures.py: fpdf2 + WenQuanYi Micro Hei, tables in the official layout with
merged headers) must parse back to the very 200 cells they were drawn from, with page and box on every cell;
table 三 cut by a page break must read as one table; page numbers and running heads must vanish. Bad PDFs —
encrypted, truncated, empty, scanned with OCR off — end in a one-line ReadError. The layout step is tested
on hand-made words and rulings, since the OCR backend feeds it the same way.
"""

from __future__ import annotations

import io
import json
import random
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.cli.app import app
from xxgk.formats import pdf as pdf_backend
from xxgk.formats import pdf_ocr
from xxgk.formats.base import to_text
from xxgk.formats.layout import Rulings, Word, group_lines, words_to_blocks
from xxgk.render.text import ReportData, random_valid_cells

fpdf = pytest.importorskip("fpdf", reason="fpdf2 (a dev dependency) draws the test PDFs")
pdfium = pytest.importorskip("pypdfium2")

from pdf_fixtures import FONT, render_pdf  # noqa: E402

needs_font = pytest.mark.skipif(
    not FONT.is_file(), reason=f"{FONT} missing: apt-get install fonts-wqy-microhei to draw Chinese PDFs"
)

# (id, seed, busy, render options): the fixed set every PDF test reads
CASES: dict[str, tuple[int, float, dict[str, object]]] = {
    "plain": (11, 0.5, {}),
    "plain-sparse": (12, 0.1, {"tables_on_new_page": True}),
    "t3-break-early": (21, 0.6, {"t3_break": 8}),
    "t3-break-late": (22, 1.0, {"t3_break": 22}),
    "footers": (31, 0.4, {"footers": True, "running_head": True}),
    "footers-break": (32, 0.8, {"footers": True, "t3_break": 14, "tables_on_new_page": True}),
    "t2-break": (41, 0.5, {"t2_break": 7}),  # the next page's rows have two columns, not four
}


@cache
def case(name: str) -> tuple[ReportData, bytes]:
    seed, busy, options = CASES[name]
    rng = random.Random(seed)
    data = ReportData(agency="某某县人民政府", year=2023, cells=dict(random_valid_cells(rng, busy=busy)))
    return data, render_pdf(data, **options)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- round trips


@needs_font
@pytest.mark.parametrize("name", list(CASES))
def test_generated_pdf_reads_back_to_the_same_200_cells(name: str) -> None:
    data, pdf = case(name)
    report = xxgk.parse_bytes(pdf, f"{name}.pdf")
    assert report.source.kind == "pdf"
    differ = {k: (report.cells.get(k), v) for k, v in data.cells.items() if report.cells.get(k) != v}
    assert not differ
    assert report.agency.name == "某某县人民政府" and report.year == 2023
    assert xxgk.check(report) == []  # valid data, read right: nothing to report


@needs_font
@pytest.mark.parametrize("name", ["plain", "footers-break"])
def test_without_rulings_aligned_columns_still_give_the_200_cells(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables printed without borders: the layout step falls back to columns from aligned gaps."""
    monkeypatch.setattr(pdf_backend, "page_rulings", lambda page, tf: Rulings())
    data, pdf = case(name)
    assert xxgk.parse_bytes(pdf, f"{name}.pdf").cells == data.cells


@needs_font
@pytest.mark.parametrize("name", ["plain", "t3-break-late"])
def test_every_cell_has_a_page_and_a_box_holding_its_printed_text(name: str) -> None:
    _, pdf = case(name)
    report = xxgk.parse_bytes(pdf, f"{name}.pdf")
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
            assert d.raw in "".join(text.split()), key
    finally:
        doc.close()


@needs_font
def test_a_cell_place_boxes_that_one_cell() -> None:
    _, pdf = case("plain")
    report = xxgk.parse_bytes(pdf, "plain.pdf")
    doc = pdf_backend.read_pdf(pdf, "plain.pdf")
    row = next(b for b in doc.blocks if b.cells and "本年新收" in b.cells[0].text)
    assert row.cells is not None
    place = report.details["t3.new.natural_person"].place
    assert place is not None and place.bbox == row.cells[3].bbox


@needs_font
@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("t3-break-early", "本年新收", "结转下年度"),
        ("t3-break-late", "本年新收", "结转下年度"),
        ("footers-break", "本年新收", "结转下年度"),
        ("t2-break", "第二十条第（一）项", "行政事业性收费"),
    ],
)
def test_a_table_across_a_page_break_is_one_table(name: str, first: str, last: str) -> None:
    _, pdf = case(name)
    doc = pdf_backend.read_pdf(pdf, name)
    rows = [b for b in doc.blocks if b.cells is not None and first in b.cells[0].text]
    assert len(rows) == 1
    table = rows[0].table
    mine = [b for b in doc.blocks if b.table == table and b.cells is not None]
    assert len({b.page for b in mine}) >= 2
    assert last in mine[-1].cells[0].text  # type: ignore[index]
    assert len({len(b.cells) for b in mine if b.cells}) == 1  # one grid: every row as wide
    text, _ = to_text(doc)
    assert "\n\n" not in text[text.index(first) : text.index(last)]  # written as one pipe table


@needs_font
@pytest.mark.parametrize("name", ["footers", "footers-break"])
def test_page_numbers_and_running_heads_are_dropped(name: str) -> None:
    data, pdf = case(name)
    doc = pdf_backend.read_pdf(pdf, name)
    lines = [b.text.strip() for b in doc.blocks if b.cells is None]
    assert not [t for t in lines if t.startswith("-") and t.endswith("-")]
    title = f"{data.agency}{data.year}年政府信息公开工作年度报告"
    assert lines.count(title) == 1 and lines[0] == title  # the title stays, its repeats over pages go


@needs_font
def test_parse_json_gives_page_and_box_for_cells(tmp_path: Path) -> None:
    _, pdf = case("plain")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = CliRunner().invoke(app, ["parse", "--json", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["report"]
    assert report["source"]["kind"] == "pdf" and len(report["cells"]) == 200
    for key in cell_keys():
        place = report["details"][key]["place"]
        assert place["page"] >= 1 and len(place["bbox"]) == 4, key


@needs_font
def test_show_writes_a_png_of_the_cell(tmp_path: Path) -> None:
    from PIL import Image

    _, pdf = case("t3-break-early")
    path, png = tmp_path / "report.pdf", tmp_path / "cell.png"
    path.write_bytes(pdf)
    result = CliRunner().invoke(app, ["show", str(path), "--cell", "t3.total.total", "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert str(png) in result.stdout
    with Image.open(png) as im:
        assert im.format == "PNG" and im.width > 500 and im.height > 100


def _turned(pdf: bytes) -> bytes:
    """The same PDF stored as landscape pages with /Rotate 90 and the content turned: a viewer shows it
    exactly as before (how landscape tables often come out of a scanner driver or a PDF printer)."""
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()
        turn = pdfium.PdfMatrix().rotate(90, ccw=True).translate(height, 0)
        for obj in list(page.get_objects(max_depth=1)):
            obj.transform(turn)
        page.set_mediabox(0, 0, height, width)
        page.set_rotation(90)
        page.gen_content()
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    return buf.getvalue()


@needs_font
def test_a_rotated_page_reads_as_displayed_with_the_same_boxes() -> None:
    data, pdf = case("plain")
    upright = xxgk.parse_bytes(pdf, "upright.pdf")
    turned = xxgk.parse_bytes(_turned(pdf), "turned.pdf")
    assert turned.cells == data.cells
    for key in ("t2.fees.amount", "t3.new.natural_person", "t4.suit_after_review.total"):
        a, b = upright.details[key].place, turned.details[key].place
        assert a is not None and b is not None and a.bbox is not None and b.bbox is not None
        assert a.page == b.page and b.bbox == pytest.approx(a.bbox, abs=0.5)


# ------------------------------------------------------------------------------------------ bad PDFs


def _one_line_error(data: bytes, **kw: str) -> str:
    with pytest.raises(xxgk.ReadError) as info:
        xxgk.parse_bytes(data, "bad.pdf", **kw)
    assert "\n" not in info.value.reason and info.value.source == "bad.pdf"
    return info.value.reason


def _hello(**encryption: str) -> bytes:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(100, 20, "hello")
    if encryption:
        pdf.set_encryption(**encryption)
    return bytes(pdf.output())


def _photo_pdf(stamp: bool = False) -> bytes:
    """Two pages that are each one picture (a scan); with ``stamp`` a page number is printed on as text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 300), outline="black", width=3)
    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("helvetica", size=10)
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=180)
        if stamp:
            pdf.set_xy(90, 280)
            pdf.cell(30, 8, f"- {pdf.page_no()} -")
    return bytes(pdf.output())


def test_encrypted_pdf_is_a_read_error() -> None:
    reason = _one_line_error(_hello(owner_password="owner", user_password="secret"))
    assert reason.startswith("encrypted PDF:")


def test_pdf_with_only_an_owner_password_opens() -> None:
    doc = pdf_backend.read_pdf(_hello(owner_password="owner"), "perm.pdf")
    assert any("hello" in b.text for b in doc.blocks)


@pytest.mark.parametrize("share", [0.1, 0.5, 0.9])
def test_truncated_pdf_is_a_read_error(share: float) -> None:
    data = _hello()
    assert "truncated" in _one_line_error(data[: int(len(data) * share)])


def test_zero_page_pdf_is_a_read_error() -> None:
    buf = io.BytesIO()
    pdfium.PdfDocument.new().save(buf)
    assert _one_line_error(buf.getvalue()) == "a PDF with no pages"


def test_garbage_after_the_header_is_a_read_error() -> None:
    noise = bytes(random.Random(5).randrange(256) for _ in range(4000))
    assert "corrupt" in _one_line_error(b"%PDF-1.7\n" + noise)


def test_photo_pdf_with_ocr_off_is_a_read_error() -> None:
    reason = _one_line_error(_photo_pdf(), ocr="never")
    assert "no page has a text layer" in reason and "OCR is off" in reason


def test_photo_pdf_without_an_ocr_engine_is_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_ocr, "_load_ocr", lambda: (None, "OCR is not available (test)"))
    reason = _one_line_error(_photo_pdf(), ocr="auto")
    assert "no page has a text layer" in reason and "not available" in reason


def test_pages_without_text_go_to_ocr_in_page_points(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []

    def fake_ocr(image: object) -> list[Word]:
        seen.append(image.size)  # type: ignore[attr-defined]
        scale = pdf_ocr.OCR_DPI / 72
        return [Word("扫描所得", 100 * scale, 200 * scale, 160 * scale, 212 * scale)]

    monkeypatch.setattr(pdf_ocr, "_load_ocr", lambda: (fake_ocr, ""))
    doc = pdf_backend.read_pdf(_photo_pdf(), "scan.pdf")
    assert doc.notes == ["page 1 read by OCR", "page 2 read by OCR"]
    assert len(seen) == 2 and seen[0][0] > 2000  # A4 at 300 dpi
    block = doc.blocks[0]
    assert block.text == "扫描所得" and block.page == 1
    assert block.bbox == pytest.approx((100, 200, 160, 212))


def test_a_scan_with_a_page_number_stamped_on_still_goes_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_ocr, "_load_ocr", lambda: (lambda image: [Word("甲", 0, 0, 40, 40)], ""))
    doc = pdf_backend.read_pdf(_photo_pdf(stamp=True), "scan.pdf")
    assert doc.notes == ["page 1 read by OCR", "page 2 read by OCR"]


def test_ocr_always_reads_every_page_by_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_ocr, "_load_ocr", lambda: (lambda image: [Word("甲", 0, 0, 40, 40)], ""))
    doc = pdf_backend.read_pdf(_hello(), "text.pdf", ocr="always")
    assert doc.notes == ["page 1 read by OCR"] and [b.text for b in doc.blocks] == ["甲"]


def test_ocr_never_notes_pages_without_text(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(100, 20, "text on page one")
    pdf.add_page()
    doc = pdf_backend.read_pdf(bytes(pdf.output()), "mixed.pdf", ocr="never")
    assert doc.notes == ["page 2 has no text layer"]


# ------------------------------------------------------------------------------------------- layout


def _w(text: str, x0: float, y0: float, w: float = 20, h: float = 10) -> Word:
    return Word(text, x0, y0, x0 + w, y0 + h)


def test_lines_follow_a_slightly_rotated_scan() -> None:
    # each word 1.5 units lower than the last: the line drifts 12 units, more than a word's height
    words = [_w(f"词{i}", 10 + 25 * i, 100 + 1.5 * i) for i in range(9)]
    words += [_w(f"下{i}", 10 + 25 * i, 130 + 1.5 * i) for i in range(9)]
    lines = group_lines(words)
    assert [[w.text for w in ln] for ln in lines] == [
        [f"词{i}" for i in range(9)],
        [f"下{i}" for i in range(9)],
    ]


def _grid_rulings(
    xs: list[float], ys: list[float], missing_v: set[tuple[float, int]] = frozenset()
) -> Rulings:  # type: ignore[assignment]
    """Full grid lines; ``missing_v`` drops the vertical at x over row r (a horizontally merged cell)."""
    h = [(y, xs[0], xs[-1]) for y in ys]
    v = [(x, ys[r], ys[r + 1]) for x in xs for r in range(len(ys) - 1) if (x, r) not in missing_v]
    return Rulings(h, v)


def test_ruled_grid_expands_merged_cells_and_places_words() -> None:
    xs, ys = [0, 100, 150, 200], [0, 20, 40, 60]
    rulings = _grid_rulings(xs, ys, missing_v={(150, 0)})  # row 0: cells 1 and 2 merged
    words = [
        _w("信息内容", 5, 5),
        _w("本年处理决定数量", 105, 5, w=90),
        _w("行政", 5, 25),
        _w("许可", 5, 31),  # the label wraps onto a second line in its cell
        _w("3", 110, 25, w=6),
        _w("4", 160, 25, w=6),
        _w("5", 110, 45, w=6),
        _w("正文", 5, 100),
    ]
    blocks = words_to_blocks(words, 1, rulings=rulings, table_base=7)
    rows = [[c.text for c in b.cells] for b in blocks if b.cells is not None]
    assert rows == [["信息内容", "本年处理决定数量", ""], ["行政许可", "3", "4"], ["", "5", ""]]
    assert {b.table for b in blocks if b.cells is not None} == {7}
    assert blocks[-1].text == "正文" and blocks[-1].cells is None
    first = next(b for b in blocks if b.cells)
    assert first.cells is not None and first.cells[1].bbox == (100, 0, 200, 20)


def test_ruled_grid_merges_down_where_the_horizontal_ruling_is_missing() -> None:
    xs = [0, 50, 100]
    h = [(0, 0, 100), (20, 50, 100), (40, 0, 100), (60, 0, 100)]  # row 0/1 merged in column 0
    v = [(x, 0, 60) for x in xs]
    words = [_w("合并", 5, 15), _w("1", 60, 5, w=6), _w("2", 60, 25, w=6), _w("x", 5, 45, w=6)]
    blocks = words_to_blocks(words, 2, rulings=Rulings(h, v))
    rows = [[c.text for c in b.cells] for b in blocks if b.cells is not None]
    assert rows == [["合并", "1"], ["", "2"], ["x", ""]]
    assert all(b.page == 2 and b.bbox is not None for b in blocks)


def test_unruled_table_from_aligned_columns() -> None:
    words = [_w("标题文字", 0, 0, w=80)]
    for r, label in enumerate(["自然人", "商业企业", "科研机构", "总计"]):
        y = 30 + 16 * r
        words += [
            _w(label, 0, y, w=60),
            _w(str(r), 120, y, w=8),
            _w(str(r * 2), 180, y, w=8),
            _w("0", 240, y, w=8),
        ]
    words.append(_w("后文", 0, 120, w=40))
    blocks = words_to_blocks(words, 1)
    assert blocks[0].text == "标题文字" and blocks[-1].text == "后文"
    rows = [[c.text for c in b.cells] for b in blocks if b.cells is not None]
    assert rows == [
        ["自然人", "0", "0", "0"],
        ["商业企业", "1", "2", "0"],
        ["科研机构", "2", "4", "0"],
        ["总计", "3", "6", "0"],
    ]


def test_a_box_round_text_is_not_a_table() -> None:
    rulings = _grid_rulings([0, 300], [0, 100])
    blocks = words_to_blocks([_w("说明", 10, 10)], 1, rulings=rulings)
    assert [(b.text, b.cells) for b in blocks] == [("说明", None)]

"""Render report data as a PDF in the official layout, drawn with fpdf2 and a system CJK font.

``xxgk render --to pdf`` hands agencies a printable report, and the PDF reader is tested on what real reports
look like: the three tables with their merged headers (申请人情况 over seven columns, 法人或其他组织 over five,
the vertical 三、本年度办理结果 down 22 rows, 行政诉讼 over two groups of five), optionally table 三 cut by a
page break with the merged label split across the pages, page numbers ``- N -`` and a running head. Tables
are drawn cell by cell as bordered rectangles, as word processors export them, so rulings come in
overlapping pieces the reader has to snap together.

No font ships with xxgk: the Debian fonts-wqy-microhei or fonts-noto-cjk files are used, or the file named
by ``XXGK_CJK_FONT``; without any, ``MissingFontError`` says what to install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from xxgk.catalogue import SECTION_NUMERALS, SECTION_TITLES, T3_COLUMNS, T3_ROWS, T4_COLUMNS
from xxgk.render.text import (
    T3_NOTE,
    T3_ORG_HEADER,
    ReportData,
    preface_text,
    section_bodies,
    t2_blocks,
    t3_values,
    t4_values,
    title_line,
)

WQY_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# (file, face number in a collection): Noto's collections start with the Japanese face; 2 is Simplified Chinese
FONT_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (WQY_FONT, 0),
    (Path("/usr/share/fonts/truetype/wqy-microhei/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2),
)
FONT_ENV = "XXGK_CJK_FONT"
PAGE_W, PAGE_H, MARGIN = 595.28, 841.89, 56.0
BODY_SIZE, TABLE_SIZE, PAD = 11.0, 8.0, 2.0


class MissingFontError(RuntimeError):
    """No CJK font to draw the report with; the message says which package or variable provides one."""


def cjk_font() -> tuple[Path, int] | None:
    """The font file (and face number) to draw Chinese with: ``$XXGK_CJK_FONT``, else a Debian CJK font."""
    named = os.environ.get(FONT_ENV)
    if named:
        return (Path(named), 0) if Path(named).is_file() else None
    return next(((p, face) for p, face in FONT_CANDIDATES if p.is_file()), None)


def _font_or_fail() -> tuple[Path, int]:
    found = cjk_font()
    if found is not None:
        return found
    named = os.environ.get(FONT_ENV)
    if named:
        raise MissingFontError(f"{FONT_ENV}={named} is not a font file")
    raise MissingFontError(
        f"no CJK font for the PDF: apt-get install fonts-wqy-microhei (or fonts-noto-cjk), or set {FONT_ENV}"
    )


@dataclass
class Cell:
    text: str
    r0: int
    c0: int
    r1: int  # inclusive
    c1: int
    align: str = "C"


@dataclass
class Table:
    widths: list[float]
    n_rows: int
    cells: list[Cell]
    first_body_row: int = 0  # rows before it are header rows


def _t2_table(data: ReportData) -> Table:
    cells: list[Cell] = []
    r = 0
    for item, grid in t2_blocks(data.cells):
        cells.append(Cell(item, r, 0, r, 3))
        r += 1
        for row in grid:
            if len(row) == 4:
                cells += [Cell(t, r, c, r, c, "L" if c == 0 and r else "C") for c, t in enumerate(row)]
            else:
                cells += [Cell(row[0], r, 0, r, 0, "L"), Cell(row[1], r, 1, r, 3)]
            r += 1
    return Table([150, 111, 111, 111], r, cells)


def _t3_table(data: ReportData) -> Table:
    names = [n for _, n in T3_COLUMNS]
    cells = [
        Cell(T3_NOTE, 0, 0, 2, 2, "L"),
        Cell("申请人情况", 0, 3, 0, 9),
        Cell(names[0], 1, 3, 2, 3),
        Cell(T3_ORG_HEADER, 1, 4, 1, 8),
        Cell(names[-1], 1, 9, 2, 9),
        *(Cell(n, 2, 4 + i, 2, 4 + i) for i, n in enumerate(names[1:-1])),
    ]
    r = 3
    groups: dict[str, int] = {}
    for row in T3_ROWS:
        values = t3_values(data.cells, row.key)
        cells += [Cell(v, r, 3 + i, r, 3 + i) for i, v in enumerate(values)]
        if row.key == "total":
            cells.append(Cell(row.item, r, 1, r, 2, "L"))
        elif not row.group:
            cells.append(Cell(row.item, r, 0, r, 2, "L"))
        elif row.group.startswith("三"):
            cells.append(Cell(row.item, r, 1, r, 2, "L"))
        else:
            groups.setdefault(row.group, r)
            cells.append(Cell(row.item, r, 2, r, 2, "L"))
        r += 1
    for group, start in groups.items():
        end = max(i for i, row in enumerate(T3_ROWS, start=3) if row.group == group)
        cells.append(Cell(group, start, 1, end, 1, "L"))
    first = next(i for i, row in enumerate(T3_ROWS, start=3) if row.outcome)
    last = next(i for i, row in enumerate(T3_ROWS, start=3) if row.key == "total")
    cells.append(Cell("三、本年度办理结果", first, 0, last, 0))
    return Table([18, 58, 138, *([38.5] * 7)], r, cells, first_body_row=3)


def _t4_table(data: ReportData) -> Table:
    heads = [n for _, n in T4_COLUMNS]
    cells = [
        Cell("行政复议", 0, 0, 0, 4),
        Cell("行政诉讼", 0, 5, 0, 14),
        *(Cell(h, 1, i, 2, i) for i, h in enumerate(heads)),
        Cell("未经复议直接起诉", 1, 5, 1, 9),
        Cell("复议后起诉", 1, 10, 1, 14),
        *(Cell(h, 2, 5 + i, 2, 5 + i) for i, h in enumerate(heads * 2)),
    ]
    values = [v for g in ("review", "suit_direct", "suit_after_review") for v in t4_values(data.cells, g)]
    cells += [Cell(v, 3, i, 3, i) for i, v in enumerate(values)]
    return Table([32.2] * 15, 4, cells, first_body_row=3)


class _Writer:
    """Flows text and tables down A4 pages, adding a page when the next line or row does not fit."""

    def __init__(self, *, footers: bool, running_head: str | None) -> None:
        from fpdf import FPDF

        font, face = _font_or_fail()
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.add_font("cjk", fname=str(font), collection_font_number=face)
        self.footers, self.running_head = footers, running_head
        self.new_page()

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        if self.running_head:
            pdf.set_font("cjk", size=9)
            pdf.set_xy(MARGIN, 24)
            pdf.cell(PAGE_W - 2 * MARGIN, 12, self.running_head, align="C")
            pdf.line(MARGIN, 40, PAGE_W - MARGIN, 40)
        if self.footers:
            pdf.set_font("cjk", size=10)
            pdf.set_xy(MARGIN, PAGE_H - 36)
            pdf.cell(PAGE_W - 2 * MARGIN, 12, f"- {pdf.page_no()} -", align="C")
        self.y = MARGIN

    def room(self, h: float) -> None:
        if self.y + h > PAGE_H - MARGIN:
            self.new_page()

    def paragraph(self, text: str, size: float = BODY_SIZE, align: str = "L") -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=size)
        for line in self.wrap(text, PAGE_W - 2 * MARGIN, size):
            self.room(size * 1.6)
            pdf.set_xy(MARGIN, self.y)
            pdf.cell(PAGE_W - 2 * MARGIN, size * 1.6, line, align=align)
            self.y += size * 1.6
        self.y += size * 0.5

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        self.pdf.set_font("cjk", size=size)
        lines, cur = [], ""
        for ch in text:
            if cur and self.pdf.get_string_width(cur + ch) > width:
                lines.append(cur)
                cur = ""
            cur += ch
        return [*lines, cur] if cur else lines or [""]

    def table(self, t: Table, break_before: int | None = None) -> None:
        pdf, line_h = self.pdf, TABLE_SIZE * 1.3
        heights = [16.0] * t.n_rows
        for c in sorted(t.cells, key=lambda c: c.r1 - c.r0):
            need = (
                len(self.wrap(c.text, sum(t.widths[c.c0 : c.c1 + 1]) - 2 * PAD, TABLE_SIZE)) * line_h
                + 2 * PAD
            )
            have = sum(heights[c.r0 : c.r1 + 1])
            if need > have:
                heights[c.r1] += need - have
        page, y, tops = 0, self.y, []  # (page offset, y) of each row, laid out before anything is drawn
        for r, h in enumerate(heights):
            if r == break_before or y + h > PAGE_H - MARGIN:
                page, y = page + 1, MARGIN
            tops.append((page, y))
            y += h
        xs = [MARGIN + sum(t.widths[:i]) for i in range(len(t.widths) + 1)]
        spill: dict[int, list[str]] = {}  # lines of a split cell that did not fit before the page break
        for r in range(t.n_rows):
            if tops[r][0] != (tops[r - 1][0] if r else 0):
                self.new_page()
            pdf.set_line_width(0.6)
            for i, c in enumerate(t.cells):
                if not (c.r0 <= r <= c.r1 and (r == c.r0 or tops[r][0] != tops[r - 1][0])):
                    continue
                end = max(k for k in range(r, c.r1 + 1) if tops[k][0] == tops[r][0])
                y0, y1 = tops[r][1], tops[end][1] + heights[end]
                x0, x1 = xs[c.c0], xs[c.c1 + 1]
                pdf.rect(x0, y0, x1 - x0, y1 - y0)
                lines = (
                    self.wrap(c.text, x1 - x0 - 2 * PAD, TABLE_SIZE)
                    if r == c.r0 and c.text
                    else spill.pop(i, [])
                )
                fits = max(1, int((y1 - y0 - 2 * PAD) / line_h + 1e-6))  # 20.8 // 10.4 is 1.0 in floats
                if len(lines) > fits:  # a cell the page break cuts: its text flows on, as in a word processor
                    lines, spill[i] = lines[:fits], lines[fits:]
                ty = y0 + (y1 - y0 - len(lines) * line_h) / 2
                for text in lines:
                    pdf.set_xy(x0 + PAD, ty)
                    pdf.cell(x1 - x0 - 2 * PAD, line_h, text, align=c.align)
                    ty += line_h
            self.y = tops[r][1] + heights[r]
        self.y += 10


def render_pdf(
    data: ReportData,
    *,
    t3_break: int | None = None,
    t2_break: int | None = None,
    footers: bool = False,
    running_head: bool = False,
    tables_on_new_page: bool = False,
) -> bytes:
    """The report as a PDF: title, period, the six standard sections in order, tables 二/三/四 in place.

    ``t3_break``: start a new page before that row of table 三 (counting its three header rows), so the
    table runs across the break; ``t2_break`` the same in table 二; ``footers``: ``- N -`` under every page;
    ``running_head``: the title over every page; ``tables_on_new_page``: each table starts a page.
    Raises MissingFontError when no CJK font is installed."""
    w = _Writer(footers=footers, running_head=title_line(data) if running_head else None)
    w.paragraph(title_line(data), size=16, align="C")
    w.paragraph(preface_text(data))
    bodies = section_bodies(data)
    tables = {2: _t2_table(data), 3: _t3_table(data), 4: _t4_table(data)}
    for i, (num, title) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True), start=1):
        if i in tables and tables_on_new_page:
            w.new_page()
        w.paragraph(f"{num}、{title}", size=13)
        for para in bodies[i].splitlines() or [""]:
            if para.strip():
                w.paragraph(para)
        if i in tables:
            w.table(tables[i], break_before={2: t2_break, 3: t3_break}.get(i))
    return bytes(w.pdf.output())

"""Rasterise a report page the way a scanner or a screenshot gives it: ruled tables 二/三/四 on one page.

The OCR tests need images whose every cell value is known. Drawing the official grids ourselves (merged
cells, wrapped labels, narrow columns) with real valid data gives that ground truth without shipping any
scanned document; ``noisy`` then adds what a scan adds — a slight rotation, blur and JPEG artefacts.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from xxgk.catalogue import T3_COLUMNS, T3_ROWS, T4_COLUMNS
from xxgk.render.text import T2_HEADERS, T3_NOTE, ReportData, _t3_labels, t2_blocks, t3_values, t4_values

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy-microhei/wqy-microhei.ttc",
)


def font_path() -> str | None:
    """The WenQuanYi Micro Hei font (Debian: fonts-wqy-microhei), or None when it is not installed."""
    return next((p for p in FONT_PATHS if Path(p).is_file()), None)


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    align: str = "center"  # center / left


@dataclass
class Grid:
    widths: list[int]  # px per column
    cells: list[Cell]


class Page:
    """A white page drawn top to bottom: paragraphs of text and ruled tables, at ``dpi``."""

    def __init__(self, *, dpi: int = 170, font_pt: float = 8.5) -> None:
        path = font_path()
        if path is None:
            raise FileNotFoundError("the WenQuanYi Micro Hei font is not installed (fonts-wqy-microhei)")
        self.scale = dpi / 72
        self.width = round(8.27 * dpi)
        self.margin = round(0.55 * dpi)
        self.font = ImageFont.truetype(path, round(font_pt * self.scale))
        self.big = ImageFont.truetype(path, round(font_pt * 1.25 * self.scale))
        self.line_h = round(font_pt * self.scale * 1.35)
        self.image = Image.new("L", (self.width, round(11.69 * dpi) * 2), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.y = self.margin
        self.drawn: list[tuple[str, tuple[int, int, int, int]]] = []  # every table cell: text, box

    def _text_width(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        return self.draw.textlength(text, font=font)

    def _wrap(self, text: str, width: float, font: ImageFont.FreeTypeFont) -> list[str]:
        lines: list[str] = []
        for para in text.split("\n"):
            line = ""
            for ch in para:
                if line and self._text_width(line + ch, font) > width:
                    lines.append(line)
                    line = ""
                line += ch
            lines.append(line)
        return lines

    def paragraph(self, text: str, *, big: bool = False, indent: int = 0) -> None:
        font = self.big if big else self.font
        usable = self.width - 2 * self.margin - indent
        for line in self._wrap(text, usable, font):
            self.draw.text((self.margin + indent, self.y), line, fill=0, font=font)
            self.y += round(self.line_h * (1.25 if big else 1))
        self.y += self.line_h // 2

    def table(self, grid: Grid) -> None:
        """Draw a ruled grid; row heights grow to fit each cell's wrapped text."""
        pad = round(self.line_h * 0.3)
        n_rows = 1 + max(c.row + c.rowspan - 1 for c in grid.cells)
        heights = [self.line_h + 2 * pad] * n_rows
        xs = [self.margin]
        for w in grid.widths:
            xs.append(xs[-1] + w)
        wrapped = {
            id(c): self._wrap(c.text, xs[c.col + c.colspan] - xs[c.col] - 2 * pad, self.font)
            for c in grid.cells
        }
        for c in sorted(grid.cells, key=lambda c: c.rowspan):  # single rows first, then spread the rest
            need = len(wrapped[id(c)]) * self.line_h + 2 * pad
            have = sum(heights[c.row : c.row + c.rowspan])
            if need > have:
                extra = -(-(need - have) // c.rowspan)
                for r in range(c.row, c.row + c.rowspan):
                    heights[r] += extra
        ys = [self.y]
        for h in heights:
            ys.append(ys[-1] + h)
        line_w = max(1, round(self.scale / 1.6))
        for c in grid.cells:
            x0, x1, y0, y1 = xs[c.col], xs[c.col + c.colspan], ys[c.row], ys[c.row + c.rowspan]
            self.draw.rectangle((x0, y0, x1, y1), outline=0, width=line_w)
            self.drawn.append((c.text, (x0, y0, x1, y1)))
            lines = wrapped[id(c)]
            ty = (y0 + y1) / 2 - len(lines) * self.line_h / 2
            for line in lines:
                tw = self._text_width(line, self.font)
                tx = x0 + pad if c.align == "left" else (x0 + x1 - tw) / 2
                self.draw.text((tx, ty + self.line_h * 0.1), line, fill=0, font=self.font)
                ty += self.line_h
        self.y = ys[-1] + self.line_h

    def result(self) -> Image.Image:
        return self.image.crop((0, 0, self.width, self.y + self.margin))


# ------------------------------------------------------------------------------------------ the tables


def _usable(page: Page) -> int:
    return page.width - 2 * page.margin


def t2_grid(page: Page, data: ReportData) -> Grid:
    """Table 二 as the official form prints it: one 4-column grid, the value cells of the
    (五)/(六)/(八) blocks merged across the three number columns."""
    usable = _usable(page)
    widths = [round(usable * 0.28)] + [round(usable * 0.24)] * 3
    cells: list[Cell] = []
    row = 0
    for item, block in t2_blocks(data.cells):
        cells.append(Cell(row, 0, item, colspan=4))
        row += 1
        for fields in block:
            if len(fields) == 4:
                cells.extend(Cell(row, i, f) for i, f in enumerate(fields))
            else:
                cells += [Cell(row, 0, fields[0]), Cell(row, 1, fields[1], colspan=3)]
            row += 1
    assert set(T2_HEADERS) == {c.text for c in cells if c.colspan == 4}
    return Grid(widths, cells)


def t3_grid(page: Page, data: ReportData) -> Grid:
    """Table 三 with its merged header (申请人情况 / 法人或其他组织) and merged row labels."""
    usable = _usable(page)
    label_w = [round(usable * 0.06), round(usable * 0.10), round(usable * 0.27)]
    value_w = (usable - sum(label_w)) // 7
    widths = [*label_w, *([value_w] * 7)]
    names = [name for _, name in T3_COLUMNS]
    cells = [
        Cell(0, 0, T3_NOTE, rowspan=3, colspan=3),
        Cell(0, 3, "申请人情况", colspan=7),
        Cell(1, 3, names[0], rowspan=2),
        Cell(1, 4, "法人或其他组织", colspan=5),
        Cell(1, 9, names[-1], rowspan=2),
        *(Cell(2, 4 + i, n) for i, n in enumerate(names[1:-1])),
    ]
    labels = _t3_labels()
    top = 3
    for i, (fields, row) in enumerate(zip(labels, T3_ROWS, strict=True)):
        r = top + i
        cells.extend(Cell(r, 3 + j, v) for j, v in enumerate(t3_values(data.cells, row.key)))
        if len(fields) == 1:  # 一、 二、 四、: across all three label columns
            cells.append(Cell(r, 0, fields[0], colspan=3, align="left"))
            continue
        if fields[0]:  # 三、本年度办理结果 spans the 21 outcome rows and （七）总计
            cells.append(Cell(r, 0, fields[0], rowspan=22))
        if len(fields) == 2:  # （一）（二）（七）: across the group and item columns
            cells.append(Cell(r, 1, fields[1], colspan=2, align="left"))
            continue
        if fields[1]:
            span = sum(1 for row2 in T3_ROWS if row2.group == row.group)
            cells.append(Cell(r, 1, fields[1], rowspan=span))
        cells.append(Cell(r, 2, fields[2], align="left"))
    return Grid(widths, cells)


def t4_grid(page: Page, data: ReportData) -> Grid:
    """Table 四: 行政复议 and the two kinds of 行政诉讼, five columns each, one row of values."""
    usable = _usable(page)
    heads = [name for _, name in T4_COLUMNS]
    cells = [
        Cell(0, 0, "行政复议", colspan=5),
        Cell(0, 5, "行政诉讼", colspan=10),
        *(Cell(1, i, h, rowspan=2) for i, h in enumerate(heads)),
        Cell(1, 5, "未经复议直接起诉", colspan=5),
        Cell(1, 10, "复议后起诉", colspan=5),
        *(Cell(2, 5 + i, h) for i, h in enumerate(heads * 2)),
    ]
    values = [v for g in ("review", "suit_direct", "suit_after_review") for v in t4_values(data.cells, g)]
    cells.extend(Cell(3, i, v) for i, v in enumerate(values))
    return Grid([usable // 15] * 15, cells)


def render_page(data: ReportData, *, dpi: int = 170, tables: tuple[int, ...] = (2, 3, 4)) -> Image.Image:
    """One tall page with the title, sections 二/三/四 and their ruled tables (greyscale)."""
    return draw_page(data, dpi=dpi, tables=tables).result()


def draw_page(data: ReportData, *, dpi: int = 170, tables: tuple[int, ...] = (2, 3, 4)) -> Page:
    """The page as drawn, with the text and box of every table cell in ``drawn``."""
    page = Page(dpi=dpi)
    page.paragraph(f"{data.agency}{data.year}年政府信息公开工作年度报告", big=True)
    page.paragraph(f"本报告统计数据从{data.year}年1月1日至12月31日。")
    heads = {
        2: ("二、主动公开政府信息情况", t2_grid),
        3: ("三、收到和处理政府信息公开申请情况", t3_grid),
        4: ("四、政府信息公开行政复议、行政诉讼情况", t4_grid),
    }
    for number in tables:
        title, make = heads[number]
        page.paragraph(title, big=True)
        page.table(make(page, data))
    return page


def noisy(
    image: Image.Image, rng: random.Random, *, max_angle: float = 1.0, quality: int = 70
) -> Image.Image:
    """What a scan adds: a slight rotation (white corners), a little blur, JPEG artefacts."""
    angle = rng.uniform(-max_angle, max_angle)
    out = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def image_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()

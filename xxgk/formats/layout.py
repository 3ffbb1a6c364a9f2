"""Positioned words → blocks: lines of text and table rows, for every backend that sees a page as boxes.

The PDF text layer and OCR both hand over words with boxes and nothing else; what a reader sees as a
paragraph or a table has to be rebuilt from geometry. This module does that once for both, as a chain of
small pure steps in pdfplumber's manner — rulings → snapped edges → connected frames → grid → merged cells
(``xxgk.formats.rulings``) → words placed in cells (here) — with a fallback for tables printed without
rulings: columns from gaps that stay open across consecutive lines. Everything tunable sits in
``LayoutSettings``; its distances are multiples of the page's median text height, so the same defaults
serve PDF points and scan pixels.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from xxgk.formats.base import BBox, Block, CellBox
from xxgk.formats.rulings import Grid, HSeg, Rulings, VSeg, ruled_grids

__all__ = ["DEFAULT", "HSeg", "LayoutSettings", "Rulings", "VSeg", "Word", "glue", "words_to_blocks"]


@dataclass
class Word:
    """A run of text with its box in page coordinates (y grows downward)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class LayoutSettings:
    """Tolerances, as multiples of the median word height unless said otherwise."""

    line_overlap: float = 0.5  # share of the lower word two words must share vertically to be on one line
    space_gap: float = 0.25  # a wider gap between two non-Chinese words reads as a space
    tab_gap: float = 2.0  # a wider gap inside a line outside any table is written as a tab
    snap: float = 0.3  # rulings this close are one ruling (double borders, line caps)
    join: float = 0.3  # collinear ruling pieces this close are one ruling
    min_ruling: float = 0.5  # shorter strokes are glyph parts or dots, not rulings
    coverage: float = 0.7  # a cell border exists when rulings cover this share of it (fraction)
    min_rows: int = 2  # a ruled frame is a table when its grid has at least this many rows …
    min_cols: int = 2  # … and columns,
    lone_row_cols: int = 4  # or one row of this many cells (a table's last row, pushed over a page break)
    column_gap: float = 1.0  # a gap this wide between words separates columns of an unruled table
    min_aligned_rows: int = 3  # an unruled table needs this many consecutive aligned lines …
    min_aligned_cols: int = 3  # … and this many columns
    max_row_gap: float = 2.5  # lines further apart than this do not continue an unruled table
    default_height: float = 10.0  # used when the page has no words (units of the page)


DEFAULT = LayoutSettings()

# --------------------------------------------------------------------------------------------- text

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’—…·]")


def glue(left: str, right: str) -> str:
    """What goes between two pieces of text: nothing between Chinese characters, a space otherwise."""
    if not left or not right or _CJK.match(left[-1]) or _CJK.match(right[0]):
        return ""
    return " "


def median_height(words: Sequence[Word], default: float = DEFAULT.default_height) -> float:
    heights = [w.y1 - w.y0 for w in words if w.y1 > w.y0]
    return statistics.median(heights) if heights else default


def _overlap(a: Word, b: Word) -> float:
    """Vertical overlap of two words as a share of the lower of their heights."""
    inter = min(a.y1, b.y1) - max(a.y0, b.y0)
    return inter / max(min(a.y1 - a.y0, b.y1 - b.y0), 1e-6)


def group_lines(words: Iterable[Word], s: LayoutSettings = DEFAULT) -> list[list[Word]]:
    """Words → lines, each sorted left to right, the lines top to bottom.

    Words are taken left to right and each joins the line whose rightmost word it overlaps most, so a
    line may drift up or down as it goes (a slightly rotated scan) without breaking.
    """
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.x0, w.y0)):
        best, best_overlap = None, s.line_overlap
        for line in lines:
            last = line[-1]
            ov = _overlap(last, w)
            if ov >= best_overlap and w.x0 >= last.x0:
                best, best_overlap = line, ov
        if best is None:
            lines.append([w])
        else:
            best.append(w)
    lines.sort(key=lambda ln: statistics.median(w.y0 for w in ln))
    return lines


def bbox_of(words: Iterable[Word]) -> BBox:
    ws = list(words)
    return (min(w.x0 for w in ws), min(w.y0 for w in ws), max(w.x1 for w in ws), max(w.y1 for w in ws))


def line_text(line: Sequence[Word], height: float, s: LayoutSettings = DEFAULT, *, tabs: bool = False) -> str:
    out = ""
    for prev, w in zip([None, *line], line, strict=False):
        if prev is None:
            out = w.text
            continue
        gap = w.x0 - prev.x1
        if tabs and gap >= s.tab_gap * height:
            out += "\t"
        elif gap >= s.space_gap * height:
            out += glue(out, w.text)
        out += w.text
    return out


def cell_text(words: Sequence[Word], height: float, s: LayoutSettings = DEFAULT) -> str:
    """The text of one cell: its lines top to bottom, wrapped Chinese joined without a break."""
    out = ""
    for line in group_lines(words, s):
        text = line_text(line, height, s)
        out = text if not out else out + glue(out, text) + text
    return out


def fill_grid(
    grid: Grid, words: Sequence[Word], height: float, s: LayoutSettings = DEFAULT
) -> list[list[CellBox]]:
    """Each word into the merged cell under its centre; every slot of a merged cell after the first is
    written empty, so the rows keep one cell per column as the text extractor's grid reading expects."""
    inside: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        slot = grid.slot((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)
        if slot is not None:
            inside.setdefault(grid.owner[slot[0]][slot[1]], []).append(w)
    rows: list[list[CellBox]] = []
    for r in range(len(grid.ys) - 1):
        row: list[CellBox] = []
        for c in range(len(grid.xs) - 1):
            own = grid.owner[r][c]
            text = cell_text(inside.get(own, []), height, s) if own == (r, c) else ""
            row.append(CellBox(text, grid.cell_bbox(r, c)))
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------ unruled tables


def chunks(line: Sequence[Word], height: float, s: LayoutSettings = DEFAULT) -> list[list[Word]]:
    """A line cut wherever the gap between words is wide enough to separate columns."""
    out: list[list[Word]] = []
    for w in line:
        if out and w.x0 - out[-1][-1].x1 < s.column_gap * height:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def columns_of(lines: Sequence[Sequence[list[Word]]]) -> list[tuple[float, float]]:
    """Columns of several chunked lines: the x-ranges that stay covered, between gaps open in all lines."""
    spans = sorted((min(w.x0 for w in ch), max(w.x1 for w in ch)) for line in lines for ch in line)
    cols: list[tuple[float, float]] = []
    for a, b in spans:
        if cols and a <= cols[-1][1]:
            cols[-1] = (cols[-1][0], max(cols[-1][1], b))
        else:
            cols.append((a, b))
    return cols


def aligned_runs(
    lines: Sequence[list[Word]], height: float, s: LayoutSettings = DEFAULT
) -> list[tuple[int, int, list[tuple[float, float]]]]:
    """Runs of consecutive lines (start, end exclusive, columns) that read as one unruled table."""
    cut = [chunks(ln, height, s) for ln in lines]
    runs: list[tuple[int, int, list[tuple[float, float]]]] = []
    i = 0
    while i < len(lines):
        if len(cut[i]) < s.min_aligned_cols:
            i += 1
            continue
        j, cols = i + 1, columns_of(cut[i : i + 1])
        while j < len(lines) and len(cut[j]) >= 2:
            if bbox_of(lines[j])[1] - bbox_of(lines[j - 1])[3] > s.max_row_gap * height:
                break
            wider = columns_of(cut[i : j + 1])
            if len(wider) < max(s.min_aligned_cols, len(cols) - 1):
                break
            j, cols = j + 1, wider
        if j - i >= s.min_aligned_rows:
            runs.append((i, j, cols))
            i = j
        else:
            i += 1
    return runs


def aligned_rows(
    lines: Sequence[list[Word]], cols: list[tuple[float, float]], height: float, s: LayoutSettings = DEFAULT
) -> list[tuple[list[CellBox], BBox]]:
    """Each line of an unruled table as one cell per column."""
    out: list[tuple[list[CellBox], BBox]] = []
    for line in lines:
        box = bbox_of(line)
        per: list[list[Word]] = [[] for _ in cols]
        for w in line:
            cx = (w.x0 + w.x1) / 2
            k = min(
                range(len(cols)),
                key=lambda i: (
                    0 if cols[i][0] <= cx <= cols[i][1] else min(abs(cx - cols[i][0]), abs(cx - cols[i][1]))
                ),
            )
            per[k].append(w)
        cells = [
            CellBox(line_text(ws, height, s), bbox_of(ws) if ws else (a, box[1], b, box[3]))
            for ws, (a, b) in zip(per, cols, strict=True)
        ]
        out.append((cells, box))
    return out


# ------------------------------------------------------------------------------------------ assemble


def words_to_blocks(
    words: list[Word],
    page: int,
    *,
    rulings: Rulings | None = None,
    table_base: int = 0,
    settings: LayoutSettings = DEFAULT,
) -> list[Block]:
    """One page's words (and rulings, when the page has drawn lines) → blocks in reading order.

    Ruled tables come first: their words are taken out and placed in cells. What remains is grouped into
    lines; runs of lines whose gaps line up become unruled tables; the rest are text lines. Tables are
    numbered from ``table_base`` in the order they appear on the page.
    """
    s = settings
    words = [w for w in words if w.text.strip()]
    height = median_height(words, s.default_height)
    grids = ruled_grids(rulings, height, s) if rulings else []
    placed: list[tuple[float, list[Block]]] = []  # (top, blocks) to sort into reading order
    rest = words
    for grid in grids:
        x0, y0, x1, y1 = grid.bbox
        mine = [w for w in rest if x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.y0 + w.y1) / 2 <= y1]
        if not mine:
            continue  # a frame with nothing in it: a box drawn round nothing, or a decoration
        rest = [w for w in rest if not (x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.y0 + w.y1) / 2 <= y1)]
        rows = fill_grid(grid, mine, height, s)
        blocks = [
            Block(cells=row, page=page, bbox=(x0, grid.ys[r], x1, grid.ys[r + 1]))
            for r, row in enumerate(rows)
            if any(c.text for c in row)
        ]
        placed.append((y0, blocks))
    lines = group_lines(rest, s)
    runs = aligned_runs(lines, height, s)
    taken: set[int] = set()
    for i, j, cols in runs:
        taken.update(range(i, j))
        rows_ = aligned_rows(lines[i:j], cols, height, s)
        placed.append((bbox_of(lines[i])[1], [Block(cells=c, page=page, bbox=b) for c, b in rows_]))
    for k, line in enumerate(lines):
        if k not in taken:
            box = bbox_of(line)
            placed.append((box[1], [Block(text=line_text(line, height, s, tabs=True), page=page, bbox=box)]))
    placed.sort(key=lambda p: p[0])
    out: list[Block] = []
    table = table_base
    for _, blocks in placed:
        if blocks and blocks[0].cells is not None:
            for b in blocks:
                b.table = table
            table += 1
        out.extend(blocks)
    return out

"""Positioned words → blocks: lines of text and table rows, for every backend that sees a page as boxes.

The PDF text layer and OCR both hand over words with boxes and nothing else; what a reader sees as a
paragraph or a table has to be rebuilt from geometry. This module does that once for both, as a chain of
small pure steps in pdfplumber's manner — rulings → snapped edges → connected frames → grid → merged cells
→ words placed in cells — with a fallback for tables printed without rulings (columns from gaps that stay
open across consecutive lines). Everything tunable sits in ``LayoutSettings``; its distances are multiples
of the page's median text height, so the same defaults serve PDF points and scan pixels.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from xxgk.formats.base import BBox, Block, CellBox


@dataclass
class Word:
    """A run of text with its box in page coordinates (y grows downward)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


HSeg = tuple[float, float, float]  # y, x0, x1: a horizontal ruling
VSeg = tuple[float, float, float]  # x, y0, y1: a vertical ruling


@dataclass
class Rulings:
    """The straight lines drawn on a page, in the words' coordinates."""

    horizontal: list[HSeg] = field(default_factory=list)
    vertical: list[VSeg] = field(default_factory=list)


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
    min_cols: int = 2  # … and columns
    column_gap: float = 1.5  # a gap this wide between words separates columns of an unruled table
    min_aligned_rows: int = 3  # an unruled table needs this many consecutive aligned lines …
    min_aligned_cols: int = 3  # … and this many columns
    max_row_gap: float = 2.5  # lines further apart than this do not continue an unruled table
    default_height: float = 10.0  # used when the page has no words (units of the page)


DEFAULT = LayoutSettings()

# --------------------------------------------------------------------------------------------- text

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’—…·]")


def _glue(left: str, right: str) -> str:
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
            out += _glue(out, w.text)
        out += w.text
    return out


def cell_text(words: Sequence[Word], height: float, s: LayoutSettings = DEFAULT) -> str:
    """The text of one cell: its lines top to bottom, wrapped Chinese joined without a break."""
    out = ""
    for line in group_lines(words, s):
        text = line_text(line, height, s)
        out = text if not out else out + _glue(out, text) + text
    return out


# ------------------------------------------------------------------------------------------ rulings


def _cluster(values: Sequence[float], tol: float) -> list[float]:
    """Sorted positions, those within tol of their neighbour merged into their mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _snap_join(segs: Sequence[tuple[float, float, float]], tol: float, join: float, min_len: float) -> list[
    tuple[float, float, float]
]:
    """Edges step: snap segments onto shared positions, then join collinear pieces that touch."""
    if not segs:
        return []
    positions = _cluster([p for p, _, _ in segs], tol)
    by_pos: dict[int, list[tuple[float, float]]] = {}
    for p, a, b in segs:
        i = min(range(len(positions)), key=lambda k: abs(positions[k] - p))
        by_pos.setdefault(i, []).append((min(a, b), max(a, b)))
    out: list[tuple[float, float, float]] = []
    for i, spans in sorted(by_pos.items()):
        spans.sort()
        cur = list(spans[0])
        for a, b in spans[1:]:
            if a <= cur[1] + join:
                cur[1] = max(cur[1], b)
            else:
                out.append((positions[i], cur[0], cur[1]))
                cur = [a, b]
        out.append((positions[i], cur[0], cur[1]))
    return [seg for seg in out if seg[2] - seg[1] >= min_len]


def snap_rulings(r: Rulings, height: float, s: LayoutSettings = DEFAULT) -> Rulings:
    tol, join, min_len = s.snap * height, s.join * height, s.min_ruling * height
    return Rulings(_snap_join(r.horizontal, tol, join, min_len), _snap_join(r.vertical, tol, join, min_len))


def _crosses(h: HSeg, v: VSeg, tol: float) -> bool:
    return h[1] - tol <= v[0] <= h[2] + tol and v[1] - tol <= h[0] <= v[2] + tol


def frames(r: Rulings, tol: float) -> list[Rulings]:
    """Intersections step: the connected groups of rulings, each a candidate table."""
    hs, vs = r.horizontal, r.vertical
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _crosses(h, v, tol):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, Rulings] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), Rulings()).horizontal.append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), Rulings()).vertical.append(v)
    return [g for g in groups.values() if g.horizontal and g.vertical]


@dataclass
class Grid:
    """A ruled table: column and row boundaries, and for each slot the merged cell that owns it."""

    xs: list[float]
    ys: list[float]
    owner: list[list[tuple[int, int]]]  # [row][col] → (row, col) of the merged cell's top-left slot

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def span(self, r: int, c: int) -> tuple[int, int, int, int]:
        """The merged cell at top-left slot (r, c) as rows r..r1, columns c..c1 (inclusive)."""
        r1 = max(i for i in range(r, len(self.owner)) if self.owner[i][c] == (r, c))
        c1 = max(j for j in range(c, len(self.owner[r])) if self.owner[r][j] == (r, c))
        return r, c, r1, c1

    def cell_bbox(self, r: int, c: int) -> BBox:
        r0, c0, r1, c1 = self.span(*self.owner[r][c])
        return (self.xs[c0], self.ys[r0], self.xs[c1 + 1], self.ys[r1 + 1])

    def slot(self, x: float, y: float) -> tuple[int, int] | None:
        c, r = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        if 0 <= r < len(self.ys) - 1 and 0 <= c < len(self.xs) - 1:
            return r, c
        return None


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> float:
    """Share of [a, b] the spans cover."""
    total = sum(max(0.0, min(b, hi) - max(a, lo)) for lo, hi in spans)
    return total / max(b - a, 1e-6)


def _at(segs: list[tuple[float, float, float]], pos: float, tol: float) -> list[tuple[float, float]]:
    return [(a, b) for p, a, b in segs if abs(p - pos) <= tol]


def grid_of(frame: Rulings, tol: float, s: LayoutSettings = DEFAULT) -> Grid | None:
    """Cells step: the frame's grid, slots merged wherever the ruling between them is missing."""
    xs = _cluster([v[0] for v in frame.vertical] + [x for h in frame.horizontal for x in h[1:]], tol)
    ys = _cluster([h[0] for h in frame.horizontal] + [y for v in frame.vertical for y in v[1:]], tol)
    if len(xs) - 1 < s.min_cols or len(ys) - 1 < s.min_rows:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(k: tuple[int, int]) -> tuple[int, int]:
        while parent[k] != k:
            k = parent[k]
        return k

    def merge(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols - 1):  # the border between (r, c) and (r, c + 1)
            if _covered(_at(frame.vertical, xs[c + 1], tol), ys[r], ys[r + 1]) < s.coverage:
                merge((r, c), (r, c + 1))
    for r in range(n_rows - 1):
        for c in range(n_cols):  # the border between (r, c) and (r + 1, c)
            if _covered(_at(frame.horizontal, ys[r + 1], tol), xs[c], xs[c + 1]) < s.coverage:
                merge((r, c), (r + 1, c))
    # the union keeps the smallest (row, col) as root: the merged cell's top-left slot
    owner = [[find((r, c)) for c in range(n_cols)] for r in range(n_rows)]
    return Grid(xs, ys, owner)


def ruled_grids(rulings: Rulings, height: float, s: LayoutSettings = DEFAULT) -> list[Grid]:
    """Tables step: every frame of rulings whose grid has enough rows and columns, top to bottom."""
    snapped = snap_rulings(rulings, height, s)
    tol = s.snap * height
    grids = [g for f in frames(snapped, tol) if (g := grid_of(f, tol, s)) is not None]
    return sorted(grids, key=lambda g: g.ys[0])


def fill_grid(grid: Grid, words: Sequence[Word], height: float, s: LayoutSettings = DEFAULT) -> list[
    list[CellBox]
]:
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


def aligned_runs(lines: Sequence[list[Word]], height: float, s: LayoutSettings = DEFAULT) -> list[
    tuple[int, int, list[tuple[float, float]]]
]:
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


def aligned_rows(lines: Sequence[list[Word]], cols: list[tuple[float, float]], height: float, s: LayoutSettings
                 = DEFAULT) -> list[tuple[list[CellBox], BBox]]:
    """Each line of an unruled table as one cell per column."""
    out: list[tuple[list[CellBox], BBox]] = []
    for line in lines:
        box = bbox_of(line)
        per: list[list[Word]] = [[] for _ in cols]
        for w in line:
            cx = (w.x0 + w.x1) / 2
            k = min(range(len(cols)), key=lambda i: 0 if cols[i][0] <= cx <= cols[i][1] else
                    min(abs(cx - cols[i][0]), abs(cx - cols[i][1])))
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
    taken = set()
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

"""Rulings → table grids, the geometric half of the layout step (pdfplumber's model, in small pure steps):
snap and join the drawn lines (edges), group those that cross (frames), cut each frame into the grid of its
lines, and merge the slots whose border is missing (merged cells).

Nothing here knows about text; ``layout.fill_grid`` puts the words into the cells. The settings object is
``layout.LayoutSettings``, whose distances are multiples of the page's median text height.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xxgk.formats.base import BBox

if TYPE_CHECKING:
    from xxgk.formats.layout import LayoutSettings

HSeg = tuple[float, float, float]  # y, x0, x1: a horizontal ruling
VSeg = tuple[float, float, float]  # x, y0, y1: a vertical ruling


@dataclass
class Rulings:
    """The straight lines drawn on a page, in the words' coordinates."""

    horizontal: list[HSeg] = field(default_factory=list)
    vertical: list[VSeg] = field(default_factory=list)


def _cluster(values: Sequence[float], tol: float) -> list[float]:
    """Sorted positions, those within tol of their neighbour merged into their mean."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(sorted_values: Sequence[float], v: float) -> int:
    """Index of the value nearest to v in a sorted, non-empty sequence."""
    i = bisect_right(sorted_values, v)
    if i == 0:
        return 0
    if i == len(sorted_values) or v - sorted_values[i - 1] <= sorted_values[i] - v:
        return i - 1
    return i


def _snap_join(
    segs: Sequence[tuple[float, float, float]], tol: float, join: float, min_len: float
) -> list[tuple[float, float, float]]:
    """Edges step: snap segments onto shared positions, then join collinear pieces that touch."""
    if not segs:
        return []
    positions = _cluster([p for p, _, _ in segs], tol)
    by_pos: dict[int, list[tuple[float, float]]] = {}
    for p, a, b in segs:
        i = _nearest(positions, p)
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


def snap_rulings(r: Rulings, height: float, s: LayoutSettings) -> Rulings:
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
    _boxes: dict[tuple[int, int], BBox] = field(default_factory=dict, repr=False)

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def span(self, r: int, c: int) -> tuple[int, int, int, int]:
        """The merged cell at top-left slot (r, c) as rows r..r1, columns c..c1 (inclusive)."""
        r1 = max(i for i in range(r, len(self.owner)) if self.owner[i][c] == (r, c))
        c1 = max(j for j in range(c, len(self.owner[r])) if self.owner[r][j] == (r, c))
        return r, c, r1, c1

    def cell_bbox(self, r: int, c: int) -> BBox:
        """The box of the merged cell slot (r, c) belongs to."""
        top_left = self.owner[r][c]
        if top_left not in self._boxes:
            r0, c0, r1, c1 = self.span(*top_left)
            self._boxes[top_left] = (self.xs[c0], self.ys[r0], self.xs[c1 + 1], self.ys[r1 + 1])
        return self._boxes[top_left]

    def slot(self, x: float, y: float) -> tuple[int, int] | None:
        c, r = bisect_right(self.xs, x) - 1, bisect_right(self.ys, y) - 1
        if 0 <= r < len(self.ys) - 1 and 0 <= c < len(self.xs) - 1:
            return r, c
        return None


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> float:
    """Share of [a, b] the spans cover."""
    total = sum(max(0.0, min(b, hi) - max(a, lo)) for lo, hi in spans)
    return total / max(b - a, 1e-6)


def _by_line(
    segs: list[tuple[float, float, float]], lines: list[float], tol: float
) -> list[list[tuple[float, float]]]:
    """For each grid line, the spans of the rulings lying on it."""
    out: list[list[tuple[float, float]]] = [[] for _ in lines]
    for p, a, b in segs:
        i = _nearest(lines, p)
        if abs(lines[i] - p) <= tol:
            out[i].append((a, b))
    return out


def grid_of(frame: Rulings, tol: float, s: LayoutSettings) -> Grid | None:
    """Cells step: the frame's grid, slots merged wherever the ruling between them is missing."""
    xs = _cluster([v[0] for v in frame.vertical] + [x for h in frame.horizontal for x in h[1:]], tol)
    ys = _cluster([h[0] for h in frame.horizontal] + [y for v in frame.vertical for y in v[1:]], tol)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_cols < s.min_cols or (n_rows < s.min_rows and not (n_rows == 1 and n_cols >= s.lone_row_cols)):
        return None
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(k: tuple[int, int]) -> tuple[int, int]:
        while parent[k] != k:
            k = parent[k]
        return k

    def merge(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    on_x, on_y = _by_line(frame.vertical, xs, tol), _by_line(frame.horizontal, ys, tol)
    for r in range(n_rows):
        for c in range(n_cols - 1):  # the border between (r, c) and (r, c + 1)
            if _covered(on_x[c + 1], ys[r], ys[r + 1]) < s.coverage:
                merge((r, c), (r, c + 1))
    for r in range(n_rows - 1):
        for c in range(n_cols):  # the border between (r, c) and (r + 1, c)
            if _covered(on_y[r + 1], xs[c], xs[c + 1]) < s.coverage:
                merge((r, c), (r + 1, c))
    # the union keeps the smallest (row, col) as root: the merged cell's top-left slot
    owner = [[find((r, c)) for c in range(n_cols)] for r in range(n_rows)]
    return Grid(xs, ys, owner)


def ruled_grids(rulings: Rulings, height: float, s: LayoutSettings) -> list[Grid]:
    """Tables step: every frame of rulings whose grid has enough rows and columns, top to bottom."""
    snapped = snap_rulings(rulings, height, s)
    tol = s.snap * height
    grids = [g for f in frames(snapped, tol) if (g := grid_of(f, tol, s)) is not None]
    return sorted(grids, key=lambda g: g.ys[0])

"""Steps over a document's pages of blocks: page furniture dropped, lines wrapped at the margin joined
back into their paragraph, tables cut by a page break joined.

They need nothing but blocks with page and box, so every paged backend (PDF text layer, OCR of scans,
multi-page images) can run them after ``layout.words_to_blocks`` has read each page on its own.
"""

from __future__ import annotations

import re
from dataclasses import replace

from xxgk.formats.base import BBox, Block, CellBox
from xxgk.formats.layout import glue

MARGIN = 0.1  # running heads and page numbers sit in the top and bottom tenth of a page
JOIN_TOLERANCE = 4.0  # column borders this close across a page break are the same border (page units)
# A line wraps into the next when it ends this close to the right edge of the text (line heights: a word
# processor leaves up to a character or two where a number or a closing mark may not start a line) …
WRAP_SLACK = 2.0
WRAP_INDENT = 0.5  # … and the next starts this close to the left edge (an indented line starts a paragraph)
WRAP_GAP = 1.5  # … no further below than this (line heights; paragraph spacing is wider)
WRAP_SIZE = 1.25  # … in type of the same size (a heading is larger)

_PAGE_NUMBER = re.compile(
    r"[-—–－_·\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－_·\s]*"
    r"|[-—–－\s]*[IVXLCivxlc]{1,6}[-—–－\s]*"
)


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def drop_running_text(pages: list[list[Block]], sizes: list[tuple[float, float]]) -> None:
    """Remove page numbers (``- 3 -``, ``第3页``, ``3/5``) and running heads or feet: the same line, digits
    aside, in the top or bottom margin of at least half the pages and of two pages at least. A running
    head often repeats the title; the title itself, printed larger on page 1, stays."""

    def margin(b: Block, height: float) -> bool:
        return (
            b.cells is None
            and b.bbox is not None
            and (b.bbox[3] <= MARGIN * height or b.bbox[1] >= (1 - MARGIN) * height)
        )

    def tall(b: Block) -> float:
        return b.bbox[3] - b.bbox[1] if b.bbox else 0.0

    seen: dict[str, list[float]] = {}
    for blocks, (_, height) in zip(pages, sizes, strict=True):
        for key, h in {_norm(b.text): tall(b) for b in blocks if margin(b, height)}.items():
            seen.setdefault(key, []).append(h)
    repeated = {t: min(hs) for t, hs in seen.items() if t and len(hs) >= max(2, (len(pages) + 1) // 2)}

    def furniture(b: Block, height: float) -> bool:
        if not margin(b, height):
            return False
        if _PAGE_NUMBER.fullmatch(b.text.strip()):
            return True
        low = repeated.get(_norm(b.text))
        return low is not None and tall(b) <= 1.3 * low

    for p, (blocks, (_, height)) in enumerate(zip(pages, sizes, strict=True)):
        pages[p] = [b for b in blocks if not furniture(b, height)]


# A line that starts a heading or an item, as reports number them: 一、 （一） 1. 第一条 (not 1.5万元).
_ENUMERATED = re.compile(
    r"\s*(第[一二三四五六七八九十百\d]+[章节条部分项]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d+[、.．](?!\d))"
)


def _wraps_into(a: Block, b: Block, left: float, right: float) -> bool:
    """Whether text line ``b`` continues ``a``: ``a`` runs to the right edge, ``b`` starts at the left
    edge just below it in type of the same size, and starts no heading or item of its own."""
    if a.cells is not None or b.cells is not None or a.bbox is None or b.bbox is None:
        return False
    if "\t" in a.text or "\t" in b.text or not a.text.strip() or not b.text.strip():
        return False  # tab-separated columns are a table, not prose
    ha, hb = a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1]
    if min(ha, hb) <= 0 or max(ha, hb) > WRAP_SIZE * min(ha, hb):
        return False
    h = min(ha, hb)
    return (
        a.bbox[2] >= right - WRAP_SLACK * h
        and b.bbox[0] <= left + WRAP_INDENT * h
        and 0 <= b.bbox[1] - a.bbox[3] <= WRAP_GAP * h
        and not _ENUMERATED.match(b.text)
    )


def join_wrapped_lines(pages: list[list[Block]]) -> None:
    """One text block per paragraph, as the HTML and DOCX backends give it: a line the page width wrapped
    is joined to the line it runs on into (Chinese without a space, other text with one), so a sentence
    and its numbers stay together (``…被提起行政诉讼2210件，统计`` / ``如下。`` is one sentence, not a
    line of numbers before table 四). The edges are those of the document's widest text lines, so a line
    well short of the widest ends its paragraph. Lines on different pages stay apart, each keeping its
    page."""
    boxes = [b.bbox for blocks in pages for b in blocks if b.cells is None and b.bbox and b.text.strip()]
    if len(boxes) < 2:
        return
    left, right = min(x[0] for x in boxes), max(x[2] for x in boxes)
    for p, blocks in enumerate(pages):
        out: list[Block] = []
        last: Block | None = None  # the line read before b, as printed (out[-1] may hold several)
        for b in blocks:
            if last is not None and _wraps_into(last, b, left, right):
                para, text = out[-1], out[-1].text.rstrip()
                para.text = text + glue(text, b.text.lstrip()) + b.text.lstrip()
                para.bbox = _union(para.bbox, b.bbox)
            else:
                out.append(replace(b))  # a copy: ``last`` keeps the line as printed
            last = b
        pages[p] = out


def _union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _width(blocks: list[Block], table: int | None) -> int:
    return next((len(b.cells) for b in blocks if b.table == table and b.cells is not None), 0)


def _bounds(rows: list[Block]) -> list[float]:
    """A table's column boundaries, from the boxes of its cells (merged cells give their outer edges)."""
    xs = sorted({round(x, 1) for b in rows for c in b.cells or [] if c.bbox for x in (c.bbox[0], c.bbox[2])})
    out: list[float] = []
    for x in xs:
        if not out or x - out[-1] > JOIN_TOLERANCE:
            out.append(x)
    return out


def _regrid(rows: list[Block], bounds: list[float]) -> bool:
    """Re-cut rows onto coarser-or-equal columns ``bounds`` (each cell into the first column it covers,
    the rest left empty, as merged cells are written); False when the rows' borders do not fit them."""
    own = _bounds(rows)
    if len(own) > len(bounds) or any(min(abs(x - b) for b in bounds) > JOIN_TOLERANCE for x in own):
        return False
    for row in rows:
        cells: list[CellBox] = [CellBox("", None) for _ in bounds[:-1]]
        for c in row.cells or []:
            if c.bbox is None:
                return False
            k = min(range(len(bounds) - 1), key=lambda i: abs(bounds[i] - c.bbox[0]))  # type: ignore[index]
            end = min(range(1, len(bounds)), key=lambda i: abs(bounds[i] - c.bbox[2]))  # type: ignore[index]
            if not cells[k].text:  # the empty slots of a merged cell share its box: keep its text
                cells[k] = CellBox(c.text, c.bbox)
            for j in range(k + 1, end):
                cells[j] = CellBox("", c.bbox)
        row.cells = cells
    return True


def join_split_tables(pages: list[list[Block]]) -> None:
    """A table the page break cut in two is one table: when a page ends in a table and the next page
    starts with one of the same columns, the second half takes the first half's table number. One half
    may have fewer columns when its rows merge some (table 二's one-value blocks under a four-column block;
    table 三's rows above the first three-level label, whose label column is not yet split): they join
    when each border of the coarser half stands on one of the other's, and it is re-cut to them."""
    for p in range(1, len(pages)):
        prev, cur = pages[p - 1], pages[p]
        if not prev or not cur or prev[-1].cells is None or cur[0].cells is None:
            continue
        old, new = cur[0].table, prev[-1].table
        if old == new:
            continue
        rows = [b for later in pages[p:] for b in later if b.table == old]
        before = [b for earlier in pages[:p] for b in earlier if b.table == new]
        if (
            _width(prev, new) != _width(cur, old)
            and not _regrid(rows, _bounds(before))
            and not _regrid(before, _bounds(rows))
        ):
            continue
        for b in rows:
            b.table = new

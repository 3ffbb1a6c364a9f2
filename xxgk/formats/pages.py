"""Steps over a document's pages of blocks: page furniture dropped, tables cut by a page break joined.

They need nothing but blocks with page and box, so every paged backend (PDF text layer, OCR of scans,
multi-page images) can run them after ``layout.words_to_blocks`` has read each page on its own.
"""

from __future__ import annotations

import re

from xxgk.formats.base import Block, CellBox

MARGIN = 0.1  # running heads and page numbers sit in the top and bottom tenth of a page
JOIN_TOLERANCE = 4.0  # column borders this close across a page break are the same border (page units)

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
    starts with one of the same columns, the second half takes the first half's table number. The second
    half may have fewer columns when its rows merge some (table 二's one-value blocks under a four-column
    block): it joins when each of its borders stands on one of the first half's, and is re-cut to them."""
    for p in range(1, len(pages)):
        prev, cur = pages[p - 1], pages[p]
        if not prev or not cur or prev[-1].cells is None or cur[0].cells is None:
            continue
        old, new = cur[0].table, prev[-1].table
        if old == new:
            continue
        rows = [b for later in pages[p:] for b in later if b.table == old]
        same = _width(prev, new) == _width(cur, old)
        if not same and not _regrid(rows, _bounds([b for b in prev if b.table == new])):
            continue
        for b in rows:
            b.table = new

"""The one small interface every input format implements: bytes → a SourceDocument of blocks.

A block is a line of running text or a row of a table grid (merged cells already expanded, so every row
of a table has the same number of cells). ``to_text`` writes the blocks as text — table rows as Markdown
pipe rows, whose cells the extractor treats as a true grid — so that one extraction chain serves every
format; ``locate`` maps a place in that text back to the page and box the backend read it from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from xxgk.model.report import Place

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in the page's own units (PDF points, image pixels)


@dataclass
class CellBox:
    text: str
    bbox: BBox | None = None


@dataclass
class Block:
    """A line of text (``cells`` empty) or a table row (``cells`` set, ``text`` unused)."""

    text: str = ""
    cells: list[CellBox] | None = None
    page: int | None = None  # 1-based
    bbox: BBox | None = None
    table: int | None = None  # which table of the document a row belongs to


@dataclass
class SourceDocument:
    kind: str  # html / docx / pdf / image / text
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. "page 3 read by OCR"


@dataclass
class LinePlaces:
    """Where one line of the written text came from: the block, and each cell's column span."""

    page: int | None
    bbox: BBox | None
    cells: list[tuple[int, int, BBox | None]] = field(default_factory=list)  # (col, end_col, bbox)


def _cell_text(text: str) -> str:
    return " ".join(text.replace("|", "｜").split())


def to_text(doc: SourceDocument) -> tuple[str, list[LinePlaces]]:
    """The document as text (table rows as pipe rows) and, per line, where it came from."""
    lines: list[str] = []
    places: list[LinePlaces] = []
    prev_table: int | None = None
    for block in doc.blocks:
        if block.cells is None:
            for part in block.text.split("\n"):
                lines.append(part)
                places.append(LinePlaces(block.page, block.bbox))
            prev_table = None
            continue
        if prev_table is not None and block.table != prev_table:
            lines.append("")  # two tables in a row stay two tables
            places.append(LinePlaces(block.page, None))
        prev_table = block.table
        line = "|"
        spans: list[tuple[int, int, BBox | None]] = []
        for cell in block.cells:
            text = _cell_text(cell.text)
            start = len(line) + 1
            line += f" {text} |"
            spans.append((start, start + len(text), cell.bbox))
        lines.append(line)
        places.append(LinePlaces(block.page, block.bbox, spans))
    return "\n".join(lines), places


def _union(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def locate(place: Place | None, places: list[LinePlaces]) -> Place | None:
    """The same place with page and box filled in from the backend's record of the line."""
    if place is None or place.line is None or not 1 <= place.line <= len(places):
        return place
    rec = places[place.line - 1]
    boxes: list[BBox] = []
    if rec.cells and place.col is not None:
        end = place.end_col if place.end_col is not None else place.col + 1
        boxes = [
            b
            for (c0, c1, b) in rec.cells
            if b is not None and c0 < max(end, place.col + 1) and max(c1, c0 + 1) > place.col
        ]
    bbox = _union(boxes) or rec.bbox
    return place.model_copy(update={"page": rec.page, "bbox": bbox})


Backend = Callable[[bytes, str], SourceDocument]

"""HTML pages → blocks: the page's visible text as lines, every data ``<table>`` as a true grid.

Reports reach us as whole government web pages (navigation, a metadata box, footer) and as Word's "save as
web page" markup (``<o:p>``, mso styles). Reading them with a real HTML5 parser (lexbor, via selectolax)
keeps the grid the author drew — merged cells included — where a text dump would lose every border.

Hostile pages are bounded before lexbor sees them (its tree builder walks the stack of open elements for
many tags, so 50 000 nested ``<div>`` take a quarter of a minute): see ``bound_markup``. The walk itself
is iterative and counts every node and grid cell against a budget.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from xxgk.errors import ReadError
from xxgk.formats.base import Block, CellBox, SourceDocument
from xxgk.formats.html_markup import CUT_NOTE, MAX_TAGS, bound_markup, decode_page

MAX_NODES = 1_500_000  # nodes walked, text nodes included
MAX_GRID = 1_000_000  # grid slots filled over all tables
MAX_COLUMNS = 100  # the widest table of the format has 15 columns (table 四)
MAX_TABLE_NESTING = 24  # tables inside tables deeper than this are read as plain text
LONG_CELL = 120  # a cell with more text than this is prose (a layout cell), not a label or a number


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Elements whose content is never shown as page text.
_DROP = _names(
    "head title script style noscript template iframe frame frameset svg math object embed canvas "
    "select textarea button audio video map"
)
# Elements that start and end a line of text (td/th too: in a layout table each cell is its own lines).
_BLOCK = _names(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li listing main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul xmp option"
)
_VOID = _names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param source track wbr"
)
# Closed implicitly by the parser, so a page may leave them open without being deep.
_IMPLIED = _names("p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rtc rp")
_HIDDEN_STYLES = (("display", "none"), ("visibility", "hidden"), ("mso-hide", "all"))
_CELL_TAGS = ("td", "th")


_NEW = LexborHTMLParser("").create_node
# lexbor's fixed tag ids (ints compare faster than names in the walk); 2 is its text node, and 0, 1, 3, 4, 5
# are undef, end-of-file, document, comment and doctype
_TEXT_ID, _BR_ID, _TABLE_ID = 2, _NEW("br").tag_id, _NEW("table").tag_id
_DROP_IDS = frozenset(_NEW(n).tag_id for n in _DROP) | {0, 1, 3, 4, 5}
_BLOCK_IDS = frozenset(_NEW(n).tag_id for n in _BLOCK)

_CJK = (
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60"
)
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))  # zero-width, soft hyphen
_DIGITS = re.compile(r"\s*(\d{1,7})")
_NUMERIC = re.compile(r"[\d０-９][\d０-９.,，．\s]*%?|[-+][\d０-９][\d０-９.,，．]*%?")


def collapse(text: str) -> str:
    """One line of text as a browser shows it: a source line break between two CJK characters vanishes
    (CSS Text 3 segment breaks), every other run of whitespace, &nbsp; included, becomes one space, and
    zero-width characters are gone."""
    if "\n" in text:
        text = _CJK_BREAK.sub("", text)
    return _SPACE.sub(" ", text.translate(_INVISIBLE)).strip()


def is_numeric(text: str) -> bool:
    return _NUMERIC.fullmatch(text) is not None


def _span(raw: str | None, limit: int, zero: int) -> int:
    """A rowspan/colspan as browsers read it: its leading digits, junk → 1, 0 → ``zero``, at most ``limit``."""
    if not raw:
        return 1
    m = _DIGITS.match(raw)
    value = int(m.group(1)) if m else 1
    return max(1, min(value if value else zero, limit))


Item = str | None | LexborNode  # text, a line break, or a table met in the flow


def _cell_text(items: list[Item]) -> str:
    return collapse("".join("\n" if i is None else i for i in items if not isinstance(i, LexborNode)))


class Cell(NamedTuple):
    node: LexborNode
    items: list[Item]
    text: str
    layout: bool  # it holds another table or long prose: it lays out a page, it is no label or number


def _hidden(tree: LexborHTMLParser, text: str) -> set[int]:
    """Elements the page hides (the hidden attribute, display:none, visibility:hidden, Word's mso-hide),
    found by CSS in lexbor — each selector only when the page's markup mentions its words at all."""
    low = text.lower()
    selectors = ["[hidden]"] if "hidden" in low else []
    for prop, value in _HIDDEN_STYLES:
        if prop in low and value in low:
            selectors += [f'[style*="{prop}:{sp}{value}" i]' for sp in ("", " ")]
    return {n.mem_id for n in tree.css(", ".join(selectors))} if selectors else set()


class _Budget(Exception):
    """Raised when a page exhausts the node or grid budget: what was read so far is kept."""


class _Reader:
    def __init__(self, tree: LexborHTMLParser, text: str) -> None:
        self.blocks: list[Block] = []
        self.tables = 0
        self.notes: list[str] = []
        self.nodes = 0
        self.slots = 0
        self.nested = 0  # tables met by flatten so far
        self.hidden = _hidden(tree, text)
        self.rowspan = {n.mem_id: n.attrs.get("rowspan") for n in tree.css("[rowspan]")}
        self.colspan = {n.mem_id: n.attrs.get("colspan") for n in tree.css("[colspan]")}

    def flatten(self, root: LexborNode, tables: bool = True) -> list[Item]:
        """The content of ``root`` in document order: text, None for each line break and, when
        ``tables``, each <table> as a node to be read on its own (else its text flows like a div's)."""
        out: list[Item] = []
        hidden = self.hidden
        open_blocks: list[tuple[LexborNode, bool]] = []  # the ancestors being walked, and if they are blocks
        node = root.first_child
        while node is not None:
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise _Budget
            tag = node.tag_id
            down = None
            if tag == _TEXT_ID:
                out.append(node.text_content or "")
            elif tag in _DROP_IDS or (hidden and node.mem_id in hidden):
                pass
            elif tag == _BR_ID:
                out.append(None)
            elif tag == _TABLE_ID and tables:
                out.append(node)
                self.nested += 1
            else:
                block = tag in _BLOCK_IDS
                if block:
                    out.append(None)
                down = node.first_child
                if down is not None:
                    open_blocks.append((node, block))
                    node = down
                    continue
            nxt = node.next
            while nxt is None and open_blocks:  # climb, closing blocks on the way
                node, block = open_blocks.pop()
                if block:
                    out.append(None)
                nxt = node.next
            node = nxt
        return out

    def flow(self, items: list[Item], nesting: int) -> None:
        """Text as line blocks; tables met on the way are read where they stand."""
        line: list[str] = []
        for item in items:
            if isinstance(item, str):
                line.append(item)
                continue
            self.line("".join(line))
            line = []
            if item is not None:
                self.table(item, nesting + 1)
        self.line("".join(line))

    def line(self, raw: str) -> None:
        text = collapse(raw)
        if text:
            self.blocks.append(Block(text=text))

    def _rows(self, table: LexborNode) -> list[LexborNode]:
        rows: list[LexborNode] = []
        for child in table.iter():
            if child.mem_id in self.hidden:
                continue
            tag = child.tag
            if tag == "tr":
                rows.append(child)
            elif tag in ("thead", "tbody", "tfoot"):
                rows.extend(r for r in child.iter() if r.tag == "tr" and r.mem_id not in self.hidden)
            elif tag == "caption":
                self.flow(self.flatten(child, tables=False), MAX_TABLE_NESTING)
        return rows

    def table(self, table: LexborNode, nesting: int) -> None:
        """A table as grid rows. A row holding another table or a cell of long prose is page layout, not
        data: its cells are read as text and tables where they stand, so a page laid out in a table, or
        a table left open around the rest of the page, keeps its report. One column is layout throughout."""
        if nesting > MAX_TABLE_NESTING:
            self.flow(self.flatten(table, tables=False), nesting)
            return
        rows: list[list[Cell]] = []
        for tr in self._rows(table):
            row: list[Cell] = []
            for td in tr.iter():
                if len(row) >= MAX_COLUMNS:
                    break
                if td.tag in _CELL_TAGS and td.mem_id not in self.hidden:
                    seen = self.nested
                    items = self.flatten(td)
                    text = _cell_text(items)
                    row.append(Cell(td, items, text, self.nested > seen or len(text) > LONG_CELL))
            rows.append(row)
        layout = {r for r, row in enumerate(rows) if any(cell.layout for cell in row)}
        tail = self._unclosed(rows, layout)
        if max((len(row) for r, row in enumerate(rows) if r not in layout), default=0) <= 1:
            layout = set(range(len(rows)))
        grid = self.grid(rows, layout)
        open_run = False  # grid rows since the last layout row: one table
        for r, row in enumerate(rows):
            if r in layout:
                self.tables += open_run
                open_run = False
                for cell in row:
                    self.flow(cell.items, nesting)
            elif any(grid[r]):
                self.blocks.append(Block(cells=[CellBox(t) for t in grid[r]], table=self.tables))
                open_run = True
        self.tables += open_run
        self.flow(tail, nesting)

    @staticmethod
    def _unclosed(rows: list[list[Cell]], layout: set[int]) -> list[Item]:
        """A table left open swallows the rest of the page into its last cell, a number: that cell keeps
        its first line in the grid, and the rest (returned) is read after the table as the page's own."""
        if not rows or len(rows[-1]) < 2:
            return []
        *cells, last = rows[-1]
        items = last.items
        cut = next((k for k, i in enumerate(items) if i is not None and not isinstance(i, str)), len(items))
        cut = next((k for k, i in enumerate(items[:cut]) if i is None and _cell_text(items[:k])), cut)
        head, rest = _cell_text(items[:cut]), items[cut:]
        more = _cell_text(rest)
        if any(cell.layout for cell in cells) or not is_numeric(head):
            return []
        if not any(isinstance(i, LexborNode) for i in rest) and (not more or is_numeric(more)):
            return []
        rows[-1] = [*cells, Cell(last.node, items[:cut], head, False)]
        layout.discard(len(rows) - 1)
        return rest

    def grid(self, rows: list[list[Cell]], skip: set[int]) -> list[list[str]]:
        """The rows (but those in ``skip``) with rowspan/colspan expanded into a true grid, every row as
        wide as the widest.

        A merged cell's copies repeat its text when it is a label (every row and column it spans is
        labelled by it) but stay empty when it is a number, so that no number is ever counted twice.
        """
        n = len(rows)
        grid: list[list[str | None]] = [[] for _ in range(n)]
        for r, row in enumerate(rows):
            if r in skip:
                continue
            c = 0
            for td, _, text, _ in row:
                slots = grid[r]
                while c < len(slots) and slots[c] is not None:
                    c += 1
                if c >= MAX_COLUMNS:
                    break
                rs = _span(self.rowspan.get(td.mem_id), n - r, n - r)
                cs = _span(self.colspan.get(td.mem_id), MAX_COLUMNS - c, 1)
                if rs == cs == 1:  # the common case, without the copies
                    if c == len(slots):
                        slots.append(text)
                    else:
                        slots[c] = text
                    c += 1
                    continue
                copy = "" if is_numeric(text) else text
                self.slots += rs * cs
                if self.slots > MAX_GRID:
                    raise _Budget
                for dr in range(rs):
                    target = grid[r + dr]
                    if len(target) < c + cs:
                        target.extend([None] * (c + cs - len(target)))
                    for dc in range(cs):
                        if target[c + dc] is None:
                            target[c + dc] = copy if dr or dc else text
                c += cs
        width = max((len(r) for r in grid), default=0)
        return [[s or "" for s in slots] + [""] * (width - len(slots)) for slots in grid]


def read_html(data: bytes, name: str, *, ocr: str = "auto") -> SourceDocument:
    """An HTML page as line blocks and table rows; raises ReadError when it holds no data table at all.

    Scripts, styles, templates, frames, SVG and hidden elements are not read. Each table row is a grid
    row with rowspan/colspan expanded: a merged label is repeated in every slot it covers, a merged number
    only in its first (the copies are "", so no number is counted twice). ``ocr`` is accepted for the
    common interface; a page's images are not read.
    """
    text, encoding = decode_page(data, name)
    text, notes = bound_markup(text)
    tree = LexborHTMLParser(text)
    reader = _Reader(tree, text)
    reader.notes.extend(notes)
    if tree.root is not None:
        try:
            reader.flow(reader.flatten(tree.root), 0)
        except _Budget:
            reader.notes.append("网页过大，只读取了前面的部分")
    if reader.tables == 0:
        where = f"the first {MAX_TAGS} tags of the page" if CUT_NOTE in notes else "the page"
        raise ReadError(name, f"no table in {where} (the report's tables 二, 三 and 四 are not HTML tables)")
    return SourceDocument(kind="html", blocks=reader.blocks, encoding=encoding, notes=reader.notes)

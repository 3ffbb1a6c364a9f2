"""The PDF backend: bytes → SourceDocument, through pypdfium2.

Why pypdfium2 alone: measured on the reports at hand, pdfium hands over characters with boxes and the
page's path segments (the table rulings) in 5–10 ms a page, where pdfplumber needs 100–150 ms a page
before any table finding (pdfminer parses every content stream in Python). The layout step itself — lines,
ruled and unruled tables — is shared with OCR in ``xxgk.formats.layout``.

What this module adds to layout: page geometry (rotation and crop box folded into one affine map to
y-down page points), characters → words, path segments → rulings, and OCR for pages without a text layer.
The steps over the whole document — running heads and page numbers dropped, a table cut by a page break
joined back into one — work on blocks alone and live in ``xxgk.formats.pages``.
"""

from __future__ import annotations

import ctypes
import math
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from xxgk.errors import ReadError
from xxgk.formats.base import BBox, Block, SourceDocument
from xxgk.formats.layout import Rulings, Word, words_to_blocks
from xxgk.formats.pages import drop_running_text, join_split_tables, join_wrapped_lines
from xxgk.formats.pdf_ocr import _has_text, _Ocr, _scan_cover, ocr_words

WORD_GAP = 0.6  # a gap wider than this share of the character height ends a word
MAX_STROKE = 3.0  # points: a filled shape thinner than this is a ruling, a thicker one a cell background


@dataclass
class Affine:
    """x' = a·x + c·y + e, y' = b·x + d·y + f: PDF user space → displayed page, points, y down."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        (x0, y0), (x1, y1) = self.apply(left, bottom), self.apply(right, top)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def page_affine(page: Any) -> Affine:
    """The page's own map from user space to what a viewer shows (rotation, crop box), probed from pdfium."""
    w, h = page.get_size()
    k = 64  # device pixels per point: FPDF_PageToDevice answers in whole pixels
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def probe(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(page, 0, 0, round(w * k), round(h * k), 0, x, y, dx, dy)
        return dx.value / k, dy.value / k

    o, px, py = probe(0, 0), probe(100, 0), probe(0, 100)
    return Affine(
        (px[0] - o[0]) / 100, (px[1] - o[1]) / 100, (py[0] - o[0]) / 100, (py[1] - o[1]) / 100, o[0], o[1]
    )


# --------------------------------------------------------------------------------------- characters


def page_chars(textpage: Any, tf: Affine) -> list[Word]:
    """Every drawn character with its box; spaces and line breaks (drawn or made up by pdfium) come back
    as ' '. The tight glyph box is kept only where the font's loose box is absurd (vertical fonts, where it
    runs far past the glyph): the loose box has the line's full height, so a flat 一 still sits on its line."""
    get_unicode, get_box = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetCharBox
    get_loose = pdfium_c.FPDFText_GetLooseCharBox
    a, b, c, d, e, f = tf.a, tf.b, tf.c, tf.d, tf.e, tf.f
    space = Word(" ", 0, 0, 0, 0)
    out: list[Word] = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = pdfium_c.FS_RECTF()
    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        ch = chr(get_unicode(textpage, i))
        if ch.isspace():
            out.append(space)
            continue
        get_box(textpage, i, left, right, bottom, top)
        l0, b0, r0, t0 = left.value, bottom.value, right.value, top.value
        if r0 <= l0 and t0 <= b0 and pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
            out.append(space)
            continue
        if get_loose(textpage, i, loose):
            size = 3 * max(r0 - l0, t0 - b0) + 2
            if loose.right - loose.left <= size and loose.top - loose.bottom <= size:
                l0, b0, r0, t0 = loose.left, loose.bottom, loose.right, loose.top
        xa, xb = a * l0 + c * b0 + e, a * r0 + c * t0 + e
        ya, yb = b * l0 + d * b0 + f, b * r0 + d * t0 + f
        x0, x1 = (xa, xb) if xa <= xb else (xb, xa)
        y0, y1 = (ya, yb) if ya <= yb else (yb, ya)
        if out and out[-1].text == ch and abs(out[-1].x0 - x0) < 1 and abs(out[-1].y0 - y0) < 1:
            continue  # fake bold: the same glyph drawn twice a hair apart
        out.append(Word(ch, x0, y0, x1, y1))
    return out


def chars_to_words(chars: list[Word], rulings: Rulings) -> list[Word]:
    """Characters → words: a word ends at a space, a wide gap, a turn of line, or a vertical ruling."""
    walls = sorted(rulings.vertical)
    words: list[Word] = []
    cur: list[Word] = []

    def flush() -> None:
        if cur:
            words.append(
                Word(
                    "".join(c.text for c in cur),
                    min(c.x0 for c in cur),
                    min(c.y0 for c in cur),
                    max(c.x1 for c in cur),
                    max(c.y1 for c in cur),
                )
            )
            cur.clear()

    for ch in chars:
        if ch.text == " ":
            flush()
            continue
        if cur:
            prev = cur[-1]
            h = max(ch.y1 - ch.y0, prev.y1 - prev.y0, 1e-6)
            inter = min(ch.y1, prev.y1) - max(ch.y0, prev.y0)
            gap = ch.x0 - prev.x1
            if (
                inter < 0.5 * min(ch.y1 - ch.y0, prev.y1 - prev.y0)
                or gap > WORD_GAP * h
                or gap < -WORD_GAP * h
                or _wall_between(walls, prev, ch)
            ):
                flush()
        cur.append(ch)
    flush()
    return words


def _wall_between(walls: list[tuple[float, float, float]], a: Word, b: Word) -> bool:
    lo, hi = min(a.x1, b.x0) - 0.5, max(a.x1, b.x0) + 0.5
    mid = (a.y0 + a.y1) / 2
    i = bisect_left(walls, (lo, -math.inf, -math.inf))
    while i < len(walls) and walls[i][0] <= hi:
        if walls[i][1] <= mid <= walls[i][2]:
            return True
        i += 1
    return False


# ------------------------------------------------------------------------------------------ rulings


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _matrix_of(obj: Any) -> Matrix:
    fs = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, fs):
        return _IDENTITY
    return (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)


def _paths(
    page: Any, form: Any = None, outer: Matrix = _IDENTITY, depth: int = 0
) -> Iterator[tuple[Any, Matrix]]:
    """Every path object of the page with the matrix of the forms around it, form XObjects included.

    Raw pdfium calls rather than ``page.get_objects``: the helper objects cost more than the drawing."""
    count = pdfium_c.FPDFFormObj_CountObjects(form) if form else pdfium_c.FPDFPage_CountObjects(page)
    for i in range(max(count, 0)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, i) if form else pdfium_c.FPDFPage_GetObject(page, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, outer
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 4:
            yield from _paths(page, obj, _compose(_matrix_of(obj), outer), depth + 1)


def _visible(obj: Any, stroke: bool) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    get = pdfium_c.FPDFPageObj_GetStrokeColor if stroke else pdfium_c.FPDFPageObj_GetFillColor
    if not get(obj, r, g, b, a):
        return True
    return a.value > 0 and min(r.value, g.value, b.value) < 235  # white lines separate nothing


def _path_points(obj: Any, m: Matrix) -> list[list[tuple[float, float]]]:
    """The path as subpaths of points in PDF user space (curves reduced to their end points)."""
    subs: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO or not subs:
            subs.append([])
        px, py = x.value, y.value
        subs[-1].append((m[0] * px + m[2] * py + m[4], m[1] * px + m[3] * py + m[5]))
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            subs[-1].append(subs[-1][0])
    return subs


def _thick(obj: Any) -> bool:
    """Whether a path's bounds are too wide and tall to be a border (checked before reading its points)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return False
    return right.value - left.value > MAX_STROKE and top.value - bottom.value > MAX_STROKE


def page_rulings(page: Any, tf: Affine) -> Rulings:
    """Straight lines a reader would see as table borders: stroked axis-aligned segments, and thin filled
    rectangles (how many word processors draw borders). Wide filled shapes are cell shading, not borders."""
    out = Rulings()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj, outer in _paths(page):
        if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke):
            continue
        if stroke.value and _visible(obj, True):
            for sub in _path_points(obj, _compose(_matrix_of(obj), outer)):
                pts = [tf.apply(px, py) for px, py in sub]
                for (x0, y0), (x1, y1) in pairwise(pts):
                    if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= 0.5:
                        out.horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                    elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= 0.5:
                        out.vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
        elif fill.value and (outer != _IDENTITY or not _thick(obj)) and _visible(obj, False):
            for sub in _path_points(obj, _compose(_matrix_of(obj), outer)):
                pts = [tf.apply(px, py) for px, py in sub]
                if len(pts) < 2:
                    continue
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                w, h = max(xs) - min(xs), max(ys) - min(ys)
                if h <= MAX_STROKE < w:
                    out.horizontal.append(((min(ys) + max(ys)) / 2, min(xs), max(xs)))
                elif w <= MAX_STROKE < h:
                    out.vertical.append(((min(xs) + max(xs)) / 2, min(ys), max(ys)))
    return out


def _page_words(page: Any, tf: Affine, rulings: Rulings, ocr: _Ocr, no: int, notes: list[str]) -> list[Word]:
    """The page's words: from the text layer, or by OCR where the page has none (or ``ocr == "always"``)."""
    textpage = page.get_textpage()
    try:
        chars = page_chars(textpage, tf)
    finally:
        textpage.close()
    text = _has_text(chars) and (sum(c.text != " " for c in chars) >= 40 or _scan_cover(page) < 0.5)
    if ocr.mode == "always" or (not text and ocr.mode == "auto"):
        fn = ocr.get(notes)
        if fn is not None:
            notes.append(f"page {no} read by OCR")
            return ocr_words(page, fn, rulings=rulings)
    if not text:
        notes.append(f"page {no} has no text layer")
        return []
    return chars_to_words(chars, rulings)


# ----------------------------------------------------------------------------------------- document


_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_FILE: "cannot be read",
    pdfium_c.FPDF_ERR_FORMAT: "not valid PDF syntax",
    pdfium_c.FPDF_ERR_PAGE: "a page cannot be loaded",
}


def _open(data: bytes, name: str) -> Any:
    """The document, or a one-line ReadError saying why it cannot be opened."""
    if b"%PDF-" not in data[:1024]:
        raise ReadError(name, "not a PDF file (no %PDF- header)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        raise ReadError(name, "encrypted PDF: it needs a password to open")
    if code == pdfium_c.FPDF_ERR_SECURITY:
        raise ReadError(name, "encrypted PDF: its security handler is not supported")
    if re.search(rb"/Count\s*0\b", data) and not re.search(rb"/Type\s*/Page\b", data):
        # pdfium refuses an empty page tree without an error code of its own (the last one lingers)
        raise ReadError(name, "a PDF with no pages")
    why = _LOAD_ERRORS.get(code or -1, "pdfium cannot load it")
    raise ReadError(name, f"corrupt or truncated PDF ({why})")


def read_pdf(data: bytes, name: str, *, ocr: str = "auto") -> SourceDocument:
    """A PDF's pages as blocks with page and box; pages without text are read by OCR when it is on."""
    if ocr not in ("auto", "always", "never"):
        raise ValueError(f"ocr must be auto, always or never, not {ocr!r}")
    pdf = _open(data, name)
    try:
        return _read(pdf, data, name, ocr)
    finally:
        pdf.close()


def _read(pdf: Any, data: bytes, name: str, mode: str) -> SourceDocument:
    if len(pdf) == 0:
        raise ReadError(name, "a PDF with no pages")
    doc = SourceDocument(kind="pdf")
    ocr = _Ocr(mode)
    pages: list[list[Block]] = []
    sizes: list[tuple[float, float]] = []
    table = 0
    for i in range(len(pdf)):
        try:
            page = pdf[i]
        except pdfium.PdfiumError:
            doc.notes.append(f"page {i + 1} cannot be loaded")
            pages.append([])
            sizes.append((1.0, 1.0))
            continue
        try:
            tf = page_affine(page)
            sizes.append(page.get_size())
            rulings = page_rulings(page, tf)
            words = _page_words(page, tf, rulings, ocr, i + 1, doc.notes)
            blocks = words_to_blocks(words, i + 1, rulings=rulings, table_base=table)
        finally:
            page.close()
        table = max([table - 1, *(b.table for b in blocks if b.table is not None)]) + 1
        pages.append(blocks)
    if not any(pages):
        why = ocr.why or "OCR found no text"
        raise ReadError(name, f"no page has a text layer (a scanned PDF?) and {why}")
    drop_running_text(pages, sizes)
    join_wrapped_lines(pages)
    join_split_tables(pages)
    doc.blocks = [b for blocks in pages for b in blocks]
    if b"%%EOF" not in data[-2048:]:
        doc.notes.append("the file does not end with %%EOF: it may be truncated")
    return doc

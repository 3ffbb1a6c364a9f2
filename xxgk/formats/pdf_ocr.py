"""PDF pages without a usable text layer: when to send a page to OCR, and OCR's words and ruled lines
mapped back to page points. The engine (xxgk.formats.ocr) is imported on the first page that needs it."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import pypdfium2.raw as pdfium_c

from xxgk.formats.layout import Rulings, Word

OCR_DPI = 300
OcrFn = Callable[[Any], "list[Word] | tuple[list[Word], Rulings | None]"]
"""``xxgk.formats.ocr.ocr_page(image)``: a Pillow RGB image of one page in, its words (and the ruled lines
it found) out, in that image's pixels (y down). A plain list of words is accepted too."""


def _load_ocr() -> tuple[OcrFn | None, str]:
    """The OCR engine, imported on first need: its model stays unloaded for PDFs that have text."""
    try:
        from xxgk.formats.ocr import ocr_page  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        return None, f"OCR is not available ({exc})"
    fn: OcrFn = ocr_page
    return fn, ""


def ocr_words(page: Any, ocr: OcrFn, dpi: int = OCR_DPI, rulings: Rulings | None = None) -> list[Word]:
    """The page rendered at ``dpi`` and read by OCR, the words mapped back to page points; the ruled lines
    OCR found in the image go into ``rulings`` (a scan has no drawn vector lines, and without them the
    table grid has to be guessed from gaps)."""
    scale = dpi / 72
    image = page.render(scale=scale).to_pil().convert("RGB")
    result = ocr(image)
    words, found = result if isinstance(result, tuple) else (result, None)
    if found is not None and rulings is not None and not (rulings.horizontal or rulings.vertical):
        rulings.horizontal.extend((y / scale, a / scale, b / scale) for y, a, b in found.horizontal)
        rulings.vertical.extend((x / scale, a / scale, b / scale) for x, a, b in found.vertical)
    return [Word(w.text, w.x0 / scale, w.y0 / scale, w.x1 / scale, w.y1 / scale) for w in words]


def _has_text(chars: list[Word]) -> bool:
    """Whether the text layer says something: not empty, and not mostly unmapped glyphs (no ToUnicode)."""
    real = [c.text for c in chars if c.text != " "]
    bad = sum(1 for t in real if t == "\ufffd" or "\ue000" <= t <= "\uf8ff" or t < " ")
    return len(real) > 0 and bad <= len(real) // 2


def _scan_cover(page: Any) -> float:
    """The share of the page the largest image covers: a scan with a page number stamped on as text
    still needs OCR."""
    width, height = page.get_size()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    best = 0.0
    for i in range(max(pdfium_c.FPDFPage_CountObjects(page), 0)):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(
            obj
        ) == pdfium_c.FPDF_PAGEOBJ_IMAGE and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            best = max(best, (right.value - left.value) * (top.value - bottom.value) / (width * height))
    return best


class _Ocr:
    """The OCR engine, loaded on the first page that needs it; ``why`` says why there is none."""

    fn: OcrFn | None = None
    tried: bool = False

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.why = "OCR is off" if mode == "never" else ""

    def get(self, notes: list[str]) -> OcrFn | None:
        if self.mode != "never" and not self.tried:
            self.tried = True
            self.fn, self.why = _load_ocr()
            if self.fn is None and self.mode == "always":
                notes.append(f"{self.why}: the text layer is read instead")
        return self.fn

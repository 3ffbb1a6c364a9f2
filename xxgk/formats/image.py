"""Images (PNG, JPEG, TIFF, BMP, GIF, WEBP) → a SourceDocument, by OCR of each page.

Reports reach us as scans and as long screenshots of a web page; either is only pixels, so every page goes
through ``xxgk.formats.ocr`` and the shared layout step (``layout.words_to_blocks``, then the page steps of
``pages``), exactly as a scanned PDF page does. A multi-page TIFF is a multi-page document.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from xxgk.errors import ReadError
from xxgk.formats.base import Block, SourceDocument
from xxgk.formats.layout import words_to_blocks
from xxgk.formats.pages import drop_running_text, join_split_tables, join_wrapped_lines

MAX_PAGES = 60  # a report runs to some twenty pages; OCR costs seconds a page, so a bound keeps it finite
OCR_OFF = "an image: OCR is needed and was turned off (--ocr never)"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@contextmanager
def _strict_size() -> Iterator[None]:
    """Pillow's decompression-bomb warning as an error (a bomb would exhaust memory before OCR could
    refuse it); its other warnings (corrupt EXIF, odd chunks) silenced: what matters is whether the pixels
    decode, and a broken image ends in a ReadError anyway."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def open_image(data: bytes, name: str) -> Image.Image:
    """The image, its header and pixel count checked (Pillow's limit, some 89 million pixels)."""
    try:
        with _strict_size():
            image = Image.open(BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError(name, f"image too large to read safely ({_one_line(exc)})") from None
    except UnidentifiedImageError:
        raise ReadError(name, "not a readable image (unknown or corrupt format)") from None
    except Exception as exc:  # a decoder fed hostile bytes raises anything (SyntaxError, struct.error …)
        raise ReadError(name, f"not a readable image ({_one_line(exc)})") from None
    return image


def _too_large(frame: Image.Image) -> bool:
    limit = Image.MAX_IMAGE_PIXELS
    return limit is not None and frame.width * frame.height > limit


def _pages(image: Image.Image, name: str) -> list[Image.Image]:
    """Each page decoded (a TIFF's pages; the first frame of anything animated), upright by its EXIF tag."""
    frames = ImageSequence.Iterator(image) if image.format == "TIFF" else [image]
    out: list[Image.Image] = []
    try:
        with _strict_size():
            for frame in frames:
                if len(out) == MAX_PAGES:
                    break
                if _too_large(frame):  # Pillow checks the first page only
                    raise Image.DecompressionBombError(f"{frame.width}x{frame.height} pixels")
                page = ImageOps.exif_transpose(frame.copy())
                page.load()
                out.append(page)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ReadError(name, f"image too large to read safely ({_one_line(exc)})") from None
    except Exception as exc:  # as in open_image; the pages decoded before a broken one still count
        if not out:
            raise ReadError(name, f"corrupt or truncated image ({_one_line(exc)})") from None
    return out


def read_image(data: bytes, name: str, *, ocr: str = "auto") -> SourceDocument:
    """An image's pages read by OCR; ReadError when OCR is off, the image is unreadable, or has no text."""
    if ocr not in ("auto", "always", "never"):
        raise ValueError(f"ocr must be auto, always or never, not {ocr!r}")
    if ocr == "never":
        raise ReadError(name, OCR_OFF)
    image = open_image(data, name)
    n_frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
    pages_in = _pages(image, name)
    try:
        from xxgk.formats.ocr import ocr_page
    except ImportError as exc:  # onnxruntime or the models missing from this install
        raise ReadError(name, f"an image, and OCR is not available here ({_one_line(exc)})") from None
    doc = SourceDocument(kind="image")
    pages: list[list[Block]] = []
    sizes: list[tuple[float, float]] = []
    table = 0
    for no, page in enumerate(pages_in, start=1):
        words, rulings = ocr_page(page)
        blocks = words_to_blocks(words, no, rulings=rulings, table_base=table)
        table = max([table - 1, *(b.table for b in blocks if b.table is not None)]) + 1
        pages.append(blocks)
        sizes.append((float(page.width), float(page.height)))
    if not any(pages):
        raise ReadError(name, "no text found in the image")
    drop_running_text(pages, sizes)
    join_wrapped_lines(pages)
    join_split_tables(pages)
    doc.blocks = [b for blocks in pages for b in blocks]
    many = f"{len(pages_in)} pages" if len(pages_in) > 1 else "the image"
    doc.notes.append(f"{many} read by OCR")
    if n_frames > len(pages_in):
        doc.notes.append(f"only the first {len(pages_in)} of {n_frames} pages were read")
    return doc

"""Which backend reads a file: recognised from its content (magic bytes, markup), not its name alone."""

from __future__ import annotations

import importlib
import zipfile
from io import BytesIO

from xxgk.errors import ReadError
from xxgk.formats.base import SourceDocument

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps (Word 97–2003, WPS)


def sniff(data: bytes, name: str = "") -> str:
    """One of pdf, docx, doc, html, image, text."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError):  # damaged or exotic zip
            return "docx" if name.lower().endswith(".docx") else "text"
        return "docx" if name.lower().endswith(".docx") else "zip"
    if head.startswith(_OLE):
        return "doc"
    if (
        head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8"))
        or head[8:12] == b"WEBP"
    ):
        return "image"
    low = head.lower()
    for marker in (b"<html", b"<!doctype html", b"<table", b"<body", b"<meta", b"<div", b"<p"):
        if marker in low or marker in _utf16_ascii(low):
            return "html"
    return "text"


def _utf16_ascii(head: bytes) -> bytes:
    return head.replace(b"\x00", b"")


# kind → (module, function); imported on first use so heavy dependencies stay with their format
BACKENDS: dict[str, tuple[str, str]] = {
    "html": ("xxgk.formats.html", "read_html"),
    "docx": ("xxgk.formats.docx", "read_docx"),
    "doc": ("xxgk.formats.docx", "read_doc"),
    "pdf": ("xxgk.formats.pdf", "read_pdf"),
    "image": ("xxgk.formats.image", "read_image"),
}


def read_document(data: bytes, name: str, kind: str, *, ocr: str = "auto") -> SourceDocument:
    if kind == "zip":
        raise ReadError(name, "a zip archive that is not a Word document")
    module, func = BACKENDS[kind]
    try:
        backend = getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise ReadError(name, f"reading {kind} files is not available here ({exc})") from None
    try:
        doc: SourceDocument = backend(data, name, ocr=ocr)
    except ReadError:
        raise
    except (MemoryError, RecursionError, ValueError, OSError, KeyError, IndexError, TypeError) as exc:
        # A file that breaks a parser must not break a batch; the reason says it was the reader's failure.
        detail = " ".join(str(exc).split())[:160]
        raise ReadError(name, f"internal error reading {kind}: {type(exc).__name__}: {detail}") from None
    return doc

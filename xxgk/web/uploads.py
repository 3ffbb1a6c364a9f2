"""An uploaded file, taken in: bounded in size, its type recognised from its bytes, its name only a label.

The name the browser sends never reaches the file system: it is cut to its last path part, stripped of
control characters and shortened, and used only as the report's ``source.path`` and in messages. The
type is what the bytes say (``xxgk.formats.registry.sniff``), whatever the name or Content-Type claims;
archives, executables and other binaries are refused before any reader sees them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import UploadFile

from xxgk.api import parse_bytes
from xxgk.formats.registry import sniff
from xxgk.model.report import Report
from xxgk.web.errors import ApiError

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024  # a scanned PDF of a long report runs to tens of MB
KINDS = ("text", "html", "docx", "doc", "pdf", "image")  # what sniff may say that a reader accepts
_BINARY_MAGIC = (
    b"\x7fELF",
    b"MZ",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xfd7zXZ",
    b"\xca\xfe\xba\xbe",
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Upload:
    name: str  # a label, never a path
    data: bytes
    kind: str


def safe_name(filename: str | None) -> str:
    """The browser's file name reduced to a harmless label: last path part, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip()
    return (name or "upload")[:120]


def sniff_kind(data: bytes, name: str) -> str:
    """The reader this upload goes to; ApiError 415 for what no reader takes."""
    if not data:
        raise ApiError(422, "unreadable", f"cannot read {name}: empty file")
    kind = sniff(data, name)
    if kind not in KINDS or data.startswith(_BINARY_MAGIC):
        what = "a zip archive that is not a Word document" if kind == "zip" else "not a report format"
        raise ApiError(
            415,
            "unsupported_type",
            f"cannot read {name}: {what} (accepted: text, Markdown, HTML, DOCX/DOC/WPS, PDF, images)",
        )
    return kind


def read_upload(upload: UploadFile, limit: int) -> Upload:
    """The whole upload, read with a bound (the app's body limit stops it earlier; this guards the file)."""
    name = safe_name(upload.filename)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", f"cannot read {name}: larger than the limit of {limit // 2**20} MiB")
    return Upload(name, data, sniff_kind(data, name))


class ParseSlots:
    """At most ``n`` reports are read at once: a burst of large PDFs queues instead of exhausting memory."""

    def __init__(self, n: int) -> None:
        self._sem = threading.BoundedSemaphore(max(1, n))

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._sem:
            yield


def parse_upload(upload: Upload, ocr: str, slots: ParseSlots) -> Report:
    """Read the report (ReadError with a one-line reason when it is none)."""
    with slots.hold():
        return parse_bytes(upload.data, upload.name, ocr=ocr)

"""The public entry points: read a report from a path, bytes or text; check it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from xxgk.errors import ReadError
from xxgk.extract.gcpause import gc_paused
from xxgk.extract.pipeline import parse_text
from xxgk.formats.base import LinePlaces, locate, to_text
from xxgk.formats.registry import read_document, sniff
from xxgk.formats.text import MAX_FILE_BYTES, decode, too_large
from xxgk.model.report import Report, SourceDoc


def parse(source: str | Path | bytes, *, name: str | None = None, ocr: str = "auto") -> Report:
    """A Report from a file path, raw bytes, or the text itself.

    A str is taken as a path when it names an existing file, otherwise as the report's text.
    Raises ReadError (with a one-line reason) when the input cannot be read as a report at all.
    """
    if isinstance(source, Path) or (isinstance(source, str) and _is_file(source)):
        path = Path(source)
        try:
            if not path.is_file():
                raise ReadError(str(path), "a folder, not a file" if path.is_dir() else "no such file")
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:  # refuse before reading: memory stays bounded
                raise ReadError(str(path), too_large(size, MAX_FILE_BYTES))
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(str(path), (exc.strerror or str(exc)).lower()) from None
        return parse_bytes(data, name or str(path), ocr=ocr)
    if isinstance(source, bytes):
        return parse_bytes(source, name or "<bytes>", ocr=ocr)
    if _looks_like_path(source):
        raise ReadError(source, "no such file")
    return _from_text(source, SourceDoc(path=name, kind=_kind(name or "", source)), name or "<text>")


def _is_file(s: str) -> bool:
    if "\n" in s or len(s) > 1024:
        return False
    try:
        return Path(s).is_file()
    except (OSError, ValueError):  # too long for a file name, or a NUL in it: it is text
        return False


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _looks_like_path(s: str) -> bool:
    """A short one-line string that has a file suffix or no Chinese at all names a file (one that does not
    exist), not a report's text: every report is Chinese, and a one-line one runs to thousands of characters."""
    if "\n" in s or len(s) >= 1024:
        return False
    return bool(Path(s).suffix) or "/" in s or not _CJK.search(s)


def parse_bytes(data: bytes, name: str, *, ocr: str = "auto") -> Report:
    """A Report from a file's bytes; the format is recognised from the content.

    `ocr`: "auto" reads pages without a text layer by OCR, "always" every page, "never" none.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(name, too_large(len(data), MAX_FILE_BYTES))
    kind = sniff(data, name)
    digest = hashlib.sha256(data).hexdigest()
    if kind == "text":
        text, encoding = decode(data, name)
        return _from_text(
            text, SourceDoc(path=name, kind=_kind(name, text), encoding=encoding, sha256=digest), name
        )
    doc = read_document(data, name, kind, ocr=ocr)
    text, places = to_text(doc)
    report = _from_text(text, SourceDoc(path=name, kind=doc.kind, encoding=doc.encoding, sha256=digest), name)
    report.notes.extend(doc.notes)
    return attach_places(report, places)


def attach_places(report: Report, places: list[LinePlaces]) -> Report:
    """Give every place in the report the page and box its line came from (PDF, image, DOCX, HTML)."""
    for detail in report.details.values():
        detail.place = locate(detail.place, places)
    for section in report.sections:
        section.place = locate(section.place, places)
    for info in report.tables.values():
        info.place = locate(info.place, places)
        for ev in info.events:
            ev.place = locate(ev.place, places)
    report.places = {k: locate(v, places) for k, v in report.places.items()}
    return report


def _from_text(text: str, doc: SourceDoc, name: str) -> Report:
    if not text.strip():
        raise ReadError(name, "empty file")
    with gc_paused():
        report = parse_text(text, doc)
    if not _looks_like_report(report):
        raise ReadError(
            name,
            "not a government information disclosure annual report (no sections or tables of the format found)",
        )
    return report


def _looks_like_report(report: Report) -> bool:
    found_tables = sum(1 for t in report.tables.values() if t.found)
    return (
        len(report.sections) >= 2
        or found_tables >= 2
        or ("信息公开" in report.text[:5000] and found_tables >= 1)
    )


def _kind(name: str, text: str) -> str:
    if name.endswith((".md", ".markdown")) or text.count("\n|") > 5:
        return "markdown"
    return "text"

"""Which files a command reads: the paths given, and report files found under folders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

REPORT_SUFFIXES = {
    ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".shtml", ".docx", ".doc", ".wps", ".pdf",
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp",
}  # fmt: skip


def iter_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given (any name), and under folders the report files, sorted, hidden ones skipped."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    f.is_file()
                    and f.suffix.lower() in REPORT_SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                ):
                    yield f
        else:
            yield p

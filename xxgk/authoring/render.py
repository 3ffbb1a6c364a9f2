"""``xxgk render``: check the draft, then write the report in the official layout, or refuse.

The checker runs on the draft's own figures first: the draft is rendered as text, read back by the
extractor for the sections, period and prose the rules look at, and its 200 cells are set to the draft's
exactly, so every finding is about the data and none about reading it. An error-severity finding
stands → nothing is written unless ``force``; either way the findings are returned for listing.
All formats are rendered in memory before any file is written, and each file is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.api import parse
from xxgk.authoring.atomic import write_atomic
from xxgk.authoring.draft import Draft
from xxgk.catalogue import cell_keys
from xxgk.check import check, has_errors
from xxgk.model.finding import Finding
from xxgk.model.report import CellDetail
from xxgk.render.docx import render_docx
from xxgk.render.html import render_html
from xxgk.render.pdf import MissingFontError, render_pdf
from xxgk.render.text import ReportData, format_number, render_text

FORMATS: dict[str, str] = {"docx": ".docx", "pdf": ".pdf", "html": ".html", "md": ".md"}


class RenderError(Exception):
    """The report cannot be written (no CJK font for a PDF, an output that would replace the input)."""


@dataclass
class Rendered:
    findings: list[Finding]
    written: list[Path] = field(default_factory=list)
    refused: bool = False  # an error-severity finding stood and force was not given


def render_bytes(data: ReportData, fmt: str) -> bytes:
    """The report in one of FORMATS: docx, pdf (page numbers under each page), html (UTF-8), md."""
    if fmt == "docx":
        return render_docx(data)
    if fmt == "pdf":
        try:
            return render_pdf(data, footers=True)
        except MissingFontError as exc:
            raise RenderError(str(exc)) from None
    if fmt == "html":
        return render_html(data).encode("utf-8")
    if fmt == "md":
        return render_text(data, "markdown").encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def review(data: ReportData) -> list[Finding]:
    """The checker's findings on the draft's figures and text, most severe first."""
    report = parse(render_text(data, "markdown"), name="draft.md")
    for key in cell_keys():
        want = data.cells.get(key)
        got = report.cells.get(key)
        if got != want or type(got) is not type(want):
            report.cells[key] = want
            report.details[key] = CellDetail(
                raw=format_number(want),
                status="number" if want is not None else "blank",
                place=report.detail(key).place,
            )
    # places point into the text rendered for the check, which nobody sees: the cells name the place
    return [f.model_copy(update={"place": None}) for f in check(report)]


def output_paths(draft: Draft, formats: Sequence[str], out_dir: Path | None) -> list[Path]:
    source = Path(draft.source)
    folder = out_dir if out_dir is not None else source.parent
    paths = [folder / f"{source.stem}{FORMATS[fmt]}" for fmt in formats]
    for p in paths:
        if p.exists() and source.exists() and p.resolve() == source.resolve():
            raise RenderError(f"{p} would replace the input; give another folder with --out")
    return paths


def render_draft(
    draft: Draft, formats: Sequence[str], out_dir: Path | None = None, *, force: bool = False
) -> Rendered:
    """Check, then write ``<input stem>.<ext>`` per format into ``out_dir`` (default: beside the input)."""
    formats = list(dict.fromkeys(formats))  # --to docx --to docx writes one file
    findings = review(draft.data)
    if has_errors(findings) and not force:
        return Rendered(findings, refused=True)
    paths = output_paths(draft, formats, out_dir)
    blobs = [render_bytes(draft.data, fmt) for fmt in formats]
    for path, blob in zip(paths, blobs, strict=True):
        write_atomic(path, blob)
    return Rendered(findings, paths)

"""Report data → PDF the way agencies really make one: the HTML page printed by Chromium, the DOCX exported
by LibreOffice, and either printout scanned back to page images.

``tests/pdf_fixtures.py`` draws PDFs itself, which pins exactly what the backend must handle; a real
printer adds what nobody drew on purpose — tables broken over pages wherever they fall, merged cells whose
text runs on past the break, paragraphs wrapped at the margin, borders as filled rectangles or stroked
paths, fonts subset and reencoded. The sources are ``xxgk.render.html.render_html`` and
``xxgk.render.docx.render_docx`` unchanged; the printers are Debian's ``chromium`` and LibreOffice's
``soffice``, each run headless with a fresh profile in a temporary folder (so concurrent runs never share
a lock), killed with its whole process group when it overruns its time. Tests skip when one is missing.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from xxgk.render.docx import render_docx
from xxgk.render.html import render_html
from xxgk.render.text import ReportData

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
TIMEOUT = 90.0  # seconds: a cold start of either printer on a loaded two-core machine takes a few


class PrintError(RuntimeError):
    """A printer that failed, overran its time or wrote no PDF."""


def chromium() -> str | None:
    """Debian's Chromium (``apt-get install chromium``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def soffice() -> str | None:
    """LibreOffice (``apt-get install libreoffice-writer-nogui``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def run_printer(cmd: list[str], timeout: float) -> None:
    """Run a printer in its own session; on overrun, kill the session's every process (a browser leaves
    helpers behind) and say so."""
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise PrintError(f"{Path(cmd[0]).name} did not finish in {timeout:.0f} s") from None
    if proc.returncode != 0:
        tail = " ".join(err.decode("utf-8", "replace").split())[-300:]
        raise PrintError(f"{Path(cmd[0]).name} exited with {proc.returncode}: {tail}")


def _read_pdf(path: Path, printer: str) -> bytes:
    if not path.is_file() or not path.read_bytes().startswith(b"%PDF-"):
        raise PrintError(f"{printer} wrote no PDF")
    return path.read_bytes()


def print_html(html: str, *, timeout: float = TIMEOUT) -> bytes:
    """An HTML page printed to PDF by headless Chromium (A4, its default margins, no header or footer)."""
    exe = chromium()
    if exe is None:
        raise PrintError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-print-") as tmp:
        page, out, profile = Path(tmp, "report.html"), Path(tmp, "report.pdf"), Path(tmp, "profile")
        page.write_text(html, encoding="utf-8")
        run_printer(
            [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri()],
            timeout,
        )
        return _read_pdf(out, "chromium")


def print_docx(docx: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """A DOCX exported to PDF by headless LibreOffice Writer."""
    exe = soffice()
    if exe is None:
        raise PrintError("soffice is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-print-") as tmp:
        src, profile = Path(tmp, "report.docx"), Path(tmp, "profile")
        src.write_bytes(docx)
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
        run_printer([*cmd, "--convert-to", "pdf", "--outdir", tmp, str(src)], timeout)
        return _read_pdf(Path(tmp, "report.pdf"), "soffice")


def chromium_pdf(data: ReportData) -> bytes:
    """The report's HTML page (``render_html``) as Chromium prints it."""
    return print_html(render_html(data))


def writer_pdf(data: ReportData) -> bytes:
    """The report's DOCX (``render_docx``) as LibreOffice exports it."""
    return print_docx(render_docx(data))


def rasterise(pdf: bytes, *, dpi: int = 150) -> list[Image.Image]:
    """Each page of a PDF as a greyscale Pillow image at ``dpi``, rendered by pdfium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def scanned(pdf: bytes, seed: int, *, dpi: int = 150) -> bytes:
    """The printout scanned back: every page rasterised, given a scan's noise (``raster.noisy``: rotation
    up to 1°, blur, JPEG artefacts) and stored as an image-only PDF, as a scanner driver saves it."""
    from raster import noisy

    rng = random.Random(seed)
    pages = [noisy(page, rng).convert("RGB") for page in rasterise(pdf, dpi=dpi)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()

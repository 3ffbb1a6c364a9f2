"""``xxgk show --cell`` for a PDF or image: a PNG of the page around the cell, its box drawn in red.

A clerk who doubts a number wants to see the printed table, not our reading of it; the place every cell
carries (page and box, in PDF points or image pixels) is enough to cut that picture out of the source.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from xxgk.model.report import Place, Report

DPI = 150
BAND = 110.0  # points of page kept above and below the cell, so its row label and header show
RED = (220, 30, 30)


def _page_image(path: Path, kind: str, page: int, scale: float) -> Any:
    """The page as a Pillow image at ``scale`` pixels per unit of the place's boxes."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path.read_bytes())
        try:
            return pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
    from PIL import Image

    with Image.open(path) as im:
        im.seek(max(page - 1, 0))
        return im.convert("RGB")  # image backends give boxes in pixels: scale is 1


def crop_png(path: Path, kind: str, place: Place, out: Path, *, dpi: int = DPI) -> Path:
    """Write the page band around ``place.bbox`` to ``out`` with the box outlined; returns ``out``."""
    from PIL import ImageDraw

    if place.page is None or place.bbox is None:
        raise ValueError("the place has no page and box")
    scale = dpi / 72 if kind == "pdf" else 1.0
    image = _page_image(path, kind, place.page, scale)
    x0, y0, x1, y1 = (v * scale for v in place.bbox)
    ImageDraw.Draw(image).rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), outline=RED, width=3)
    band = BAND * scale if kind == "pdf" else BAND * 2
    top, bottom = max(0, round(y0 - band)), min(image.height, round(y1 + band))
    image.crop((0, top, image.width, bottom)).save(out, format="PNG")
    return out


def show_crop(console: Console, path: Path, report: Report, key: str, png: Path | None) -> None:
    """Write the crop for one cell (to ``png`` or a temporary file) and print where it went."""
    if report.source.kind not in ("pdf", "image"):
        if png is not None:
            console.print(f"（{report.source.kind} 文件没有页面图像，未生成 PNG）", markup=False)
        return
    place = report.detail(key).place
    if place is None or place.page is None or place.bbox is None:
        console.print("（该单元格没有页面位置，未生成 PNG）", markup=False)
        return
    if png is None:
        with tempfile.NamedTemporaryFile(prefix=f"xxgk-{key}-", suffix=".png", delete=False) as tmp:
            png = Path(tmp.name)
    crop_png(path, report.source.kind, place, png)
    console.print(f"第{place.page}页 {tuple(round(v, 1) for v in place.bbox)}  图：{png}", markup=False)

"""``xxgk show --cell`` for a PDF or image: a PNG of the page around the cell, its box drawn in red.

A clerk who doubts a number wants to see the printed table, not our reading of it; the place every cell
carries (page and box, in PDF points or image pixels) is enough to cut that picture out of the source.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console

from xxgk.crop import DPI, crop_png_bytes
from xxgk.model.report import Place, Report


def crop_png(path: Path, kind: str, place: Place, out: Path, *, dpi: int = DPI) -> Path:
    """Write the page band around ``place.bbox`` to ``out`` with the box outlined; returns ``out``."""
    out.write_bytes(crop_png_bytes(path.read_bytes(), kind, place, dpi=dpi))
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

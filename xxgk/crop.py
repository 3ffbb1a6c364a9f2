"""A picture of where a cell was read: the page of a PDF or image cut around the cell's box, the box in red.

A clerk who doubts a number wants to see the printed table, not our reading of it; the place every cell
carries (page and box, in PDF points or image pixels) is enough to cut that picture out of the source.
Works on bytes, so the command line (``xxgk show --png``) and the web app (``POST /api/v1/crop``) share it.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from xxgk.model.report import Place

DPI = 150
BAND = 110.0  # points of page kept above and below the cell, so its row label and header show
RED = (220, 30, 30)


def page_image(data: bytes, kind: str, page: int, scale: float) -> Any:
    """The page as a Pillow image at ``scale`` pixels per unit of the place's boxes."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"no page {page} (the file has {len(pdf)})")
            return pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
    from PIL import Image

    with Image.open(BytesIO(data)) as im:
        try:
            im.seek(max(page - 1, 0))
        except EOFError:
            raise ValueError(f"no page {page} in the image") from None
        return im.convert("RGB")  # image backends give boxes in pixels: scale is 1


def crop_png_bytes(data: bytes, kind: str, place: Place, *, dpi: int = DPI) -> bytes:
    """PNG bytes of the page band around ``place.bbox`` with the box outlined.

    Raises ValueError when the place has no page and box or the page does not exist."""
    from PIL import ImageDraw

    if place.page is None or place.bbox is None:
        raise ValueError("the place has no page and box")
    scale = dpi / 72 if kind == "pdf" else 1.0
    image = page_image(data, kind, place.page, scale)
    x0, y0, x1, y1 = (v * scale for v in place.bbox)
    ImageDraw.Draw(image).rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), outline=RED, width=3)
    band = BAND * scale if kind == "pdf" else BAND * 2
    top, bottom = max(0, round(y0 - band)), min(image.height, round(y1 + band))
    top = min(top, max(bottom - 1, 0))  # a box off the page still gives a (thin) picture, not an error
    out = BytesIO()
    image.crop((0, top, image.width, max(bottom, top + 1))).save(out, format="PNG")
    return out.getvalue()

"""The PDFs the PDF tests read: ``xxgk.render.pdf`` (fpdf2 + a system CJK font, tables in the official layout).

Kept as the tests' one import so they name the font they skip without and the renderer they draw with.
"""

from __future__ import annotations

from pathlib import Path

from xxgk.render.pdf import WQY_FONT, cjk_font, render_pdf

_found = cjk_font()
FONT: Path = _found[0] if _found else WQY_FONT

__all__ = ["FONT", "render_pdf"]

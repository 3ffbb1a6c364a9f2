"""Workbooks as a clerk leaves them: ``xxgk new``'s form with the input cells typed in, totals left to
their formulas, and a way to spoil one cell the way people do (text, a negative, an overwritten total)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import openpyxl

from xxgk.authoring import new_workbook
from xxgk.authoring.layout import TEXT, TEXT_FIRST_ROW, table_layouts
from xxgk.authoring.prefill import Prefill
from xxgk.authoring.relations import TOTALS

Value = int | float | None


def is_input(key: str) -> bool:
    return key not in TOTALS


def fill(
    book: bytes,
    cells: Mapping[str, Value],
    *,
    sections: Mapping[int, str] | None = None,
    edits: Mapping[tuple[str, str], object] | None = None,
    skip: frozenset[str] = frozenset(),
) -> bytes:
    """``book`` with every input cell (not the totals, not ``skip``) set from ``cells``, then ``edits``
    ((sheet, coordinate) → value) applied over anything, formulas included."""
    wb = openpyxl.load_workbook(io.BytesIO(book))
    for name, layout in table_layouts().items():
        for key, coord in layout.cells.items():
            if is_input(key) and key not in skip:
                wb[name][coord] = cells[key]
    for index, text in (sections or {}).items():
        wb[TEXT][f"C{TEXT_FIRST_ROW + index - 1}"] = text
    for (sheet, coord), value in (edits or {}).items():
        wb[sheet][coord] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled_workbook(
    cells: Mapping[str, Value],
    *,
    agency: str = "某某县某某镇人民政府",
    year: int = 2024,
    previous: Prefill | None = None,
    **options: object,
) -> bytes:
    return fill(new_workbook(agency, year, previous=previous), cells, **options)  # type: ignore[arg-type]

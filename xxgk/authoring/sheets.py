"""Read a filled-in workbook back into report data, trusting no cell it has not checked.

The labels must stand where ``xxgk new`` put them (figures are read by position, so a moved row would
shift them silently); every figure must be a number, never negative, and a count whole. openpyxl does
not compute formulas, so each is evaluated here (``formula.py``) from the cells it names; when the
spreadsheet program that last saved the file cached a result, the two must agree.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from xxgk.authoring.draft import FEE_KEY, Draft, Value, number, paragraphs, with_fee_statement
from xxgk.authoring.formula import FormulaError, evaluate
from xxgk.authoring.layout import (
    INFO,
    INFO_ROWS,
    SHEETS,
    TEXT,
    TEXT_FIRST_ROW,
    SheetLayout,
    table_layouts,
    text_sheet,
)
from xxgk.catalogue import SECTION_TITLES, cell_keys, cell_labels
from xxgk.errors import ReadError
from xxgk.render.text import ReportData


def _same(a: object, b: str) -> bool:
    return "".join(str(a or "").split()) == "".join(b.split())


class _Book:
    """The workbook twice over, its formulas and the results a spreadsheet cached, read one cell at a time."""

    def __init__(self, data: bytes, source: str) -> None:
        self.source = source
        try:
            self.formulas: Workbook = load_workbook(io.BytesIO(data))
            self.cached: Workbook = load_workbook(io.BytesIO(data), data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file: all mean "cannot read"
            reason = " ".join(str(exc).split())[:120] or type(exc).__name__
            raise ReadError(source, f"not a readable .xlsx workbook ({reason})") from None
        missing = [s for s in SHEETS if s not in self.formulas.sheetnames]
        if missing:
            has = "、".join(self.formulas.sheetnames) or "none"
            raise ReadError(
                source, f"no sheet '{missing[0]}' (the workbook has: {has}); `xxgk new` writes the form"
            )
        self.memo: dict[tuple[str, str, bool], Value] = {}
        self.busy: set[tuple[str, str]] = set()

    def raw(self, sheet: str, coord: str) -> Any:
        return self.formulas[sheet][coord].value

    def value(self, sheet: str, coord: str, *, whole: bool = True) -> Value:
        """The figure in a cell: a checked number, or a formula's result; None for an empty cell."""
        at = (sheet, coord, whole)
        if at in self.memo:
            return self.memo[at]
        raw = self.raw(sheet, coord)
        if isinstance(raw, str) and raw.startswith("="):
            result = self._formula(sheet, coord, raw, whole)
        else:
            result = number(raw, self.source, f"{sheet}!{coord}", whole=whole)
        self.memo[at] = result
        return result

    def _formula(self, sheet: str, coord: str, formula: str, whole: bool) -> Value:
        at, where = (sheet, coord), f"{sheet}!{coord}"
        if at in self.busy:
            raise ReadError(self.source, f"{where}: formula {formula} refers back to itself")
        cached = self.cached[sheet][coord].value
        self.busy.add(at)
        try:
            computed: Value = evaluate(formula, lambda ref: self.value(sheet, ref, whole=False))
        except FormulaError:
            if cached is None:
                raise ReadError(
                    self.source,
                    f"{where}: formula {formula} is beyond what xxgk evaluates (numbers, cells, SUM, +, -) and "
                    "the file holds no computed result; open and save it in a spreadsheet program",
                ) from None
            computed = None
        finally:
            self.busy.discard(at)
        if computed is None:
            return number(cached, self.source, where, whole=whole)
        if isinstance(cached, int | float) and not isinstance(cached, bool) and abs(cached - computed) > 1e-9:
            raise ReadError(
                self.source,
                f"{where}: formula {formula} gives {computed:g} but the file shows {cached:g}; "
                "open and save it in a spreadsheet program to recalculate",
            )
        return number(computed, self.source, f"{where} ({formula})", whole=whole)

    def check_labels(self, layout: SheetLayout) -> None:
        for label in layout.labels:
            found = self.raw(layout.name, label.anchor)
            if not _same(found, label.text):
                raise ReadError(
                    self.source,
                    f"{layout.name}!{label.anchor}: expected '{label.text}', found '{found or ''}' "
                    "(figures are read by position: restore the form's rows and columns)",
                )


def _info(book: _Book) -> tuple[str, int, float]:
    (agency_row, _), (year_row, _), (fee_row, _) = (
        INFO_ROWS[k] for k in ("agency", "year", "processing_fee")
    )
    agency = " ".join(str(book.raw(INFO, f"B{agency_row}") or "").split())
    if not agency:
        raise ReadError(book.source, f"{INFO}!B{agency_row}: the agency name (机关名称) is empty")
    year = book.value(INFO, f"B{year_row}")
    if year is None or not 2000 <= year <= 2100:
        raise ReadError(book.source, f"{INFO}!B{year_row}: the year (报告年度) must be a year such as 2025")
    fee = book.value(INFO, f"B{fee_row}", whole=False)
    if fee is None:
        raise ReadError(
            book.source, f"{INFO}!B{fee_row}: the 信息处理费 is empty; enter 0 when none was charged"
        )
    return agency, int(year), float(fee)


def read_workbook(data: bytes, source: str) -> Draft:
    """A workbook written by ``xxgk new`` (and filled in) → report data, each figure's place kept."""
    book = _Book(data, source)
    layouts = table_layouts()
    for layout in [*layouts.values(), text_sheet()]:
        book.check_labels(layout)
    agency, year, fee = _info(book)
    cells: dict[str, Value] = {}
    places: dict[str, str] = {}
    for name, layout in layouts.items():
        for key, coord in layout.cells.items():
            try:
                cells[key] = book.value(name, coord, whole=key != FEE_KEY)
            except ReadError as exc:
                raise ReadError(source, f"{exc.reason} ({cell_labels()[key]})") from None
            places[key] = f"{name}!{coord}"
    sections: dict[int, str] = {}
    for i in range(len(SECTION_TITLES)):
        text = paragraphs(str(book.raw(TEXT, f"C{TEXT_FIRST_ROW + i}") or ""))
        if text:
            sections[i + 1] = text
    assert set(cells) == set(cell_keys())
    report = ReportData(
        agency, year, {k: cells[k] for k in cell_keys()}, with_fee_statement(sections, fee), fee
    )
    return Draft(report, source, "workbook", places)

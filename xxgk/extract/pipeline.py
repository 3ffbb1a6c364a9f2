"""Text → Report: the chain of small steps, each pure, each testable on its own.

sections → table regions → tables 二, 三, 四 → identity (agency, year, period) → layout version.
"""

from __future__ import annotations

from typing import Any

from xxgk.catalogue import cell_keys
from xxgk.extract.atoms import Atom, borders_survive
from xxgk.extract.document import Document
from xxgk.extract.meta import is_legacy, read_meta
from xxgk.extract.regions import find_regions
from xxgk.extract.sections import Heading, find_headings
from xxgk.extract.table2 import read_table2
from xxgk.extract.table3 import read_table3
from xxgk.extract.table4 import read_table4
from xxgk.extract.tables import TableResult
from xxgk.model.report import Agency, Place, Report, Section, SourceDoc, TableInfo
from xxgk.region import locate

EXTRACTOR_VERSION = "1"
_T3_ROW_TOTALS = tuple(k for k in cell_keys() if k.startswith("t3.") and k.endswith(".total"))
_LEGACY_NOTE = "旧版（2019年过渡格式或更早）报表，不对应2021年格式的200个单元格"


def _sections(doc: Document, headings: list[Heading]) -> list[Section]:
    out: list[Section] = []
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(doc.text)
        out.append(
            Section(
                index=h.index,
                numeral=h.numeral,
                title=h.title,
                standard=h.standard,
                text=doc.text[h.end : end].strip(),
                place=doc.place(h.start, end),
            )
        )
    return out


def _table(doc: Document, atoms: list[Atom] | None, reader: str, spaced: bool) -> TableResult:
    if atoms is None:
        return TableResult({"t2": "二", "t3": "三", "t4": "四"}[reader])
    if reader == "t2":
        return read_table2(atoms, doc.text, spaced=spaced)
    if reader == "t3":
        return read_table3(atoms, spaced=spaced)
    return read_table4(atoms, spaced=spaced)


def parse_text(text: str, source: SourceDoc | None = None) -> Report:
    """Read one report's text. Never raises for odd content: what it cannot read stays null and says so."""
    doc = Document(text.replace("\r\n", "\n").replace("\r", "\n"))
    headings = find_headings(doc.text)
    sections = _sections(doc, headings)
    regions = find_regions(doc.text, headings)
    spans = {name: getattr(regions, name) for name in ("t2", "t3", "t4")}
    atoms = {name: doc.atoms(*span) if span is not None else None for name, span in spans.items()}
    spaced = borders_survive([a for table in atoms.values() if table for a in table])
    results = {name: _table(doc, atoms[name], name, spaced) for name in spans}
    meta = read_meta(doc.text, doc.lines)
    legacy = is_legacy(doc.text, meta.year, results["t3"].found)

    keys = cell_keys()
    cells: dict[str, int | float | None] = dict.fromkeys(keys)  # the canonical order; None where unread
    details: dict[str, dict[str, Any]]
    # one dict shared by every unread cell: it is only read (validated into a CellDetail each), never changed
    if legacy:
        details = dict.fromkeys(keys, {"status": "absent", "note": _LEGACY_NOTE})  # noqa: RUF024
    else:
        details = dict.fromkeys(keys, {"status": "absent"})  # noqa: RUF024
        for res in results.values():
            cells.update(res.values)
            details.update(res.details)

    tables = {}
    for name, res in results.items():
        span = getattr(regions, name)
        tables[res.table] = TableInfo(
            found=res.found,
            place=doc.place(*span) if span and span[1] > span[0] else None,
            columns=res.columns,
            events=[] if legacy else res.events,
        )
    region = locate(meta.agency or "")
    agency = Agency(
        name=meta.agency,
        level=region.level,
        province=region.province,
        city=region.city,
        county=region.county,
        division_code=region.code,
    )
    t3_rows = sum(1 for k in _T3_ROW_TOTALS if details[k]["status"] != "absent")
    version = "legacy" if legacy else "2021" if t3_rows >= 20 else "unknown"
    src = source or SourceDoc()
    src.lines = len(doc.lines)
    # One bulk validation of the plain dicts is far cheaper than building 200 models one by one.
    return Report.model_validate(
        dict(
            agency=agency,
            year=meta.year,
            title_year=meta.title_year,
            published=meta.published,
            period=meta.period,
            format_version=version,
            sections=sections,
            tables=tables,
            cells=cells,
            details=details,
            source=src,
            extractor_version=EXTRACTOR_VERSION,
            notes=[_LEGACY_NOTE] if legacy else [],
            text=doc.text,
            places={
                "agency": Place(line=meta.agency_line) if meta.agency_line else None,
                "period": Place(line=meta.period_line) if meta.period_line else None,
            },
        )
    )

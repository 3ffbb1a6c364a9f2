"""What ``xxgk render`` (and ``xxgk new --previous``) read: the workbook, YAML, the interchange JSON of
``xxgk parse --json``, or any report xxgk parses — each turned into a ``Draft``.

YAML is for programs that generate reports::

    agency: 隆德县联财镇人民政府
    year: 2025
    processing_fee: 0          # 信息处理费, 元
    cells: {t3.new.natural_person: 3, ...}   # the keys of FORMAT.md; a total left out is computed
    sections: {1: "……", 5: "……"}              # 1–6 (or 一–六); a section left out is generated

The interchange JSON re-issues a report xxgk has read: its cells as they are (null stays blank and the
checker says so), its sections' prose without the tables' text, and no fee statement made up for it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import yaml

from xxgk.api import parse_bytes
from xxgk.authoring.draft import FEE_KEY, Draft, Value, number, paragraphs, with_fee_statement
from xxgk.authoring.relations import fill_totals
from xxgk.authoring.sheets import read_workbook
from xxgk.catalogue import SECTION_NUMERALS, SECTION_TITLES, cell_keys
from xxgk.errors import ReadError
from xxgk.formats.text import MAX_FILE_BYTES, too_large
from xxgk.model.report import Report
from xxgk.render.text import ReportData


def load(path: Path) -> Draft:
    """The draft in a file, its kind recognised from the content (and .yaml/.yml for YAML)."""
    source = str(path)
    try:
        if not path.is_file():
            raise ReadError(source, "a folder, not a file" if path.is_dir() else "no such file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ReadError(source, too_large(path.stat().st_size, MAX_FILE_BYTES))
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(source, (exc.strerror or str(exc)).lower()) from None
    return load_bytes(data, source)


def _is_workbook(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def load_bytes(data: bytes, source: str) -> Draft:
    if _is_workbook(data) or (data.startswith(b"PK") and source.lower().endswith((".xlsx", ".xlsm"))):
        return read_workbook(data, source)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if source.lower().endswith((".yaml", ".yml")):
        return from_mapping(_yaml(data, source), source, "yaml")
    if source.lower().endswith(".json") or head.startswith(b"{"):
        return from_mapping(_json(data, source), source, "json")
    report = parse_bytes(data, source)
    return from_report(report.to_dict(), source, "report")


def _json(data: bytes, source: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReadError(source, "JSON that is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ReadError(source, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _yaml(data: bytes, source: str) -> Any:
    try:
        return yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReadError(source, "YAML that is not UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ReadError(source, f"not valid YAML ({problem}{where})") from None


def from_mapping(obj: Any, source: str, kind: str) -> Draft:
    """An authoring mapping (agency as a name) or a report in the interchange shape (agency as an object)."""
    if not isinstance(obj, dict):
        raise ReadError(source, f"expected a mapping with agency, year and cells, found {type(obj).__name__}")
    if isinstance(obj.get("report"), dict):
        return from_report(obj["report"], source, kind)
    if isinstance(obj.get("agency"), dict):
        return from_report(obj, source, kind)
    return _authored(obj, source, kind)


def _agency_year(name: Any, year: Any, source: str) -> tuple[str, int]:
    if not isinstance(name, str) or not name.strip():
        raise ReadError(source, "agency: the agency's name is missing")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ReadError(source, f"year: expected a year such as 2025, found {year!r}")
    return " ".join(name.split()), year


def _cells(raw: Any, source: str) -> dict[str, Value]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ReadError(source, "cells: expected a mapping of cell keys to numbers")
    known = set(cell_keys())
    out: dict[str, Value] = {}
    for key, value in raw.items():
        if key not in known:
            raise ReadError(source, f"cells: unknown cell key {key!r} (the keys are listed in cells.json)")
        out[key] = number(value, source, f"cells.{key}", whole=key != FEE_KEY)
    return out


_SECTION_INDEX = {
    **{str(i): i for i in range(1, 7)},
    **{n: i for i, n in enumerate(SECTION_NUMERALS, start=1)},
    **{t: i for i, t in enumerate(SECTION_TITLES, start=1)},
}


def _authored(obj: dict[str, Any], source: str, kind: str) -> Draft:
    agency, year = _agency_year(obj.get("agency"), obj.get("year"), source)
    given = _cells(obj.get("cells"), source)
    cells = fill_totals({k: given.get(k) for k in cell_keys()}, set(given))
    fee_raw = obj.get("processing_fee")
    fee = number(fee_raw, source, "processing_fee", whole=False)
    raw_sections = obj.get("sections") or {}
    if not isinstance(raw_sections, dict):
        raise ReadError(source, "sections: expected a mapping of 1–6 to text")
    sections: dict[int, str] = {}
    for name, text in raw_sections.items():
        index = _SECTION_INDEX.get(str(name).strip())
        if index is None:
            raise ReadError(source, f"sections: unknown section {name!r} (use 1–6)")
        if text is not None and paragraphs(str(text)):
            sections[index] = paragraphs(str(text))
    data = ReportData(
        agency, year, cells, with_fee_statement(sections, fee), float(fee) if fee is not None else 0
    )
    return Draft(data, source, kind)


# where a table's text starts inside a section's text, as the readers leave it there
_TABLE_START = re.compile(
    r"第二十条第|信息内容|本列数据|申请人情况|行政复议[\s|]*行政诉讼|^\s*\|", re.MULTILINE
)


def prose(text: str, index: int) -> str:
    """A section's own words: for sections 二–四, the text before the table's text begins."""
    if index in (2, 3, 4):
        m = _TABLE_START.search(text)
        if m is not None:
            text = text[: m.start()].rstrip(" \t\n#|（(")
    # a line of only markup (a heading's "##", a table rule) is what a converter left, not prose
    return paragraphs("\n".join(ln for ln in text.splitlines() if ln.strip(" #|*-—:")))


def from_report(obj: dict[str, Any], source: str, kind: str) -> Draft:
    """A report in the interchange shape of FORMAT.md §4 (``Report.to_dict()``) → a draft to re-issue."""
    try:
        report = Report.model_validate(obj)
    except ValueError as exc:
        first = str(exc).splitlines()
        raise ReadError(
            source, f"not a report in the interchange shape ({first[0] if first else exc})"
        ) from None
    agency, year = _agency_year(report.agency.name, report.year, source)
    cells = {k: number(report.cells.get(k), source, f"cells.{k}", whole=k != FEE_KEY) for k in cell_keys()}
    sections: dict[int, str] = {}
    for section in report.sections:
        if section.index is not None and section.index not in sections:
            text = prose(section.text, section.index)
            if text:
                sections[section.index] = text
    data = ReportData(agency, year, cells, with_fee_statement(sections, None))
    return Draft(data, source, kind)

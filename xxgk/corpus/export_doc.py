"""The export schema as Markdown (docs/export.md), generated from the column lists ``export`` writes."""

from __future__ import annotations

from xxgk.catalogue import cell_specs
from xxgk.corpus.export import FINDING_COLUMNS, FORMATS
from xxgk.corpus.frame import IDENTITY_COLUMNS

IDENTITY_DOC: dict[str, tuple[str, str]] = {
    "report_id": (
        "text",
        "the stored derivation: a hash of the document, extractor version and rules version",
    ),
    "agency_key": (
        "text",
        "the body: division code + normalised name, after the alias file (`xxgk agencies`)",
    ),
    "agency": (
        "text",
        "the body's name as the store knows it (first printed, or as the alias file names it)",
    ),
    "printed_name": ("text", "the name as this report prints it"),
    "province": ("text", "省级 division of the body, when its name settles it"),
    "city": ("text", "地级 division (empty for 直辖市 districts and province-run units)"),
    "county": ("text", "县级 division"),
    "level": ("text", "province, city, county, township, department or unknown"),
    "year": ("integer", "the report's year"),
    "format_version": (
        "text",
        "`2021` (国办公开办函〔2021〕30号) or `legacy` (earlier layouts: cells all empty)",
    ),
    "kind": ("text", "the source form: text, markdown, html, docx, pdf or image"),
    "path": ("text", "where the document was first read"),
    "sha256": ("text", "of the document's bytes"),
    "errors": ("integer", "error findings, the report's own and the cross-report (history) ones"),
    "warnings": ("integer", "warning findings, likewise"),
}

FINDING_DOC: dict[str, tuple[str, str]] = {
    "report_id": ("text", "the report it belongs to (a row of the reports table)"),
    "scope": ("text", "`report` (the report's own checks) or `history` (across years of one body)"),
    "rule": ("text", "the rule id (docs/rules.md)"),
    "severity": ("text", "error, warning or info"),
    "message": ("text", "the finding in Chinese, as a clerk reads it"),
    "cells": ("list of text", "the cell keys concerned (CSV and XLSX: joined by `;`)"),
    "section": ("integer", "the report section (1–6) concerned, if any"),
    "table": ("text", "the table (二, 三, 四) concerned, if any"),
    "place": (
        "JSON",
        "where in the source: line/col or page/bbox (a JSON object; text in CSV, XLSX, Parquet)",
    ),
    "data": ("JSON", "the rule's details, e.g. the figures compared (same encoding as `place`)"),
    "ord": ("integer", "the finding's order within its report and scope"),
}

HEADER = f"""# Export schema

Generated from `xxgk/corpus/export.py` and `export_doc.py` by `xxgk export --markdown`; do not edit by hand
(`tests/test_corpus_export.py` fails when this file is out of date). This schema is stable: columns are
never renamed, removed or reordered; a new identity column would come after `warnings`, a new findings
column at the end.

`xxgk export --format {"|".join(FORMATS)} [--out DIR]` writes two tables — `reports.<fmt>` and
`findings.<fmt>`, or for `xlsx` one `export.xlsx` with the sheets `reports` and `findings` — each file
under a temporary name first and then moved into place.

## reports: one row per current report

The current report of a document is its newest derivation (after `xxgk recheck`). The same body and year
stored twice (say as PDF and as HTML) gives two rows. Rows are ordered by province, agency, year, path.

Values: a null cell (blank, placeholder, unreadable, a column the table lacks) is empty in CSV and XLSX
and `null` in JSON and Parquet — never 0. Whole numbers are written as integers in CSV, JSON and XLSX;
Parquet keeps the store's type (DOUBLE) for all 200 cells, so an invalid count such as 1.5 survives
unchanged everywhere. CSV is UTF-8 with a header row; JSON is an array of objects.

| # | column | type | meaning |
|---|---|---|---|
"""


def export_markdown() -> str:
    lines = [HEADER.rstrip("\n")]
    for i, name in enumerate(IDENTITY_COLUMNS, start=1):
        typ, doc = IDENTITY_DOC[name]
        lines.append(f"| {i} | `{name}` | {typ} | {doc} |")
    for i, spec in enumerate(cell_specs(), start=len(IDENTITY_COLUMNS) + 1):
        label = spec["label"].replace("|", "\\|")
        lines.append(f"| {i} | `{spec['key']}` | {spec['type']} | 表{spec['table']} {label} |")
    lines += [
        "",
        "## findings: one row per finding of a current report",
        "",
        "Ordered as the reports, then the report's own findings before the cross-report ones.",
        "",
        "| # | column | type | meaning |",
        "|---|---|---|---|",
    ]
    for i, name in enumerate(FINDING_COLUMNS, start=1):
        typ, doc = FINDING_DOC[name]
        lines.append(f"| {i} | `{name}` | {typ} | {doc} |")
    return "\n".join(lines) + "\n"

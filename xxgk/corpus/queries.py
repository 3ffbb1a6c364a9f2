"""Reading the store: lists with filters, one report as the CLI prints it, one agency with its years.

Everything returns plain dicts in the shapes of ``xxgk check --json`` and the interchange JSON, so the
CLI, the web app and the HTTP API show the same thing.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from xxgk.catalogue import cell_keys
from xxgk.corpus.codec import unpack
from xxgk.corpus.frame import conditions, dicts, where_clause

LEVELS = ("province", "city", "county", "township", "department", "unknown")

_LIST_SQL = """
SELECT r.report_id AS id, r.agency_key, coalesce(a.name, r.agency_name) AS agency, r.agency_name AS printed_name,
       a.province, a.city, a.county, a.level, r.year, r.format_version,
       r.errors + coalesce(h.errors, 0) AS errors, r.warnings + coalesce(h.warnings, 0) AS warnings,
       d.path, r.kind, r.sha256
FROM current_reports r
JOIN documents d USING (sha256)
LEFT JOIN agencies a ON a.agency_key = r.agency_key
LEFT JOIN (SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS errors,
                  count(*) FILTER (WHERE severity = 'warning') AS warnings
           FROM findings WHERE scope = 'history' GROUP BY report_id) h ON h.report_id = r.report_id
"""


def _filters(
    region: str | None,
    year: int | None,
    level: str | None,
    with_errors: bool | None,
    agency: str | None,
) -> tuple[str, list[Any]]:
    where, params = conditions(year=year, region=region, level=level, geo="a.", at="r.")
    if with_errors is not None:
        where.append(("" if with_errors else "NOT ") + "(r.errors + coalesce(h.errors, 0) > 0)")
    if agency:
        where.append("(r.agency_key = ? OR coalesce(a.name, r.agency_name) LIKE ? OR r.agency_name LIKE ?)")
        params += [agency, f"%{agency}%", f"%{agency}%"]
    return where_clause(where), params


def _place(line: Any, col: Any, end_col: Any, end_line: Any, page: Any, bbox: Any) -> dict[str, Any] | None:
    if (
        line is None
        and col is None
        and end_col is None
        and end_line is None
        and page is None
        and bbox is None
    ):
        return None
    return {"line": line, "col": col, "end_col": end_col, "end_line": end_line, "page": page, "bbox": bbox}


def _findings(con: duckdb.DuckDBPyConnection, report_id: str) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT rule, severity, message, cells, section, tbl, place, data, scope FROM findings "
        "WHERE report_id = ? ORDER BY scope = 'history', ord",
        [report_id],
    ).fetchall()
    out = []
    for rule, severity, message, cells, section, tbl, place, data, scope in rows:
        f: dict[str, Any] = {
            "rule": rule,
            "severity": severity,
            "message": message,
            "cells": list(cells or []),
        }
        if section is not None:
            f["section"] = section
        if tbl is not None:
            f["table"] = tbl
        if place:
            f["place"] = json.loads(place)
        f["data"] = json.loads(data) if data else {}
        if scope != "report":
            f["scope"] = scope
        out.append(f)
    return out


class StoreReads:
    """The read side of ``Store`` (mixed in; uses only ``self.con``)."""

    con: duckdb.DuckDBPyConnection

    def list_reports(
        self,
        *,
        region: str | None = None,
        year: int | None = None,
        level: str | None = None,
        with_errors: bool | None = None,
        agency: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Current reports (newest derivation per document), filtered; errors include cross-report ones."""
        where, params = _filters(region, year, level, with_errors, agency)
        sql = _LIST_SQL + where + " ORDER BY a.province NULLS LAST, agency, r.year, d.path"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return dicts(self.con.execute(sql, params))

    def count_reports(
        self,
        *,
        region: str | None = None,
        year: int | None = None,
        level: str | None = None,
        with_errors: bool | None = None,
        agency: str | None = None,
    ) -> int:
        where, params = _filters(region, year, level, with_errors, agency)
        row = self.con.execute(f"SELECT count(*) FROM ({_LIST_SQL}{where})", params).fetchone()
        return int(row[0]) if row else 0

    def get_report(self, report_id: str) -> dict[str, Any] | None:
        """``{"id", "file", "report", "findings"}``: the report exactly as parsed, with every finding."""
        row = self.con.execute(
            "SELECT r.body, d.path FROM reports r JOIN documents d USING (sha256) WHERE r.report_id = ?",
            [report_id],
        ).fetchone()
        if row is None:
            return None
        report = unpack(row[0])
        rows = self.con.execute(
            "SELECT key, raw, status, line, col, end_col, end_line, page, bbox, alternatives, note "
            "FROM cells WHERE report_id = ?",
            [report_id],
        ).fetchall()
        by_key = {r[0]: r for r in rows}
        details = {}
        for key in cell_keys():
            r = by_key.get(key)
            if r is None:
                continue
            _, raw, status, line, col, end_col, end_line, page, bbox, alts, note = r
            details[key] = {
                "raw": raw or "",
                "status": status,
                "place": _place(line, col, end_col, end_line, page, list(bbox) if bbox is not None else None),
                "alternatives": json.loads(alts) if alts else [],
                "note": note or "",
            }
        items = list(report.items())  # put details back where the model has them: right after cells
        at = next((i + 1 for i, (k, _) in enumerate(items) if k == "cells"), len(items))
        report = dict([*items[:at], ("details", details), *items[at:]])
        return {"id": report_id, "file": row[1], "report": report, "findings": _findings(self.con, report_id)}

    def agency(self, agency_key: str) -> dict[str, Any] | None:
        """One body: its names, region, aliases and its current reports by year (with history findings)."""
        a = self.con.execute("SELECT * FROM agencies WHERE agency_key = ?", [agency_key]).fetchone()
        if a is None:
            return None
        names = [d[0] for d in self.con.execute("SELECT * FROM agencies LIMIT 0").description or []]
        out: dict[str, Any] = dict(zip(names, a, strict=True))
        out["aliases"] = [
            r[0]
            for r in self.con.execute(
                "SELECT alias FROM agency_aliases WHERE agency_key = ? ORDER BY alias", [agency_key]
            ).fetchall()
        ]
        out["printed_names"] = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT agency_name FROM current_reports WHERE agency_key = ? AND agency_name IS NOT NULL "
                "ORDER BY 1",
                [agency_key],
            ).fetchall()
        ]
        out["reports"] = self.list_reports(agency=agency_key, limit=None)
        out["history_findings"] = dicts(
            self.con.execute(
                "SELECT r.year, f.report_id, f.rule, f.severity, f.message, f.cells FROM findings f "
                "JOIN current_reports r USING (report_id) WHERE f.scope = 'history' AND r.agency_key = ? "
                "ORDER BY r.year, f.ord",
                [agency_key],
            )
        )
        return out

    def find_agencies(self, name: str) -> list[dict[str, Any]]:
        """Agencies whose key, name, alias or a printed name contains ``name``."""
        return dicts(
            self.con.execute(
                "SELECT DISTINCT a.agency_key, a.name, a.province, a.city, a.county, a.level FROM agencies a "
                "LEFT JOIN current_reports r ON r.agency_key = a.agency_key "
                "LEFT JOIN agency_aliases al ON al.agency_key = a.agency_key "
                "WHERE a.agency_key = ? OR a.name LIKE ? OR r.agency_name LIKE ? OR al.alias LIKE ? "
                "ORDER BY a.agency_key",
                [name, f"%{name}%", f"%{name}%", f"%{name}%"],
            )
        )

    def summary(self) -> dict[str, int]:
        """Counts for a status line: documents, unreadable ones, current reports, agencies, findings."""
        q = {
            "documents": "SELECT count(*) FROM documents",
            "unreadable": "SELECT count(DISTINCT sha256) FROM read_errors WHERE sha256 NOT IN "
            "(SELECT sha256 FROM reports)",
            "reports": "SELECT count(*) FROM current_reports",
            "agencies": "SELECT count(DISTINCT agency_key) FROM current_reports",
            "history_findings": "SELECT count(*) FROM findings WHERE scope = 'history'",
        }
        out = {}
        for k, sql in q.items():
            row = self.con.execute(sql).fetchone()
            out[k] = int(row[0]) if row else 0
        return out

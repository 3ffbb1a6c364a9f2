"""Cross-report rules over the whole store: every agency's consecutive years, checked pair by pair.

The rules are the ones ``xxgk check --previous`` runs (``xxgk.rules.history``); this module only finds the
pairs and the pairs that can fail. DuckDB does the scan (which consecutive-year pairs have a carried-over
or in-force relation that does not hold) over millions of cells in one query; only the pairs it flags are
rebuilt as reports and handed to the rule functions, which write the findings. A test keeps the SQL
filter and the rules in agreement, so the rules stay the one definition.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xxgk.catalogue import T3_COLUMNS, t3_key
from xxgk.corpus.frame import values_sql
from xxgk.corpus.store import Store, finding_rows
from xxgk.model.report import CellDetail, Place, Report
from xxgk.rules import RULES, Context

HISTORY_RULES = ("history.carry_mismatch", "history.in_force_mismatch")
_KINDS = ("regulations", "normative")
CARRY = [(t3_key("carried_over", c), t3_key("carried_forward", c)) for c, _ in T3_COLUMNS]
IN_FORCE = [(f"t2.{k}.in_force", f"t2.{k}.made", f"t2.{k}.repealed") for k in _KINDS]
NOW_KEYS = [now for now, _ in CARRY] + [k for triple in IN_FORCE for k in triple]
PREV_KEYS = [then for _, then in CARRY] + [f"t2.{k}.in_force" for k in _KINDS]


def _col(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


def _pairs_sql() -> str:
    """Consecutive-year pairs of one agency whose relations can fail, with the relations written out."""
    keys = sorted(set(NOW_KEYS) | set(PREV_KEYS))
    carry = " OR ".join(
        f"(n.{_col(now)} IS NOT NULL AND p.{_col(then)} IS NOT NULL AND n.{_col(now)} <> p.{_col(then)})"
        for now, then in CARRY
    )
    in_force = " OR ".join(
        f"(n.{_col(now)} IS NOT NULL AND n.{_col(made)} IS NOT NULL AND n.{_col(rep)} IS NOT NULL "
        f"AND p.{_col(now)} IS NOT NULL AND p.{_col(now)} + n.{_col(made)} - n.{_col(rep)} <> n.{_col(now)})"
        for now, made, rep in IN_FORCE
    )
    return f"""
    WITH pick AS (
      SELECT report_id, agency_key, year FROM current_reports
      WHERE agency_key IS NOT NULL AND year IS NOT NULL AND format_version = '2021'
      QUALIFY row_number() OVER (PARTITION BY agency_key, year ORDER BY errors, report_id) = 1
    ),
    pairs AS (
      SELECT n.report_id AS now_id, p.report_id AS prev_id, n.year AS year
      FROM pick n JOIN pick p ON p.agency_key = n.agency_key AND p.year = n.year - 1
    ),
    v AS ({values_sql(keys, "SELECT now_id AS report_id FROM pairs UNION SELECT prev_id FROM pairs")})
    SELECT pairs.now_id, pairs.prev_id, pairs.year
    FROM pairs JOIN v n ON n.report_id = pairs.now_id JOIN v p ON p.report_id = pairs.prev_id
    WHERE ({carry}) OR ({in_force})
    ORDER BY pairs.now_id
    """


def _count_pairs(store: Store) -> int:
    row = store.con.execute(
        """
        WITH pick AS (
          SELECT agency_key, year FROM current_reports
          WHERE agency_key IS NOT NULL AND year IS NOT NULL AND format_version = '2021'
          GROUP BY agency_key, year)
        SELECT count(*) FROM pick n JOIN pick p ON p.agency_key = n.agency_key AND p.year = n.year - 1
        """
    ).fetchone()
    return int(row[0]) if row else 0


_Row = tuple[Any, ...]  # key, value, raw, status, line, col, end_col, end_line, page, bbox


def _cell_rows(store: Store, ids: list[str]) -> dict[str, list[_Row]]:
    """The cells the history rules read, of the reports ``ids``, as plain rows grouped by report.

    Kept as rows, not reports: a report is built when its pair is checked and dropped after, so the
    writer holds a few hundred bytes per cell rather than validated models for every flagged report at
    once (~190 MB at 100,000 reports with 3% of pairs flagged)."""
    rows = store.con.execute(
        "SELECT report_id, key, value, raw, status, line, col, end_col, end_line, page, bbox FROM cells "
        "WHERE report_id IN (SELECT unnest(?)) AND key IN (SELECT unnest(?))",
        [ids, sorted(set(NOW_KEYS) | set(PREV_KEYS))],
    ).fetchall()
    out: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row[1:])
    return out


def _partial_report(rows: list[_Row], year: int | None) -> Report:
    """A report holding just the cells the history rules read, with their places (for the findings)."""
    cells: dict[str, Any] = {}
    details: dict[str, CellDetail] = {}
    for key, value, raw, status, line, col, end_col, end_line, page, bbox in rows:
        cells[key] = int(value) if value is not None and float(value).is_integer() else value
        place = None
        if line is not None or page is not None:
            place = Place(
                line=line,
                col=col,
                end_col=end_col,
                end_line=end_line,
                page=page,
                bbox=tuple(bbox) if bbox else None,
            )
        details[key] = CellDetail(raw=raw or "", status=status, place=place)
    return Report.model_construct(year=year, cells=cells, details=details)


@dataclass(frozen=True)
class HistoryResult:
    pairs: int
    flagged: int
    findings: int


def run_history(store: Store) -> HistoryResult:
    """Replace the store's cross-report findings with a fresh derivation, in one transaction."""
    flagged = store.con.execute(_pairs_sql()).fetchall()
    n_pairs = _count_pairs(store)
    ids = sorted({r[0] for r in flagged} | {r[1] for r in flagged})
    cells = _cell_rows(store, ids) if ids else {}
    rows: list[tuple[Any, ...]] = []
    for now_id, prev_id, year in flagged:
        ctx = Context(_partial_report(cells[now_id], year), _partial_report(cells[prev_id], year - 1))
        found = []
        for rule_id in HISTORY_RULES:
            for f in RULES[rule_id].fn(ctx):
                d = f.to_dict()
                d["data"] = {**d.get("data", {}), "previous_report": prev_id}
                found.append(d)
        rows.extend(finding_rows(now_id, "history", found))
    count = store.con.execute("SELECT count(*) FROM current_reports").fetchone()
    with store.transaction():
        store.con.execute("DELETE FROM findings WHERE scope = 'history'")
        store.insert_findings(rows)
        store.con.execute(
            "INSERT INTO history_runs VALUES (?, ?, ?, ?)",
            [datetime.now(UTC).replace(tzinfo=None), int(count[0]) if count else 0, n_pairs, len(rows)],
        )
    return HistoryResult(pairs=n_pairs, flagged=len(flagged), findings=len(rows))


def history_findings(store: Store) -> list[dict[str, Any]]:
    """The stored cross-report findings, for listing: agency, year, rule, message, cells."""
    cur = store.con.execute(
        "SELECT r.agency_key, r.year, f.report_id, f.rule, f.severity, f.message, f.cells, f.data "
        "FROM findings f JOIN current_reports r USING (report_id) WHERE f.scope = 'history' "
        "ORDER BY r.agency_key, r.year, f.ord"
    )
    names = [d[0] for d in cur.description or []]
    out = []
    for row in cur.fetchall():
        d = dict(zip(names, row, strict=True))
        d["data"] = json.loads(d["data"]) if d["data"] else {}
        d["cells"] = list(d["cells"] or [])
        out.append(d)
    return out

"""The rows every analysis reads: current reports with their identity, and chosen cells as columns.

Statistics, comparisons, coverage and exports must agree on what "a report of body X in year Y" is, so
the SQL lives here once. ``identity_sql`` is every current report (the newest derivation of each stored
document) with the columns ``xxgk reports`` shows; ``one_per_body_year`` keeps one of them per body and
year — the same pick as the cross-year rules (fewest errors, then report id) — because the same report
stored twice (say as PDF and as HTML) must not be counted twice. ``values_sql`` pivots just the cells a
query needs, and far faster than the ``report_values`` view even for all 200 (see ``values_sql``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

IDENTITY_COLUMNS: tuple[str, ...] = (
    "report_id",
    "agency_key",
    "agency",
    "printed_name",
    "province",
    "city",
    "county",
    "level",
    "year",
    "format_version",
    "kind",
    "path",
    "sha256",
    "errors",
    "warnings",
)

_IDENTITY = """
SELECT r.report_id, r.agency_key, coalesce(a.name, r.agency_name) AS agency, r.agency_name AS printed_name,
       a.province, a.city, a.county, a.level, r.year, r.format_version, r.kind, d.path, r.sha256,
       r.errors + coalesce(h.errors, 0) AS errors, r.warnings + coalesce(h.warnings, 0) AS warnings,
       r.errors AS report_errors, a.division_code
FROM current_reports r
JOIN documents d USING (sha256)
LEFT JOIN agencies a ON a.agency_key = r.agency_key
LEFT JOIN (SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS errors,
                  count(*) FILTER (WHERE severity = 'warning') AS warnings
           FROM findings WHERE scope = 'history' GROUP BY report_id) h ON h.report_id = r.report_id
"""


def col(key: str) -> str:
    """A cell key (or any name) as a quoted SQL identifier."""
    return '"' + key.replace('"', '""') + '"'


def identity_sql() -> str:
    """Every current report with the identity columns (plus ``report_errors`` and ``division_code``)."""
    return _IDENTITY


def one_per_body_year(source: str) -> str:
    """``source``'s rows reduced to one per (agency, year); a report without an agency stands alone."""
    return (
        f"SELECT * FROM ({source}) QUALIFY row_number() OVER "
        "(PARTITION BY coalesce(agency_key, report_id), year ORDER BY report_errors, report_id) = 1"
    )


def conditions(
    *,
    year: int | None = None,
    region: str | None = None,
    level: str | None = None,
    geo: str = "",
    at: str = "",
) -> tuple[list[str], list[Any]]:
    """The conditions behind every region/year/level filter (``xxgk reports``, stats, coverage), so they all
    mean the same; ``geo`` and ``at`` prefix the region/level columns and the year column (``a.``, ``r.``)."""
    where: list[str] = []
    params: list[Any] = []
    if region:
        where.append(
            f"({geo}province LIKE ? OR {geo}city LIKE ? OR {geo}county LIKE ? OR {geo}division_code LIKE ?)"
        )
        params += [f"%{region}%"] * 3 + [f"{region}%"]
    if year is not None:
        where.append(f"{at}year = ?")
        params.append(year)
    if level:
        where.append(f"{geo}level = ?")
        params.append(level)
    return where, params


def where_clause(where: Sequence[str]) -> str:
    return (" WHERE " + " AND ".join(where)) if where else ""


def filters(
    *, year: int | None = None, region: str | None = None, level: str | None = None
) -> tuple[str, list[Any]]:
    """A WHERE clause over identity columns, with the same meaning as ``xxgk reports``' filters."""
    where, params = conditions(year=year, region=region, level=level)
    return where_clause(where), params


def values_sql(keys: Sequence[str], ids: str) -> str:
    """One row per report id of the subquery ``ids``, with the cells ``keys`` as DOUBLE columns.

    Each report's values are gathered into one list in the order of ``keys`` and read back by position:
    in DuckDB 2.0 that is ~30x faster than a ``max(value) FILTER (WHERE key = …)`` per column (a store
    of 10,000 reports pivots in ~2 s instead of ~75 s). A report lacking some key (never written by
    the store, but possible) falls back to looking each position up.
    """
    arr = "[" + ", ".join(f"'{k}'" for k in keys) + "]"
    n = len(keys)
    cols = ", ".join(
        f"CASE WHEN len(ix) = {n} THEN l[{i}] ELSE l[list_position(ix, {i})] END AS {col(k)}"
        for i, k in enumerate(keys, start=1)
    )
    return (
        f"SELECT report_id, {cols} FROM (SELECT c.report_id, list(c.value ORDER BY k.i) AS l, "
        f"list(k.i ORDER BY k.i) AS ix FROM cells c "
        f"JOIN (SELECT unnest({arr}) AS key, generate_subscripts({arr}, 1) AS i) k USING (key) "
        f"WHERE c.report_id IN (SELECT report_id FROM ({ids})) GROUP BY c.report_id)"
    )


def dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def unique(keys: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(keys))

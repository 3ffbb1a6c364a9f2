"""Statistics over the store: reports, totals and derived metrics by region, level and year.

One SQL query does the work in DuckDB, so 100,000 reports cost about as much as one scan of the cells
they need. What is counted:

- the current reports of the 2021 format (a legacy-layout report has none of the 200 cells), one per body
  and year (``frame.one_per_body_year``), filtered by year, region and level as ``xxgk reports`` filters;
- per group: ``reports``, the sum of each of ``metrics.MAIN_TOTALS`` (a null cell adds nothing), and each
  metric as the ratio of the group's sums (see ``metrics``: Σ numerator / Σ denominator);
- ``rank`` (only when one metric is asked for): 1 for the highest value, ties sharing a rank, counted
  within each year when the grouping has the year and something else; a group of fewer than
  ``min_group`` reports, or whose metric is null, is listed but not ranked — a 100 % rate from two
  reports says nothing about an office;
- when the grouping includes the year: each group against the previous year of the same group
  (``previous_year``, ``change.<column>``) and ``jumps``, the columns whose change is a jump
  (``metrics.is_jump``); metric jumps are flagged only when both years have at least ``min_group`` reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xxgk.corpus.frame import col, dicts, filters, identity_sql, one_per_body_year, unique, values_sql
from xxgk.corpus.metrics import MAIN_TOTALS, METRICS, Metric, is_jump, resolve
from xxgk.corpus.store import Store

GROUPINGS: tuple[str, ...] = ("province", "city", "county", "level", "year")
DEFAULT_MIN_GROUP = 5


def _grouping(by: str | Sequence[str] | None) -> tuple[str, ...]:
    parts = [by] if isinstance(by, str) else list(by or ())
    dims = unique(p.strip() for part in parts for p in part.split(",") if p.strip())
    for d in dims:
        if d not in GROUPINGS:
            raise ValueError(f"cannot group by {d!r}; use one or more of {', '.join(GROUPINGS)}")
    return dims


def stats(
    store: Store,
    by: str | Sequence[str] | None = ("province",),
    metric: str | None = None,
    *,
    year: int | None = None,
    region: str | None = None,
    level: str | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
) -> list[dict[str, Any]]:
    """One dict per group: its grouping values, ``reports``, the main totals and the metrics (see above)."""
    dims = _grouping(by)
    chosen: list[Metric] = [resolve(metric)] if metric else list(METRICS.values())
    keys = unique((*MAIN_TOTALS, *(k for m in chosen for k in m.inputs)))
    where, params = filters(year=year, region=region, level=level)
    base = one_per_body_year(
        f"SELECT * FROM ({identity_sql()}) {where or 'WHERE TRUE'} AND format_version = '2021'"
    )
    dim_cols = ", ".join(f"b.{d}" for d in dims)
    sums = ", ".join(f"sum(v.{col(k)}) AS {col(k)}" for k in MAIN_TOTALS)
    rates = ", ".join(f"{m.group_sql('v')} AS {col(m.id)}" for m in chosen)
    sql = (
        f"WITH b AS ({base}), v AS ({values_sql(keys, 'SELECT report_id FROM b')}) "
        f"SELECT {dim_cols + ', ' if dims else ''}count(*) AS reports, {sums}, {rates} "
        f"FROM b LEFT JOIN v USING (report_id)"
        + (f" GROUP BY {dim_cols} ORDER BY {', '.join(f'{d} NULLS LAST' for d in dims)}" if dims else "")
    )
    rows = dicts(store.con.execute(sql, params))
    if dims == () and rows and rows[0]["reports"] == 0:
        rows = []
    for r in rows:
        for k in MAIN_TOTALS:
            r[k] = _number(r[k])
    if metric:
        _rank(rows, chosen[0].id, dims, min_group)
    if "year" in dims:
        _year_over_year(rows, dims, [m.id for m in chosen], min_group)
    return rows


def _number(v: Any) -> int | float | None:
    """Sums of whole counts come back as DOUBLE; show them as the integers they are."""
    if v is None:
        return None
    f = float(v)
    return int(f) if f.is_integer() else f


def _rank(rows: list[dict[str, Any]], metric: str, dims: tuple[str, ...], min_group: int) -> None:
    per_year = "year" in dims and len(dims) > 1
    buckets: dict[Any, list[dict[str, Any]]] = {}
    for r in rows:
        r["rank"] = None
        if r["reports"] >= min_group and r[metric] is not None:
            buckets.setdefault(r["year"] if per_year else None, []).append(r)
    for group in buckets.values():
        group.sort(key=lambda r: -r[metric])
        for i, r in enumerate(group):
            r["rank"] = group[i - 1]["rank"] if i and r[metric] == group[i - 1][metric] else i + 1
    rows.sort(key=lambda r: (r["rank"] is None, r["year"] if per_year else 0, r["rank"] or 0))


def _year_over_year(
    rows: list[dict[str, Any]], dims: tuple[str, ...], metrics: list[str], min_group: int
) -> None:
    others = [d for d in dims if d != "year"]
    series: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:
        series.setdefault(tuple(r[d] for d in others), []).append(r)
    counts = ["reports", *MAIN_TOTALS]
    for group in series.values():
        ordered = sorted((r for r in group if r["year"] is not None), key=lambda r: r["year"])
        prev: dict[str, Any] | None = None
        for r in group:
            r["previous_year"] = None
            for c in (*counts, *metrics):
                r[f"change.{c}"] = None
            r["jumps"] = []
        for r in ordered:
            if prev is not None:
                r["previous_year"] = prev["year"]
                for c in counts:
                    r[f"change.{c}"] = _delta(prev[c], r[c])
                    if is_jump(prev[c], r[c]):
                        r["jumps"].append(c)
                big = min(prev["reports"], r["reports"]) >= min_group
                for m in metrics:
                    r[f"change.{m}"] = _delta(prev[m], r[m])
                    if big and is_jump(prev[m], r[m], ratio=True):
                        r["jumps"].append(m)
            prev = r


def _delta(before: Any, after: Any) -> Any:
    return None if before is None or after is None else after - before

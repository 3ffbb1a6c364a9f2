"""The corpus as the 数据 pages and ``/api/v1`` read it: a read-only store per request, tables as CSV.

The store is opened read-only for each request and closed after it, so ``xxgk ingest`` can add reports
between two page views (DuckDB lets one process write only while no other holds the file). Every
number a chart draws comes from a function here or in ``xxgk.corpus``, and the same rows are what its
CSV link downloads.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import Request

from xxgk.catalogue import T3_OUTCOME_ROWS, t3_key
from xxgk.corpus import Store
from xxgk.corpus.frame import col, dicts, filters, identity_sql, one_per_body_year, values_sql
from xxgk.errors import ReadError
from xxgk.web.errors import ApiError

# table 三's outcome rows in the six groups the format prints (予以公开 … 其他处理)
OUTCOME_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("granted", "予以公开", (t3_key("granted", "total"),)),
    ("partially_granted", "部分公开", (t3_key("partially_granted", "total"),)),
    ("denied", "不予公开", tuple(t3_key(r, "total") for r in T3_OUTCOME_ROWS if r.startswith("denied_"))),
    ("unable", "无法提供", tuple(t3_key(r, "total") for r in T3_OUTCOME_ROWS if r.startswith("unable_"))),
    ("rejected", "不予处理", tuple(t3_key(r, "total") for r in T3_OUTCOME_ROWS if r.startswith("rejected_"))),
    ("other", "其他处理", tuple(t3_key(r, "total") for r in T3_OUTCOME_ROWS if r.startswith("other_"))),
)
LEVEL_ZH = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇",
    "department": "部门",
    "unknown": "不详",
}


def no_database() -> ApiError:
    return ApiError(
        503, "no_database", "this server has no corpus database (start it with xxgk serve --db FILE)"
    )


def connect(request: Request) -> Store:
    """The corpus store, read-only; the caller closes it (``with connect(request) as store:``)."""
    path = request.app.state.settings.db_path
    if path is None:
        raise no_database()
    try:
        return Store.open(path, read_only=True)
    except ReadError as exc:
        raise ApiError(503, "unavailable", f"the corpus database cannot be opened: {exc.reason}") from None


def open_store(request: Request) -> Iterator[Store]:
    """Dependency: the corpus store, read-only, for the length of one request."""
    store = connect(request)
    try:
        yield store
    finally:
        store.close()


def outcomes(
    store: Store, *, year: int | None = None, region: str | None = None, level: str | None = None
) -> list[dict[str, Any]]:
    """Applications handled, by outcome group, summed over one report per body and year (as ``stats``):
    ``[{"outcome", "name", "reports", "applications", "share"}]``; a null cell adds nothing."""
    keys = tuple(k for _, _, ks in OUTCOME_GROUPS for k in ks)
    where, params = filters(year=year, region=region, level=level)
    base = one_per_body_year(
        f"SELECT * FROM ({identity_sql()}) {where or 'WHERE TRUE'} AND format_version = '2021'"
    )
    sums = ", ".join(f"sum(v.{col(k)}) AS {col(k)}" for k in keys)
    sql = (
        f"WITH b AS ({base}), v AS ({values_sql(keys, 'SELECT report_id FROM b')}) "
        f"SELECT count(*) AS reports, {sums} FROM b LEFT JOIN v USING (report_id)"
    )
    row = dicts(store.con.execute(sql, params))[0]
    if not row["reports"]:
        return []
    out = []
    for outcome, name, ks in OUTCOME_GROUPS:
        total = sum(float(row[k] or 0) for k in ks)
        out.append({"outcome": outcome, "name": name, "reports": row["reports"], "applications": int(total)})
    handled = sum(r["applications"] for r in out)
    for r in out:
        r["share"] = r["applications"] / handled if handled else None
    return out


def _csv_value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return "" if v is None else v


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV with a BOM (Excel and WPS open it as Chinese text), one header row, nulls empty."""
    cols = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_csv_value(r.get(c)) for c in cols])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")

"""Speed of the analysis commands (stats, compare, coverage, export) over a store of many reports.

Parsing 100,000 reports would take the ingest benchmark's hour, so this builds the store differently: a
few dozen generated reports are parsed and stored for real, then copied inside DuckDB into N reports of
N/4 bodies over four years (each copy a new document, report and agency with the seed's region, its cells
scaled by a small factor so the groups differ). The analysis only reads tables, so the figures hold for
a store of N ingested reports of the same shape.

    .venv/bin/python bench/bench_analysis.py [--reports 100000] [--db /tmp/bench_analysis.duckdb] [--keep]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from xxgk.corpus import Store
from xxgk.corpus.compare import compare
from xxgk.corpus.coverage import RosterBody, coverage
from xxgk.corpus.export import export
from xxgk.corpus.records import parse_record
from xxgk.corpus.stats import stats
from xxgk.render.text import ReportData, random_valid_cells, render_text

SEED_BODIES = (
    "隆德县联财镇人民政府", "盐池县花马池镇人民政府", "沭阳县人民政府", "杭州市西湖区人民政府",
    "广州市天河区人民政府", "北京市朝阳区人民政府", "淮安市洪泽区人民政府", "伊川县半坡镇人民政府",
    "平罗县渠口乡人民政府", "宁夏回族自治区人民政府", "成都市武侯区人民政府", "长沙县人民政府",
)  # fmt: skip
YEARS = (2021, 2022, 2023, 2024)


def build(db: Path, n: int) -> Store:
    store = Store.open(db)
    rng = random.Random(7)
    batch = []
    for i, body in enumerate(SEED_BODIES * 3):
        text = render_text(ReportData(body, 2023, dict(random_valid_cells(rng, busy=0.6))), "tabbed")
        data = f"{text}\n{i}".encode()
        batch.append((parse_record(f"seed/{i}.txt", data), data))
    store.write(batch)
    con = store.con
    con.execute("CREATE TEMP TABLE seed AS SELECT *, row_number() OVER (ORDER BY seq) - 1 AS s FROM reports")
    k = con.execute("SELECT count(*) FROM seed").fetchone()[0]  # type: ignore[index]
    con.execute("CREATE TEMP TABLE plan AS SELECT range AS n, range // 4 AS a, 2021 + range % 4 AS yr, "
                f"range % {k} AS s FROM range({n})")  # fmt: skip
    with store.transaction():
        con.execute(
            "INSERT INTO documents SELECT 'doc' || n, 'bench/' || n || '.txt', 1000, NULL, now() FROM plan"
        )
        con.execute(
            "INSERT INTO agencies SELECT DISTINCT ON (p.a) a.agency_key || '#' || p.a, a.name || p.a, a.level, "
            "a.province, a.city, a.county, a.division_code FROM plan p JOIN seed USING (s) "
            "JOIN agencies a ON a.agency_key = seed.auto_key"
        )
        con.execute(
            "INSERT INTO reports SELECT 'rep' || p.n, 'doc' || p.n, seed.agency_name || p.a, "
            "seed.auto_key || '#' || p.a, p.yr, seed.format_version, seed.kind, seed.extractor_version, "
            "seed.rules_version, seed.errors, seed.warnings, seed.infos, seed.body, now(), 1000 + p.n "
            "FROM plan p JOIN seed USING (s)"
        )
        con.execute(
            "INSERT INTO cells SELECT 'rep' || p.n, c.key, c.value * (1 + p.n % 3), c.raw, c.status, c.line, "
            "c.col, c.end_col, c.end_line, c.page, c.bbox, c.alternatives, c.note "
            "FROM plan p JOIN seed USING (s) JOIN cells c ON c.report_id = seed.report_id"
        )
        con.execute(
            "INSERT INTO findings SELECT 'rep' || p.n, f.scope, f.rule, f.severity, f.message, f.cells, f.section, "
            "f.tbl, f.place, f.data, f.ord FROM plan p JOIN seed USING (s) JOIN findings f ON f.report_id = seed.report_id"
        )
        for table in ("findings", "cells", "reports"):
            con.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT report_id FROM seed)")
    con.execute("CHECKPOINT")
    return store


def timed(label: str, fn: object) -> object:
    t = time.perf_counter()
    out = fn()  # type: ignore[operator]
    print(f"{label:<44} {time.perf_counter() - t:7.2f} s")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "bench_analysis.duckdb")
    ap.add_argument("--keep", action="store_true", help="reuse the store at --db when it exists")
    a = ap.parse_args()
    if not (a.keep and a.db.exists()):
        a.db.unlink(missing_ok=True)
        timed(f"build a store of {a.reports} reports", lambda: build(a.db, a.reports).close())
    store = Store.open(a.db, read_only=True)
    print(f"store {a.db}: {store.summary()['reports']} reports, {a.db.stat().st_size / 1e6:.0f} MB")
    timed("stats --by province", lambda: stats(store, "province"))
    timed("stats --by province,year --metric 公开率", lambda: stats(store, ("province", "year"), "公开率"))
    timed("stats --by county,year", lambda: stats(store, ("county", "year")))
    timed(
        "stats --by level --year 2024 --region 宁夏", lambda: stats(store, "level", year=2024, region="宁夏")
    )
    key = store.con.execute("SELECT agency_key FROM agencies WHERE agency_key LIKE '%#7'").fetchone()[0]  # type: ignore[index]
    timed("compare one agency", lambda: compare(store, key))
    roster = [RosterBody(i, f"沭阳县人民政府{i}") for i in range(200)]
    timed("coverage, a roster of 200 bodies", lambda: coverage(store, roster, 2024))
    with tempfile.TemporaryDirectory() as out:
        for fmt in ("parquet", "csv", "json", "xlsx"):
            if fmt == "xlsx" and a.reports > 20_000:
                continue  # openpyxl writes ~5,000 wide rows/s; see the note in the report
            files = timed(f"export --format {fmt}", lambda fmt=fmt: export(store, fmt, out))
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in files)  # type: ignore[attr-defined]
            print(f"    {sizes}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()

"""Analysis commands over the store: stats, compare, coverage, export and the metric dictionary.

Each is a thin shell over ``xxgk.corpus.{stats,compare,coverage,export,metrics}``: the library returns
plain dicts, the command prints them as a table, JSON or CSV. Bad input (a store, roster, metric or
year range that cannot be used) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from xxgk.cli.corpus import DbOption, err, open_store, out
from xxgk.corpus import DEFAULT_DB, Store
from xxgk.corpus.compare import compare, parse_years
from xxgk.corpus.coverage import coverage
from xxgk.corpus.export import FORMATS, export
from xxgk.corpus.export_doc import export_markdown
from xxgk.corpus.metrics import METRICS, TOTAL_NAMES, metrics_markdown, resolve
from xxgk.corpus.stats import DEFAULT_MIN_GROUP, GROUPINGS, stats
from xxgk.errors import ReadError

EXIT_BAD_INPUT = 2
_TABLE_TOTALS = ("t3.new.total", "t3.total.total", "t4.review.total")
_TABLE_METRICS = ("disclosure_rate", "denial_rate", "review_correction_rate", "suit_correction_rate")


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """ReadError, a bad option value or an unknown agency → one line on stderr, exit 2."""
    try:
        yield
    except ReadError as e:
        err.print(f"{e.source}: {e.reason}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ValueError as e:  # a bad metric, grouping, year range, format; AgencyNotFound
        err.print(f"xxgk: {e}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _store(db: Path) -> Store:
    """The store, read-only, with DuckDB's progress bar off: it would write into stdout's JSON or CSV."""
    store = open_store(db, read_only=True)
    store.con.execute("SET enable_progress_bar = false")
    return store


def _pct(v: Any) -> str:
    return "" if v is None else f"{v * 100:.1f}%"


def _num(v: Any) -> str:
    return "" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def _json_default(v: Any) -> Any:
    return str(v)


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=_json_default) + "\n")


def _emit_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(list(rows[0]))
    for r in rows:
        w.writerow(["" if v is None else ";".join(v) if isinstance(v, list) else v for v in r.values()])


def stats_cmd(
    db: DbOption = DEFAULT_DB,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by", help=f"Group by one or more of {', '.join(GROUPINGS)} (repeat, or a,b); none: one total."
        ),
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="Only this metric (id or 名称), and rank the groups by it.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Province, city or county name (part).")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="province | city | county | township | department")
    ] = None,
    min_group: Annotated[
        int,
        typer.Option("--min-group", min=1, help="Rank (and flag metric jumps of) groups this large only."),
    ] = DEFAULT_MIN_GROUP,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per group and line.")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="CSV with every column.")] = False,
) -> None:
    """Reports, totals and derived metrics (docs/metrics.md) by province, city, county, level or year."""
    with _one_line_errors(), _store(db) as store:
        dims = () if by == ["none"] else tuple(by or ("province",))
        rows = stats(store, dims, metric, year=year, region=region, level=level, min_group=min_group)
    if json_out:
        for r in rows:
            _emit_json(r)
        return
    if csv_out:
        _emit_csv(rows)
        return
    shown = [METRICS[m] for m in ([resolve(metric).id] if metric else _TABLE_METRICS)]
    keys = [k for k in rows[0] if k in GROUPINGS] if rows else []
    table = Table(*keys, "报告", *(TOTAL_NAMES[k] for k in _TABLE_TOTALS), *(m.name for m in shown))
    if metric:
        table.add_column("排名")
    if "year" in keys:
        table.add_column("跳变")
    for r in rows:
        cells = [_num(r[k]) if r[k] is not None else "(未知)" for k in keys]
        cells += [str(r["reports"]), *(_num(r[k]) for k in _TABLE_TOTALS), *(_pct(r[m.id]) for m in shown)]
        if metric:
            cells.append(_num(r["rank"]))
        if "year" in keys:
            cells.append(str(len(r["jumps"])) if r["jumps"] else "")
        table.add_row(*map(Text, cells))
    out.print(table)
    out.print(
        f"{len(rows)} groups; ranks only over groups of ≥ {min_group} reports; "
        "--csv or --json for every total, metric, change and jump",
        markup=False,
    )


def compare_cmd(
    agency: Annotated[str, typer.Argument(help="Agency key or part of its name.")],
    db: DbOption = DEFAULT_DB,
    years: Annotated[str | None, typer.Option("--years", help="2021-2024, 2022,2024 or 2024.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="The comparison as one JSON object.")] = False,
) -> None:
    """One body's reports year by year: totals, metrics, changes, jumps flagged, cross-year findings."""
    with _one_line_errors(), _store(db) as store:
        result = compare(store, agency, parse_years(years) if years else None)
    if json_out:
        _emit_json(result)
        return
    a = result["agency"]
    region = "".join(x for x in (a["province"], a["city"], a["county"]) if x)
    out.print(f"{a['name']}  {a['agency_key']}  {region}  {a['level'] or ''}", markup=False)
    series = result["years"]
    table = Table("", *(_num(r["year"]) for r in series))
    table.add_row("格式", *(r["format_version"] for r in series))
    table.add_row("错误", *(str(r["errors"]) for r in series))
    for key, name in [*TOTAL_NAMES.items(), *((m.id, m.name) for m in METRICS.values())]:
        fmt = _pct if key in METRICS else _num
        marks = [("▲" if (r[f"change.{key}"] or 0) > 0 else "▼") if key in r["jumps"] else "" for r in series]
        table.add_row(Text(name), *(Text(fmt(r[key]) + m) for r, m in zip(series, marks, strict=True)))
    out.print(table)
    if result["jumps"]:
        out.print("▲▼ jumps (docs/metrics.md):", markup=False)
    for j in result["jumps"]:
        name = TOTAL_NAMES.get(j["column"]) or METRICS[j["column"]].name
        fmt = _pct if j["column"] in METRICS else _num
        out.print(
            f"  {j['previous_year']}→{j['year']} {name}: {fmt(j['previous'])} → {fmt(j['value'])}",
            markup=False,
        )
    for f in result["history_findings"]:
        out.print(f"{f['year']} {f['severity']} {f['rule']}: {f['message']}", markup=False)


def coverage_cmd(
    roster: Annotated[Path, typer.Argument(help="CSV of the expected bodies: name[,region|code].")],
    db: DbOption = DEFAULT_DB,
    year: Annotated[int | None, typer.Option("--year", help="The report year (default: any year).")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="List stored bodies not on the roster only in this region.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="The result as one JSON object.")] = False,
) -> None:
    """Which bodies on a roster have no report for the year (exit 1 when some are missing), and which stored
    bodies are not on the roster."""
    with _one_line_errors(), _store(db) as store:
        result = coverage(store, roster, year, region=region)
    if json_out:
        _emit_json(result)
    else:
        when = f"{year}" if year is not None else "any year"
        out.print(f"{roster} ({when}): {result['found']} of {result['expected']} bodies have a report, "
                  f"{result['missing']} missing", markup=False)  # fmt: skip
        for b in result["bodies"]:
            if b["status"] == "missing":
                out.print(f"missing  line {b['line']}: {b['name']} ({b['agency_key']})", markup=False)
        for a in result["not_on_roster"]:
            out.print(f"not on the roster: {a['agency']} ({a['agency_key']}), {len(a['reports'])} reports",
                      markup=False)  # fmt: skip
    raise typer.Exit(1 if result["missing"] else 0)


def export_cmd(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help=" | ".join(FORMATS))] = "csv",
    out_dir: Annotated[Path, typer.Option("--out", help="The folder to write into.")] = Path("."),
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the schema (docs/export.md).")] = False,
) -> None:
    """Write one row per report (identity columns, then the 200 cell keys) and the findings table."""
    if markdown:
        sys.stdout.write(export_markdown())
        return
    with _one_line_errors(), _store(db) as store:
        paths = export(store, fmt, out_dir)
        n = store.summary()["reports"]
    out.print(f"{n} reports → {', '.join(str(p) for p in paths)}", markup=False)


def metrics_cmd(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The dictionary as Markdown (docs/metrics.md).")
    ] = False,
) -> None:
    """The derived metrics: id, 名称 and definition as a ratio of sums of cells."""
    if markdown:
        sys.stdout.write(metrics_markdown())
        return
    for m in METRICS.values():
        out.print(f"{m.id:<24} {m.name}\t{m.expression()}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("stats")(stats_cmd)
    app.command("compare")(compare_cmd)
    app.command("coverage")(coverage_cmd)
    app.command("export")(export_cmd)
    app.command("metrics")(metrics_cmd)

"""Corpus commands: ingest files into the store, re-derive stale rows, list reports, manage agency aliases."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from xxgk.cli.files import iter_inputs
from xxgk.corpus import DEFAULT_DB, Store
from xxgk.corpus.agencies import read_alias_file
from xxgk.corpus.ingest import IngestResult, default_workers, ingest, recheck
from xxgk.errors import ReadError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store (created when missing).")]
WorkersOption = Annotated[
    int, typer.Option("--workers", "-w", min=1, help="Local worker processes (default: the CPU count).")
]
ClusterOption = Annotated[
    str | None, typer.Option("--cluster", help="A Dask scheduler address (tcp://host:8786) to parse on.")
]


def open_store(db: Path, *, read_only: bool = False) -> Store:
    try:
        return Store.open(db, read_only=read_only)
    except ReadError as e:
        err.print(f"{e.source}: {e.reason}", markup=False)
        raise typer.Exit(2) from None


def _run_with_bar(label: str, fn: Any, **kw: Any) -> IngestResult:
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=None)
        return fn(progress=lambda done, total: bar.update(task, completed=done, total=total), **kw)


def _report(result: IngestResult, store: Store, verb: str) -> None:
    for path, reason in result.unreadable:
        err.print(f"{path}: {reason}", markup=False)
    h = result.history
    out.print(
        f"{verb} {result.files} files in {result.seconds:.1f} s: {result.added} new reports, "
        f"{result.skipped} already stored, {len(result.unreadable)} unreadable"
        + (f"; cross-year pairs {h.pairs}, history findings {h.findings}" if h else ""),
        markup=False,
    )
    s = store.summary()
    out.print(
        f"store {store.path}: {s['reports']} reports of {s['agencies']} agencies, {s['unreadable']} unreadable",
        markup=False,
    )


def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    db: DbOption = DEFAULT_DB,
    workers: WorkersOption = 0,
    cluster: ClusterOption = None,
    aliases: Annotated[
        Path | None,
        typer.Option("--aliases", help="A CSV of alias,agency to apply (replaces the stored ones)."),
    ] = None,
    ocr: Annotated[str, typer.Option("--ocr", help="auto | always | never")] = "auto",
) -> None:
    """Add reports to the store: parsed and checked in parallel, resumable, bad files listed, not fatal."""
    files = list(iter_inputs(paths))
    with open_store(db) as store:
        if aliases:
            _apply_aliases(store, aliases)
        result = _run_with_bar(
            "ingest",
            ingest,
            paths=files,
            store=store,
            workers=workers or default_workers(),
            cluster=cluster,
            ocr=ocr,
        )
        _report(result, store, "read")


def recheck_cmd(db: DbOption = DEFAULT_DB, workers: WorkersOption = 0, cluster: ClusterOption = None) -> None:
    """Re-derive what an older extractor or rule set produced, from the bytes kept in the store."""
    with open_store(db) as store:
        result = _run_with_bar(
            "recheck", recheck, store=store, workers=workers or default_workers(), cluster=cluster
        )
        _report(result, store, "rechecked")


def _apply_aliases(store: Store, path: Path) -> None:
    try:
        n = store.set_aliases(read_alias_file(path))
    except ReadError as e:
        err.print(f"{e.source}: {e.reason}", markup=False)
        raise typer.Exit(2) from None
    err.print(f"{path}: {n} aliases applied", markup=False)


def agencies_cmd(
    name: Annotated[str | None, typer.Argument(help="Part of a name, alias or agency key.")] = None,
    db: DbOption = DEFAULT_DB,
    aliases: Annotated[
        Path | None,
        typer.Option("--aliases", help="A CSV of alias,agency to apply (replaces the stored ones)."),
    ] = None,
) -> None:
    """List agencies (key, name, region, years); with --aliases, first apply an alias file."""
    with open_store(db, read_only=aliases is None) as store:
        if aliases:
            _apply_aliases(store, aliases)
        rows = store.find_agencies(name or "")
        table = Table("key", "name", "region", "level", "years", show_lines=False)
        for a in rows:
            info = store.agency(a["agency_key"]) or {}
            years = sorted({r["year"] for r in info.get("reports", []) if r["year"] is not None})
            region = "".join(x for x in (a["province"], a["city"], a["county"]) if x)
            cells = (a["agency_key"], a["name"], region, a["level"] or "", " ".join(map(str, years)))
            table.add_row(*map(Text, cells))  # Text: names are data, never rich markup
        out.print(table)


def reports_cmd(
    db: DbOption = DEFAULT_DB,
    region: Annotated[
        str | None, typer.Option("--region", help="Province, city or county name (part).")
    ] = None,
    year: Annotated[int | None, typer.Option("--year")] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="province | city | county | township | department")
    ] = None,
    with_errors: Annotated[
        bool | None,
        typer.Option("--with-errors/--without-errors", help="Only reports with (without) errors."),
    ] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Agency key or part of a name.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 1000,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List stored reports with filters: agency, region, level, year, error and warning counts."""
    with open_store(db, read_only=True) as store:
        filters: dict[str, Any] = {
            "region": region,
            "year": year,
            "level": level,
            "with_errors": with_errors,
            "agency": agency,
        }
        rows = store.list_reports(**filters, limit=limit)
        if json_out:
            for r in rows:
                sys.stdout.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            return
        table = Table("id", "agency", "region", "level", "year", "errors", "warnings", "file")
        for r in rows:
            region_s = "".join(x for x in (r["province"], r["city"], r["county"]) if x)
            cells = (r["id"], r["agency"] or "", region_s, r["level"] or "", str(r["year"] or ""),
                     str(r["errors"]), str(r["warnings"]), Path(r["path"]).name)  # fmt: skip
            table.add_row(*map(Text, cells))
        out.print(table)
        total = store.count_reports(**filters)
        out.print(f"{len(rows)} of {total} reports", markup=False)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cmd)
    app.command("recheck")(recheck_cmd)
    app.command("reports")(reports_cmd)
    app.command("agencies")(agencies_cmd)

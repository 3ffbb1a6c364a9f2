"""The command line: a thin shell over xxgk.parse / xxgk.check with one JSON shape (see cli/output.py)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from xxgk.api import parse
from xxgk.check import check, has_errors
from xxgk.cli import analysis as analysis_cli
from xxgk.cli import corpus as corpus_cli
from xxgk.cli.authoring import new_cmd, render_cmd
from xxgk.cli.crop import show_crop
from xxgk.cli.files import iter_inputs
from xxgk.cli.output import (
    check_record,
    emit_json,
    error_record,
    print_findings,
    print_report,
    print_summary,
    show_cell,
)
from xxgk.cli.serve import serve_cmd
from xxgk.errors import ReadError
from xxgk.model import Finding, Report
from xxgk.rules import RULES
from xxgk.rules.catalogue_doc import catalogue_markdown

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="xxgk: read, check and compare 政府信息公开工作年度报告 (the 2021 format of 国办公开办函〔2021〕30号).",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


class OcrMode(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


OcrOption = Annotated[
    OcrMode, typer.Option("--ocr", help="Pages without a text layer (scans, images): read by OCR or not.")
]


@app.command("parse")
def parse_cmd(
    path: Annotated[Path, typer.Argument(help="A report file.")],
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the interchange JSON (all 200 cells).")
    ] = False,
    ocr: OcrOption = OcrMode.auto,
) -> None:
    """Read one report: the three tables in the official layout, or the interchange JSON."""
    try:
        report = parse(path, ocr=ocr.value)
    except ReadError as exc:
        err.print(f"xxgk: cannot read {exc.source}: {exc.reason}", markup=False)
        raise typer.Exit(EXIT_UNREADABLE) from None
    if json_out:
        emit_json({"report": report.to_dict()})
    else:
        print_report(out, report)


@app.command("check")
def check_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders (searched recursively).")],
    json_out: Annotated[
        bool, typer.Option("--json", help="JSON: one object for one file, JSON Lines for several.")
    ] = False,
    previous: Annotated[
        Path | None, typer.Option("--previous", help="Last year's report of the same body (history.* rules).")
    ] = None,
    ocr: OcrOption = OcrMode.auto,
) -> None:
    """Check reports against the format's rules; exit 0 clean, 1 some error finding, 2 some file unreadable."""
    prev_report = None
    if previous is not None:
        try:
            prev_report = parse(previous, ocr=ocr.value)
        except ReadError as exc:
            err.print(f"xxgk: cannot read {exc.source}: {exc.reason}", markup=False)
            raise typer.Exit(EXIT_UNREADABLE) from None
    files = list(iter_inputs(paths))
    if not files:
        err.print(f"xxgk: no report files under {' '.join(map(str, paths))}", markup=False)
        raise typer.Exit(EXIT_UNREADABLE)
    single = len(paths) == 1 and not paths[0].is_dir()
    unreadable = errors = False
    rows: list[tuple[Path, tuple[Report, list[Finding]] | None, str | None]] = []
    for f in files:
        try:
            report = parse(f, ocr=ocr.value)
        except ReadError as exc:
            unreadable = True
            err.print(f"xxgk: cannot read {exc.source}: {exc.reason}", markup=False)
            if json_out:
                emit_json(error_record(f, exc.reason))
            rows.append((f, None, exc.reason))
            continue
        findings = check(report, prev_report)
        errors |= has_errors(findings)
        if json_out:
            emit_json(check_record(f, report, findings, with_file=not single))
        else:
            print_findings(out, f, report, findings)
        rows.append((f, (report, findings), None))
    if not json_out and not single:
        print_summary(out, rows)
    raise typer.Exit(EXIT_UNREADABLE if unreadable else EXIT_FINDINGS if errors else EXIT_OK)


@app.command("show")
def show_cmd(
    path: Annotated[Path, typer.Argument(help="A report file.")],
    cell: Annotated[str, typer.Option("--cell", help="A cell key, e.g. t3.new.total.")],
    png: Annotated[
        Path | None,
        typer.Option("--png", help="PDF or image: write the page crop here (default: a temp file)."),
    ] = None,
    ocr: OcrOption = OcrMode.auto,
) -> None:
    """Where one cell came from: its value, status, raw text, the source line with the span marked, and for a
    PDF or image a PNG of the page with the cell's box drawn."""
    try:
        report = parse(path, ocr=ocr.value)
    except ReadError as exc:
        err.print(f"xxgk: cannot read {exc.source}: {exc.reason}", markup=False)
        raise typer.Exit(EXIT_UNREADABLE) from None
    if cell not in report.cells:
        err.print(f"xxgk: unknown cell key {cell!r} (see FORMAT.md / cells.json)", markup=False)
        raise typer.Exit(EXIT_UNREADABLE)
    show_cell(out, report, cell)
    show_crop(out, path, report, cell, png)


@app.command("rules")
def rules_cmd(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The catalogue as Markdown (docs/rules.md).")
    ] = False,
) -> None:
    """List the rule catalogue: id, severity, title and when each rule fires."""
    if markdown:
        sys.stdout.write(catalogue_markdown())
        return
    for r in RULES.values():
        out.print(f"{r.id:<28} {r.severity:<8} {r.title}", markup=False)


corpus_cli.register(app)
analysis_cli.register(app)
app.command("new")(new_cmd)
app.command("render")(render_cmd)
app.command("serve")(serve_cmd)


def main() -> None:
    app()

"""``xxgk new`` and ``xxgk render``: the clerk's side, a thin shell over ``xxgk.authoring``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from xxgk.authoring import Draft, Prefill, load, new_workbook, prefill_from, render_draft, write_atomic
from xxgk.authoring.render import RenderError
from xxgk.errors import ReadError
from xxgk.model.finding import Finding

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
_SEV = {"error": ("错误", "bold red"), "warning": ("警告", "yellow"), "info": ("提示", "cyan")}


class Format(StrEnum):
    docx = "docx"
    pdf = "pdf"
    html = "html"
    md = "md"


def _fail(message: str) -> typer.Exit:
    err.print(f"xxgk: {message}", markup=False)
    return typer.Exit(EXIT_UNREADABLE)


def _read(path: Path) -> Draft:
    try:
        return load(path)
    except ReadError as exc:
        raise _fail(f"cannot read {exc.source}: {exc.reason}") from None


def _previous(path: Path) -> Prefill:
    draft = _read(path)
    data = draft.data
    return prefill_from(data.cells, source=str(path), year=data.year, agency=data.agency)


def new_cmd(
    out_path: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).")],
    agency: Annotated[
        str | None, typer.Option("--agency", help="The agency's full name (default: last year's).")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="The year reported on (default: last year's + 1).")
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Last year's report in any form xxgk reads: prefills 上年结转 and 现行有效件数.",
        ),
    ] = None,
    zeros: Annotated[
        bool, typer.Option("--zeros", help="Write 0 in every input cell instead of leaving it empty.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the workbook if it exists.")] = False,
) -> None:
    """Write a fill-in workbook: tables 二/三/四 in the official layout with live totals, the six sections' titles."""
    prefill = _previous(previous) if previous is not None else None
    agency = agency or (prefill.agency if prefill else None)
    if year is None and prefill is not None and prefill.year is not None:
        year = prefill.year + 1
    if not agency or year is None:
        raise _fail("--agency and --year are needed (or --previous, to take them from last year's report)")
    if out_path.exists() and not force:
        raise _fail(f"{out_path} exists; give --force to replace it")
    write_atomic(out_path, new_workbook(agency, year, previous=prefill, zeros=zeros))
    out.print(f"{out_path}: {agency} {year}年 填报表（基本信息、表二、表三、表四、正文）", markup=False)
    if prefill is not None:
        if prefill.year is not None and prefill.year != year - 1:
            err.print(
                f"xxgk: warning: {previous} is the report on {prefill.year}, not {year - 1}", markup=False
            )
        filled = len(prefill.carried_over) + len(prefill.in_force) - len(prefill.missing)
        out.print(f"按上年报告预填 {filled} 个单元格（上年结转、现行有效件数）：{previous}", markup=False)
        if prefill.missing:
            out.print(f"上年报告缺少数字，以下单元格留空待填：{'、'.join(prefill.missing)}", markup=False)


def print_findings(draft: Draft, findings: list[Finding]) -> None:
    """Each finding on one line, its cells named by where the clerk entered them (表三!D5)."""
    for f in findings:
        name, style = _SEV[f.severity]
        line = Text("  ")
        line.append(f"{name} ", style=style)
        line.append(f"{f.rule}  ", style="dim")
        line.append(f.message)
        if f.cells and draft.places:
            shown = [draft.place(k) for k in f.cells[:8]]
            line.append(f"  [{'、'.join(shown)}{' …' if len(f.cells) > 8 else ''}]", style="dim")
        out.print(line)


def render_cmd(
    path: Annotated[
        Path,
        typer.Argument(help="A workbook from xxgk new, YAML, the JSON of xxgk parse --json, or a report."),
    ],
    to: Annotated[list[Format], typer.Option("--to", help="Output format; repeat for several.")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder to write into (default: beside the input).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Write even when the checker finds errors (they are listed).")
    ] = False,
) -> None:
    """Check a report's data, then write it in the official layout (docx, pdf, html, md); refuse on errors."""
    draft = _read(path)
    try:
        result = render_draft(draft, [f.value for f in to], out_dir, force=force)
    except RenderError as exc:
        raise _fail(str(exc)) from None
    print_findings(draft, result.findings)
    if result.refused:
        n = sum(1 for f in result.findings if f.severity == "error")
        err.print(
            f"xxgk: {path}: 未生成报告：有{n}个错误级问题，修改后重试（或加 --force 照样生成）", markup=False
        )
        raise typer.Exit(EXIT_FINDINGS)
    for p in result.written:
        out.print(str(p), markup=False)

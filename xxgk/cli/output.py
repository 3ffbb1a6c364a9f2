"""What the CLI prints: the one JSON shape, and the tables and findings for people."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from xxgk.catalogue import T2_ROWS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS, t3_key, t4_key
from xxgk.model.finding import Finding
from xxgk.model.report import Report
from xxgk.record import check_record as record_of

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def emit_json(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def check_record(path: Path, report: Report, findings: list[Finding], *, with_file: bool) -> dict[str, Any]:
    record = record_of(report, findings)
    if with_file:
        record = {"file": str(path), **record}
    return record


def error_record(path: Path, reason: str) -> dict[str, Any]:
    return {"file": str(path), "error": reason}


def _cell(report: Report, key: str) -> Text:
    v = report.cells.get(key)
    d = report.detail(key)
    if v is not None:
        s = str(int(v)) if float(v).is_integer() else f"{v:g}"
        return Text(s, style="italic" if d.status == "derived" else "")
    mark = {"blank": "□", "placeholder": d.raw or "/", "ambiguous": "?", "missing_column": "×", "absent": "—"}
    return Text(mark.get(d.status, "?"), style="red")


def print_report(console: Console, report: Report) -> None:
    a = report.agency
    where = " ".join(x for x in (a.province, a.city, a.county) if x)
    console.print(
        f"[bold]{escape(a.name or '（单位不详）')}[/] {report.year or '？'}年  格式：{report.format_version}  {escape(where)}"
    )
    t2 = Table(title="表二 主动公开政府信息情况", show_lines=False)
    t2.add_column("信息内容")
    for h in ("本年制发件数 ∣ 处理决定数 ∣ 收费金额", "本年废止件数", "现行有效件数"):
        t2.add_column(h, justify="right")
    for row in T2_ROWS:
        cells = [_cell(report, k) for k in row.keys]
        label = row.label + ("（万元）" if row.keys[0] == "t2.fees.amount" else "")
        t2.add_row(label, *cells, *([Text("")] * (3 - len(cells))))
    console.print(t2)
    t3 = Table(title="表三 收到和处理政府信息公开申请情况")
    t3.add_column("")
    for _, name in T3_COLUMNS:
        t3.add_column(name, justify="right")
    for t3row in T3_ROWS:
        label = (t3row.group + " " if t3row.group and not t3row.group.startswith("三") else "") + t3row.item
        t3.add_row(label[:30], *[_cell(report, t3_key(t3row.key, c)) for c, _ in T3_COLUMNS])
    console.print(t3)
    t4 = Table(title="表四 政府信息公开行政复议、行政诉讼情况")
    t4.add_column("")
    for _, name in T4_COLUMNS:
        t4.add_column(name, justify="right")
    for group, name in T4_GROUPS:
        t4.add_row(name, *[_cell(report, t4_key(group, c)) for c, _ in T4_COLUMNS])
    console.print(t4)
    console.print("□ 空白  / 非数字  ? 无法确定  × 原表无此列  — 未找到  斜体：由勾稽关系确定", style="dim")


def print_findings(console: Console, path: Path, report: Report, findings: list[Finding]) -> None:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    console.print(
        f"[bold]{escape(str(path))}[/]  {escape(report.agency.name or '（单位不详）')} {report.year or '？'}年  "
        f"[red]{counts['error']} 错误[/] [yellow]{counts['warning']} 警告[/] [cyan]{counts['info']} 提示[/]"
    )
    for f in findings:
        where = ""
        if f.place and f.place.page:  # a PDF or image: the page means something to the reader, the line not
            where = f" 第{f.place.page}页"
        elif f.place and f.place.line and report.source.kind in ("text", "markdown"):
            where = f" 第{f.place.line}行"
        line = Text("  ")
        line.append(f"{_SEV_ZH[f.severity]} ", style=_STYLE[f.severity])
        line.append(f"{f.rule}{where}  ", style="dim")
        line.append(f.message)
        console.print(line)


def print_summary(
    console: Console, rows: list[tuple[Path, tuple[Report, list[Finding]] | None, str | None]]
) -> None:
    table = Table(title="汇总")
    for h in ("文件", "单位", "年度", "错误", "警告", "结论"):
        table.add_column(h)
    for path, result, reason in rows:
        if result is None:
            table.add_row(Text(str(path)), "", "", "", "", Text(f"无法读取：{reason}", style="red"))
            continue
        report, findings = result
        n_err = sum(1 for f in findings if f.severity == "error")
        n_warn = sum(1 for f in findings if f.severity == "warning")
        verdict = Text("退回修改", style="red") if n_err else Text("通过", style="green")
        table.add_row(
            Text(str(path)),
            Text(report.agency.name or ""),
            str(report.year or ""),
            str(n_err),
            str(n_warn),
            verdict,
        )
    console.print(table)


def show_cell(console: Console, report: Report, key: str) -> None:
    d = report.detail(key)
    console.print(f"{key} = {report.cells.get(key)}  状态：{d.status}  原文：{d.raw!r}", markup=False)
    if d.alternatives:
        console.print(f"可能的读法：{d.alternatives}", markup=False)
    if d.note:
        console.print(d.note, markup=False)
    p = d.place
    if p is None or p.line is None:
        console.print("（原文中没有对应位置）", markup=False)
        return
    lines = report.text.split("\n")
    end_line = p.end_line or p.line
    for no in range(p.line, min(end_line, p.line + 5) + 1):
        text = lines[no - 1] if no - 1 < len(lines) else ""
        lo = p.col if no == p.line and p.col is not None else 0
        hi = p.end_col if no == end_line and p.end_col is not None else len(text)
        line = Text(f"{no:>5}│ ")
        line.append(text[:lo].replace("\t", "→"))
        line.append(text[lo:hi].replace("\t", "→"), style="reverse bold")
        line.append(text[hi:].replace("\t", "→")[:200])
        console.print(line)

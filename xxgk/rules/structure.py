"""Sections and tables as the format lays them out: presence, titles, order, rows and columns."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.catalogue import SECTION_NUMERALS, SECTION_TITLES, T3_COLUMN_KEYS, cell_keys, t3_key
from xxgk.model.finding import Finding
from xxgk.rules.registry import Context, rule

_TABLE_SECTION = {"二": 2, "三": 3, "四": 4}


@rule(
    "section.missing",
    "error",
    "缺少规定的部分",
    "One of the six standard sections has no heading in the report.",
)
def section_missing(ctx: Context) -> Iterator[Finding]:
    found = {s.index for s in ctx.report.sections}
    for i, title in enumerate(SECTION_TITLES, start=1):
        if i not in found:
            yield section_missing.finding(
                f"缺少第{SECTION_NUMERALS[i - 1]}部分“{title}”（或其标题无法辨认）", section=i
            )


@rule(
    "section.title_nonstandard",
    "warning",
    "部分标题与规定不一致",
    "A section's printed title (or its numeral) differs from the standard one, e.g. a word dropped or added.",
)
def section_title(ctx: Context) -> Iterator[Finding]:
    for s in ctx.report.sections:
        if s.index is None:
            continue
        want_num, want_title = SECTION_NUMERALS[s.index - 1], SECTION_TITLES[s.index - 1]
        if s.standard and s.numeral == want_num:
            continue
        yield section_title.finding(
            f"第{want_num}部分标题为“{s.numeral}、{s.title}”，规定标题为“{want_num}、{want_title}”",
            section=s.index,
            place=s.place,
            printed=f"{s.numeral}、{s.title}",
        )


@rule(
    "section.order",
    "warning",
    "各部分顺序与规定不一致",
    "The standard sections appear out of their order 一 … 六.",
)
def section_order(ctx: Context) -> Iterator[Finding]:
    order = [s.index for s in ctx.report.sections if s.index is not None]
    if order != sorted(order):
        printed = "、".join(SECTION_NUMERALS[i - 1] for i in order)
        yield section_order.finding(
            f"各部分出现顺序为{printed}，应依次为一至六", place=ctx.report.sections[0].place
        )


@rule("table.missing", "error", "缺少统计表", "Table 二, 三 or 四 could not be found in the report.")
def table_missing(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.format_version == "legacy":
        return
    for name in ("二", "三", "四"):
        info = r.tables.get(name)
        if info is None or not info.found:
            yield table_missing.finding(f"未找到表{name}", table=name, section=_TABLE_SECTION[name])


@rule(
    "table.layout_nonstandard",
    "warning",
    "统计表的行列与规定格式不符",
    "A table lacks a column or row of the 2021 layout, or a row prints more values than it has cells.",
)
def table_layout(ctx: Context) -> Iterator[Finding]:
    for name, info in ctx.report.tables.items():
        if not info.found:
            continue
        for ev in info.events:
            if ev.kind in ("missing_column", "absent_row", "long_row"):
                cells = _event_cells(name, ev.row)
                yield table_layout.finding(ev.message, table=name, place=ev.place, cells=cells, event=ev.kind)


def _event_cells(table: str, row: str | None) -> list[str]:
    if row is None:
        return []
    if table == "三":
        return [t3_key(row, c) for c in T3_COLUMN_KEYS]
    if table == "二":
        return [k for k in cell_keys() if k.startswith(row.rsplit(".", 1)[0] + ".")]
    if table == "四":
        return [k for k in cell_keys() if k.startswith("t4.")]
    return []

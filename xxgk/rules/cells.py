"""Single cells: blank, placeholder, uncertain, derived or invalid values. One finding per table and kind,
listing the cells, so that a table full of "/" reads as one problem, not 175."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.catalogue import cell_keys, cell_labels, table_of
from xxgk.model.finding import Finding
from xxgk.rules.arith import first_place
from xxgk.rules.registry import Context, Rule, rule

_SHOWN = 5


def _listing(keys: list[str]) -> str:
    labels = cell_labels()
    shown = "；".join(labels[k] for k in keys[:_SHOWN])
    return shown + (f" 等{len(keys)}格" if len(keys) > _SHOWN else "")


def _per_table(r: Rule, ctx: Context, status: str, what: str) -> Iterator[Finding]:
    report = ctx.report
    if report.format_version == "legacy":
        return
    for table, keys in ctx.keys_by_status.get(status, {}).items():
        raws = sorted({report.detail(k).raw for k in keys if report.detail(k).raw})
        shown = f"（填写“{'”“'.join(raws[:3])}”）" if raws else ""
        yield r.finding(
            f"表{table}有{len(keys)}个单元格{what}{shown}：{_listing(keys)}",
            cells=keys,
            table=table,
            place=first_place(report, keys),
        )


@rule(
    "cell.blank",
    "error",
    "单元格未填写",
    "A cell of the tables is printed empty (a number, 0 included, is required).",
)
def cell_blank(ctx: Context) -> Iterator[Finding]:
    yield from _per_table(cell_blank, ctx, "blank", "未填写数字")


@rule(
    "cell.placeholder",
    "error",
    "单元格填写了非数字",
    "A cell holds a placeholder such as “/”, “—” or “无” instead of a number.",
)
def cell_placeholder(ctx: Context) -> Iterator[Finding]:
    yield from _per_table(cell_placeholder, ctx, "placeholder", "填写的不是数字")


@rule(
    "cell.ambiguous",
    "warning",
    "数值无法确定对应的单元格",
    "The printed values of a row admit several readings that all satisfy the table's arithmetic (or none does), "
    "so the extractor keeps the alternatives and leaves the cells null.",
)
def cell_ambiguous(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.format_version == "legacy":
        return
    for name, info in r.tables.items():
        for ev in info.events:
            if not ev.resolved and ev.kind in ("short_row", "long_row", "split_row", "unreadable_row"):
                yield cell_ambiguous.finding(ev.message, table=name, place=ev.place, event=ev.kind)
    for table, keys in ctx.keys_by_status.get("ambiguous", {}).items():
        alts = {k: r.detail(k).alternatives for k in keys}
        yield cell_ambiguous.finding(
            f"表{table}有{len(keys)}个单元格的数值无法唯一确定：{_listing(keys)}",
            cells=keys,
            table=table,
            place=first_place(r, keys),
            alternatives=alts,
        )


@rule(
    "cell.derived",
    "info",
    "数值由勾稽关系确定",
    "A row printed too few or too many values, or digits ran together, and the table's arithmetic left exactly "
    "one reading; the cells hold it, and this says so.",
)
def cell_derived(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.format_version == "legacy":
        return
    for name, info in r.tables.items():
        for ev in info.events:
            if ev.resolved and ev.kind in ("short_row", "split_row"):
                yield cell_derived.finding(ev.message, table=name, place=ev.place, event=ev.kind)


@rule(
    "cell.invalid",
    "error",
    "数值无效",
    "A count is negative or not a whole number, or the fee amount (万元) is negative.",
)
def cell_invalid(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    labels = cell_labels()
    cells = r.cells
    for key in cell_keys():
        v = cells.get(key)
        if v is None or (type(v) is int and v >= 0):  # most cells: a count as it should be
            continue
        if v < 0 or (key != "t2.fees.amount" and not float(v).is_integer()):
            yield cell_invalid.finding(
                f"“{labels[key]}”填写{v}，应为非负{'数' if key == 't2.fees.amount' else '整数'}",
                cells=[key],
                table=table_of(key),
                place=r.detail(key).place,
            )

"""The arithmetic of FORMAT.md §2 inside one report. A relation with a null cell is not evaluated."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from xxgk.catalogue import (
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T3_OUTCOME_ROWS,
    T3_ROWS,
    T4_COLUMN_KEYS,
    T4_GROUPS,
    t3_key,
    t4_key,
)
from xxgk.model.finding import Finding
from xxgk.model.report import Number, Place, Report
from xxgk.rules.registry import Context, rule

_COL_NAME = dict(T3_COLUMNS)
# the cells of each relation, spelt out once rather than for every report
_BALANCE = tuple(
    (name, [t3_key(row, col) for row in ("new", "carried_over", "total", "carried_forward")])
    for col, name in T3_COLUMNS
)
_ROW_TOTAL = tuple(
    (row, [*(t3_key(row.key, c) for c in T3_APPLICANT_COLUMNS), t3_key(row.key, "total")]) for row in T3_ROWS
)
_OUTCOME_TOTAL = tuple(
    (name, [*(t3_key(row, col) for row in T3_OUTCOME_ROWS), t3_key("total", col)]) for col, name in T3_COLUMNS
)
_T4_TOTAL = tuple((name, [t4_key(group, c) for c in T4_COLUMN_KEYS]) for group, name in T4_GROUPS)


def values(report: Report, keys: Sequence[str]) -> list[Number] | None:
    """The cells' values, or None when any is null (the relation is then not evaluated)."""
    cells = report.cells
    out = [cells.get(k) for k in keys]
    if None in out:
        return None
    return out  # type: ignore[return-value]


def _fmt(v: Number) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def first_place(report: Report, keys: Sequence[str]) -> Place | None:
    for k in keys:
        place = report.detail(k).place
        if place is not None:
            return place
    return None


@rule(
    "arith.t3_balance",
    "error",
    "表三勾稽关系不平衡",
    "For a column of table 三: 本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度.",
)
def t3_balance(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for name, keys in _BALANCE:
        v = values(r, keys)
        if v is None or v[0] + v[1] == v[2] + v[3]:
            continue
        yield t3_balance.finding(
            f"表三“{name}”列：本年新收{_fmt(v[0])}＋上年结转{_fmt(v[1])}＝{_fmt(v[0] + v[1])}，"
            f"而办理结果总计{_fmt(v[2])}＋结转下年度{_fmt(v[3])}＝{_fmt(v[2] + v[3])}，两者应相等",
            cells=list(keys),
            table="三",
            place=first_place(r, keys[2:3]),
        )


@rule(
    "arith.t3_row_total",
    "error",
    "表三行合计不等于各类申请人之和",
    "For a row of table 三: 总计 ≠ 自然人 + the five kinds of 法人或其他组织.",
)
def t3_row_total(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for row, keys in _ROW_TOTAL:
        v = values(r, keys)
        if v is None or sum(v[:-1]) == v[-1]:
            continue
        parts = "＋".join(_fmt(x) for x in v[:-1])
        yield t3_row_total.finding(
            f"表三“{row.item}”行：各类申请人{parts}＝{_fmt(sum(v[:-1]))}，但总计填{_fmt(v[-1])}",
            cells=list(keys),
            table="三",
            place=first_place(r, keys[-1:]),
        )


@rule(
    "arith.t3_outcome_total",
    "error",
    "表三办理结果总计不等于各项办理结果之和",
    "For a column of table 三: （七）总计 ≠ the sum of the 21 outcome rows (予以公开 … 其他处理·其他).",
)
def t3_outcome_total(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for name, keys in _OUTCOME_TOTAL:
        v = values(r, keys)
        if v is None or sum(v[:-1]) == v[-1]:
            continue
        yield t3_outcome_total.finding(
            f"表三“{name}”列：各项办理结果合计{_fmt(sum(v[:-1]))}，但（七）总计填{_fmt(v[-1])}",
            cells=list(keys),
            table="三",
            place=first_place(r, keys[-1:]),
        )


@rule(
    "arith.t4_total",
    "error",
    "表四总计不等于各项结果之和",
    "For a group of table 四 (行政复议, 未经复议直接起诉, 复议后起诉): 总计 ≠ 维持 + 纠正 + 其他 + 尚未审结.",
)
def t4_total(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for name, keys in _T4_TOTAL:
        v = values(r, keys)
        if v is None or sum(v[:-1]) == v[-1]:
            continue
        parts = "＋".join(_fmt(x) for x in v[:-1])
        yield t4_total.finding(
            f"表四“{name}”：结果维持、纠正、其他、尚未审结{parts}＝{_fmt(sum(v[:-1]))}，但总计填{_fmt(v[-1])}",
            cells=list(keys),
            table="四",
            place=first_place(r, keys[-1:]),
        )

"""Across years for one body (with ``--previous``): carried-over applications and documents in force."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.catalogue import T3_COLUMNS, t3_key
from xxgk.model.finding import Finding
from xxgk.rules.arith import first_place
from xxgk.rules.registry import Context, rule


def _consecutive(ctx: Context) -> bool:
    """Cross-year relations hold between a report and the one for the year before, not any other."""
    prev, r = ctx.previous, ctx.report
    return prev is not None and (prev.year is None or r.year is None or prev.year == r.year - 1)


@rule(
    "history.not_previous_year",
    "warning",
    "对比报告不是上一年度的",
    "The report given as the previous year's is for another year (or the same), so the cross-year rules are not run.",
)
def not_previous_year(ctx: Context) -> Iterator[Finding]:
    prev, r = ctx.previous, ctx.report
    if prev is None or _consecutive(ctx):
        return
    yield not_previous_year.finding(
        f"用于对比的报告是{prev.year}年的，不是{r.year}年的上一年度（{(r.year or 0) - 1}年），未进行跨年度核对",
        previous_year=prev.year,
    )


@rule(
    "history.carry_mismatch",
    "error",
    "上年结转与上年报告不一致",
    "This year's 上年结转 (table 三 row 二) differs from last year's 结转下年度继续办理, column by column.",
)
def carry_mismatch(ctx: Context) -> Iterator[Finding]:
    prev, r = ctx.previous, ctx.report
    if prev is None or not _consecutive(ctx):
        return
    for col, name in T3_COLUMNS:
        now_key, then_key = t3_key("carried_over", col), t3_key("carried_forward", col)
        now, then = r.cells.get(now_key), prev.cells.get(then_key)
        if now is None or then is None or now == then:
            continue
        yield carry_mismatch.finding(
            f"表三“{name}”列：本年“上年结转”为{now:g}，但{prev.year or '上一'}年报告“结转下年度继续办理”为{then:g}",
            cells=[now_key],
            table="三",
            place=first_place(r, [now_key]),
            previous_cell=then_key,
            previous_value=then,
        )


@rule(
    "history.in_force_mismatch",
    "error",
    "现行有效件数与上年不衔接",
    "This year's 现行有效件数 ≠ last year's 现行有效件数 + this year's 本年制发 − 本年废止 (规章, 行政规范性文件).",
)
def in_force_mismatch(ctx: Context) -> Iterator[Finding]:
    prev, r = ctx.previous, ctx.report
    if prev is None or not _consecutive(ctx):
        return
    for kind, name in (("regulations", "规章"), ("normative", "行政规范性文件")):
        keys = [f"t2.{kind}.in_force", f"t2.{kind}.made", f"t2.{kind}.repealed"]
        now, made, repealed = (r.cells.get(k) for k in keys)
        before = prev.cells.get(f"t2.{kind}.in_force")
        if None in (now, made, repealed, before):
            continue
        expected = before + made - repealed  # type: ignore[operator]
        if expected == now:
            continue
        yield in_force_mismatch.finding(
            f"{name}：上年现行有效{before:g}＋本年制发{made:g}－本年废止{repealed:g}＝{expected:g}，但本年现行有效填{now:g}",
            cells=keys,
            table="二",
            place=first_place(r, keys[:1]),
            previous_value=before,
        )

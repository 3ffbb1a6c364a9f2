"""The report as a document: statistical period, years, the 信息处理费 statement, the layout version."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.extract.meta import states_fee
from xxgk.model.finding import Finding
from xxgk.rules.registry import Context, rule

FIRST_2021_LAYOUT_YEAR = 2020  # the 2021 layout applies from the reports on 2020


@rule(
    "meta.period_missing",
    "warning",
    "未说明统计期限",
    "The report nowhere states its statistical period (e.g. 1月1日至12月31日).",
)
def period_missing(ctx: Context) -> Iterator[Finding]:
    if ctx.report.period is None:
        yield period_missing.finding(
            "报告未说明统计数据的期限（如“本报告所列数据的统计期限自…年1月1日起至12月31日止”）"
        )


@rule(
    "meta.year_mismatch",
    "warning",
    "报告年份前后不一致",
    "The year in the title, the statistical period's start and its end do not agree.",
)
def year_mismatch(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    years: dict[str, int] = {}
    if r.title_year is not None:
        years["标题"] = r.title_year
    if r.period is not None:
        years["统计期限起"] = int(r.period[0][:4])
        years["统计期限止"] = int(r.period[1][:4])
    if len(set(years.values())) > 1:
        shown = "，".join(f"{k}{v}年" for k, v in years.items())
        yield year_mismatch.finding(f"报告年份不一致：{shown}", place=r.places.get("period"), years=years)


@rule(
    "meta.fee_statement_missing",
    "warning",
    "未说明信息处理费收取情况",
    "Section 六 says nothing of the 信息处理费 (国办函〔2020〕109号); checked for reports on 2020 and later.",
)
def fee_statement_missing(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.year is not None and r.year < FIRST_2021_LAYOUT_YEAR:
        return
    six = r.section(6)
    # no section 六: the statement may still close the report, after the last section found
    text = six.text if six is not None else (r.sections[-1].text if r.sections else r.text[-3000:])
    if not states_fee(text):
        yield fee_statement_missing.finding(
            "第六部分未说明信息处理费的收取情况（国办函〔2020〕109号要求）",
            section=6,
            place=six.place if six else None,
        )


@rule(
    "meta.format_legacy",
    "info",
    "报告采用旧版格式",
    "The report follows the 2019 interim layout or an older one: its tables do not map onto the 200 cells, "
    "which stay null. An error for reports on 2020 or later, which must use the 2021 layout.",
)
def format_legacy(ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if r.format_version != "legacy":
        return
    late = r.year is not None and r.year >= FIRST_2021_LAYOUT_YEAR
    yield format_legacy.finding(
        f"报告采用旧版格式（{r.year or '年份不详'}年），统计表不对应国办公开办函〔2021〕30号格式"
        + ("，应改用新格式" if late else ""),
        severity="error" if late else "info",
        table="二",
    )

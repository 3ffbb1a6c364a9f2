"""The narrative against itself and against the tables: itemised sums, application and case figures.

Every section but 五 is read (五 talks about problems and plans, not counts); table rows in them are
not prose (the narrative reader treats table rows as breaks). "收到/受理 N 件" is read
as matching when it equals either 本年新收 or 本年新收 + 上年结转: reports use both meanings.
"""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.extract.figures import Figure, figures
from xxgk.extract.narrative import itemised_sums
from xxgk.model.finding import Finding
from xxgk.model.report import Place, Report
from xxgk.rules.registry import Context, Rule, rule


def _narrative(report: Report) -> list[tuple[int, str, Place | None]]:
    """(section index, text, place) for the prose the text rules read; the whole text if no sections."""
    out = [(s.index or 0, s.text, s.place) for s in report.sections if s.index != 5]
    if not report.sections:
        out = [(0, report.text, None)]
    return out


def _cell(report: Report, *keys: str) -> int | None:
    vals = [report.cells.get(k) for k in keys]
    if any(v is None for v in vals):
        return None
    return int(sum(vals))  # type: ignore[arg-type]


@rule(
    "text.sum_mismatch",
    "warning",
    "正文分项数字之和与所述总数不符",
    "The prose states a total and itemises it (共…N条，其中A条、B条…), and the items do not add up to N.",
)
def sum_mismatch(ctx: Context) -> Iterator[Finding]:
    for index, text, place in _narrative(ctx.report):
        for s in itemised_sums(text):
            if sum(s.items) == s.total:
                continue
            items = "＋".join(str(i) for i in s.items)
            yield sum_mismatch.finding(
                f"正文称共{s.total}{s.unit}，但所列分项{items}＝{sum(s.items)}{s.unit}：“{s.text[:80]}”",
                section=index or None,
                place=place,
                total=s.total,
                items=list(s.items),
            )


_APPLICATION_CELLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "applications_new": (("t3.new.total",),),
    "applications_received": (("t3.new.total",), ("t3.new.total", "t3.carried_over.total")),
    "applications_carried_over": (("t3.carried_over.total",),),
    "applications_carried_forward": (("t3.carried_forward.total",),),
    "applications_completed": (("t3.total.total",), ("t3.new.total",)),
}
_FIGURE_NAME = {
    "applications_new": "新收申请",
    "applications_received": "收到申请",
    "applications_carried_over": "上年结转申请",
    "applications_carried_forward": "结转下年度申请",
    "applications_completed": "办结申请",
    "reviews": "行政复议",
    "suits": "行政诉讼",
    "review_and_suits": "行政复议和行政诉讼",
}
_LITIGATION_CELLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "reviews": (("t4.review.total",),),
    "suits": (("t4.suit_direct.total", "t4.suit_after_review.total"),),
    "review_and_suits": (("t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total"),),
}


def _contradictions(
    report: Report, table: dict[str, tuple[tuple[str, ...], ...]]
) -> Iterator[tuple[Figure, int, tuple[str, ...], int, Place | None]]:
    for index, text, place in _narrative(report):
        for f in figures(text):
            readings = table.get(f.kind)
            if not readings:
                continue
            sums = [(keys, _cell(report, *keys)) for keys in readings]
            known = [(keys, v) for keys, v in sums if v is not None]
            if not known or any(v == f.value for _, v in known):
                continue
            keys, v = known[0]
            yield f, v, keys, index, place


def _mismatches(
    r: Rule, ctx: Context, cells: dict[str, tuple[tuple[str, ...], ...]], table: str
) -> Iterator[Finding]:
    for f, v, keys, index, place in _contradictions(ctx.report, cells):
        yield r.finding(
            f"正文称{_FIGURE_NAME[f.kind]}{f.value}件（“{f.text[:60]}”），表{table}为{v}件",
            cells=list(keys),
            section=index or None,
            table=table,
            place=place,
            stated=f.value,
            table_value=v,
        )


@rule(
    "text.applications_mismatch",
    "warning",
    "正文申请数字与表三不符",
    "A figure in the prose (applications received, carried over, completed, carried forward) contradicts table 三.",
)
def applications_mismatch(ctx: Context) -> Iterator[Finding]:
    yield from _mismatches(applications_mismatch, ctx, _APPLICATION_CELLS, "三")


@rule(
    "text.litigation_mismatch",
    "warning",
    "正文复议诉讼数字与表四不符",
    "A 行政复议 / 行政诉讼 count in the prose contradicts the totals of table 四.",
)
def litigation_mismatch(ctx: Context) -> Iterator[Finding]:
    yield from _mismatches(litigation_mismatch, ctx, _LITIGATION_CELLS, "四")

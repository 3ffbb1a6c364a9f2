"""The derived metrics: one dictionary, fixed definitions, each a ratio of sums of cells.

A rate published without its definition cannot be compared with anyone else's, so every metric here is a
numerator and a denominator written as sums of cell keys (FORMAT.md), nothing else. A metric is undefined
— null, never 0 — when any cell it reads is null or its denominator is 0. Over a group of reports the
metric is the ratio of the sums (Σ numerator / Σ denominator over the reports whose inputs are all
present), so a body with 1,000 applications weighs a thousand times one with a single application; the
mean of per-report rates would let the smallest offices decide the figure.

``docs/metrics.md`` is generated from this module (``xxgk metrics --markdown``) and a test keeps it current.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xxgk.catalogue import T3_OUTCOME_ROWS, cell_labels, t3_key
from xxgk.corpus.frame import col, unique

# A change between two consecutive years of one series is a jump when
JUMP_RELATIVE = 0.5  # a count moves by at least half its previous value (any move from 0 counts as infinite)
JUMP_ABSOLUTE = 10  # and by at least this many in absolute terms (3 → 6 is +100 % but no news);
JUMP_POINTS = 0.2  # a metric (a ratio) moves by at least 20 percentage points.


@dataclass(frozen=True)
class Metric:
    """One derived metric: ``sum(numerator) / sum(denominator)`` over cell keys."""

    id: str
    name: str  # the Chinese name as it is used in 政务公开 assessments
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    doc: str
    unit: str = "ratio"  # a fraction (0.25 = 25 %); the CLI prints it as a percentage

    @property
    def inputs(self) -> tuple[str, ...]:
        return unique((*self.numerator, *self.denominator))

    def expression(self) -> str:
        return f"({' + '.join(self.numerator)}) / ({' + '.join(self.denominator)})"

    def compute(self, cells: Mapping[str, float | int | None]) -> float | None:
        """This metric for one report's cells; None when an input is null or the denominator is 0."""
        values = [cells.get(k) for k in self.inputs]
        if any(v is None for v in values):
            return None
        den = sum(float(cells[k] or 0) for k in self.denominator)
        if den == 0:
            return None
        return sum(float(cells[k] or 0) for k in self.numerator) / den

    def report_sql(self, table: str) -> str:
        """SQL for one row of ``table`` (columns named by cell key): null propagates through ``+``."""
        num = " + ".join(f"{table}.{col(k)}" for k in self.numerator)
        den = " + ".join(f"{table}.{col(k)}" for k in self.denominator)
        return f"(({num}) / nullif({den}, 0))"

    def group_sql(self, table: str) -> str:
        """SQL aggregate: Σ numerator / Σ denominator over the rows whose inputs are all present."""
        present = " AND ".join(f"{table}.{col(k)} IS NOT NULL" for k in self.inputs)
        num = " + ".join(f"{table}.{col(k)}" for k in self.numerator)
        den = " + ".join(f"{table}.{col(k)}" for k in self.denominator)
        return f"(sum({num}) FILTER (WHERE {present}) / nullif(sum({den}) FILTER (WHERE {present}), 0))"


def _rows(prefix: str) -> tuple[str, ...]:
    return tuple(t3_key(r, "total") for r in T3_OUTCOME_ROWS if r.startswith(prefix))


_HANDLED = ("t3.total.total",)
_SUITS = ("t4.suit_direct.total", "t4.suit_after_review.total")

METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "disclosure_rate",
            "公开率",
            ("t3.granted.total", "t3.partially_granted.total"),
            _HANDLED,
            "Applications answered by disclosing the information in whole or in part (予以公开 + 部分公开), "
            "of all applications handled this year (（七）总计).",
        ),
        Metric(
            "denial_rate",
            "不予公开率",
            _rows("denied_"),
            _HANDLED,
            "Applications refused on one of the eight 不予公开 grounds (国家秘密 … 行政查询事项), of all handled.",
        ),
        Metric(
            "unable_rate",
            "无法提供率",
            _rows("unable_"),
            _HANDLED,
            "Applications the body could not answer (不掌握, 需另行制作, 补正后仍不明确), of all handled.",
        ),
        Metric(
            "rejection_rate",
            "不予处理率",
            _rows("rejected_"),
            _HANDLED,
            "Applications not processed (信访举报投诉, 重复申请, 公开出版物, 大量反复申请, 确认或重新出具), "
            "of all handled.",
        ),
        Metric(
            "other_handling_rate",
            "其他处理率",
            _rows("other_"),
            _HANDLED,
            "Applications closed otherwise (逾期不补正, 逾期未缴费, 其他), of all handled.",
        ),
        Metric(
            "carry_forward_rate",
            "结转率",
            ("t3.carried_forward.total",),
            ("t3.new.total", "t3.carried_over.total"),
            "Applications still open at the year's end (结转下年度继续办理), of all on hand "
            "(本年新收 + 上年结转).",
        ),
        Metric(
            "review_correction_rate",
            "复议纠错率",
            ("t4.review.corrected",),
            ("t4.review.total",),
            "Administrative reviews whose result corrected the body (结果纠正), of all its reviews (总计).",
        ),
        Metric(
            "suit_correction_rate",
            "诉讼纠错率",
            ("t4.suit_direct.corrected", "t4.suit_after_review.corrected"),
            _SUITS,
            "Lawsuits, direct and after review, whose result corrected the body, of all its lawsuits.",
        ),
        Metric(
            "dispute_rate",
            "复议诉讼率",
            ("t4.review.total", *_SUITS),
            ("t3.new.total",),
            "Reviews and lawsuits (复议总计 + both 诉讼 totals) per new application this year (本年新收); "
            "it can exceed 1 when disputes concern earlier years' applications.",
        ),
    )
}

# The sums every statistic and comparison shows beside the metrics (cell keys, their export names), with the
# short names the tables print over them.
TOTAL_NAMES: dict[str, str] = {
    "t3.new.total": "新收",
    "t3.carried_over.total": "上年结转",
    "t3.granted.total": "予以公开",
    "t3.partially_granted.total": "部分公开",
    "t3.total.total": "办理总计",
    "t3.carried_forward.total": "结转下年",
    "t4.review.total": "复议",
    "t4.suit_direct.total": "直接起诉",
    "t4.suit_after_review.total": "复议后起诉",
}
MAIN_TOTALS: tuple[str, ...] = tuple(TOTAL_NAMES)


def resolve(name: str) -> Metric:
    """A metric by id or Chinese name; ValueError listing the known ones otherwise."""
    for m in METRICS.values():
        if name in (m.id, m.name):
            return m
    known = ", ".join(f"{m.id} ({m.name})" for m in METRICS.values())
    raise ValueError(f"unknown metric {name!r}; known: {known}")


def metric_inputs(metrics: list[Metric] | None = None) -> tuple[str, ...]:
    return unique(k for m in (metrics or list(METRICS.values())) for k in m.inputs)


def is_jump(previous: float | None, current: float | None, *, ratio: bool = False) -> bool:
    """Whether ``previous`` → ``current`` is a jump by the constants above (never when either is null)."""
    if previous is None or current is None:
        return False
    change = abs(current - previous)
    if ratio:
        return change >= JUMP_POINTS - 1e-12
    return change >= JUMP_ABSOLUTE and (previous == 0 or change >= JUMP_RELATIVE * abs(previous))


HEADER = """# Derived metrics

Generated by `xxgk metrics --markdown` from `xxgk/corpus/metrics.py`; do not edit by hand
(`tests/test_corpus_stats.py` fails when this file is out of date).

Every metric is a ratio of sums of cells, named by their keys (FORMAT.md, `cells.json`), and is a fraction
(0.25 = 25 %). It is **undefined (null, never 0)** when any cell it reads is null or its denominator is 0.
Over a group of reports (`xxgk stats`) a metric is the ratio of the sums — Σ numerator / Σ denominator over
the group's reports whose inputs are all present — not the mean of the reports' rates, so each application
weighs the same whichever office received it.

| id | 名称 | numerator | denominator | unit | meaning |
|---|---|---|---|---|---|
"""


def metrics_markdown() -> str:
    labels = cell_labels()
    rows = [
        f"| `{m.id}` | {m.name} | {' + '.join(f'`{k}`' for k in m.numerator)} | "
        f"{' + '.join(f'`{k}`' for k in m.denominator)} | {m.unit} | {m.doc} |"
        for m in METRICS.values()
    ]
    totals = "\n".join(f"| `{k}` | {TOTAL_NAMES[k]} | {labels[k].replace('|', '·')} |" for k in MAIN_TOTALS)
    return (
        HEADER
        + "\n".join(rows)
        + "\n\n## Totals shown beside the metrics\n\n"
        + "`xxgk stats` sums these cells over each group (a null cell adds nothing) and `xxgk compare` "
        + "shows them year by year.\n\n| key | short name | cell |\n|---|---|---|\n"
        + totals
        + "\n\n## Jumps\n\n"
        + "`xxgk compare` and `xxgk stats --by year` compare each year with the previous year of the same "
        + "series and flag a change as a jump when\n\n"
        + f"- a count (a total above, or the number of reports) moves by at least {JUMP_ABSOLUTE} and by at "
        + f"least {JUMP_RELATIVE:.0%} of its previous value (any such move from 0 counts), or\n"
        + f"- a metric moves by at least {JUMP_POINTS * 100:.0f} percentage points.\n\n"
        + "A change with a null on either side is neither computed nor flagged. In `xxgk stats` a metric's "
        + "jump is flagged only when both years' groups have at least `--min-group` reports.\n"
    )

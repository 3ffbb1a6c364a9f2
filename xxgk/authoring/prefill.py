"""What last year's report fixes in this year's: the 上年结转 row and the 现行有效件数 of table 二.

FORMAT.md §2 across years: this year's 上年结转 equals last year's 结转下年度继续办理, column by column, and
this year's 现行有效件数 equals last year's plus this year's 本年制发 − 本年废止 (规章 and 行政规范性文件).
The first is a plain number; the second becomes a live formula over this year's two cells, so it stays
right while the clerk fills them in. A figure last year's report leaves null stays blank, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xxgk.catalogue import T3_APPLICANT_COLUMNS, t3_key

Value = int | float | None
IN_FORCE_ROWS: tuple[str, ...] = ("regulations", "normative")  # t2.<row>.in_force


@dataclass(frozen=True)
class Prefill:
    """The figures carried from last year's report, and which it could not give."""

    source: str
    year: int | None
    agency: str | None
    carried_over: dict[str, Value] = field(default_factory=dict)  # t3.carried_over.<col> → value
    in_force: dict[str, Value] = field(default_factory=dict)  # t2.<row>.in_force → last year's value

    @property
    def missing(self) -> list[str]:
        """Keys of this year's cells that stay blank because last year's report gives no figure."""
        return [k for k, v in (self.carried_over | self.in_force).items() if v is None]


def prefill_from(cells: dict[str, Value], *, source: str, year: int | None, agency: str | None) -> Prefill:
    """The prefill given last year's 200 cells (as ``xxgk.parse`` or a workbook gives them)."""
    carried = {
        t3_key("carried_over", c): cells.get(t3_key("carried_forward", c)) for c in T3_APPLICANT_COLUMNS
    }
    in_force = {f"t2.{row}.in_force": cells.get(f"t2.{row}.in_force") for row in IN_FORCE_ROWS}
    return Prefill(source, year, agency, carried, in_force)

"""The totals of the tables as relations between cell keys, written once for the workbook and for YAML.

The workbook turns each relation into a live formula over the cells holding its terms; YAML and JSON
input that leaves a total out get it computed from the same relation. Table 三's 结转下年度继续办理 is not
one of them: the 勾稽关系 printed over the table (第一项加第二项之和，等于第三项加第四项之和) is a check
on four figures the clerk counts, and computing the fourth from the other three would hide the very
mistake it is there to catch.
"""

from __future__ import annotations

from collections.abc import Mapping

from xxgk.catalogue import (
    T3_APPLICANT_COLUMNS,
    T3_COLUMN_KEYS,
    T3_OUTCOME_ROWS,
    T3_ROW_KEYS,
    T4_COLUMN_KEYS,
    T4_GROUP_KEYS,
    t3_key,
    t4_key,
)

Term = tuple[int, str]  # (+1 or -1, cell key)
Value = int | float | None


def _relations() -> dict[str, tuple[Term, ...]]:
    out: dict[str, tuple[Term, ...]] = {}
    for col in T3_APPLICANT_COLUMNS:
        out[t3_key("total", col)] = tuple((1, t3_key(r, col)) for r in T3_OUTCOME_ROWS)
    for row in T3_ROW_KEYS:
        out[t3_key(row, "total")] = tuple((1, t3_key(row, c)) for c in T3_APPLICANT_COLUMNS)
    for group in T4_GROUP_KEYS:
        out[t4_key(group, "total")] = tuple((1, t4_key(group, c)) for c in T4_COLUMN_KEYS[:-1])
    return out


# total cell → the signed terms it is computed from (every total of tables 三 and 四)
TOTALS: dict[str, tuple[Term, ...]] = _relations()
# the 勾稽关系 per column of table 三, as signed terms that must add up to zero
BALANCE: dict[str, tuple[Term, ...]] = {
    col: (
        (1, t3_key("new", col)),
        (1, t3_key("carried_over", col)),
        (-1, t3_key("total", col)),
        (-1, t3_key("carried_forward", col)),
    )
    for col in T3_COLUMN_KEYS
}


def compute_total(key: str, cells: Mapping[str, Value], given: frozenset[str] = frozenset()) -> Value:
    """A total from its terms, recursively; a term in ``given`` (or not a total) is taken from ``cells``.

    Blank terms count as 0, as a spreadsheet's SUM counts them: the blanks are reported on their own.
    """
    if key in given or key not in TOTALS:
        return cells.get(key)
    acc: int | float = 0
    for sign, term in TOTALS[key]:
        v = compute_total(term, cells, given)
        acc += sign * (v or 0)
    return acc


def fill_totals(cells: Mapping[str, Value], present: set[str]) -> dict[str, Value]:
    """``cells`` with every total not in ``present`` computed from the cells that are."""
    given = frozenset(present)
    out = dict(cells)
    for key in TOTALS:
        if key not in present:
            out[key] = compute_total(key, cells, given)
    return out

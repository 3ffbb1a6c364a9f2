"""Table 四: 3 groups × 5 cells, read as one sequence of 15 slots, whatever rows they were printed on.

The printed layouts differ (one row of 15, three rows of 5, three small tables) but the order never does:
行政复议, then 未经复议直接起诉, then 复议后起诉, each 维持, 纠正, 其他, 尚未审结, 总计. The group relations
(总计 = the four before it) choose among the readings of run-together digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from xxgk.catalogue import T4_COLUMN_KEYS, T4_GROUP_KEYS, t4_key
from xxgk.extract.atoms import BLANK, PH, TEXT, Atom, garbled_number
from xxgk.extract.readings import row_readings
from xxgk.extract.rows import PrintedRow, strip_trailing
from xxgk.extract.solve import settle
from xxgk.extract.tables import TableResult

GROUP = len(T4_COLUMN_KEYS)
K = GROUP * len(T4_GROUP_KEYS)
_PROSE_MIN = 30  # a text line this long without cells is prose: the table has ended
_CLAUSE_MARKS = "，；"  # no label of table 四 holds them; the sentence that introduces the table does
_COUNT_UNITS = "件起宗例个"  # "被申请行政复议81件": a count in prose; the table's cells carry no unit


SUMS = tuple((g, g + GROUP) for g in range(0, K, GROUP))


def _after_last_sentence(line: list[Atom]) -> list[Atom]:
    """In run-on text, a sentence ending before the values ("…统计如下。行政复议…") is prose, not table."""
    last_value = max((i for i, a in enumerate(line) if a.kind != TEXT), default=-1)
    cut = max((i for i, a in enumerate(line[:last_value]) if a.kind == TEXT and "。" in a.text), default=-1)
    if cut < 0:
        return line
    head = line[cut]
    tail = head.text.rsplit("。", 1)[1]
    rest = line[cut + 1 :]
    return [head._replace(text=tail), *rest] if tail else rest


def _is_wrapped_prose(line: list[Atom], text: str) -> bool:
    """A line of the sentence before the table that a converter wrapped before its 。 ("…行政复议81件，被提起
    行政诉讼8477件，统计" / "如下。"): its clause marks or its counts with a unit say it is prose."""
    if any(c in text for c in _CLAUSE_MARKS):
        return True
    return any(
        a.kind != TEXT and b.kind == TEXT and b.col == a.end_col and b.text[0] in _COUNT_UNITS
        for a, b in pairwise(line)
    )


def table_slots(atoms: Sequence[Atom]) -> list[Atom]:
    """The value slots of the table, in order: the cells of lines that hold values, until prose begins."""
    slots: list[Atom] = []
    by_line: dict[int, list[Atom]] = {}
    for a in atoms:
        by_line.setdefault(a.line, []).append(a)
    for _, line in sorted(by_line.items()):
        line = _after_last_sentence(line)
        if any(a.kind != TEXT for a in line):  # garbled digits in a grid cell hold their place (see rows.py)
            line = [
                a._replace(kind=PH) if a.kind == TEXT and a.grid and garbled_number(a.text) else a
                for a in line
            ]
        values = [a for a in line if a.kind != TEXT]
        text = "".join(a.text for a in line if a.kind == TEXT)
        prose = "。" in text or (len(text) >= _PROSE_MIN and not values) or _is_wrapped_prose(line, text)
        if prose or not any(a.kind != BLANK for a in values):
            if prose and slots:
                break
            continue
        # trailing empties end a line's cells only when the line is exactly whole groups long; leading
        # ones beyond the table's fifteen cells are an empty column before them
        if len(values) % GROUP or len(values) > K:
            values = strip_trailing(values)
        while len(values) > K and values[0].kind == BLANK:
            values = values[1:]
        slots.extend(values)
    return slots


def read_table4(atoms: Sequence[Atom], *, spaced: bool = False) -> TableResult:
    result = TableResult("四")
    slots = table_slots(atoms)
    keys = [t4_key(g, c) for g in T4_GROUP_KEYS for c in T4_COLUMN_KEYS]
    if not slots:
        for key in keys:
            result.absent(key)
        return result
    result.found = True
    rr = row_readings(slots, K, sums=SUMS, spaced=spaced)
    pseudo = PrintedRow("表四", [], slots)
    if rr.kind != "exact" and rr.chosen:
        result.row_event(rr.kind, "t4", pseudo, K, "表四")
    settled = settle(rr.readings, K)
    if rr.kind == "unreadable" or (len(rr.readings) > 1 and any(s.status == "ambiguous" for s in settled)):
        result.mark_unresolved("t4")
    for key, cell in zip(keys, settled, strict=True):
        result.put(key, cell, pseudo)
    return result

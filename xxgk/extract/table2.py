"""Table 二: six labelled rows (规章, 行政规范性文件 with three cells; 许可, 处罚, 强制, 收费 with one).

The table has no arithmetic of its own, so run-together digits (``行政规范性文件6233440``) can only be cut
where the report's own text pins a cell ("本年度制发行政规范性文件62件"); otherwise every cut stays an
alternative and the cells stay null.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from xxgk.catalogue import T2_ROWS, T2Row
from xxgk.extract.atoms import BLANK, TEXT, Atom, one_value_per_line
from xxgk.extract.document import normalise
from xxgk.extract.readings import Reading, row_readings, values_of
from xxgk.extract.rows import PrintedRow
from xxgk.extract.solve import settle
from xxgk.extract.tables import TableResult

_NARRATIVE = {
    ("t2.normative.made", 0): re.compile(r"制发(?:的)?(?:行政)?规范性文件\s*(\d+)\s*件"),
    ("t2.normative.in_force", 2): re.compile(r"现行有效(?:的)?(?:行政)?规范性文件\s*(\d+)\s*件"),
}


_UNITS = set("件条个项次篇份万元%％")


_NAMES = {row.label: tuple(normalise(n) for n in (row.label, *row.aliases)) for row in T2_ROWS}
_ALL_NAMES = tuple(n for names in _NAMES.values() for n in names)


def _values_after(atoms: Sequence[Atom], i: int, join: bool) -> tuple[list[Atom], Atom | None]:
    """The values after label atom i on its line (or, when its line has none, on the line under it:
    values printed beneath their label), and the atom that ends them."""
    a = atoms[i]
    slots: list[Atom] = []
    line = a.line
    for b in atoms[i + 1 :]:
        if b.line == line + 1 and not slots and b.kind != TEXT:
            line = b.line  # the label's line ended without values: its values are under it
        if b.kind == TEXT or (b.line != line and not join):
            return slots, b
        slots.append(b)
    return slots, None


def _find_row(
    atoms: Sequence[Atom], row: T2Row, labels: Sequence[str | None], join: bool = False
) -> tuple[Atom, list[Atom]] | None:
    """The first label atom ending in the row's label with values after it, and those values; failing
    that, a label whose end is close to this row's label and to no other row's (OCR's "行政许个").
    ``labels``: each atom's normalised text (None for a value), computed once for the six rows; ``join``:
    the table is written one cell per line, and a row's values run on to the next label."""
    exact = [i for i, label in enumerate(labels) if label is not None and label.endswith(_NAMES[row.label])]
    return _first_with_values(atoms, exact, join) or _first_with_values(atoms, _near(row, labels), join)


def _first_with_values(
    atoms: Sequence[Atom], candidates: list[int], join: bool
) -> tuple[Atom, list[Atom]] | None:
    blank_row = None
    for i in candidates:
        a = atoms[i]
        slots, after = _values_after(atoms, i, join)
        if after is not None and after.line == a.line and after.text[:1] in _UNITS:
            continue  # "制发行政规范性文件4件": a sentence naming the row, not the row
        if any(s.kind != BLANK for s in slots):
            return a, slots
        if slots and blank_row is None:
            blank_row = (a, slots)  # the row is there, its cells empty
    return blank_row


_NEAR = 0.7  # similarity of a label's end to a row's label, for a label that is no row's exactly


def _similarity(label: str, row: T2Row) -> float:
    return max(Levenshtein.normalized_similarity(label[-len(name) :], name) for name in _NAMES[row.label])


def _near(row: T2Row, labels: Sequence[str | None]) -> list[int]:
    """Labels no row ends in exactly whose end is at least _NEAR like this row's, and more than any other's."""
    out = []
    for i, label in enumerate(labels):
        if label is None or len(label) < 3 or any(label.endswith(n) for n in _ALL_NAMES):
            continue
        score = _similarity(label, row)
        if score >= _NEAR and all(_similarity(label, other) < score for other in T2_ROWS if other is not row):
            out.append(i)
    return out


def _pin_by_text(
    keys: Sequence[str], readings: tuple[Reading, ...], text: str
) -> tuple[tuple[Reading, ...], str]:
    """Keep the readings that agree with what the report's text states about these cells."""
    stated: list[str] = []
    kept = readings
    for (key, pos), pattern in _NARRATIVE.items():
        if key not in keys:
            continue
        m = pattern.search(text)
        if not m:
            continue
        value = int(m.group(1))
        narrowed = tuple(r for r in kept if values_of(r)[pos] == value)
        if narrowed:
            kept = narrowed
            stated.append(m.group(0))
    return kept, "；".join(stated)


def read_table2(atoms: Sequence[Atom], text: str, *, spaced: bool = False) -> TableResult:
    result = TableResult("二")
    labels = [normalise(a.text) if a.kind == TEXT else None for a in atoms]
    join = one_value_per_line(atoms)
    for row in T2_ROWS:
        found = _find_row(atoms, row, labels, join)
        if found is None:
            for key in row.keys:
                result.absent(key)
            result.event("absent_row", row.keys[0], f"表二未找到“{row.label}”行", resolved=False)
            continue
        result.found = True
        label, slots = found
        k = len(row.keys)
        while len(slots) > k and slots[0].kind == BLANK:
            slots = slots[1:]  # an empty column between label and values: more slots than cells, so layout
        rr = row_readings(slots, k, allow_decimal=row.keys[0] == "t2.fees.amount", spaced=spaced)
        printed = PrintedRow(normalise(label.text)[-12:], [label], slots)
        readings, stated = (
            _pin_by_text(row.keys, rr.readings, text) if len(rr.readings) > 1 else (rr.readings, "")
        )
        settled = settle(readings, k)
        resolved = not any(s.status in ("ambiguous", "unfilled") for s in settled)
        if rr.kind != "exact" and rr.chosen:
            how = f"正文“{stated}”" if stated else "表内关系"
            result.row_event(rr.kind, row.keys[0], printed, k, "表二", resolved=resolved, how=how)
        for key, cell in zip(row.keys, settled, strict=True):
            result.put(key, cell, printed)
    return result

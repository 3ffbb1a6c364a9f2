"""Table 三: 25 rows × 7 columns, read with the help of its own arithmetic.

Steps: the header tells which of the seven columns the printed table has; printed rows are aligned to the
25 template rows; each row's readings are narrowed by row total = sum of the six applicant columns; the
whole table's readings by the column relations (balance, outcome sum); then each cell is settled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

from xxgk.catalogue import T3_COLUMNS, T3_OUTCOME_ROWS, T3_ROWS, t3_key
from xxgk.extract.atoms import BLANK, NUM, Atom
from xxgk.extract.document import normalise
from xxgk.extract.readings import Reading, RowReadings, row_readings
from xxgk.extract.rows import (
    PrintedRow,
    Template,
    align,
    label_similarity,
    leading_blanks_of,
    leading_is_layout,
    split_rows,
    trailing_is_layout,
)
from xxgk.extract.solve import Equation, settle, solve
from xxgk.extract.tables import TableResult, capacity_fits

K_FULL = len(T3_COLUMNS)


ROW_SUM = ((0, K_FULL),)
_SURE = 0.8  # a label this close to its own row, and closer than to its neighbours, needs no alignment
TEMPLATES = tuple(Template(r.item, r.group) for r in T3_ROWS)
_KEYS = tuple(tuple(t3_key(r.key, col) for col, _ in T3_COLUMNS) for r in T3_ROWS)
_FIRST = Template(T3_ROWS[0].item)


@cache
def _equations(width: int) -> tuple[Equation, ...]:
    """Per printed column: new + carried_over − total − carried_forward = 0 and Σ outcomes − total = 0."""
    eqs: list[Equation] = []
    for c in range(width):
        eqs.append((("new", c, 1), ("carried_over", c, 1), ("total", c, -1), ("carried_forward", c, -1)))
        eqs.append((*((r, c, 1) for r in T3_OUTCOME_ROWS), ("total", c, -1)))
    return tuple(eqs)


def _present_columns(header: str, rows: Sequence[PrintedRow]) -> list[int]:
    """Indices of T3_COLUMNS the printed table has: all seven unless the rows and the header agree one is gone."""
    counts = Counter(
        r.n_filled - r.lead for r in rows if not [a for a in r.slots if a.kind == NUM and len(a.text) > 4]
    )
    if not counts or counts.most_common(1)[0][0] != K_FULL - 1:
        return list(range(K_FULL))
    head = normalise(header).replace("法人或其他组织", "")
    absent = [i for i, (_, name) in enumerate(T3_COLUMNS) if normalise(name)[:4] not in head]
    if len(absent) == 1:
        return [i for i in range(K_FULL) if i != absent[0]]
    return list(range(K_FULL))


def read_table3(atoms: Sequence[Atom], *, fast: bool = True, spaced: bool = False) -> TableResult:
    """Table 三 from its atoms. ``fast``: rows printed as exactly their cells, every one a plain count (most
    rows of most tables), are written straight out when no other row leaves the arithmetic a choice; with
    ``fast=False`` every row goes through the readings (the tests hold the two paths to the same result).
    ``spaced``: the document's tables kept the borders between values (see ``row_readings``)."""
    result = TableResult("三")
    start = _first_row(atoms)
    if start is None:
        return result
    result.found = True
    header = "".join(a.text for a in atoms[:start] if a.kind == "text")
    printed = split_rows(atoms[start:], leading_blanks=False)
    present = _present_columns(header, printed)
    k = len(present)
    result.columns = [T3_COLUMNS[i][0] for i in present]
    if k < K_FULL:
        missing = [T3_COLUMNS[i][1] for i in range(K_FULL) if i not in present]
        result.event("missing_column", None, f"表三缺少“{'、'.join(missing)}”列", resolved=True)
    assigned = _in_order(printed) or _aligned(printed, k)
    trailing_cells = not trailing_is_layout(printed, k)
    lead_layout = leading_is_layout(printed, k)
    sums = ROW_SUM if k == K_FULL else ()
    # per template row: its printed row, its value slots, and its readings (None: a plain row, not read yet)
    rows: dict[str, tuple[PrintedRow, list[Atom], RowReadings | None]] = {}
    for tmpl, idx in zip(T3_ROWS, assigned, strict=True):
        if idx is None:
            result.event("absent_row", tmpl.key, f"表三未找到“{tmpl.item}”行", resolved=False)
            continue
        row = printed[idx]
        slots = _value_slots(row, k, lead_layout)
        if fast and (plain := _plain(slots, k, trailing_cells)) is not None:
            rows[tmpl.key] = (row, plain, None)
            continue
        rr = row_readings(slots, k, sums=sums, trailing_cells=trailing_cells, spaced=spaced)
        rows[tmpl.key] = (row, slots, rr)
        if rr.kind != "exact" and rr.chosen:
            result.row_event(rr.kind, tmpl.key, row, k, "表三")
    kept: dict[str, tuple[Reading, ...]] = {}
    if any(rr is not None and len(rr.readings) > 1 for _, _, rr in rows.values()):
        # the column relations choose among the readings of some row: they need every row's values
        every = {
            key: (
                rr or row_readings(slots, k, sums=sums, trailing_cells=trailing_cells, spaced=spaced)
            ).readings
            for key, (_, slots, rr) in rows.items()
        }
        kept, _ = solve(every, _equations(k))
    else:
        kept = {key: rr.readings for key, (_, _, rr) in rows.items() if rr is not None}
    absent_columns = [i for i in range(K_FULL) if i not in present]
    for tmpl, keys in zip(T3_ROWS, _KEYS, strict=True):
        if tmpl.key not in rows:
            for key in keys:
                result.absent(key)
            continue
        row, slots, _ = rows[tmpl.key]
        printed_keys = keys if k == K_FULL else [keys[i] for i in present]
        readings = kept.get(tmpl.key)
        if readings is None:
            result.put_counts(printed_keys, slots)
        elif len(readings) == 1:
            result.put_reading(printed_keys, readings[0], row)
        else:
            settled = settle(readings, k)
            for key, cell in zip(printed_keys, settled, strict=True):
                result.put(key, cell, row)
            if len(readings) > 1 and any(s.status == "ambiguous" for s in settled):
                result.mark_unresolved(tmpl.key)
        for i in absent_columns:
            result.missing_column(keys[i])
    return result


def _plain(slots: list[Atom], k: int, trailing_cells: bool) -> list[Atom] | None:
    """The k slots of a row that ``row_readings`` would read exactly with every cell a plain count."""
    filled = len(slots)
    while filled and slots[filled - 1].kind == BLANK:
        filled -= 1
    if filled != k and not (trailing_cells and filled < k <= len(slots)):
        return None
    slots = slots[:k]
    for a in slots:
        if a.kind != NUM or not a.text.isdigit():
            return None
    return slots


def _value_slots(row: PrintedRow, k: int, lead_layout: bool) -> list[Atom]:
    """The row's slots for its k cells. In a true grid positions count: surplus empty cells are taken
    from the front (label columns) and then the back. In tab text the table's own habit decides."""
    slots = row.slots
    if slots and all(a.grid for a in slots):
        lead = leading_blanks_of(row)
        drop = min(lead, max(0, len(slots) - k))
        slots = slots[drop:]
        while len(slots) > k and slots[-1].kind == BLANK:
            slots = slots[:-1]
        return slots
    return slots[leading_blanks_of(row) :] if lead_layout else slots


def _in_order(printed: Sequence[PrintedRow]) -> list[int | None] | None:
    """The common case, cheaply: 25 rows, each clearly its template row (and no other), in order."""
    if len(printed) != len(TEMPLATES):
        return None
    for i, (row, t) in enumerate(zip(printed, TEMPLATES, strict=True)):
        if t.item in row.label:
            continue
        score = label_similarity(row.label, t)
        if score < _SURE or any(
            label_similarity(row.label, TEMPLATES[j]) >= score
            for j in (i - 1, i + 1)
            if 0 <= j < len(TEMPLATES)
        ):
            return None
    return list(range(len(TEMPLATES)))


def _aligned(printed: Sequence[PrintedRow], k: int) -> list[int | None]:
    if not printed:
        return [None] * len(TEMPLATES)
    scores = []
    for r in printed:
        fit = 1.0 if capacity_fits(r.filled[leading_blanks_of(r) :], k) else 0.3
        scores.append([label_similarity(r.label, t) * fit for t in TEMPLATES])
    return align(printed, scores)


def _first_row(atoms: Sequence[Atom]) -> int | None:
    """Index of the atom that starts the 本年新收 row (the header ends there)."""
    for i, a in enumerate(atoms):
        if a.kind == "text" and "本年新收" in normalise(a.text):
            return i
    for i, a in enumerate(atoms):
        if a.kind == "text" and label_similarity(normalise(a.text), _FIRST) > 0.7:
            return i
    return None

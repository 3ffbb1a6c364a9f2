"""Table 三: 25 rows × 7 columns, read with the help of its own arithmetic.

Steps: the header tells which of the seven columns the printed table has; printed rows are aligned to the
25 template rows; each row's readings are narrowed by row total = sum of the six applicant columns; the
whole table's readings by the column relations (balance, outcome sum); then each cell is settled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from xxgk.catalogue import T3_APPLICANT_COLUMNS, T3_COLUMNS, T3_OUTCOME_ROWS, T3_ROWS, t3_key
from xxgk.extract.atoms import NUM, Atom
from xxgk.extract.document import normalise
from xxgk.extract.readings import Values, row_readings
from xxgk.extract.rows import PrintedRow, align, label_similarity, split_rows
from xxgk.extract.solve import Grid, solve
from xxgk.extract.tables import TableResult, capacity_fits, settle_row

K_FULL = len(T3_COLUMNS)


def _row_check(values: Values) -> bool:
    if any(v is None for v in values):
        return True
    return values[-1] == sum(values[:-1])  # type: ignore[arg-type]


def _row_derive(values: Values) -> Values | None:
    missing = [i for i, v in enumerate(values) if v is None]
    if len(missing) != 1:
        return values
    (i,) = missing
    known = [v for v in values if v is not None]
    if i == len(values) - 1:
        value = sum(known[: len(values) - 1])  # type: ignore[arg-type]
    else:
        value = values[-1] - sum(v for j, v in enumerate(values[:-1]) if j != i)  # type: ignore[operator,misc]
    if value < 0:
        return None
    return (*values[:i], value, *values[i + 1 :])


def _columns_relations(present: Sequence[int]) -> object:
    outcome = T3_OUTCOME_ROWS

    def relations(grid: Grid) -> bool:
        for c in range(len(present)):
            ends = [grid.get(r) for r in ("new", "carried_over", "total", "carried_forward")]
            if all(e is not None for e in ends):
                a, b, t, f = (e[c] for e in ends)  # type: ignore[index]
                if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]
                    return False
            total = grid.get("total")
            parts = [grid.get(r) for r in outcome]
            if total is not None and all(p is not None for p in parts):
                col = [p[c] for p in parts]  # type: ignore[index]
                if total[c] is not None and None not in col and total[c] != sum(col):  # type: ignore[arg-type]
                    return False
        return True

    return relations


def _present_columns(header: str, rows: Sequence[PrintedRow]) -> list[int]:
    """Indices of T3_COLUMNS the printed table has: all seven unless the rows and the header agree one is gone."""
    counts = Counter(len(r.slots) for r in rows if all(a.kind != NUM or len(a.text) <= 4 for a in r.slots))
    if not counts or counts.most_common(1)[0][0] != K_FULL - 1:
        return list(range(K_FULL))
    head = normalise(header).replace("法人或其他组织", "")
    absent = [i for i, (_, name) in enumerate(T3_COLUMNS) if normalise(name)[:4] not in head]
    if len(absent) == 1:
        return [i for i in range(K_FULL) if i != absent[0]]
    return list(range(K_FULL))


def read_table3(atoms: Sequence[Atom]) -> TableResult:
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
    scores = [
        [label_similarity(r.label, t.item, t.group) * (1.0 if capacity_fits(r.slots, k) else 0.3) for t in T3_ROWS]
        for r in printed
    ]
    assigned = align(printed, scores) if printed else [None] * len(T3_ROWS)
    full = k == K_FULL
    per_row = {}
    for tmpl, idx in zip(T3_ROWS, assigned, strict=True):
        if idx is None:
            result.event("absent_row", tmpl.key, f"表三未找到“{tmpl.item}”行", resolved=False)
            continue
        row = printed[idx]
        rr = row_readings(row.slots, k, check=_row_check if full else None, derive=_row_derive if full else None)
        per_row[tmpl.key] = (row, rr)
        if rr.kind != "exact" and (rr.kind != "split" or rr.considered > 1):
            result.row_event(rr.kind, tmpl.key, row, k, "表三")
    kept, _ = solve({key: rr.readings for key, (_, rr) in per_row.items()}, _columns_relations(present))  # type: ignore[arg-type]
    for tmpl in T3_ROWS:
        keys = [t3_key(tmpl.key, col) for col, _ in T3_COLUMNS]
        if tmpl.key not in per_row:
            for key in keys:
                result.absent(key)
            continue
        row, rr = per_row[tmpl.key]
        settled = settle_row(kept[tmpl.key], k)
        for pos, i in enumerate(present):
            result.put(keys[i], settled[pos], row)
        for i in range(K_FULL):
            if i not in present:
                result.missing_column(keys[i])
        if len(kept[tmpl.key]) > 1 and any(s.status == "ambiguous" for s in settled):
            result.mark_unresolved(tmpl.key)
    return result


def _first_row(atoms: Sequence[Atom]) -> int | None:
    """Index of the atom that starts the 本年新收 row (the header ends there)."""
    for i, a in enumerate(atoms):
        if a.kind == "text" and "本年新收" in normalise(a.text):
            return i
    for i, a in enumerate(atoms):
        if a.kind == "text" and label_similarity(normalise(a.text), T3_ROWS[0].item) > 0.7:
            return i
    return None


__all__ = ["T3_APPLICANT_COLUMNS", "read_table3"]

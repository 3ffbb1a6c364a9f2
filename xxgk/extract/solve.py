"""Let a table's arithmetic choose among the readings of its rows, then settle each cell.

Rows with a single reading are fixed. For the rest, every combination is tried against the table's
relations (column sums, balance); the combinations that satisfy all relations that can be evaluated are
kept. A cell on which every kept combination agrees gets that value; otherwise it stays null and carries
the alternatives: the arithmetic chooses among readings, it never makes a value up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import product

from xxgk.extract.atoms import Atom
from xxgk.extract.readings import Number, Reading, Values, values_of

MAX_COMBINATIONS = 50000
Grid = Mapping[str, Values]
Relations = Callable[[Grid], bool]


@dataclass
class Settled:
    """One cell after solving."""

    value: Number | None
    status: str  # number / derived / blank / placeholder / ambiguous / unfilled
    raw: str = ""
    atoms: tuple[Atom, ...] = ()  # where it was printed (several when a run was split or readings differ)
    alternatives: list[Number | None] = field(default_factory=list)


def solve(rows: Mapping[str, tuple[Reading, ...]], relations: Relations | None) -> tuple[dict[str, tuple[Reading, ...]], bool]:
    """Narrow each row's readings by the table relations: (kept readings per row, relations satisfied)."""
    multi = [name for name, rs in rows.items() if len(rs) > 1]
    fixed = {name: values_of(rs[0]) for name, rs in rows.items() if len(rs) == 1}
    if relations is None:
        return dict(rows), True
    if not multi:
        return dict(rows), relations(fixed)
    total = 1
    for name in multi:
        total *= len(rows[name])
    if total > MAX_COMBINATIONS:
        return dict(rows), False
    keep: dict[str, set[int]] = {name: set() for name in multi}
    options = [list(enumerate(rows[name])) for name in multi]
    grid: dict[str, Values] = dict(fixed)
    ok_any = False
    for combo in product(*options):
        for name, (_, reading) in zip(multi, combo, strict=True):
            grid[name] = values_of(reading)
        if relations(grid):
            ok_any = True
            for name, (i, _) in zip(multi, combo, strict=True):
                keep[name].add(i)
    if not ok_any:
        return dict(rows), False
    narrowed = dict(rows)
    for name in multi:
        narrowed[name] = tuple(rows[name][i] for i in sorted(keep[name]))
    return narrowed, True


def settle(readings: tuple[Reading, ...], k: int) -> list[Settled]:
    """Per cell: the agreed value, or null with the alternatives when readings disagree."""
    if not readings:
        return [Settled(None, "ambiguous") for _ in range(k)]
    out: list[Settled] = []
    for i in range(k):
        vals = [r[i] for r in readings]
        distinct = {v.value for v in vals}
        atoms = tuple(dict.fromkeys(v.atom for v in vals if v.atom is not None))
        if len(distinct) == 1 and (value := vals[0].value) is not None:
            statuses = {v.status for v in vals}
            status = "number" if statuses == {"number"} else "derived" if "derived" in statuses else vals[0].status
            raw = vals[0].raw if len({v.raw for v in vals}) == 1 else ""
            out.append(Settled(value, status, raw, atoms))
        elif len(distinct) == 1:
            statuses = {v.status for v in vals}
            status = statuses.pop() if len(statuses) == 1 else "ambiguous"
            out.append(Settled(None, status, vals[0].raw, atoms))
        else:
            alts = sorted(distinct, key=lambda x: (x is None, x or 0))
            out.append(Settled(None, "ambiguous", "", atoms, alts))
    return out

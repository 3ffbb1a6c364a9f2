"""Let a table's arithmetic choose among the readings of its rows, then settle each cell.

Rows with a single reading are fixed. For the rest, the combinations that satisfy every relation of the
table that can be evaluated (column sums, balance) are found by dynamic programming, and the readings
that take part in one are kept. A cell on which every kept combination agrees gets that value; otherwise it stays null and carries
the alternatives: the arithmetic chooses among readings, it never makes a value up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from xxgk.extract.atoms import Atom
from xxgk.extract.readings import Number, Reading, values_of

MAX_STATES = 20000


@dataclass
class Settled:
    """One cell after solving."""

    value: Number | None
    status: str  # number / derived / blank / placeholder / ambiguous / unfilled
    raw: str = ""
    atoms: tuple[Atom, ...] = ()  # where it was printed (several when a run was split or readings differ)
    alternatives: list[Number | None] = field(default_factory=list)


Term = tuple[str, int, int]  # (row, position in the row's reading, coefficient)
Equation = tuple[Term, ...]  # Σ coefficient × cell = 0


def solve(
    rows: Mapping[str, tuple[Reading, ...]], equations: Sequence[Equation]
) -> tuple[dict[str, tuple[Reading, ...]], bool]:
    """Keep the readings that take part in some combination satisfying every evaluable equation.

    Readings with the same values are one choice. Over the rows left with several choices this is dynamic
    programming: a state is the vector of the equations' partial sums (None once a null enters: that
    equation is then not evaluated); combinations reaching the same partial sums merge, so the work stays
    linear in practice. Returns (kept readings per row, whether any combination satisfies the equations).
    """
    if all(len(rs) <= 1 for rs in rows.values()):
        return dict(rows), True  # nothing to choose; the checker evaluates the relations
    choices = {name: list(dict.fromkeys(values_of(r) for r in rs)) for name, rs in rows.items()}
    multi = [name for name, vs in choices.items() if len(vs) > 1]
    multi_set = set(multi)
    terms_of: dict[str, list[tuple[int, int, int]]] = {}
    start: list[Number | None] = [0] * len(equations)
    for e, eq in enumerate(equations):
        for row, pos, coef in eq:
            if row in multi_set:
                terms_of.setdefault(row, []).append((e, pos, coef))
                continue
            vs = choices.get(row)
            v = vs[0][pos] if vs else None
            acc = start[e]
            start[e] = None if v is None or acc is None else acc + coef * v
    steps: list[list[tuple[Number | None, ...]]] = []
    for name in multi:
        contribs = []
        for vals in choices[name]:
            c: list[Number | None] = [0] * len(equations)
            for e, pos, coef in terms_of.get(name, ()):
                v, acc = vals[pos], c[e]
                c[e] = None if v is None or acc is None else acc + coef * v
            contribs.append(tuple(c))
        steps.append(contribs)

    def add(
        state: tuple[Number | None, ...], contrib: tuple[Number | None, ...]
    ) -> tuple[Number | None, ...]:
        return tuple(None if a is None or b is None else a + b for a, b in zip(state, contrib, strict=True))

    layers: list[set[tuple[Number | None, ...]]] = [{tuple(start)}]
    for contribs in steps:
        nxt = {add(st, c) for st in layers[-1] for c in contribs}
        if len(nxt) > MAX_STATES:
            return dict(rows), False
        layers.append(nxt)
    good = {st for st in layers[-1] if all(v is None or v == 0 for v in st)}
    if not good:
        return dict(rows), False
    kept = dict(rows)
    for i in range(len(steps) - 1, -1, -1):
        name, contribs = multi[i], steps[i]
        keep_vals = set()
        prev_good = set()
        for st in layers[i]:
            for vals, contrib in zip(choices[name], contribs, strict=True):
                if add(st, contrib) in good:
                    keep_vals.add(vals)
                    prev_good.add(st)
        kept[name] = tuple(r for r in rows[name] if values_of(r) in keep_vals)
        good = prev_good
    return kept, True


def settle(readings: tuple[Reading, ...], k: int) -> list[Settled]:
    """Per cell: the agreed value, or null with the alternatives when readings disagree."""
    if not readings:
        return [Settled(None, "ambiguous") for _ in range(k)]
    if len(readings) == 1:
        return [Settled(v.value, v.status, v.raw, (v.atom,) if v.atom else ()) for v in readings[0]]
    out: list[Settled] = []
    for i in range(k):
        vals = [r[i] for r in readings]
        distinct = {v.value for v in vals}
        atoms = tuple(dict.fromkeys(v.atom for v in vals if v.atom is not None))
        if len(distinct) == 1 and (value := vals[0].value) is not None:
            statuses = {v.status for v in vals}
            status = (
                "number" if statuses == {"number"} else "derived" if "derived" in statuses else vals[0].status
            )
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

"""The readings a row of printed values allows: which value goes into which of the row's k cells.

A row is a list of slots (numbers, placeholders, blanks) read off the source. When there are exactly k
slots there is one reading. Otherwise the layout allows several, and only these:

* **split** — a digit run whose borders were lost (``21710000218``) is cut into several numbers, no part
  with a leading zero;
* **short** — fewer slots than cells: the slots keep their order and some cells got no printed value;
* **long** — more slots than cells: some slot is extra.

A reading never holds a value that is not printed, except where the row's own relation forces it
(``derive``): a short row whose one unfilled cell is fixed by row total = sum of parts. Which readings are
kept is for the caller's relations to decide (``check``); see ``solve``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

from xxgk.extract.atoms import BLANK, NUM, PH, Atom

Number = int | float
Values = tuple[Number | None, ...]

MAX_CANDIDATES = 20000  # readings enumerated per row before giving up as unreadable
MAX_GAP = 2  # at most this many missing or extra slots are considered


@dataclass(frozen=True, slots=True)
class Val:
    value: Number | None
    status: str  # number / blank / placeholder / unfilled / derived
    raw: str
    atom: Atom | None  # where the value was printed; None for unfilled or derived cells


Reading = tuple[Val, ...]
Check = Callable[[Values], bool]
Derive = Callable[[Values], Values | None]


def values_of(reading: Reading) -> Values:
    return tuple(v.value for v in reading)


def to_number(raw: str, allow_decimal: bool) -> Number | None:
    if "." in raw:
        if not allow_decimal:
            return None
        return float(raw)
    return int(raw)


def _slot_val(atom: Atom, allow_decimal: bool) -> Val:
    if atom.kind == NUM:
        num = to_number(atom.text, allow_decimal)
        if num is None:  # a decimal where a count belongs: keep the number, the checker flags it
            return Val(float(atom.text), "number", atom.text, atom)
        return Val(num, "number", atom.text, atom)
    if atom.kind == PH:
        return Val(None, "placeholder", atom.text, atom)
    return Val(None, "blank", "", atom)


def _splits(run: str, parts: int) -> Iterator[tuple[str, ...]]:
    """All ways to cut a digit string into `parts` numbers without leading zeros."""
    if parts == 1:
        if len(run) == 1 or run[0] != "0":
            yield (run,)
        return
    if run[0] == "0":
        for rest in _splits(run[1:], parts - 1):
            yield ("0", *rest)
        return
    for cut in range(1, len(run) - parts + 2):
        for rest in _splits(run[cut:], parts - 1):
            yield (run[:cut], *rest)


def _split_readings(slots: Sequence[Atom], k: int, allow_decimal: bool) -> Iterator[Reading]:
    """Readings where digit runs are cut so that the slots fill exactly k cells."""

    def rec(i: int, acc: tuple[Val, ...]) -> Iterator[Reading]:
        if i == len(slots):
            if len(acc) == k:
                yield acc
            return
        atom = slots[i]
        remaining = len(slots) - i - 1
        need = k - len(acc)
        if atom.kind != NUM or "." in atom.text or len(atom.text) == 1:
            yield from rec(i + 1, (*acc, _slot_val(atom, allow_decimal)))
            return
        for parts in range(1, min(len(atom.text), need - remaining) + 1):
            for cut in _splits(atom.text, parts):
                vals = tuple(Val(int(p), "number", p, atom) for p in cut)
                yield from rec(i + 1, acc + vals)

    yield from rec(0, ())


def _short_readings(slots: Sequence[Atom], k: int, allow_decimal: bool) -> Iterator[Reading]:
    vals = [_slot_val(a, allow_decimal) for a in slots]
    unfilled = Val(None, "unfilled", "", None)
    for positions in combinations(range(k), len(vals)):
        row = [unfilled] * k
        for pos, val in zip(positions, vals, strict=True):
            row[pos] = val
        yield tuple(row)


def _long_readings(slots: Sequence[Atom], k: int, allow_decimal: bool) -> Iterator[Reading]:
    vals = [_slot_val(a, allow_decimal) for a in slots]
    for keep in combinations(range(len(vals)), k):
        yield tuple(vals[i] for i in keep)


def _apply_derive(reading: Reading, derive: Derive | None) -> Reading | None:
    """Fill unfilled cells the row's relation forces; None when the reading contradicts it."""
    if derive is None or not any(v.status == "unfilled" for v in reading):
        return reading
    derived = derive(values_of(reading))
    if derived is None:
        return None
    return tuple(
        Val(d, "derived", "", None) if v.status == "unfilled" and d is not None else v
        for v, d in zip(reading, derived, strict=True)
    )


@dataclass(frozen=True)
class RowReadings:
    kind: str  # exact / split / short / long / unreadable
    readings: tuple[Reading, ...]
    fits: bool  # whether the kept readings satisfy the row's own relation
    considered: int = 1  # distinct readings the layout allowed before the relation narrowed them


def row_readings(
    slots: Sequence[Atom],
    k: int,
    *,
    check: Check | None = None,
    derive: Derive | None = None,
    allow_decimal: bool = False,
) -> RowReadings:
    """Every reading of `slots` into k cells the layout allows, narrowed by the row's relation."""
    slots = list(slots)
    while slots and slots[-1].kind == BLANK:  # trailing empties are the layout's, not blank cells
        slots.pop()
    m = len(slots)
    if m == k:
        return RowReadings("exact", (tuple(_slot_val(a, allow_decimal) for a in slots),), _fits(slots, k, check))
    digits = sum(len(a.text) for a in slots if a.kind == NUM and "." not in a.text)
    others = sum(1 for a in slots if a.kind != NUM or "." in a.text)
    if m < k and digits + others >= k and any(a.kind == NUM and len(a.text) > 1 for a in slots):
        found = _collect(_split_readings(slots, k, allow_decimal), check, None)
        if found is not None and found[0]:
            return RowReadings("split", found[0], found[1], found[2])
        if found is None:
            return RowReadings("unreadable", (), False)
    if m < k and k - m <= MAX_GAP and comb(k, m) <= MAX_CANDIDATES:
        found = _collect(_short_readings(slots, k, allow_decimal), check, derive)
        if found is not None and found[0]:
            return RowReadings("short", found[0], found[1], found[2])
    if m > k and m - k <= MAX_GAP:
        found = _collect(_long_readings(slots, k, allow_decimal), check, None)
        if found is not None and found[0]:
            return RowReadings("long", found[0], found[1], found[2])
    return RowReadings("unreadable", (), False)


def _fits(slots: Sequence[Atom], k: int, check: Check | None) -> bool:
    if check is None:
        return True
    return check(tuple(_slot_val(a, True).value for a in slots))


def _collect(
    candidates: Iterator[Reading], check: Check | None, derive: Derive | None
) -> tuple[tuple[Reading, ...], bool, int] | None:
    """Readings that satisfy `check` (all of them, flagged unfit, when none does), and how many there were;
    None past the budget."""
    fitting: list[Reading] = []
    every: list[Reading] = []
    seen: set[Values] = set()
    for n, cand in enumerate(candidates):
        if n >= MAX_CANDIDATES:
            return None
        reading = _apply_derive(cand, derive)
        if reading is None:
            continue
        vals = values_of(reading)
        key = (*vals, *(v.status for v in reading))
        if key in seen:
            continue
        seen.add(key)
        every.append(reading)
        if check is None or check(vals):
            fitting.append(reading)
    if fitting:
        return tuple(fitting), True, len(every)
    return tuple(every), False, len(every)

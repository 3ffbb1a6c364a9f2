"""The readings a row of printed values allows: which value goes into which of the row's k cells.

A row is a list of slots (numbers, placeholders, blanks) read off the source. When there are exactly k
slots there is one reading. Otherwise the layout allows several, and only these:

* **split** — a digit run whose borders were lost (``21710000218``) is cut into several numbers, no part
  with a leading zero;
* **short** — fewer slots than cells: the slots keep their order and some cells got no printed value
  (at most MAX_GAP of them, unless whitespace sets the values apart: then borders survive, a value left
  out is a cell left empty, and short readings come before cutting printed numbers);
* **long** — more slots than cells: some slot is extra.

A reading never holds a value that is not printed, except where the row's own sums force it (``derive``):
a short row whose one unfilled cell is fixed by total = sum of parts. The row's sums narrow its readings;
the table's other relations narrow them further in ``solve``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations, repeat
from math import comb
from operator import itemgetter
from typing import NamedTuple

from xxgk.extract.atoms import BLANK, NUM, PH, Atom
from xxgk.extract.cuts import TooMany, cut_run

Number = int | float
Values = tuple[Number | None, ...]

MAX_CANDIDATES = 20000  # readings enumerated per row before giving up as unreadable
MAX_GAP = 2  # at most this many missing or extra slots are considered
_MAX_DIGITS = 9  # no count in these tables runs to ten digits
_UNFIT_BUDGET = 500  # cuts tried when no cut satisfies the sums: a few are worth reporting, thousands are not


class Val(NamedTuple):  # a NamedTuple: made hundreds of times per report, and cheap to make
    value: Number | None
    status: str  # number / blank / placeholder / unfilled / derived
    raw: str
    atom: Atom | None  # where the value was printed; None for unfilled or derived cells


Reading = tuple[Val, ...]
_make = tuple.__new__  # Val(...) without the NamedTuple's Python-level __new__
Sums = tuple[tuple[int, int], ...]  # groups (start, end): cell end-1 is the sum of cells start..end-2


_VALUE, _KIND, _TEXT = itemgetter(0), itemgetter(0), itemgetter(1)  # Val.value; Atom.kind, Atom.text


def values_of(reading: Reading) -> Values:
    return tuple(map(_VALUE, reading))


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


def _group_totals(k: int, sums: Sums) -> dict[int, tuple[int, int]]:
    """Cell index of each group's total → the group's (start, end)."""
    return {end - 1: (start, end) for start, end in sums if 0 <= start < end <= k}


def _split_readings(slots: Sequence[Atom], k: int, allow_decimal: bool, sums: Sums) -> Iterator[Reading]:
    """Readings where digit runs are cut so that the slots fill exactly k cells.

    A group's total is not guessed: once its parts are cut, the total must be the next digits printed,
    so only cuts that satisfy the group's sum survive (a 22-digit row is cut in microseconds).
    """
    totals = _group_totals(k, sums)
    runs = [a.text if a.kind == NUM and a.text.isdigit() else None for a in slots]
    if len(slots) == 1 and runs[0] is not None and totals == {k - 1: (0, k)}:
        yield from _split_one_group(slots[0], k)
        return

    def rec(i: int, off: int, acc: tuple[Val, ...]) -> Iterator[Reading]:
        p = len(acc)
        if i == len(slots):
            if p == k:
                yield acc
            return
        run = runs[i]
        atom = slots[i]
        if run is None:  # a placeholder, blank or decimal: exactly one cell
            if p < k:
                yield from rec(i + 1, 0, (*acc, _slot_val(atom, allow_decimal)))
            return
        if off == len(run):
            if off > 0:
                yield from rec(i + 1, 0, acc)
            return
        if p >= k:
            return
        rest_cells = k - p
        rest_digits = len(run) - off + sum(len(r) if r else 1 for r in runs[i + 1 :])
        if rest_digits < rest_cells or rest_digits > rest_cells * _MAX_DIGITS:
            return
        group = totals.get(p)
        if group is not None:
            parts = [v.value for v in acc[group[0] : p]]
            if all(isinstance(v, int) for v in parts):
                want = str(sum(parts))  # type: ignore[arg-type]
                if run.startswith(want, off):
                    yield from rec(i, off + len(want), (*acc, Val(int(want), "number", want, atom)))
                return
        if run[off] == "0":
            yield from rec(i, off + 1, (*acc, Val(0, "number", "0", atom)))
            return
        for end in range(off + 1, min(len(run), off + _MAX_DIGITS) + 1):
            part = run[off:end]
            yield from rec(i, end, (*acc, Val(int(part), "number", part, atom)))

    yield from rec(0, 0, ())


_SPLIT_BUDGET = 50000  # steps a plain depth-first search may take to cut one run (see cuts.py)


def _split_one_group(atom: Atom, k: int) -> Iterator[Reading]:
    """A whole row printed as one run whose last cell is the sum of the others: take each possible total
    from the end of the run, then cut the rest into k-1 parts that add up to it (parts never exceed it).
    A run with more ways to try than the budget allows is not read: the cells stay null and say so."""
    run = atom.text
    plans: list[tuple[str, list[tuple[int, ...]]]] = []
    used = 0
    try:
        for t_len in range(1, min(_MAX_DIGITS, len(run) - k + 1) + 1):
            total_s = run[-t_len:]
            if len(total_s) > 1 and total_s[0] == "0":
                continue
            steps, cuts = cut_run(run[:-t_len], k - 1, int(total_s), _SPLIT_BUDGET - used)
            used += steps
            plans.append((total_s, cuts))
    except TooMany:
        return  # too many ways to cut this run to tell: no reading, the cells stay null and say so
    for total_s, cuts in plans:
        total = Val(int(total_s), "number", total_s, atom)
        for cut in cuts:
            yield (*(Val(v, "number", str(v), atom) for v in cut), total)


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


def sums_hold(values: Values, sums: Sums) -> bool:
    """Whether every group whose cells are all numbers adds up (a group with a null is not evaluated)."""
    for start, end in sums:
        group = values[start:end]
        if None not in group and group[-1] != sum(group[:-1]):  # type: ignore[arg-type]
            return False
    return True


def derive(values: Values, sums: Sums) -> Values | None:
    """Fill each group's single unknown from its sum; None when that would need a negative count."""
    out = list(values)
    for start, end in sums:
        group = out[start:end]
        missing = [j for j, v in enumerate(group) if v is None]
        if len(missing) != 1:
            continue
        j = missing[0]
        known = sum(v for v in group[:-1] if v is not None)
        value = known if j == len(group) - 1 else group[-1] - known  # type: ignore[operator]
        if value < 0:
            return None
        out[start + j] = value
    return tuple(out)


def _apply_derive(reading: Reading, sums: Sums) -> Reading | None:
    """Fill unfilled cells the row's sums force; None when the reading contradicts them."""
    if not sums or not any(v.status == "unfilled" for v in reading):
        return reading
    filled = derive(values_of(reading), _only_unfilled(reading, sums))
    if filled is None:
        return None
    return tuple(
        Val(d, "derived", "", None) if v.status == "unfilled" and d is not None else v
        for v, d in zip(reading, filled, strict=True)
    )


def _only_unfilled(reading: Reading, sums: Sums) -> Sums:
    """The groups in which the only unknown is an unfilled cell (a blank or '/' is a printed null, not a gap)."""
    out = []
    for start, end in sums:
        group = reading[start:end]
        if not any(v.status in ("blank", "placeholder") for v in group):
            out.append((start, end))
    return tuple(out)


class RowReadings(NamedTuple):
    kind: str  # exact / split / short / long / unreadable
    readings: tuple[Reading, ...]
    fits: bool  # whether the kept readings satisfy the row's own sums
    chosen: bool = False  # whether the layout allowed several readings and the sums chose among them


def row_readings(
    slots: Sequence[Atom],
    k: int,
    *,
    sums: Sums = (),
    allow_decimal: bool = False,
    trailing_cells: bool = True,
    spaced: bool = False,
) -> RowReadings:
    """Every reading of `slots` into k cells the layout allows, narrowed by the row's sums.

    `trailing_cells`: empty fields after the last value are blank cells (as far as the row has cells
    for them); otherwise they are the layout's and dropped.
    """
    slots = list(slots)
    filled = len(slots)
    while filled and slots[filled - 1].kind == BLANK:
        filled -= 1
    slots = slots[: max(filled, min(len(slots), k))] if trailing_cells else slots[:filled]
    if len(slots) == k:
        texts = list(map(_TEXT, slots))
        if set(map(_KIND, slots)) == {NUM} and "".join(texts).isdigit():
            # the common row, every cell a plain count: built by C-level maps, not a loop over the cells
            counts = tuple(map(int, texts))
            reading = tuple(
                map(_make, repeat(Val, k), zip(counts, repeat("number", k), texts, slots, strict=True))
            )
            return RowReadings("exact", (reading,), sums_hold(counts, sums))
        reading = tuple(_slot_val(a, allow_decimal) for a in slots)
        values = values_of(reading)
        return RowReadings("exact", (reading,), sums_hold(values, sums))
    # Other rows take far longer to read, and the same row recurs ("0 0 0 0 0 0" in every other row of
    # some tables, "0000000" in crawler text): what a row allows depends only on its slots' kinds and
    # texts, so it is computed once and given the places of each row it is read for.
    key = (tuple([(a.kind, a.text) for a in slots]), k, sums, allow_decimal, spaced)
    template = _TEMPLATES.get(key)
    if template is not None:
        return _instantiate(template, slots)
    rr = _inexact_readings(slots, k, sums, allow_decimal, spaced)
    _remember(key, rr, slots)
    return rr


_TEMPLATES: dict[
    tuple[object, ...], tuple[str, tuple[tuple[tuple[Number | None, str, str, int], ...], ...], bool, bool]
] = {}
_TEMPLATE_ROWS = 2048  # rows remembered (oldest forgotten first)
_TEMPLATE_VALS = 256  # a row with more readings than this × cells is not remembered


def _remember(key: tuple[object, ...], rr: RowReadings, slots: list[Atom]) -> None:
    if sum(len(r) for r in rr.readings) > _TEMPLATE_VALS:
        return
    index = {id(a): i for i, a in enumerate(slots)}
    readings = tuple(
        tuple((v.value, v.status, v.raw, -1 if v.atom is None else index[id(v.atom)]) for v in r)
        for r in rr.readings
    )
    if len(_TEMPLATES) >= _TEMPLATE_ROWS:
        del _TEMPLATES[next(iter(_TEMPLATES))]
    _TEMPLATES[key] = (rr.kind, readings, rr.fits, rr.chosen)


def _instantiate(
    template: tuple[str, tuple[tuple[tuple[Number | None, str, str, int], ...], ...], bool, bool],
    slots: list[Atom],
) -> RowReadings:
    kind, readings, fits, chosen = template
    return RowReadings(
        kind,
        tuple(
            tuple(_make(Val, (v, s, raw, None if i < 0 else slots[i])) for v, s, raw, i in r)
            for r in readings
        ),
        fits,
        chosen,
    )


def _inexact_readings(
    slots: list[Atom], k: int, sums: Sums, allow_decimal: bool, spaced: bool = False
) -> RowReadings:
    """``row_readings`` for a row whose slots are not exactly its k cells."""
    m = len(slots)
    splittable = [a for a in slots if a.kind == NUM and a.text.isdigit()]
    can_split = (
        m < k
        and sum(len(a.text) for a in splittable) + m - len(splittable) >= k
        and any(len(a.text) > 1 for a in splittable)
    )
    can_short = m < k and k - m <= (k - 1 if spaced else MAX_GAP) and comb(k, m) <= MAX_CANDIDATES
    choice = any(len(a.text) > 1 and a.text.strip("0") for a in splittable)
    tried: dict[str, tuple[tuple[Reading, ...], bool] | None] = {}  # each kind is tried at most once

    def split(with_sums: bool) -> tuple[tuple[Reading, ...], bool] | None:
        name = f"split{with_sums}"
        if name not in tried:
            budget = MAX_CANDIDATES if with_sums else _UNFIT_BUDGET
            tried[name] = (
                _collect(
                    _split_readings(slots, k, allow_decimal, sums if with_sums else ()), sums, budget=budget
                )
                if can_split
                else None
            )
        return tried[name]

    def short() -> tuple[tuple[Reading, ...], bool] | None:
        if "short" not in tried:
            tried["short"] = (
                _collect((_apply_derive(r, sums) for r in _short_readings(slots, k, allow_decimal)), sums)
                if can_short
                else None
            )
        return tried["short"]

    # A row nearly complete lost a cell; a row of a few long runs lost its borders. Readings that satisfy
    # the sums win whichever way they were found; failing that, the more likely kind, unfit, is kept.
    # Without sums nothing can be checked: digits that can fill every cell beat gaps — unless whitespace
    # shows the borders survived, when gaps are what was printed.
    order = [("short", short), ("split", lambda: split(True))]
    if not spaced and (m < k - MAX_GAP or not sums):
        order.reverse()
    for kind, make in order:
        found = make()
        if found is not None and found[0] and found[1]:
            return RowReadings(kind, found[0], True, choice or kind == "short")
    for kind, make in (*order, ("split", lambda: split(False))):
        found = make()
        if found is not None and found[0]:
            return RowReadings(kind, found[0], False, choice or kind == "short")
    if m > k and m - k <= MAX_GAP:
        found = _collect(_long_readings(slots, k, allow_decimal), sums)
        if found is not None and found[0]:
            return RowReadings("long", found[0], found[1], True)
    return RowReadings("unreadable", (), False)


def _collect(
    candidates: Iterable[Reading | None], sums: Sums, budget: int = MAX_CANDIDATES
) -> tuple[tuple[Reading, ...], bool] | None:
    """Distinct readings that satisfy the sums (all of them, flagged unfit, when none does); None past the budget."""
    fitting: list[Reading] = []
    every: list[Reading] = []
    seen: set[tuple[object, ...]] = set()
    for n, reading in enumerate(candidates):
        if n >= budget:
            return None
        if reading is None:
            continue
        vals = values_of(reading)
        key = (*vals, *(v.status for v in reading))
        if key in seen:
            continue
        seen.add(key)
        every.append(reading)
        if sums_hold(vals, sums):
            fitting.append(reading)
    if fitting:
        return tuple(fitting), True
    return tuple(every), False

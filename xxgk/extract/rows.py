"""Atoms → printed rows (a label and its value slots), and rows → the fixed row sequence of a table.

Rows are aligned to the template by dynamic programming over label similarity *and* order, never by exact
strings: OCR garbles labels, PDF extraction splits merged labels over lines, and some converters drop
them altogether. An unlabelled row may only take a template row between its labelled neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from xxgk.extract.atoms import BLANK, PH, TEXT, Atom, garbled_number, one_value_per_line
from xxgk.extract.document import normalise

UNLABELLED_SCORE = 0.5
MIN_GAIN = 0.35
_ITEM_NO = re.compile(r"(\d)\.")


@dataclass
class PrintedRow:
    label: str  # normalised label text on the same line as the values (or run straight into them)
    label_atoms: list[Atom] = field(default_factory=list)
    slots: list[Atom] = field(default_factory=list)
    # the shape of the slots, counted once (tables ask for it again and again): how many remain without
    # trailing empty cells, and how many empty cells come before the first value
    n_filled: int = field(init=False, compare=False, repr=False)
    lead: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        slots = self.slots
        n = len(slots)
        while n and slots[n - 1].kind == BLANK:
            n -= 1
        lead = 0
        while lead < len(slots) and slots[lead].kind == BLANK:
            lead += 1
        self.n_filled, self.lead = n, lead

    @property
    def atoms(self) -> list[Atom]:
        return self.label_atoms + self.slots

    @property
    def filled(self) -> list[Atom]:
        """The slots without trailing empty cells."""
        return self.slots[: self.n_filled]


def leading_blanks_of(row: PrintedRow) -> int:
    return row.lead


def leading_is_layout(rows: Sequence[PrintedRow], k: int) -> bool:
    """Whether empty fields between a row's label and its first value are empty label columns (a full
    row has them too) rather than blank cells at the start of the row."""
    return any(r.lead and r.n_filled - r.lead == k for r in rows)


def strip_trailing(slots: Sequence[Atom]) -> list[Atom]:
    out = list(slots)
    while out and out[-1].kind == BLANK:
        out.pop()
    return out


def trailing_is_layout(rows: Sequence[PrintedRow], k: int) -> bool:
    """Whether empty fields after a row's values are the layout's (a full row has them too, as PDF text
    with a tab after every cell does) rather than blank cells at the end of the row."""
    return any(r.n_filled - r.lead == k and len(r.slots) > r.n_filled for r in rows)


def split_rows(atoms: Sequence[Atom], *, leading_blanks: bool) -> list[PrintedRow]:
    """Group atoms into rows: label text followed by values; a new line or new label starts a new row.

    `leading_blanks`: whether empty cells before a row's first value are cells of the table (table 四, with
    no label column) rather than empty label columns (table 三).
    """
    rows: list[PrintedRow] = []
    label: list[Atom] = []
    slots: list[Atom] = []
    join = one_value_per_line(atoms)  # one cell per line: a row's values run on to its next label

    def emit() -> None:
        nonlocal label, slots
        if any(a.kind != BLANK for a in slots):  # trailing empties are kept: the table decides what they are
            rows.append(PrintedRow(normalise("".join([a.text for a in label])), label, slots))
        label, slots = [], []

    for a in atoms:
        kind, line = a.kind, a.line
        if kind == TEXT:
            if a.grid and slots and slots[-1].line == line and garbled_number(a.text):
                # a grid cell among the row's numbers holding garbled digits (OCR's "1?3"): an unreadable
                # value in its place, never a new row's label that would shift the numbers after it
                a = a._replace(kind=PH)
                kind = PH
            else:
                if slots:
                    emit()
                if (
                    label
                    and label[-1].line != line
                    and not (label[-1].line == line - 1 and _continues(a.text))
                ):
                    label = []
                label.append(a)
                continue
        if not join:
            if slots and slots[-1].line != line:
                emit()
            if label and label[-1].line != line:
                label = []
        if kind == BLANK and not slots and not label and not leading_blanks:
            continue  # an empty label column before the row's label
        slots.append(a)
    emit()
    return rows


_NUMBERED = re.compile(r"\s*(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]\d+[)）]|\d+[.．、])")


def _continues(text: str) -> bool:
    """Whether label text on a new line goes on with the label text of the line before, which had no values
    (``（二）部分公开（区分处理的，只计这一情形，`` / ``不计其他情形）  0  0 …``): it does not open with a
    row's numbering. A numbered label starts a row of its own; the line before was some other row's."""
    return _NUMBERED.match(text) is None


@dataclass(frozen=True)
class Template:
    """A template row's labels, normalised once: what printed labels are compared with."""

    item: str
    group: str = ""
    number: str | None = field(init=False, default=None)
    chars: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        item = normalise(self.item)
        object.__setattr__(self, "item", item)
        object.__setattr__(self, "group", normalise(self.group) + item if self.group else "")
        m = _ITEM_NO.match(item)
        object.__setattr__(self, "number", m.group(1) if m else None)
        object.__setattr__(self, "chars", frozenset(item))


def label_similarity(label: str, t: Template) -> float:
    """How well a printed label matches a template row (0..1), numbering-aware; label already normalised."""
    if not label:
        return UNLABELLED_SCORE
    if t.item in label:
        score = 1.0
    elif len(t.chars.intersection(label)) < 0.4 * len(t.chars):
        return 0.0  # too few shared characters to be this row, however garbled
    else:
        score = max(fuzz.partial_ratio(t.item, label), fuzz.ratio(t.item, label)) / 100.0
        if t.group:
            score = max(score, 0.9 * fuzz.partial_ratio(t.group, label) / 100.0)
    if t.number is not None:
        numbers = _ITEM_NO.findall(label)
        if numbers and t.number not in numbers:
            score *= 0.6
    elif _ITEM_NO.match(label):
        score *= 0.8  # a numbered sub-row label against an unnumbered template row
    return score


def align(rows: Sequence[PrintedRow], scores: list[list[float]]) -> list[int | None]:
    """For each template row, the index of the printed row assigned to it (order kept), or None.

    `scores[i][j]` is printed row i against template row j; a pair counts only above MIN_GAIN.
    """
    n, m = len(rows), len(scores[0]) if scores else 0
    dp = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row_i = scores[i - 1]
        dp_i, dp_prev = dp[i], dp[i - 1]
        for j in range(1, m + 1):
            best = dp_prev[j] if dp_prev[j] >= dp_i[j - 1] else dp_i[j - 1]
            gain = row_i[j - 1] - MIN_GAIN
            if gain > 0 and dp_prev[j - 1] + gain > best:
                best = dp_prev[j - 1] + gain
            dp_i[j] = best
    assigned: list[int | None] = [None] * m
    i, j = n, m
    while i > 0 and j > 0:
        gain = scores[i - 1][j - 1] - MIN_GAIN
        if gain > 0 and abs(dp[i][j] - (dp[i - 1][j - 1] + gain)) < 1e-9:
            assigned[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif dp[i][j] == dp[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return assigned

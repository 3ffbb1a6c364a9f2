"""The common document every backend produces: the text, its lines, and atoms for any stretch of it.

Offsets are character offsets into ``text``; places are 1-based lines and 0-based columns, so every
value can be traced back to where it was printed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from xxgk.extract.atoms import Atom, line_atoms
from xxgk.model.report import Place

_PUNCT = (
    ("（", "("),
    ("）", ")"),
    ("．", "."),
    ("、", ","),
    ("，", ","),
    ("：", ":"),
    ("；", ";"),
    ("“", '"'),
    ("”", '"'),
)


def normalise(s: str) -> str:
    """Label text as compared: no whitespace, half-width punctuation.

    str.split drops exactly what re's \\s matches; replace is used, not translate, because translate
    looks every character of Chinese text up in a dict (four times slower on labels)."""
    s = "".join(s.split())
    for wide, narrow in _PUNCT:
        if wide in s:
            s = s.replace(wide, narrow)
    return s


@dataclass
class Document:
    text: str
    lines: list[str] = field(init=False)
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")
        self.starts = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line) + 1

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect_right(self.starts, offset)

    def place(self, start: int, end: int) -> Place:
        line = self.line_of(start)
        end_line = self.line_of(max(start, end - 1))
        return Place(
            line=line,
            col=start - self.starts[line - 1],
            end_line=end_line,
            end_col=end - self.starts[end_line - 1],
        )

    def atoms(self, start: int, end: int) -> list[Atom]:
        """Atoms of the stretch [start, end), line by line."""
        out: list[Atom] = []
        if start >= end:
            return out
        first, last = self.line_of(start), self.line_of(end - 1)
        for lineno in range(first, last + 1):
            line_start = self.starts[lineno - 1]
            line = self.lines[lineno - 1]
            lo = max(0, start - line_start)
            hi = min(len(line), end - line_start)
            if lo >= hi:
                continue
            out.extend(line_atoms(line[lo:hi], lineno, lo))
        return out


def place_dict(atoms: Sequence[Atom]) -> dict[str, int] | None:
    """The span of some atoms as a plain dict of Place fields (validated in bulk with the report)."""
    if not atoms:
        return None
    a, b = atoms[0], atoms[-1]
    if len(atoms) == 1:
        return {"line": a.line, "col": a.col, "end_col": a.end_col}
    if a.line == b.line:
        return {"line": a.line, "col": min(x.col for x in atoms), "end_col": max(x.end_col for x in atoms)}
    return {"line": a.line, "col": a.col, "end_line": b.line, "end_col": b.end_col}


def atoms_place(atoms: Sequence[Atom]) -> Place | None:
    d = place_dict(atoms)
    return Place.model_validate(d) if d else None

"""The workbook's totals as spreadsheet formulas, and a tiny evaluator for the formulas it writes.

openpyxl writes formulas but never computes them, and a workbook saved by openpyxl carries no cached
results. Reading a workbook therefore evaluates its formulas here: numbers, cell references (``D5``,
``$D$5``), ``SUM`` over references and ranges, ``+``, ``-`` and parentheses — exactly what ``formula_for``
writes. Anything else is ``FormulaError``, and the reader falls back to the value the spreadsheet cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from openpyxl.utils.cell import coordinate_from_string, get_column_letter, range_boundaries

Number = int | float
Lookup = Callable[[str], Number | None]  # coordinate → value; None (an empty cell) counts as 0


class FormulaError(ValueError):
    """A formula outside the small language this module evaluates."""


def _run(coords: Sequence[str]) -> str | None:
    """ "D5:I5" when the coordinates are one unbroken run along a row or down a column, else None."""
    if len(coords) < 2:
        return None
    cells = [coordinate_from_string(c) for c in coords]
    cols = [range_boundaries(c)[0] for c in coords]
    rows = [r for _, r in cells]
    along_row = len(set(rows)) == 1 and cols == list(range(cols[0], cols[0] + len(cols)))
    down_col = len(set(cols)) == 1 and rows == list(range(rows[0], rows[0] + len(rows)))
    return f"{coords[0]}:{coords[-1]}" if along_row or down_col else None


def formula_for(terms: Sequence[tuple[int, str]], coords: Mapping[str, str], constant: Number = 0) -> str:
    """``=SUM(D7:D27)``, ``=D5+D6-D28``, ``=12+B4-C4``: the signed terms (cell keys) over their coordinates."""
    plus = [coords[k] for s, k in terms if s > 0]
    minus = [coords[k] for s, k in terms if s < 0]
    run = _run(plus)
    parts = [f"SUM({run})"] if run else plus
    text = "+".join(parts) + "".join(f"-{c}" for c in minus)
    if constant:
        text = f"{constant}+{text}" if text else str(constant)
    return "=" + (text or "0")


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<range>\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+)|(?P<func>SUM)\s*\(|(?P<op>[-+(),]))",
    re.IGNORECASE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise FormulaError(f"cannot evaluate {text!r} (at {text[pos:]!r})")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind).replace("$", "").upper()))
        pos = m.end()
    return out


def cells_of_range(ref: str) -> list[str]:
    """ "D5:E6" → ["D5", "E5", "D6", "E6"]."""
    c0, r0, c1, r1 = range_boundaries(ref)
    assert c0 and r0 and c1 and r1
    return [f"{get_column_letter(c)}{r}" for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup, text: str) -> None:
        self.tokens, self.lookup, self.text, self.i = tokens, lookup, text, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "end" or (value is not None and tok[1] != value):
            raise FormulaError(f"cannot evaluate {self.text!r}")
        self.i += 1
        return tok

    def expr(self) -> Number:
        sign = -1 if self.peek() == ("op", "-") else 1
        if self.peek() in (("op", "-"), ("op", "+")):
            self.i += 1
        acc = sign * self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            acc = acc + self.term() if op == "+" else acc - self.term()
        return acc

    def term(self) -> Number:
        kind, value = self.take()
        if kind == "num":
            return float(value) if "." in value else int(value)
        if kind == "ref":
            return self.lookup(value) or 0
        if kind == "func":
            total: Number = 0
            while True:
                if self.peek()[0] == "range":
                    total += sum(self.lookup(c) or 0 for c in cells_of_range(self.take()[1]))
                else:
                    total += self.expr()
                if self.take()[1] == ")":
                    return total
        if (kind, value) == ("op", "("):
            inner = self.expr()
            self.take(")")
            return inner
        raise FormulaError(f"cannot evaluate {self.text!r}")


def evaluate(formula: str, lookup: Lookup) -> Number:
    """The value of ``formula`` ("=…"), reading referenced cells through ``lookup``."""
    text = formula[1:] if formula.startswith("=") else formula
    parser = _Parser(_tokens(text), lookup, formula)
    value = parser.expr()
    if parser.peek()[0] != "end":
        raise FormulaError(f"cannot evaluate {formula!r}")
    return value

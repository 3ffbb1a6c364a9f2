"""Lines of text → atoms: label text, numbers, placeholders and blank cells, each with its place.

A line is read as cells when it is a Markdown pipe row or holds tabs (the cell borders survive), and as a
stream otherwise, where numbers are cut out of the surrounding label text — the crawler form in which
``…申请数量21710000218二、上年结转…`` has lost every border. In a stream, a digit run that runs straight
into the numbering of the next label (``40000042.其他…``) gives that last digit back to the label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

TEXT, NUM, PH, BLANK = "text", "num", "ph", "blank"


class Atom(NamedTuple):
    kind: str  # text / num / ph / blank
    text: str
    line: int  # 1-based
    col: int
    end_col: int
    grid: bool = False  # a cell of a true grid (Markdown pipe row, HTML/DOCX table): its position counts


_SEPARATOR_ROW = re.compile(r"\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?\s*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SIGNED = re.compile(r"[-－—]\s*\d+(?:\.\d+)?")  # a negative count is kept as printed, for cell.invalid
_NUMBERS = re.compile(r"[\d.\s]+")
# a cell's number with thousands separators or a unit after it ("1,305", "18,651.06万元", "3件")
_DRESSED = re.compile(r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:万元|元|件|条|个|项|次|篇)?")
PLACEHOLDER = re.compile(r"[/／\\—–\-－_~～×xX*]+|无|空|——|--|——")
_STREAM = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?)|(?P<ws>\s+)|(?P<ph>(?<![^\s|])[/／—–－](?![^\s|]))|(?P<text>[^\d\s]+)"
)
_LABEL_NUMBER_AFTER = re.compile(r"[.．、]\s*[^\d\s.．]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\*\*")


_ZERO_LIKE = frozenset("〇○OoＯｏ")
_FULLWIDTH_CHAR = re.compile("[０-９．]")
_make = tuple.__new__  # Atom(...) without the Python-level __new__ of a NamedTuple: thousands per report


def clean_line(line: str) -> str:
    """Drop inline markup a converter leaves in table cells (``<u>``, ``**``) and full-width digits."""
    if "<" in line or "*" in line:
        line = _MARKUP.sub(lambda m: " " * len(m.group(0)), line)
    return line.translate(_FULLWIDTH_DIGITS) if _FULLWIDTH_CHAR.search(line) else line


def is_pipe_row(line: str) -> bool:
    """A Markdown table row: between pipes, or with cells split by pipes and no outer ones."""
    s = line.strip()
    return (s.startswith("|") and s.count("|") >= 2) or ("|" in s and not s.startswith("|"))


def is_separator_row(line: str) -> bool:
    return _SEPARATOR_ROW.fullmatch(line) is not None and "-" in line


def _cell_atoms(cell: str, lineno: int, start: int, out: list[Atom], grid: bool = False) -> None:
    """One bordered cell: blank, a number (or several separated by spaces), a placeholder, or text."""
    stripped = cell.strip()
    if not stripped:
        out.append(Atom(BLANK, "", lineno, start, start + len(cell), grid))
        return
    lead = start + (len(cell) - len(cell.lstrip()))
    if stripped.isascii() and stripped.isdigit():  # the common case, without a regex
        out.append(Atom(NUM, stripped, lineno, lead, lead + len(stripped), grid))
        return
    if _SIGNED.fullmatch(stripped):
        text = "-" + stripped.lstrip("-－—").strip()
        out.append(Atom(NUM, text, lineno, lead, lead + len(stripped), grid))
    elif _NUMBER.fullmatch(stripped):
        out.append(Atom(NUM, stripped, lineno, lead, lead + len(stripped), grid))
    elif _NUMBERS.fullmatch(stripped):
        for m in _NUMBER.finditer(cell):
            out.append(Atom(NUM, m.group(0), lineno, start + m.start(), start + m.end()))
    elif dressed := _DRESSED.fullmatch(stripped):  # the number is the cell's; its text loses the commas
        number = dressed.group("num").replace(",", "")
        out.append(Atom(NUM, number, lineno, lead, lead + len(stripped), grid))
    elif stripped in _ZERO_LIKE:  # 〇, or OCR's letter O for a zero in a cell of its own
        out.append(Atom(NUM, "0", lineno, lead, lead + len(stripped), grid))
    elif PLACEHOLDER.fullmatch(stripped):
        out.append(Atom(PH, stripped, lineno, lead, lead + len(stripped), grid))
    else:
        out.append(Atom(TEXT, stripped, lineno, lead, lead + len(stripped), grid))


def _cells_atoms(cells: list[str], lineno: int, pos: int, out: list[Atom], grid: bool) -> None:
    """The cells of a bordered line from column ``pos`` on; blank and plain-digit cells (most of a
    table) are made here, the rest by ``_cell_atoms``."""
    for cell in cells:
        stripped = cell.strip()
        if not stripped:
            out.append(_make(Atom, (BLANK, "", lineno, pos, pos + len(cell), grid)))
        elif stripped.isdigit() and stripped.isascii():
            lead = pos if len(stripped) == len(cell) else pos + len(cell) - len(cell.lstrip())
            out.append(_make(Atom, (NUM, stripped, lineno, lead, lead + len(stripped), grid)))
        else:
            _cell_atoms(cell, lineno, pos, out, grid)
        pos += len(cell) + 1


def _stream_atoms(text: str, lineno: int, offset: int, out: list[Atom]) -> None:
    """A borderless stretch: cut numbers out of the label text around them."""
    carry = ""  # a label-number digit handed on to the text that follows
    carry_col = 0
    for m in _STREAM.finditer(text):
        kind = m.lastgroup
        s, e = m.start() + offset, m.end() + offset
        tok = m.group(0)
        if kind == "ws":
            continue
        if kind == "num":
            if "," in tok:
                tok = tok.replace(",", "")  # thousands separators: "1,305" is one number
            elif "." not in tok and _LABEL_NUMBER_AFTER.match(text, m.end()):
                # "40000042.其他" → 4000004 | "2.其他"; a lone "2." is all label.
                if len(tok) > 1:
                    out.append(Atom(NUM, tok[:-1], lineno, s, e - 1))
                carry, carry_col = tok[-1], e - 1
                continue
            out.append(Atom(NUM, tok, lineno, s, e))
        elif kind == "ph":
            out.append(Atom(PH, tok, lineno, s, e))
        else:
            if carry:
                tok, s, carry = carry + tok, carry_col, ""
            if out and out[-1].kind == TEXT and out[-1].line == lineno and out[-1].end_col >= s - 1:
                prev = out.pop()
                tok, s = prev.text + tok, prev.col
            out.append(Atom(TEXT, tok, lineno, s, e))


def line_atoms(line: str, lineno: int, offset: int = 0) -> list[Atom]:
    """The atoms of one line (or of a stretch of it starting at column `offset`); Markdown rules give none."""
    line = clean_line(line.rstrip("\r\n"))
    out: list[Atom] = []
    if offset:
        line = " " * offset + line
    if is_pipe_row(line):
        if is_separator_row(line):
            return out
        # Markdown allows a row without its outer pipes ("规章 | 0 | 9 | 0"): cells run to the line's ends
        first = line.index("|") if line.lstrip().startswith("|") else -1
        last = line.rindex("|") if line.rstrip().endswith("|") else len(line)
        _cells_atoms(line[first + 1 : last].split("|"), lineno, first + 1, out, True)
    elif "\t" in line:
        _cells_atoms(line.split("\t"), lineno, 0, out, False)
    else:
        _stream_atoms(line, lineno, 0, out)
    return out


def borders_survive(atoms: Sequence[Atom]) -> bool:
    """Whether a table kept the borders between its values: most runs of values (the values between two
    labels) hold several values apart, as tab, Markdown, PDF and OCR text do. Crawler text lost them, and a
    row's counts run together into one number (``申请数量21710000218``). In a table with borders, a row
    with fewer values than cells left some cells empty; in one without, its digits are to be cut."""
    apart = joined = 0
    run: list[Atom] = []
    for a in (*atoms, None):
        if a is None or a.kind == TEXT:
            if len(run) > 1:
                apart += 1
            elif run and run[0].kind == NUM and len(run[0].text) > 1:
                joined += 1
            run = []
        else:
            run.append(a)
    return apart > joined


def one_value_per_line(atoms: Sequence[Atom]) -> bool:
    """Whether a table was written one cell per line, as text taken from a PDF or a web page cell by cell
    comes out: most lines that hold a value hold nothing else. A row's values then run on over the lines
    after its label, up to the next label."""
    alone = shared = 0
    line, values, texts = -1, 0, 0
    for a in (*atoms, None):
        if a is None or a.line != line:
            if values == 1 and not texts:
                alone += 1
            elif values:
                shared += 1
            if a is None:
                break
            line, values, texts = a.line, 0, 0
        if a.kind == TEXT:
            texts += 1
        else:
            values += 1
    return alone >= 8 and alone > 4 * shared


_GARBLED = re.compile(r"[\d?？oOlI|.,，:：'\s-]*[\d?？][\d?？oOlI|.,，:：'\s-]*")


def garbled_number(text: str) -> bool:
    """Digits with look-alikes or OCR's '?' for an unsure digit ("1?3", "2O", "??"): a number that could
    not be read, which keeps its cell."""
    return _GARBLED.fullmatch(text) is not None and not text.isdigit()

"""A report being written: its data for the renderers, where each figure was entered, and the checks on
every figure a clerk or a program hands in (numbers only, none negative, counts whole).

Every reader of ``xxgk render``'s inputs (workbook, YAML, interchange JSON, any report xxgk parses) ends
here, so a bad figure gives the same one-line ``ReadError`` whatever it came from, naming the place
(``表三!D5`` or the cell key) and what is wrong with it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time

from xxgk.errors import ReadError
from xxgk.extract.meta import states_fee
from xxgk.render.text import ReportData, default_sections

Value = int | float | None
FEE_KEY = "t2.fees.amount"  # the one amount (万元) among the 200 counts
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Draft:
    """Report data as read from an input, with the place of each figure in that input."""

    data: ReportData
    source: str
    kind: str  # workbook / yaml / json / report
    places: dict[str, str] = field(default_factory=dict)  # cell key → "表三!D5" (workbook only)
    notes: list[str] = field(default_factory=list)

    def place(self, key: str) -> str:
        return self.places.get(key, key)


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(raw: object, source: str, where: str, *, whole: bool = True) -> Value:
    """A figure from an input cell: None for an empty one; ReadError for text, a negative or a fraction.

    ``whole``: a count, which must be a whole number (an amount in 万元 or 元 need not be).
    """
    value: int | float
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ReadError(source, f"{where}: {str(raw).upper()} where a number is expected")
    if isinstance(raw, datetime | date | time):
        raise ReadError(source, f"{where}: a date or time ({raw}) where a number is expected")
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
        if not text:
            return None
        if text.startswith("-") and _NUMBER.fullmatch(text[1:]):
            raise ReadError(
                source, f"{where}: negative number {text} (counts and amounts are never negative)"
            )
        if not _NUMBER.fullmatch(text):
            raise ReadError(source, f"{where}: text {_shorten(raw)!r} where a number is expected")
        value = float(text) if "." in text else int(text)
    elif isinstance(raw, int | float):
        value = raw
    else:
        raise ReadError(source, f"{where}: {type(raw).__name__} where a number is expected")
    if isinstance(value, float) and not math.isfinite(value):
        raise ReadError(source, f"{where}: {value} is not a number")
    if value < 0:
        raise ReadError(source, f"{where}: negative number {value:g} (counts and amounts are never negative)")
    if whole:
        if value != int(value):
            raise ReadError(source, f"{where}: {value:g} is not a whole number (counts are whole numbers)")
        return int(value)
    return value


def fee_sentence(fee: float) -> str:
    """The section 六 statement on the 信息处理费 (国办函〔2020〕109号) for a fee in 元."""
    return default_sections(ReportData("", 0, {}, processing_fee=fee))[6]


def with_fee_statement(sections: dict[int, str], fee: float | None) -> dict[int, str]:
    """Section 六 sure to state the 信息处理费 when the fee is known; never a made-up statement when not.

    A known fee is stated after the clerk's own text unless that text already speaks of it; with the fee
    unknown (a re-issued report whose section 六 is missing), section 六 stays empty and the checker's
    ``meta.fee_statement_missing`` says so.
    """
    out = dict(sections)
    text = out.get(6)
    if fee is None:
        out.setdefault(6, "")
    elif text is not None and not states_fee(text):
        out[6] = (text.rstrip() + "\n" if text.strip() else "") + fee_sentence(fee)
    return out


def paragraphs(text: str) -> str:
    """The text's non-empty lines, stripped, one paragraph per line."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())

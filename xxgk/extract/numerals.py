"""Numbers as reports print them: Arabic digits (half or full width, thousands commas) or Chinese numerals,
and ``Flat``, the whitespace-free text they are read from.

Kept apart from the narrative readers so any extractor can share one reading of ``1,234``, ``２５`` and
``两``; Chinese numerals go through cn2an, imported on first use because its import costs ~0.2 s.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate

FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
"""Full-width digits and point → ASCII, one character for one, so offsets stay valid."""

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
ARABIC = r"\d+(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = f"[{_CN_DIGITS}]+"
NUMBER = (
    rf"(?:\d(?<![\d.,]\d)(?:\d*(?:,\d{{3}})+(?!\d)(?:\.\d+)?|\d*(?:\.\d+)?)"
    rf"|[{_CN_DIGITS}](?<![第每逐统唯同单之任{_CN_DIGITS}][{_CN_DIGITS}])[{_CN_DIGITS}]*)"
)
"""A regex source for one number in running text (``ARABIC`` or ``CHINESE``, not glued to a digit before
it). Chinese numerals glued to 第/统/唯… (第一, 统一, 唯一) are words or ordinals, not counts. Each branch
opens with a character class, which keeps the scan fast; the look-behinds only run on a digit."""
_ARABIC_FULL = re.compile(ARABIC)


@lru_cache(maxsize=512)
def parse_number(s: str) -> int | float | None:
    """``"116"``, ``"1,234"``, ``"2.5"``, ``"一百一十六"``, ``"两"`` → the number; None when ``s`` is none.

    Integers come back as int so counts compare exactly; a decimal point gives a float.
    """
    t = s.strip().translate(FULLWIDTH)
    if not t:
        return None
    if _ARABIC_FULL.fullmatch(t):
        plain = t.replace(",", "")
        return float(plain) if "." in plain else int(plain)
    if any(c.isascii() and not (c.isdigit() or c == ".") for c in t):
        return None  # "1,2", "3a": not a number as printed
    return _SINGLE.get(t) if len(t) == 1 else _chinese(t)  # Chinese numerals, or mixed forms: "1万"


_SINGLE = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"〇": 0, "两": 2}


def parse_count(s: str) -> int | None:
    """A count: ``parse_number`` when it gives a whole number, else None ("2.5件" is no count)."""
    v = parse_number(s)
    return v if isinstance(v, int) else None


def _chinese(t: str) -> int | float | None:
    import cn2an  # deferred: slow import, rarely needed

    try:
        value = cn2an.cn2an(t, "smart")
    except Exception:  # cn2an raises ValueError and, on odd input, other errors
        return None
    if isinstance(value, float) and value.is_integer() and "点" not in t and "." not in t:
        return int(value)
    if isinstance(value, int | float):
        return value
    return None


_FW_CHARS = "０１２３４５６７８９．"
_DROP = re.compile(r"([ \r\n\f\v\u3000\u00a0]+)")  # tabs stay: they are cell borders
_RUN = re.compile(r"[ \r\n\f\v\u3000\u00a0]+")
_DIGIT_GAP = re.compile(r"\d[ \r\n\f\v\u3000\u00a0]+(?=\d)")
# the same gaps, found by their first blank rather than by every digit of the text (4x faster)
_ANY_DIGIT_GAP = re.compile(r"[ \r\n\f\v\u3000\u00a0](?<=\d.)[ \r\n\f\v\u3000\u00a0]*(?=\d)")


class Flat:
    """The text with whitespace closed up, and the way back from its offsets to the original's.

    PDF and OCR text breaks lines mid-word and mid-figure ("行政复\\n议", "答复 2\\n件"), so whitespace
    is dropped, except tabs (cell borders) and one character between two digits (separate numbers
    must not merge). Readers treat tabs and the ``|`` and ``#`` of Markdown tables and headings as
    sentence breaks, so a table row is never read as part of the prose around it.
    Built from C-level splits and scans, not a loop over characters: it runs on every report. The way
    back is only needed for what the readers find, so without kept gaps it is mapped lazily, as far
    into the text as the offsets asked for.
    """

    def __init__(self, text: str) -> None:
        src = text.translate(FULLWIDTH) if any(c in text for c in _FW_CHARS) else text
        self.source = text
        self.starts: list[int] = [0]  # flat offset where each segment of kept text starts …
        self.origs: list[int] = [0]  # … and where it starts in the text given
        self._runs: Iterator[re.Match[str]] | None = None  # dropped runs not yet mapped
        if _ANY_DIGIT_GAP.search(src) is None:
            self.text = _RUN.sub("", src)
            self._runs = _RUN.finditer(src)
            return
        parts = _DROP.split(src)  # kept text, dropped run, kept text, …
        at = list(accumulate(map(len, parts), initial=0))
        segs, origs = parts[0::2], at[0::2]
        keep = [m.start() + 1 for m in _DIGIT_GAP.finditer(src)]
        # a kept gap becomes a one-space segment (its offset is unlike any other's)
        merged = sorted([*zip(origs, segs, strict=True), *((k, " ") for k in set(keep))])
        origs, segs = [o for o, _ in merged], [s for _, s in merged]
        self.text = "".join(segs)
        self.starts = list(accumulate(map(len, segs), initial=0))
        self.origs = origs

    def orig(self, i: int) -> int:
        if self._runs is not None:
            self._map_to(i)
        k = bisect_right(self.starts, i) - 1
        return self.origs[k] + (i - self.starts[k])

    def _map_to(self, i: int) -> None:
        """Map segments until one starts past flat offset i (or the text ends)."""
        starts, origs, runs = self.starts, self.origs, self._runs
        while starts[-1] <= i and runs is not None:
            m = next(runs, None)
            if m is None:
                self._runs = runs = None
                break
            starts.append(starts[-1] + m.start() - origs[-1])
            origs.append(m.end())

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.orig(a), self.orig(b - 1) + 1

    def excerpt(self, a: int, b: int) -> str:
        s, e = self.span(a, b)
        return self.source[s:e]

"""Numbers as reports print them: Arabic digits (half or full width, thousands commas) or Chinese numerals,
and ``Flat``, the whitespace-free text they are read from.

Kept apart from the narrative readers so any extractor can share one reading of ``1,234``, ``２５`` and
``两``; Chinese numerals go through cn2an, imported on first use because its import costs ~0.2 s.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
"""Full-width digits and point → ASCII, one character for one, so offsets stay valid."""

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
ARABIC = r"\d+(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE = f"[{_CN_DIGITS}]+"
NUMBER = (
    rf"(?:(?<![\d.,])(?:{ARABIC})"
    rf"|(?<![第每逐统唯同单之任{_CN_DIGITS}])(?:{CHINESE}))"
)
"""A regex source for one number in running text. Chinese numerals glued to 第/统/唯… (第一, 统一, 唯一)
are words or ordinals, not counts, and are not matched."""
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
    return _chinese(t)  # Chinese numerals, or mixed forms such as "1万"


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


_FW = re.compile("[０-９．]")
_DROP = re.compile(r"[ \r\n\f\v\u3000\u00a0]+")  # tabs stay: they are cell borders
_DIGIT_GAP = re.compile(r"(?<=\d)[ \r\n\f\v\u3000\u00a0]+(?=\d)")
_BOXED_LINE = re.compile(r"^[^\n]*[\t|][^\n]*$|^[ \u3000]*#[^\n]*$", re.MULTILINE)


class Flat:
    """The text with whitespace closed up, and the way back from its offsets to the original's.

    PDF and OCR text breaks lines mid-word and mid-figure ("行政复\\n议", "答复 2\\n件"), so whitespace
    is dropped, except one character between two digits (separate numbers must not merge), tabs, and the
    line breaks around table rows and headings (a row is not a sentence of the prose around it).
    Built from C-level regex scans and comprehensions: it runs on every report.
    """

    def __init__(self, text: str) -> None:
        src = text.translate(FULLWIDTH) if _FW.search(text) else text
        drops = [m.span() for m in _DROP.finditer(src)]
        keep = [m.start() for m in _DIGIT_GAP.finditer(src)]
        for m in _BOXED_LINE.finditer(src):
            keep += [i for i in (m.start() - 1, m.end()) if src[i : i + 1] == "\n"]
        if keep:
            drops = _spare(drops, sorted(set(keep)))
        ends = [0, *(b for _, b in drops)]
        segs = [src[e:s] for e, s in zip(ends, [*(a for a, _ in drops), len(src)], strict=True)]
        self.text = "".join(segs)
        self.starts = list(accumulate((len(s) for s in segs), initial=0))
        self.origs = ends
        self.source = text

    def orig(self, i: int) -> int:
        k = bisect_right(self.starts, i) - 1
        while k > 0 and self.starts[k] == self.starts[k - 1]:
            k -= 1  # an empty segment (two drops back to back) maps nowhere
        return self.origs[k] + (i - self.starts[k])

    def span(self, a: int, b: int) -> tuple[int, int]:
        return self.orig(a), self.orig(b - 1) + 1

    def excerpt(self, a: int, b: int) -> str:
        s, e = self.span(a, b)
        return self.source[s:e]


def _spare(drops: list[tuple[int, int]], keep: list[int]) -> list[tuple[int, int]]:
    """Cut the kept characters out of the runs to drop."""
    starts = [a for a, _ in drops]
    by_run: dict[int, list[int]] = {}
    for k in keep:
        i = bisect_right(starts, k) - 1
        if i >= 0 and k < drops[i][1]:
            by_run.setdefault(i, []).append(k)
    out: list[tuple[int, int]] = []
    prev = 0
    for i in sorted(by_run):
        out += drops[prev:i]
        a, b = drops[i]
        for k in by_run[i]:
            out.append((a, k))
            a = k + 1
        out.append((a, b))
        prev = i + 1
    out += drops[prev:]
    return [(a, b) for a, b in out if a < b]

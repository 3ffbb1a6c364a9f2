"""Numbers as reports print them: Arabic digits (half or full width, thousands commas) or Chinese numerals.

Kept apart from the narrative readers so any extractor can share one reading of ``1,234``, ``２５`` and
``两``; Chinese numerals go through cn2an, imported on first use because its import costs ~0.2 s.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

"""WordprocessingML helpers for the DOCX reader: tag names, bounded attribute reading, list numbering.

Kept apart so that the reader stays one walk over the body. Numbering lives here because Word's automatic
list labels (一、 （一） 1.) are not in the text: they must be counted the way Word counts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, NamedTuple

_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@cache
def w(tag: str) -> str:
    """The Clark name of a w: tag: w("p") == "{…/wordprocessingml/2006/main}p"."""
    return f"{{{_NS_W}}}{tag}"


VAL = w("val")


def child(el: Any | None, tag: str) -> Any | None:
    """The first child with this tag: a loop over the few children is faster than lxml's find()."""
    if el is not None:
        name = w(tag)
        for c in el:
            if c.tag == name:
                return c
    return None


def props(el: Any, tag: str) -> Any | None:
    """A w:pPr, w:tcPr or w:trPr: always among the first two children, so no need to look further."""
    name = w(tag)
    for c in el[:2]:
        if c.tag == name:
            return c
    return None


def each(el: Any | None, tag: str) -> Iterator[Any]:
    return iter(()) if el is None else el.iterchildren(w(tag))


def val(el: Any | None, tag: str) -> str | None:
    return attr(child(el, tag))


def attr(el: Any | None) -> str | None:
    return None if el is None else el.get(VAL)


def bounded_int(text: str | None, default: int, most: int = 10_000) -> int:
    """An integer attribute, bounded: a damaged or hostile file must not make a million columns."""
    try:
        return max(0, min(int(text), most)) if text is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------- numbering


def _chinese(n: int, digits: str = "〇一二三四五六七八九") -> str:
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else digits[tens] + "十"
    return head + (digits[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt in ("none", "bullet") else str(n)


class Level(NamedTuple):
    fmt: str  # numFmt: decimal, chineseCounting, …
    text: str  # lvlText, e.g. "（%2）"
    start: int
    suffix: str  # tab / space / nothing


class Numbering:
    """Automatic list labels, counted as Word counts them: per abstract list, lower levels restarting."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self.levels: dict[str, dict[int, Level]] = {}  # abstractNumId → ilvl → level
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → abstractNumId, start overrides
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}  # paragraph style → numId, ilvl
        self.based_on: dict[str, str] = {}
        for ab in each(numbering, "abstractNum"):
            levels = self.levels.setdefault(ab.get(w("abstractNumId"), ""), {})
            for lvl in each(ab, "lvl"):
                levels[bounded_int(lvl.get(w("ilvl")), 0)] = Level(
                    val(lvl, "numFmt") or "decimal",
                    val(lvl, "lvlText") or "",
                    bounded_int(val(lvl, "start"), 1),
                    val(lvl, "suff") or "tab",
                )
        for num in each(numbering, "num"):
            overrides = {
                bounded_int(o.get(w("ilvl")), 0): bounded_int(val(o, "startOverride"), 1)
                for o in each(num, "lvlOverride")
                if child(o, "startOverride") is not None
            }
            self.nums[num.get(w("numId"), "")] = (val(num, "abstractNumId") or "", overrides)
        for style in each(styles, "style"):
            sid = style.get(w("styleId"), "")
            if (based := val(style, "basedOn")) is not None:
                self.based_on[sid] = based
            num_pr = child(child(style, "pPr"), "numPr")
            if num_pr is not None:
                ilvl = val(num_pr, "ilvl")
                self.style_num[sid] = (val(num_pr, "numId"), None if ilvl is None else bounded_int(ilvl, 0))

    def snapshot(self) -> dict[str, dict[int, int]]:
        """The counters as they stand, to go back to when a passage is read a second time."""
        return {k: dict(v) for k, v in self.counters.items()}

    def label(self, p: Any) -> str:
        """The list label of paragraph p ("" when it has none), advancing the counters."""
        ppr = props(p, "pPr") if self.nums else None
        if ppr is None:
            return ""
        num_id, ilvl = None, None
        style = val(ppr, "pStyle")
        for _ in range(10):  # the style chain: a paragraph style may carry the numbering
            if style is None or num_id is not None:
                break
            num_id, ilvl = self.style_num.get(style, (None, None))
            style = self.based_on.get(style)
        num_pr = child(ppr, "numPr")
        if num_pr is not None:
            num_id = val(num_pr, "numId") or num_id
            ilvl = bounded_int(val(num_pr, "ilvl"), ilvl or 0)
        if num_id is None or num_id not in self.nums:  # numId 0 switches numbering off
            return ""
        abstract, overrides = self.nums[num_id]
        levels, level = self.levels.get(abstract, {}), ilvl or 0
        if level not in levels or levels[level].fmt == "bullet":
            return ""
        counts = self.counters.setdefault(abstract, {})
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        counts[level] = counts.get(level, overrides.get(level, levels[level].start) - 1) + 1
        text = levels[level].text
        for k in range(9):
            if f"%{k + 1}" in text:
                lvl = levels.get(k, levels[level])
                text = text.replace(f"%{k + 1}", _format(counts.get(k, lvl.start), lvl.fmt))
        if not text:
            return ""
        suffix = levels[level].suffix
        return text + (" " if suffix == "space" or (suffix == "tab" and text[-1].isalnum()) else "")

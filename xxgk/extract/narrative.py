"""Totals stated in a report's prose with the lists that itemise them, for ``text.sum_mismatch``.

The reader is pure and conservative — a false alarm costs a clerk more than a miss. It finds a total and
the list that itemises it ("共公开政府信息116条，部门文件4条、…" or "…、村庄规划类信息7条，累计公开信息37条")
on the flattened text (``prose.flat_text``) and maps every offset back to the text given. Application and
复议/诉讼 counts in prose are read by ``figures``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xxgk.extract.numerals import NUMBER, parse_count
from xxgk.extract.prose import ENDS, SEPS, chunk_start, flat_text, hits, sentence


@dataclass(frozen=True)
class ItemisedSum:
    """A stated total and the items that itemise it; ``text`` is the statement, start/end its span."""

    total: int
    items: tuple[int, ...]
    unit: str
    start: int
    end: int
    text: str


# ---------------------------------------------------------------- itemised sums
_UNITS = "人次|万元|亿元|元|条|件|篇|个|项|次|起|宗|期|场|家|份|批|处|封|通|例|户|人|所|部|本|张|幅"
_QTY = re.compile(rf"(?P<num>{NUMBER})(?P<approx>余|多)?(?P<unit>{_UNITS})(?!事)")
_SEP = re.compile(r"[、，；;：:（）()]|,(?!\d)|(?<!\d),")  # "1,234" holds no separator
_ITEM_SRC = (
    rf"(?P<label>(?:[^\d{re.escape(SEPS)}{ENDS} ]|\d{{4}}年度?)+?)(?P<num>{NUMBER})(?P<approx>余|多)?"
    rf"(?P<unit>{_UNITS})(?!事)"
)
_ITEM = re.compile(_ITEM_SRC)
_ITEM_DUN = re.compile(_ITEM_SRC.replace("、", "", 1))  # a label that lists: "政策、规范性文件类信息68条"
_MARKER = re.compile(r"(?<![公中])共(?![享同建性济治识产青])|累计|合计|总计")
_COMPARE = re.compile(
    r"同比|环比|较上|较去|比上年|增长|增加|减少|下降|上升|提高|降低|占|比例|率|平均|人均|每|超过|不少于|约|逾|近"
)
_FLOW = re.compile(r"答复|办结|办理|受理|收到|结转|处理|回复")
_INTRO = re.compile(
    r"(?P<noun>[^\d、，,；;：:（）()。\n]{0,12})(?P<sep>[，,：:；;]?)(?P<open>[（(]?)"
    r"(?P<intro>其中|具体包括|主要包括|具体为|包括|分别为|分别是|涉及|含)?[：:，,]?"
)
_LEAD_TOTAL = re.compile(r"(?:以上|上述|全年|本年|今年)?(?:共计|合计|总计|累计|总共|共)[^\d]*")
_LEAD_INTRO = re.compile(r"^(?:其中|具体包括|主要包括|包括|分别为|分别是|涉及|含)[：:]?")
_Found = tuple[int, tuple[int, ...], int, int]  # total, items, start, end (flat offsets)


def itemised_sums(text: str) -> list[ItemisedSum]:
    """Totals with the lists that itemise them, in text order; see the module docstring for the shapes."""
    return list(_itemised_sums(text))


@lru_cache(maxsize=16)  # several rules read the same section: each reading is done once
def _itemised_sums(text: str) -> tuple[ItemisedSum, ...]:
    flat, rev = flat_text(text)
    t = flat.text
    found: dict[int, tuple[_Found, str]] = {}
    seen: set[int] = set()
    for i in hits(t, ("共", "累计", "合计", "总计")):
        if not _MARKER.match(t, i):
            continue
        lo, hi = sentence(t, rev, i)
        nxt = _SEP.search(t, i, hi)
        for q in _QTY.finditer(t, i, nxt.start() if nxt else hi):  # the totals of this marker's chunk
            if q.start() in seen or q.group("approx"):
                continue
            seen.add(q.start())
            got = _total_first(t, q, lo, hi) or _items_first(t, q, lo)
            if got is not None:
                found[q.start()] = got, q.group("unit")
    out = []
    for (total, items, a, b), unit in (found[k] for k in sorted(found)):
        s, e = flat.span(a, b)
        out.append(ItemisedSum(total, items, unit, s, e, text[s:e]))
    return tuple(out)


def _clean_item(m: re.Match[str], unit: str, flow: bool) -> bool:
    """``label N unit`` with the unit of the total, a plain count and a label that is a category."""
    if m.group("unit") != unit or m.group("approx") or parse_count(m.group("num")) is None:
        return False
    label = _LEAD_INTRO.sub("", m.group("label"))
    return not (_MARKER.search(label) or _COMPARE.search(label) or (flow and _FLOW.search(label)))


def _total_first(t: str, q: re.Match[str], lo: int, hi: int) -> _Found | None:
    """``…共公开政府信息116条，部门文件4条、…`` or ``…共公布2599条，(其中A 25条，…)``."""
    start = chunk_start(t, lo, q.start())
    prefix = t[start : q.start()]
    total = parse_count(q.group("num"))
    if total is None or not _MARKER.search(prefix) or _COMPARE.search(prefix):
        return None
    c = _INTRO.match(t, q.end(), hi)
    if c is None:
        return None
    intro = bool(c.group("intro")) or c.group("sep") in ("：", ":")
    if not intro and (c.group("noun") or c.group("sep") not in ("，", ",") or c.group("open")):
        return None
    got = _parse_list(t, c.end(), hi, q.group("unit"), "、，,；;" if intro else "、，,", not intro)
    if got is None or len(got[0]) < 2 or not (intro or got[1]):
        return None  # without 其中/包括 only a list joined by 、 is clearly attached to the total
    return total, got[0], start, got[2]


def _parse_list(
    t: str, pos: int, hi: int, unit: str, item_seps: str, strict: bool
) -> tuple[tuple[int, ...], bool, int] | None:
    """Items from ``pos`` on, whether any were joined by 、, and where they end. None when a chunk with
    the same unit is not a clean item: the list would be cut short and its sum mean nothing."""
    items: list[int] = []
    dun = False
    end = pos
    while pos < hi:
        m = _ITEM.match(t, pos, hi) or _ITEM_DUN.match(t, pos, hi)
        if m is None or not _clean_item(m, unit, strict):
            nxt = _SEP.search(t, pos, hi)
            chunk = t[pos : nxt.start() if nxt else hi]
            q = next((x for x in _QTY.finditer(chunk) if x.group("unit") == unit), None)
            if q is None or _MARKER.search(chunk[: q.start()]) or _COMPARE.search(chunk[: q.start()]):
                break  # the list has ended: a new statement, a comparison or another measure
            return None
        items.append(parse_count(m.group("num")) or 0)
        after = end = m.end()
        if after < hi and t[after] in "（(":  # a sub-itemisation: "预决算197条（政府32条、部门165条）"
            close = t.find("）" if t[after] == "（" else ")", after, hi)
            if close < 0:
                return None
            after = close + 1
        if t.startswith("等", after):
            return None  # "A 1条、B 2条等": not exhaustive
        if after >= hi or t[after] in "）)":
            break
        if t[after] not in item_seps:
            if t[after] in SEPS:
                break
            return None  # "…85件的办理复文": the number belongs to something else
        dun = dun or t[after] == "、"
        pos = after + 1
    return tuple(items), dun, end


def _items_first(t: str, q: re.Match[str], lo: int) -> _Found | None:
    """``工作报告1条、…、村庄规划类信息7条，累计公开信息37条``: walk back over clean items."""
    start = chunk_start(t, lo, q.start())
    total = parse_count(q.group("num"))
    if total is None or start == lo or t[start - 1] not in "，,、":
        return None
    if not _LEAD_TOTAL.fullmatch(t, start, q.start()) or _COMPARE.search(t, start, q.start()):
        return None
    if q.end() < len(t) and t[q.end()] not in SEPS + ENDS:
        return None
    unit = q.group("unit")
    items: list[int] = []
    first = start
    while first > lo and t[first - 1] in "，,、":
        a = chunk_start(t, lo, first - 1)
        m = _ITEM.fullmatch(t, a, first - 1)
        if m is None or not _clean_item(m, unit, True):
            if any(x.group("unit") == unit for x in _QTY.finditer(t, a, first - 1)):
                return None
            break
        items.insert(0, parse_count(m.group("num")) or 0)
        first = a
    if len(items) < 2:
        return None
    return total, tuple(items), first, q.end()

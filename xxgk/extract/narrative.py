"""Numbers stated in a report's prose, so that rules can hold them against the tables (text.* rules).

Two readers, both pure and conservative — a false alarm costs a clerk more than a miss:

* ``itemised_sums`` finds a total and the list that itemises it ("共公开政府信息116条，部门文件4条、…"
  or "…、村庄规划类信息7条，累计公开信息37条"), for ``text.sum_mismatch``;
* ``figures`` finds application and 复议/诉讼 counts ("收到政府信息公开申请34件", "未发生行政复议…"),
  for ``text.applications_mismatch`` and ``text.litigation_mismatch``.

Both read a flattened copy of the text (``numerals.Flat``: PDF line breaks such as "行政复\\n议" closed
up), map every offset back to the text given, and run their patterns only where a key word stands
(共/累计…, 申请, 未/无, 复议/诉讼): a 10 kB report takes about half a millisecond.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from xxgk.extract.numerals import NUMBER, Flat, parse_count

FIGURE_KINDS = (
    "applications_received",
    "applications_new",
    "applications_carried_over",
    "applications_carried_forward",
    "applications_completed",
    "reviews",
    "suits",
    "review_and_suits",
)


@dataclass(frozen=True)
class ItemisedSum:
    """A stated total and the items that itemise it; ``text`` is the statement, start/end its span."""

    total: int
    items: tuple[int, ...]
    unit: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Figure:
    """One count read from prose. start/end cover the number (for a stated zero such as "未收到…申请",
    the negating words); ``text`` is the whole phrase read, for quoting in a finding."""

    kind: str
    value: int
    start: int
    end: int
    text: str


_ENDS = "。！？!?\n\t|#"  # tabs and Markdown | and # end a sentence: table rows are not prose
_SENTENCE_END = re.compile(f"[{_ENDS}]")


@lru_cache(maxsize=8)
def _flat(text: str) -> tuple[Flat, list[int]]:
    """The flattened text and where its sentences end; rules call both readers on one text."""
    flat = Flat(text)
    return flat, [m.start() for m in _SENTENCE_END.finditer(flat.text)]


def _sentence(t: str, ends: list[int], pos: int) -> tuple[int, int]:
    k = bisect_left(ends, pos)
    return ends[k - 1] + 1 if k else 0, ends[k] if k < len(ends) else len(t)


def _hits(t: str, words: Iterable[str]) -> list[int]:
    """Where any of ``words`` occurs, found with str.find: patterns then run only there, which is far
    faster than scanning the whole text (crawler text runs whole tables into one "sentence")."""
    out: list[int] = []
    for w in words:
        i = t.find(w)
        while i >= 0:
            out.append(i)
            i = t.find(w, i + 1)
    return sorted(out)


# ---------------------------------------------------------------- itemised sums
_UNITS = "人次|万元|亿元|元|条|件|篇|个|项|次|起|宗|期|场|家|份|批|处|封|通|例|户|人|所|部|本|张|幅"
_QTY = re.compile(rf"(?P<num>{NUMBER})(?P<approx>余|多)?(?P<unit>{_UNITS})(?!事)")
_SEPS = "、，,；;：:（）()"
_SEP = re.compile(r"[、，；;：:（）()]|,(?!\d)|(?<!\d),")  # "1,234" holds no separator
_ITEM_SRC = (
    rf"(?P<label>(?:[^\d{re.escape(_SEPS)}{_ENDS} ]|\d{{4}}年度?)+?)(?P<num>{NUMBER})(?P<approx>余|多)?"
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
    flat, ends = _flat(text)
    t = flat.text
    found: dict[int, tuple[_Found, str]] = {}
    seen: set[int] = set()
    for i in _hits(t, ("共", "累计", "合计", "总计")):
        if not _MARKER.match(t, i):
            continue
        lo, hi = _sentence(t, ends, i)
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
    return out


def _chunk_start(t: str, lo: int, pos: int, seps: str = _SEPS) -> int:
    """Just after the separator before ``pos`` (not the comma of "1,234"), or ``lo``."""
    while (k := max(lo - 1, *(t.rfind(c, lo, pos) for c in seps))) >= lo:
        if t[k] != "," or not (t[k - 1 : k].isdigit() and t[k + 1 : k + 2].isdigit()):
            break
        pos = k
    return k + 1


def _clean_item(m: re.Match[str], unit: str, flow: bool) -> bool:
    """``label N unit`` with the unit of the total, a plain count and a label that is a category."""
    if m.group("unit") != unit or m.group("approx") or parse_count(m.group("num")) is None:
        return False
    label = _LEAD_INTRO.sub("", m.group("label"))
    return not (_MARKER.search(label) or _COMPARE.search(label) or (flow and _FLOW.search(label)))


def _total_first(t: str, q: re.Match[str], lo: int, hi: int) -> _Found | None:
    """``…共公开政府信息116条，部门文件4条、…`` or ``…共公布2599条，(其中A 25条，…)``."""
    start = _chunk_start(t, lo, q.start())
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
            if t[after] in _SEPS:
                break
            return None  # "…85件的办理复文": the number belongs to something else
        dun = dun or t[after] == "、"
        pos = after + 1
    return tuple(items), dun, end


def _items_first(t: str, q: re.Match[str], lo: int) -> _Found | None:
    """``工作报告1条、…、村庄规划类信息7条，累计公开信息37条``: walk back over clean items."""
    start = _chunk_start(t, lo, q.start())
    total = parse_count(q.group("num"))
    if total is None or start == lo or t[start - 1] not in "，,、":
        return None
    if not _LEAD_TOTAL.fullmatch(t, start, q.start()) or _COMPARE.search(t, start, q.start()):
        return None
    if q.end() < len(t) and t[q.end()] not in _SEPS + _ENDS:
        return None
    unit = q.group("unit")
    items: list[int] = []
    first = start
    while first > lo and t[first - 1] in "，,、":
        a = _chunk_start(t, lo, first - 1)
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


# ---------------------------------------------------------------- figures
_G = r"[^\d、，,。；;：:！？\n\t|#]"  # a gap inside one clause
_N = rf"(?P<num>{NUMBER})"
_CU = r"(?:件|个|宗|例|条|起)"
_APPLY = re.compile(r"公开申请|依申请|申请公开|信息公开")
_APP_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (  # most specific first: the first reading wins
    ("applications_carried_over", re.compile(rf"上一?年度?(?:结转|转入|遗留){_G}{{0,20}}?{_N}{_CU}")),
    (
        "applications_carried_forward",
        re.compile(rf"(?:结转|转入|转至|转到|转)(?:至|到|入)?(?:下一?年度?|次年度?){_G}{{0,15}}?{_N}{_CU}"),
    ),
    ("applications_new", re.compile(rf"新收(?:到)?{_G}{{0,20}}?{_N}{_CU}")),
    (
        "applications_received",
        re.compile(
            rf"(?:收到|受理|接收|接到|收悉)(?<![新未没无不]..)(?P<obj>{_G}{{0,15}}?申请{_G}{{0,4}}?){_N}{_CU}"
        ),
    ),
    (
        "applications_received",
        re.compile(
            rf"(?:收到|受理|接收|接到)(?<![新未没无不]..)(?:了|共|共计)?{_N}{_CU}(?P<obj>的?{_G}{{0,10}}?(?:公开申请|依申请公开))"
        ),
    ),
    (
        "applications_completed",
        re.compile(
            rf"(?P<verb>办结|办理|答复|处理|回复)(?<![不未予他]..)(?:完成|完毕|了)?"
            rf"(?P<obj>(?:各类|相关|的)?(?:政府信息公开|依申请公开|信息公开)?(?:申请)?件?)"
            rf"(?:共|共计|合计|总计)?(?:为|达)?{_N}{_CU}"
        ),
    ),
)
_NO_APPLICATION = re.compile(  # matched where 未/没有/无 stands
    rf"(?:(?:未|没有)(?:收到|受理|接到|接收|发生|产生){_G}{{0,10}}?|(?:无|没有)(?:任何)?)"
    r"(?:政府信息公开申请|信息公开申请|依申请公开|公开申请)"
)
_NO_LITIGATION = re.compile(
    r"(?:未|没有)(?:发生|出现|收到|产生|有|涉及)[^\d，,。；;：:！？\n\t|#被]{0,15}?(?:行政)?(?:复议|诉讼)"
    r"|(?:无|没有)(?:政府信息公开)?(?:相关)?行政(?:复议|诉讼)"
)
_NEGATION = re.compile(r"(?:未|没有|无)(?:收到|受理|接到|接收|发生|产生|出现|有|涉及)?")
_CASE = re.compile(rf"{_N}(?:件|起|宗|例)")
_CLAUSE_SEPS = "，,；;：:"
_CLAUSE_END = re.compile(r"[，。；;：:！？\n\t|#]|,(?!\d)|(?<!\d),")
_OUTCOME = re.compile(r"纠错|纠正|维持|败诉|胜诉|撤销|驳回|确认违法|审结|结案|同比|较|[增减升降占率]")
_DISCLOSURE = re.compile(r"信息公开|依申请|政务公开")
_NEAR = 16  # how far from a case count 复议/诉讼 may be named
_Figures = dict[tuple[int, str], tuple[int, int, int, int, int]]  # (start, kind) → value, span, phrase


def figures(text: str) -> list[Figure]:
    """Application and 复议/诉讼 counts stated in prose, in text order; one reading per number, but a
    stated zero ("未发生行政复议、行政诉讼") may be both reviews and suits."""
    flat, ends = _flat(text)
    t = flat.text
    found: _Figures = {}
    for lo, hi in sorted({_sentence(t, ends, i) for i in _hits(t, ("申请",))}):
        for kind, pat in _APP_PATTERNS:
            for m in pat.finditer(t, lo, hi):
                value = parse_count(m.group("num"))
                if value is not None and _application_context(t, m, kind, lo, hi):
                    _add(found, kind, value, m.span("num"), m.span())
    for i in _hits(t, ("未", "没有", "无")):
        lo, hi = _sentence(t, ends, i)
        no_app, no_case = _NO_APPLICATION.match(t, i, hi), _NO_LITIGATION.match(t, i, hi)
        if no_app and not re.search("复议|诉讼", t[i : _clause_end(t, no_app.end())]):
            _add(found, "applications_received", 0, _negation(no_app), no_app.span())
        if no_case:
            phrase = (i, _clause_end(t, no_case.end()))
            for kind, word in (("reviews", "复议"), ("suits", "诉讼")):
                if word in t[phrase[0] : phrase[1]]:
                    _add(found, kind, 0, _negation(no_case), phrase)
    windows: list[list[int]] = []
    for i in _hits(t, ("复议", "诉讼", "起诉", "案件")):  # a case count stands within _NEAR of these
        a, b = max(i - 2 * _NEAR, 0), i + 3 * _NEAR
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    for a, b in windows:
        for m in _CASE.finditer(t, a, b):
            lo, hi = _sentence(t, ends, m.start())
            read = _litigation_kind(t, m, lo, hi, _sentence(t, ends, max(lo - 1, 0))[0])
            value = parse_count(m.group("num"))
            if value is not None and read is not None:
                _add(found, read[0], value, m.span("num"), read[1:])
    out = []
    for (_, kind), (value, a, b, pa, pb) in sorted(found.items()):
        s, e = flat.span(a, b)
        out.append(Figure(kind, value, s, e, flat.excerpt(pa, pb)))
    return out


def _add(found: _Figures, kind: str, value: int, span: tuple[int, int], phrase: tuple[int, int]) -> None:
    # one reading per number; only a stated zero of cases ("未发生行政复议、行政诉讼") reads as both kinds
    cases = ("reviews", "suits")
    twin = value == 0 and kind in cases and all(k in cases for a, k in found if a == span[0])
    if (span[0], kind) not in found and (twin or all(a != span[0] for a, _ in found)):
        found[(span[0], kind)] = (value, *span, *phrase)


def _negation(m: re.Match[str]) -> tuple[int, int]:
    """The span of the negating words ("未收到", "未发生", "无") that state a zero."""
    n = _NEGATION.match(m.group())
    return m.start(), m.start() + (n.end() if n else 1)


def _clause_end(t: str, pos: int) -> int:
    m = _CLAUSE_END.search(t, pos)
    return m.start() if m else len(t)


def _application_context(t: str, m: re.Match[str], kind: str, lo: int, hi: int) -> bool:
    """Only counts of 政府信息公开 applications: 信访 and 12345 tickets are 受理/办结 too, a 复议 is
    applied for too, and "同意公开答复9件" is an outcome, not a count of replies."""
    if "复议" in m.group() or "诉讼" in m.group():
        return False
    if kind == "applications_received":
        return "公开" in m.group("obj") or "依申请" in m.group("obj")
    if kind == "applications_completed" and m.group("verb") in ("答复", "处理", "回复"):
        return "申请" in m.group("obj")
    return "申请" in m.group() or _APPLY.search(t, lo, hi) is not None


def _litigation_kind(t: str, m: re.Match[str], lo: int, hi: int, before: int) -> tuple[str, int, int] | None:
    """The kind of a case count and its phrase. 复议/诉讼 must be named just before the number in its
    clause (or just after it: "有1件…的行政复议"); "相关案件74件" takes the kinds its sentence named.
    Outcomes (纠错, 维持…) and comparisons are not counts; nor are cases with no word of 信息公开 in
    this sentence or the one before (a 司法局 report counts all its 复议 cases)."""
    a = max(_chunk_start(t, lo, m.start(), _CLAUSE_SEPS), _previous_case_end(t, lo, m.start()))
    a += t[a : a + 1] == "、"
    prefix, end = t[a : m.start()], _clause_end(t, m.end())
    if _OUTCOME.search(prefix) or _OUTCOME.search(t, m.end(), end):
        return None
    if not (_DISCLOSURE.search(t, lo, hi) or _DISCLOSURE.search(t, before, lo)):
        return None
    if kind := _case_kind(prefix[-_NEAR:]):
        return kind, a, m.end()
    if kind := _case_kind(t[m.end() : min(end, m.end() + _NEAR)]):
        return kind, a, end
    kind = _case_kind(t[lo:a]) if "案件" in prefix[-_NEAR:] else None
    return (kind, a, m.end()) if kind else None


def _case_kind(part: str) -> str | None:
    part = part.replace("复议后起诉", "起诉").replace("经复议", "")
    review, suit = "复议" in part, "诉讼" in part or "起诉" in part
    if review and suit:
        return "review_and_suits"
    return "reviews" if review else "suits" if suit else None


def _previous_case_end(t: str, lo: int, pos: int) -> int:
    """Where the count before ``pos`` in its clause ends, so "诉讼1件、复议2件" reads as two."""
    last = _chunk_start(t, lo, pos, _CLAUSE_SEPS)
    for m in _CASE.finditer(t, last, pos):
        last = m.end()
    return last

"""Application and 复议/诉讼 counts stated in a report's prose, for the text.* rules that hold them
against tables 三 and 四 (``text.applications_mismatch``, ``text.litigation_mismatch``).

Reads "收到政府信息公开申请34件", "未发生行政复议…" and the like, conservatively, on the flattened text
(``prose.flat_text``), running patterns only in sentences where 申请, 未/无 or 复议/诉讼 stand, and maps every
offset back to the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xxgk.extract.numerals import NUMBER, parse_count
from xxgk.extract.prose import chunk_start, flat_text, hits, sentence

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
class Figure:
    """One count read from prose. start/end cover the number (for a stated zero such as "未收到…申请",
    the negating words); ``text`` is the whole phrase read, for quoting in a finding."""

    kind: str
    value: int
    start: int
    end: int
    text: str


_G = r"[^\d、，,。；;：:！？\n\t|#]"  # a gap inside one clause
_N = rf"(?P<num>{NUMBER})"
_CU = r"(?:件|个|宗|例|条|起)"
_CU_CHAR = re.compile("[件个宗例条起]")
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
_CLAUSESEPS = "，,；;：:"
_CLAUSE_END = re.compile(r"[，。；;：:！？\n\t|#]|,(?!\d)|(?<!\d),")
_OUTCOME = re.compile(r"纠错|纠正|维持|败诉|胜诉|撤销|驳回|确认违法|审结|结案|同比|较|[增减升降占率]")
_DISCLOSURE = re.compile(r"信息公开|依申请|政务公开")
_NEAR = 16  # how far from a case count 复议/诉讼 may be named
_Figures = dict[tuple[int, str], tuple[int, int, int, int, int]]  # (start, kind) → value, span, phrase


def figures(text: str) -> list[Figure]:
    """Application and 复议/诉讼 counts stated in prose, in text order; one reading per number, but a
    stated zero ("未发生行政复议、行政诉讼") may be both reviews and suits."""
    return list(_figures(text))


@lru_cache(maxsize=16)
def _figures(text: str) -> tuple[Figure, ...]:
    flat, rev = flat_text(text)
    t = flat.text
    found: _Figures = {}
    for lo, hi in sorted({sentence(t, rev, i) for i in hits(t, ("申请",))}):
        if not _CU_CHAR.search(t, lo, hi):
            continue  # every pattern counts in a unit (件, 个 …): a sentence without one has no count
        for kind, pat in _APP_PATTERNS:
            for m in pat.finditer(t, lo, hi):
                value = parse_count(m.group("num"))
                if value is not None and _application_context(t, m, kind, lo, hi):
                    _add(found, kind, value, m.span("num"), m.span())
    for i in hits(t, ("未", "没有", "无")):
        lo, hi = sentence(t, rev, i)
        no_app, no_case = _NO_APPLICATION.match(t, i, hi), _NO_LITIGATION.match(t, i, hi)
        if no_app and not re.search("复议|诉讼", t[i : _clause_end(t, no_app.end())]):
            _add(found, "applications_received", 0, _negation(no_app), no_app.span())
        if no_case:
            phrase = (i, _clause_end(t, no_case.end()))
            for kind, word in (("reviews", "复议"), ("suits", "诉讼")):
                if word in t[phrase[0] : phrase[1]]:
                    _add(found, kind, 0, _negation(no_case), phrase)
    windows: list[list[int]] = []
    for i in hits(t, ("复议", "诉讼", "起诉", "案件")):  # a case count stands within _NEAR of these
        a, b = max(i - 2 * _NEAR, 0), i + 3 * _NEAR
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    for a, b in windows:
        for m in _CASE.finditer(t, a, b):
            lo, hi = sentence(t, rev, m.start())
            read = _litigation_kind(t, m, lo, hi, sentence(t, rev, max(lo - 1, 0))[0])
            value = parse_count(m.group("num"))
            if value is not None and read is not None:
                _add(found, read[0], value, m.span("num"), read[1:])
    out = []
    for (_, kind), (value, a, b, pa, pb) in sorted(found.items()):
        s, e = flat.span(a, b)
        out.append(Figure(kind, value, s, e, flat.excerpt(pa, pb)))
    return tuple(out)


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
    a = max(chunk_start(t, lo, m.start(), _CLAUSESEPS), _previous_case_end(t, lo, m.start()))
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
    last = chunk_start(t, lo, pos, _CLAUSESEPS)
    for m in _CASE.finditer(t, last, pos):
        last = m.end()
    return last

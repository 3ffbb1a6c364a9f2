"""Where each table stands in the text: between its section heading and the next, with fallbacks on the
table's own fixed wording when a heading is missing or renumbered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from xxgk.extract.sections import Heading

_T2_START = re.compile(r"第二十条第\s*[（(]\s*一\s*[)）]\s*项")
_T3_START = re.compile(r"勾稽关系|申请人情况|本年新收")
_T4_START = re.compile(r"行政复议")
_T4_STOP = re.compile(r"存在的?主要问题|主要问题|其他需要报告")


@dataclass(frozen=True)
class Regions:
    t2: tuple[int, int] | None
    t3: tuple[int, int] | None
    t4: tuple[int, int] | None


def find_regions(text: str, headings: list[Heading]) -> Regions:
    by_index = {h.index: h for h in headings}
    starts = sorted(h.start for h in headings)

    def next_heading(pos: int) -> int:
        return next((s for s in starts if s > pos), len(text))

    t3_start = _start(text, by_index.get(3), _T3_START, 0)
    t2_start = _start(text, by_index.get(2), _T2_START, 0)
    if t2_start is not None and t3_start is not None and t2_start > t3_start:
        t2_start = None
    t4_from = t3_start if t3_start is not None else 0
    t4_head = by_index.get(4)
    t4_start = t4_head.end if t4_head and t4_head.start >= t4_from else None
    if t4_start is None:
        t3_rows_end = text.find("结转下年度", t4_from)
        m = _T4_START.search(text, t3_rows_end if t3_rows_end >= 0 else t4_from)
        t4_start = m.start() if m else None
    t2 = (
        (t2_start, t3_start if t3_start is not None else next_heading(t2_start))
        if t2_start is not None
        else None
    )
    t3 = None
    if t3_start is not None:
        end = t4_head.start if t4_head and t4_head.start > t3_start else t4_start
        t3 = (t3_start, end if end is not None else next_heading(t3_start))
    t4 = None
    if t4_start is not None:
        end = next_heading(t4_start)
        stop = _T4_STOP.search(text, t4_start, end)
        t4 = (t4_start, stop.start() if stop else end)
    return Regions(t2, t3, t4)


def _start(text: str, heading: Heading | None, fallback: re.Pattern[str], pos: int) -> int | None:
    if heading is not None:
        return heading.end
    m = fallback.search(text, pos)
    return m.start() if m else None

"""Find the six section headings, whether on lines of their own or run into the text (crawler form).

A heading is a Chinese numeral with 、 (not 第三、), followed by a title. Which of the
six standard sections it is comes from the title alone (edit distance to the standard titles), so
renumbered outlines and table 三's own "一、本年新收…" rows are told apart from real headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from xxgk.catalogue import SECTION_TITLES

# the look-behind after the numeral, not before it: a pattern that opens with a character class is
# scanned for that class quickly; one that opens with a look-behind is tried at every offset (5x slower)
_CANDIDATE = re.compile(r"([一二三四五六七八九十])(?<!第[一二三四五六七八九十])\s*[、.．]\s*")
_LINE_TITLE_STOP = re.compile(r"[\t|。；]")
_DECOR = re.compile(r"[\s*#>]+")
MIN_SCORE = 0.6
_TITLE_CHARS = tuple(frozenset(t) for t in SECTION_TITLES)
_MAX_LINE_TITLE = 40
# how much of a heading's line is looked at: a title on its own line is short, and crawler text runs a whole
# report into one line, whose every heading candidate would otherwise copy and scan the rest of the report
_LINE_WINDOW = 200


@dataclass(frozen=True)
class Heading:
    index: int  # 1..6, the standard section matched
    numeral: str
    title: str  # as printed (whitespace and markup removed)
    score: float  # 1.0 for the standard title exactly
    start: int  # offset of the numeral in the text
    end: int  # offset just after the printed title

    @property
    def standard(self) -> bool:
        return self.title == SECTION_TITLES[self.index - 1]


def _score_title(printed: str, standard: str) -> float:
    if printed == standard:
        return 1.0
    d = Levenshtein.distance(printed, standard)
    score = 1.0 - d / len(standard)
    if standard in printed and len(printed) - len(standard) <= 12:
        score = max(score, 0.85)
    return score


def _inline_title(compact: str, standard: str) -> tuple[str, float]:
    """Best prefix of run-on text as a title for this standard one: (printed, score)."""
    n = len(standard)
    best = ("", 0.0)
    window = compact[: n + 14]
    at = window.find(standard)
    if at == 0:
        return standard, 1.0
    if 0 < at <= 12:
        best = (window[: at + n], 0.85)
    for length in range(max(2, n - 3), n + 4):
        cand = compact[:length]
        score = 1.0 - Levenshtein.distance(cand, standard) / n
        if score > best[1]:
            best = (cand, score)
    return best


def find_headings(text: str) -> list[Heading]:
    """All heading candidates that match a standard title, best per section, in text order."""
    best: dict[int, Heading] = {}
    for m in _CANDIDATE.finditer(text):
        start, after = m.start(), m.end()
        line_end = text.find("\n", after, after + _LINE_WINDOW)
        rest = text[after : after + _LINE_WINDOW if line_end < 0 else line_end]
        stop = _LINE_TITLE_STOP.search(rest)
        line_title = _DECOR.sub("", rest[: stop.start()] if stop else rest)
        line_mode = (
            bool(line_title) and len(line_title) <= _MAX_LINE_TITLE and not (stop and stop.group() == "。")
        )
        compact = _DECOR.sub("", text[after : after + 80])
        shared = set(compact[:30]) | set(line_title)
        for idx, standard in enumerate(SECTION_TITLES, start=1):
            if len(_TITLE_CHARS[idx - 1] & shared) < MIN_SCORE * len(_TITLE_CHARS[idx - 1]):
                continue  # cannot reach MIN_SCORE: too few of the title's characters are there
            end = -1  # where the inline title ends: counted only for a heading that is kept
            if line_mode and line_title == standard:  # the title on its own line, exactly: nothing beats it
                title, score = line_title, 1.0
                end = after + (stop.start() if stop else len(rest))
            else:
                title, score = _inline_title(compact, standard)
            if line_mode and score < 1.0:
                line_score = _score_title(line_title, standard)
                if line_score >= score:
                    title, score = line_title, line_score
                    end = after + (stop.start() if stop else len(rest))
            if score < MIN_SCORE:
                continue
            current = best.get(idx)
            if current is None or score > current.score:
                if end < 0:
                    end = _advance(text, after, len(title))
                best[idx] = Heading(idx, m.group(1), title, round(score, 3), start, end)
    headings = sorted(best.values(), key=lambda h: h.start)
    return _drop_overlaps(headings)


def _drop_overlaps(headings: list[Heading]) -> list[Heading]:
    """One place can match two titles; keep the better match."""
    out: list[Heading] = []
    for h in headings:
        if out and out[-1].start == h.start:
            if h.score > out[-1].score:
                out[-1] = h
            continue
        out.append(h)
    return out


def _advance(text: str, pos: int, n: int) -> int:
    """Offset after n non-decoration characters starting at pos."""
    seen = 0
    while pos < len(text) and seen < n:
        c = text[pos]
        if not (c.isspace() or c in "*#>"):  # not _DECOR: re's \s is str.isspace
            seen += 1
        pos += 1
    return pos

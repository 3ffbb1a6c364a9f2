"""What the prose readers share: a report's text flattened once, its sentences, where key words stand.

``numerals.Flat`` closes up PDF line breaks ("行政复\\n议") and maps offsets back; the narrative readers
(``narrative.itemised_sums``, ``figures.figures``) run their patterns only where a key word stands, within
one sentence or clause, which keeps a 10 kB report to about half a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from xxgk.extract.numerals import Flat

ENDS = "。！？!?\n\t|#"  # tabs and Markdown | and # end a sentence: table rows are not prose
SENTENCE_END = re.compile(f"[{ENDS}]")


@lru_cache(maxsize=16)
def flat_text(text: str) -> tuple[Flat, str]:
    """The flattened text and the same reversed (to find a sentence's start by a forward search); rules
    call both readers on one text."""
    flat = Flat(text)
    return flat, flat.text[::-1]


def sentence(t: str, rev: str, pos: int) -> tuple[int, int]:
    """The sentence around ``pos``: after the last end before it, up to the first end at or after it.
    Two C-level searches per call, rather than a list of every end (a tabbed table 三 has hundreds)."""
    m = SENTENCE_END.search(rev, len(t) - pos)
    e = SENTENCE_END.search(t, pos)
    return len(t) - m.start() if m else 0, e.start() if e else len(t)


def hits(t: str, words: Iterable[str]) -> list[int]:
    """Where any of ``words`` occurs, found with str.find: patterns then run only there, which is far
    faster than scanning the whole text (crawler text runs whole tables into one "sentence")."""
    out: list[int] = []
    for w in words:
        i = t.find(w)
        while i >= 0:
            out.append(i)
            i = t.find(w, i + 1)
    return sorted(out)


SEPS = "、，,；;：:（）()"


def chunk_start(t: str, lo: int, pos: int, seps: str = SEPS) -> int:
    """Just after the separator before ``pos`` (not the comma of "1,234"), or ``lo``."""
    while (k := max(lo - 1, *(t.rfind(c, lo, pos) for c in seps))) >= lo:
        if t[k] != "," or not (t[k - 1 : k].isdigit() and t[k + 1 : k + 2].isdigit()):
            break
        pos = k
    return k + 1

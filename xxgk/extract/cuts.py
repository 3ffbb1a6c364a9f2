"""Cutting one run of digits into n numbers that add up to a given total (a row printed as one run).

The cuts are those of a plain depth-first search: parts in order, no part with a leading zero unless it is
``0``, no part above what is left of the total. That search has a step budget: a run with too many ways to
try is not read rather than guessed (``readings._split_one_group``). Here the search's last part is not
tried digit by digit but counted in one step — what is left must be the rest of the run — so the same cuts
come out in the same order, with the same count of steps the plain search would take, at a fraction of the
cost (most of the plain search's steps are tries of the last part).
"""

from __future__ import annotations


class TooMany(Exception):
    """The plain search would take more steps than allowed."""


def cut_run(digits: str, n: int, total: int, cap: int) -> tuple[int, list[tuple[int, ...]]]:
    """(steps the plain search takes, the cuts of ``digits`` into n parts adding up to ``total``).

    Raises TooMany as soon as the steps pass ``cap``.
    """
    length = len(digits)
    out: list[tuple[int, ...]] = []
    path: list[int] = []
    steps = 0

    def last(off: int, rem: int, head: tuple[int, ...]) -> int:
        """One part left: the steps of trying each length of it; a cut when the rest of the run is rem."""
        left = length - off
        width = len(str(rem))
        if left < 1 or left > width:
            return 0
        if digits[off] == "0":  # the part "0", then nothing left to cut
            if left == 1 and rem == 0:
                out.append((*head, 0))
            return 1
        if left < width:  # every length gives a number below rem: all are tried, none is the cut
            return left
        value = int(digits[off:])  # only the full width can exceed rem
        if value == rem:
            out.append((*head, value))
        return left if value <= rem else left - 1

    def rec(off: int, parts: int, rem: int) -> None:
        nonlocal steps
        steps += 1
        if parts <= 1:
            if parts == 1:
                steps += last(off, rem, tuple(path))
            elif off == length and rem == 0:
                out.append(tuple(path))
            return
        left = length - off
        width = len(str(rem))
        if left < parts or left > parts * width:
            return
        if digits[off] == "0":
            path.append(0)
            rec(off + 1, parts - 1, rem)
            path.pop()
            return
        hi = min(length - parts + 1, off + width)
        if parts == 2:  # the last two parts in one loop: the most frequent steps, without a call each
            head = tuple(path)
            for end in range(off + 1, hi + 1):
                value = int(digits[off:end])
                if value > rem:
                    break
                steps += 1 + last(end, rem - value, (*head, value))
            if steps > cap:
                raise TooMany
            return
        for end in range(off + 1, hi + 1):
            value = int(digits[off:end])
            if value > rem:
                break
            path.append(value)
            rec(end, parts - 1, rem - value)
            path.pop()
            if steps > cap:
                raise TooMany

    rec(0, n, total)
    if steps > cap:
        raise TooMany
    return steps, out

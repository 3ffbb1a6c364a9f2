"""cuts.cut_run against the plain depth-first search it replaces: same cuts, same order, same step count.

The step count matters as much as the cuts: it is the budget that decides when a run is too ambiguous to
read at all, so a faster search that counted differently would change which rows are read.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.extract.cuts import TooMany, cut_run


def plain_search(digits: str, n: int, total: int) -> tuple[int, list[tuple[int, ...]]]:
    """The search as first written (readings._split_one_group before the speed work)."""
    calls = 0

    def parts(off: int, k: int, remaining: int) -> Iterator[tuple[int, ...]]:
        nonlocal calls
        calls += 1
        if k == 0:
            if off == len(digits) and remaining == 0:
                yield ()
            return
        left = len(digits) - off
        if left < k or left > k * len(str(remaining)):
            return
        if digits[off] == "0":
            for rest in parts(off + 1, k - 1, remaining):
                yield (0, *rest)
            return
        for end in range(off + 1, min(len(digits) - k + 1, off + len(str(remaining))) + 1):
            value = int(digits[off:end])
            if value > remaining:
                break
            for rest in parts(end, k - 1, remaining - value):
                yield (value, *rest)

    cuts = list(parts(0, n, total))
    return calls, cuts


@settings(max_examples=400, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=1, max_size=14),
    n=st.integers(min_value=1, max_value=7),
    total=st.integers(min_value=0, max_value=5000),
)
def test_cut_run_matches_the_plain_search(digits: str, n: int, total: int) -> None:
    assert cut_run(digits, n, total, cap=10**9) == plain_search(digits, n, total)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.integers(min_value=0, max_value=300), min_size=2, max_size=6))
def test_a_row_printed_as_one_run_is_among_its_cuts(parts: list[int]) -> None:
    digits = "".join(map(str, parts))
    _, cuts = cut_run(digits, len(parts), sum(parts), cap=10**9)
    assert tuple(parts) in cuts


def test_cut_run_gives_up_past_its_budget() -> None:
    digits = "1" * 40
    steps, _ = plain_search(digits, 8, 10**6)
    assert steps > 1000
    with pytest.raises(TooMany):
        cut_run(digits, 8, 10**6, cap=1000)


def test_the_row_217_1_0_0_0_0_is_cut_one_way() -> None:
    # seed crawler row "21710000218": the total 218 taken off, six parts adding up to it
    _, cuts = cut_run("21710000", 6, 218, cap=10**6)
    assert cuts == [(217, 1, 0, 0, 0, 0)]

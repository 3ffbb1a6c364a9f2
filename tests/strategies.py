"""Hypothesis strategies for report cells and whole reports.

They feed ``build_valid_cells`` with Hypothesis draws instead of a ``random.Random``, so a failing
example shrinks towards small numbers and all-zero rows, which is what a reader wants to see.
"""

from __future__ import annotations

from hypothesis import strategies as st

from xxgk.catalogue import cell_keys
from xxgk.render.text import ReportData, build_valid_cells

# made-up names built from neutral parts, so no real agency is implied
_PLACES = ("某某", "甲", "乙", "丙丁", "东山", "西河")
_KINDS = ("县人民政府", "县某某镇人民政府", "市某某区人民政府办公室", "县某某局", "乡人民政府")


@st.composite
def valid_cells(draw: st.DrawFn, busy: float | None = None) -> dict[str, int | float]:
    """All 200 cells with every relation of FORMAT.md §2 holding; busy drawn when not given."""
    share = draw(st.floats(0, 1)) if busy is None else busy
    return build_valid_cells(lambda lo, hi: draw(st.integers(lo, hi)), busy=share)


@st.composite
def agency_names(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(_PLACES)) + draw(st.sampled_from(_KINDS))


@st.composite
def report_data(draw: st.DrawFn, blanks: bool = False) -> ReportData:
    """A report with valid cells; with ``blanks`` some cells are None, as unreadable ones are."""
    cells: dict[str, int | float | None] = dict(draw(valid_cells()))
    if blanks:
        for key in draw(st.sets(st.sampled_from(cell_keys()), min_size=1, max_size=8)):
            cells[key] = None
    sections = draw(
        st.none()
        | st.fixed_dictionaries(
            {},
            optional={
                5: st.sampled_from(["本年度工作存在不足，将持续改进。", "暂无需要说明的问题。"]),
                6: st.sampled_from(["本年度未收取信息处理费。", "本年度未发生信息处理费收费情形。"]),
            },
        )
    )
    return ReportData(
        agency=draw(agency_names()),
        year=draw(st.integers(2020, 2030)),
        cells=cells,
        sections=sections,
        processing_fee=draw(st.sampled_from([0, 0, 20, 12.5, 300])),
    )

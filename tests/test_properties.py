"""Hypothesis properties: render → parse round trips in every text layout, the checker against random
single-cell changes, and random bytes against the reader."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import report_data, valid_cells

import xxgk
from xxgk.catalogue import T3_APPLICANT_COLUMNS, T3_OUTCOME_ROWS, cell_keys
from xxgk.render.text import ReportData, render_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_trip(data: ReportData, layout: str) -> xxgk.Report:
    return xxgk.parse(render_text(data, layout))


@SETTINGS
@given(report_data())
def test_tabbed_layout_reads_back_every_cell(data: ReportData) -> None:
    report = _round_trip(data, "tabbed")
    assert report.cells == data.cells
    assert report.agency.name == data.agency
    assert report.year == data.year


@SETTINGS
@given(report_data())
def test_markdown_layout_reads_back_every_cell(data: ReportData) -> None:
    report = _round_trip(data, "markdown")
    assert report.cells == data.cells


@SETTINGS
@given(report_data(blanks=True))
def test_blank_cells_read_back_as_null_never_zero(data: ReportData) -> None:
    for layout in ("tabbed", "markdown"):
        report = _round_trip(data, layout)
        for key, want in data.cells.items():
            if want is None:
                assert report.cells[key] is None, (layout, key)
                assert report.details[key].status in ("blank", "ambiguous"), (layout, key)


@SETTINGS
@given(report_data())
def test_stripped_layout_is_exact_or_says_it_is_unsure(data: ReportData) -> None:
    """With every border gone the arithmetic may leave two splits: then the cell is null and the truth is
    among its alternatives — never a wrong number."""
    report = _round_trip(data, "stripped")
    for key in cell_keys():
        got, want = report.cells[key], data.cells[key]
        if got is None:
            detail = report.details[key]
            assert detail.status == "ambiguous", key
            assert want in detail.alternatives or not detail.alternatives, key
        else:
            assert got == want, key
    t3 = [k for k in cell_keys() if k.startswith("t3.")]
    # dense random rows can exceed the cutting budget; then whole rows stay null (and say so)
    assert sum(report.cells[k] is not None for k in t3) >= len(t3) * 0.75


@st.composite
def one_cell_changed(draw: st.DrawFn) -> tuple[dict[str, int | float], str, int]:
    cells = dict(draw(valid_cells()))
    key = draw(st.sampled_from([k for k in cell_keys() if k.startswith(("t3.", "t4."))]))
    delta = draw(st.integers(1, 50))
    cells[key] = cells[key] + delta
    return cells, key, delta


def _expected_rules(key: str) -> set[str]:
    table, row, col = key.split(".")
    if table == "t4":
        return {"arith.t4_total"}
    rules = {"arith.t3_row_total"}
    if row in ("new", "carried_over", "carried_forward"):
        rules.add("arith.t3_balance")
    if row in T3_OUTCOME_ROWS:
        rules.add("arith.t3_outcome_total")
    if row == "total":
        rules |= {"arith.t3_balance", "arith.t3_outcome_total"}
    assert col in (*T3_APPLICANT_COLUMNS, "total")
    return rules


@SETTINGS
@given(one_cell_changed())
def test_a_single_changed_cell_is_caught_by_its_relations(
    case: tuple[dict[str, int | float], str, int],
) -> None:
    cells, key, _ = case
    report = xxgk.parse(render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "tabbed"))
    assert report.cells[key] == cells[key]
    fired = {f.rule for f in xxgk.check(report) if f.rule.startswith("arith.")}
    assert _expected_rules(key) <= fired
    for f in xxgk.check(report):
        if f.rule.startswith("arith."):
            assert key in f.cells


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_raise_nothing_but_read_error(data: bytes) -> None:
    try:
        report = xxgk.parse_bytes(data, "random.bin")
    except xxgk.ReadError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith("random.bin: ")
        assert "internal error" not in exc.reason
    else:
        assert len(report.cells) == 200
        xxgk.check(report)


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("一二三四五六、。0123456789 \t|/总计本年新收行政复议规章第二十条（）\n"),
        max_size=600,
    )
)
def test_random_report_like_text_never_crashes(text: str) -> None:
    try:
        report = xxgk.parse(text + "\n")
    except xxgk.ReadError:
        return
    xxgk.check(report)
    assert set(report.cells) == set(cell_keys())

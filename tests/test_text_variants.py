"""Text as real extractors write it, from a tabbed rendering of random valid tables: cells set apart by
runs of spaces or ideographic spaces, one cell per line (pdfminer, a browser's copy of a web table), long
labels wrapped over two lines, values printed under their label, CRLF endings. Where the text keeps every
value, every cell reads back; where it drops the empty cells without a trace, no cell is ever read wrong —
what cannot be placed stays null and says so."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import valid_cells

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.render.text import ReportData, render_text

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AGENCY = "某某县某某镇人民政府"
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
NO_CORRECTION = "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"


def _tabbed(cells: dict[str, int | float]) -> str:
    return render_text(ReportData(agency=AGENCY, year=2024, cells=cells), "tabbed")


def _cell_lines(text: str, keep_empty: bool) -> str:
    """Every cell of a tabbed line on a line of its own."""
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        out.extend(c for c in line.split("\t") if keep_empty or c.strip())
    return "\n".join(out)


def _values_under_labels(text: str) -> str:
    out = []
    for line in text.split("\n"):
        parts = line.split("\t")
        first = next((i for i, p in enumerate(parts) if p.strip().isdigit()), None)
        if "\t" in line and first and any(p.strip() for p in parts[:first]):
            out += ["\t".join(parts[:first]), "\t".join(parts[first:])]
        else:
            out.append(line)
    return "\n".join(out)


def _wrapped(text: str) -> str:
    text = text.replace(PARTIAL, PARTIAL.replace("，不计", "，\n不计"))
    return text.replace(NO_CORRECTION, NO_CORRECTION.replace("补正", "补\n正"))


def _thousands(text: str) -> str:
    """Counts of 1,000 and more with thousands separators ("1,305"), as spreadsheets print them."""
    return re.sub(r"(?<=\t)(\d{1,3})(\d{3})(?=\t|\n)", r"\1,\2", text)


def _empty_column_before_values(text: str) -> str:
    """An empty column between a row's label and its values (a merged label printed as two cells)."""
    out = []
    for line in text.split("\n"):
        parts = line.split("\t")
        first = next((i for i, p in enumerate(parts) if p.strip().isdigit()), None)
        if first and parts[first - 1].strip():
            parts.insert(first, "")
        out.append("\t".join(parts))
    return "\n".join(out)


LOSSLESS: dict[str, Callable[[str], str]] = {
    "empty_column_before_values": _empty_column_before_values,
    "empty_columns_at_both_ends": lambda t: "\n".join(f"\t{x}\t" if "\t" in x else x for x in t.split("\n")),
    "thousands_separators": _thousands,
    "thousands_separators_between_spaces": lambda t: _thousands(t).replace("\t", "   "),
    "fee_with_its_unit": lambda t: re.sub(r"(行政事业性收费\t)([\d.]+)", r"\g<1>\g<2>万元", t),
    "runs_of_spaces": lambda t: t.replace("\t", "    "),
    "single_spaces": lambda t: t.replace("\t", " "),
    "ideographic_spaces": lambda t: t.replace("\t", "\u3000"),
    "one_cell_per_line": lambda t: _cell_lines(t, keep_empty=False),
    "one_cell_per_line_with_empty_lines": lambda t: _cell_lines(t, keep_empty=True),
    "labels_wrapped_over_two_lines": _wrapped,
    "values_under_their_labels": _values_under_labels,
    "crlf_and_trailing_spaces": lambda t: t.replace("\n", "  \r\n"),
}


@pytest.mark.parametrize("variant", sorted(LOSSLESS))
@SETTINGS
@given(cells=valid_cells())
def test_text_that_keeps_every_value_reads_back_every_cell(
    variant: str, cells: dict[str, int | float]
) -> None:
    report = xxgk.parse(LOSSLESS[variant](_tabbed(cells)))
    assert report.cells == cells


def _without_outer_pipes(text: str) -> str:
    return "\n".join(
        line.strip().strip("|") if line.lstrip().startswith("|") else line for line in text.split("\n")
    )


MARKDOWN: dict[str, Callable[[str], str]] = {
    "rows_without_outer_pipes": _without_outer_pipes,
    "pipes_without_padding": lambda t: re.sub(r" *\| *", "|", t),
}


@pytest.mark.parametrize("variant", sorted(MARKDOWN))
@SETTINGS
@given(cells=valid_cells())
def test_markdown_as_written_by_hand_reads_back_every_cell(
    variant: str, cells: dict[str, int | float]
) -> None:
    text = render_text(ReportData(agency=AGENCY, year=2024, cells=cells), "markdown")
    assert xxgk.parse(MARKDOWN[variant](text)).cells == cells


def _empty_zeros(text: str) -> str:
    """Zero cells left empty, as many offices print them (tabs kept)."""
    return re.sub(r"(?<=\t)0(?=\t|\n)", "", text)


LOSSY: dict[str, Callable[[str], str]] = {
    "empty_cells_between_runs_of_spaces": lambda t: _empty_zeros(t).replace("\t", "    "),
    "empty_cells_gone_one_cell_per_line": lambda t: _cell_lines(_empty_zeros(t), keep_empty=False),
}


@pytest.mark.parametrize("variant", sorted(LOSSY))
@SETTINGS
@given(cells=valid_cells(busy=0.3))
def test_text_that_drops_empty_cells_never_reads_a_cell_wrong(
    variant: str, cells: dict[str, int | float]
) -> None:
    report = xxgk.parse(LOSSY[variant](_tabbed(cells)))
    for key, want in cells.items():
        got = report.cells[key]
        if got is None:
            assert report.details[key].status in ("ambiguous", "missing", "blank", "absent"), key
        else:
            assert got == want or (want == 0 and got is None), (key, got, want)


def test_space_set_row_with_empty_cells_is_not_cut_into_digits() -> None:
    """'规章    63    4': the borders survived, so 63 is one number and one cell was left empty — not
    6 | 3 | 4, the cut crawler text (``规章634``) would allow."""
    cells = _zero_cells()
    cells.update({"t2.regulations.repealed": 63, "t2.regulations.in_force": 4})
    text = _empty_zeros(_tabbed(cells)).replace("\t", "    ")
    report = xxgk.parse(text)
    assert report.cells["t2.regulations.made"] is None
    for key in ("t2.regulations.repealed", "t2.regulations.in_force"):
        assert report.cells[key] in (None, cells[key])
    assert report.details["t2.regulations.repealed"].status == "ambiguous"


def test_crawler_row_with_a_stray_space_before_its_digits_is_still_cut() -> None:
    """Crawler text lost every border; a space left before one row's run ('…政府信息公开申请 1000001') does
    not make the table one whose borders survived."""
    cells = _zero_cells()
    for col in ("natural_person", "total"):
        for row in ("new", "other_no_correction", "total"):
            cells[f"t3.{row}.{col}"] = 1
    stripped = render_text(ReportData(agency=AGENCY, year=2024, cells=cells), "stripped")
    label = "行政机关不再处理其政府信息公开申请"
    assert stripped.count(label + "1000001") == 1
    report = xxgk.parse(stripped.replace(label + "1000001", label + " 1000001"))
    assert report.cells == cells


def _zero_cells() -> dict[str, int | float]:
    return dict.fromkeys(cell_keys(), 0)

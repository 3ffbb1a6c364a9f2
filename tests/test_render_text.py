"""The text renderer must produce reports an extractor can be held to: valid cells, standard
sections in order, and tables whose layout matches what PDFs, crawlers and converters give us."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import report_data, valid_cells

from xxgk.catalogue import (
    SECTION_NUMERALS,
    SECTION_TITLES,
    T3_APPLICANT_COLUMNS,
    T3_COLUMN_KEYS,
    T3_OUTCOME_ROWS,
    T3_ROW_KEYS,
    T3_ROWS,
    T4_COLUMN_KEYS,
    T4_GROUP_KEYS,
    cell_keys,
    t3_key,
    t4_key,
)
from xxgk.render.text import (
    LAYOUTS,
    T3_NOTE,
    ReportData,
    format_number,
    random_valid_cells,
    render_text,
)

Cells = dict[str, int | float | None]


def relation_errors(cells: Cells) -> list[str]:
    """Every relation of FORMAT.md §2 that fails, written out independently of the renderer."""
    errors: list[str] = []

    def v(key: str) -> int | float:
        value = cells[key]
        assert value is not None
        return value

    for col in T3_COLUMN_KEYS:
        if v(t3_key("new", col)) + v(t3_key("carried_over", col)) != v(t3_key("total", col)) + v(
            t3_key("carried_forward", col)
        ):
            errors.append(f"balance {col}")
        if v(t3_key("total", col)) != sum(v(t3_key(r, col)) for r in T3_OUTCOME_ROWS):
            errors.append(f"outcome total {col}")
    for row in T3_ROW_KEYS:
        if v(t3_key(row, "total")) != sum(v(t3_key(row, c)) for c in T3_APPLICANT_COLUMNS):
            errors.append(f"row total {row}")
    for group in T4_GROUP_KEYS:
        if v(t4_key(group, "total")) != sum(v(t4_key(group, c)) for c in T4_COLUMN_KEYS[:-1]):
            errors.append(f"t4 total {group}")
    for key in cell_keys():
        value = v(key)
        if value < 0:
            errors.append(f"negative {key}")
        if key == "t2.fees.amount":
            if not isinstance(value, float) or round(value, 2) != value:
                errors.append(f"fee {value!r}")
        elif not isinstance(value, int):
            errors.append(f"not an int {key}")
    return errors


def sample(seed: int = 7, **changes: int | float | None) -> ReportData:
    cells: Cells = dict(random_valid_cells(random.Random(seed), busy=0.6))
    cells.update({k.replace("__", "."): val for k, val in changes.items()})
    return ReportData("某某县某某镇人民政府", 2024, cells)


# ------------------------------------------------------------------------------------------- cells


@given(st.randoms(use_true_random=False), st.floats(0, 1))
def test_random_valid_cells_satisfy_every_relation(rng: random.Random, busy: float) -> None:
    cells = random_valid_cells(rng, busy=busy)
    assert tuple(cells) == cell_keys()
    assert relation_errors(dict(cells)) == []


@given(valid_cells())
def test_valid_cells_strategy_satisfies_every_relation(cells: dict[str, int | float]) -> None:
    assert tuple(cells) == cell_keys()
    assert relation_errors(dict(cells)) == []


def test_idle_agency_has_all_zero_cells() -> None:
    cells = random_valid_cells(random.Random(1), busy=0.0)
    assert set(cells.values()) == {0}


def test_number_sizes_vary_but_stay_mostly_small() -> None:
    rng = random.Random(2024)
    values = [v for _ in range(200) for v in random_valid_cells(rng).values()]
    nonzero = [v for v in values if v]
    assert sum(v == 0 for v in values) > len(values) / 2  # real tables are mostly zeros
    assert any(v >= 1000 for v in nonzero) and any(v < 10 for v in nonzero)
    assert sum(v < 1000 for v in nonzero) > 0.6 * len(nonzero)


# ------------------------------------------------------------------------------------------- layouts


def title_positions(text: str) -> list[int]:
    return [text.find(f"{num}、{title}") for num, title in zip(SECTION_NUMERALS, SECTION_TITLES, strict=True)]


@settings(max_examples=50)
@given(report_data(blanks=True), st.sampled_from(LAYOUTS))
def test_six_standard_titles_in_order(data: ReportData, layout: str) -> None:
    positions = title_positions(render_text(data, layout))
    assert -1 not in positions
    assert positions == sorted(positions)


@given(report_data())
def test_markdown_sections_are_headings(data: ReportData) -> None:
    lines = render_text(data, "markdown").splitlines()
    headings = [ln for ln in lines if ln.startswith("## ")]
    assert headings == [f"## {n}、{t}" for n, t in zip(SECTION_NUMERALS, SECTION_TITLES, strict=True)]


@given(report_data(blanks=True))
def test_stripped_has_no_whitespace(data: ReportData) -> None:
    text = render_text(data, "stripped")
    assert not any(ch.isspace() for ch in text)
    assert text == "".join(render_text(data, "tabbed").split())


@given(report_data(), st.sampled_from(LAYOUTS))
def test_front_matter_and_statements(data: ReportData, layout: str) -> None:
    text = render_text(data, layout)
    assert f"{data.agency}{data.year}年政府信息公开工作年度报告" in text
    assert "国办公开办函〔2021〕30号" in text
    assert f"本报告所列数据的统计期限自{data.year}年1月1日起至{data.year}年12月31日止" in text
    assert f"本年共收到政府信息公开申请{data.cells['t3.new.total']}件" in text
    assert "信息处理费" in text[text.find("六、其他需要报告的事项") :]


def test_fee_statement_with_amount() -> None:
    data = sample()
    data.processing_fee = 12.5
    assert "信息处理费12.5元" in render_text(data, "tabbed")
    data.processing_fee = 0
    assert "本年度未收取信息处理费" in render_text(data, "tabbed")


def test_given_sections_replace_the_generated_prose() -> None:
    data = sample()
    data.sections = {5: "这是自定义的问题说明。"}
    text = render_text(data, "tabbed")
    assert "这是自定义的问题说明。" in text
    assert "本年共收到政府信息公开申请" in text  # section 一 still generated


# ------------------------------------------------------------------------------------------- tables


def tabbed_t3(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(T3_NOTE))
    return [ln.split("\t") for ln in lines[start + 3 : start + 3 + len(T3_ROWS)]]


def markdown_t3(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("| 项目 |"))
    body = lines[start + 2 : start + 2 + len(T3_ROWS)]
    return [[f.strip() for f in ln.strip("|").split("|")] for ln in body]


def as_value(field: str) -> int | None:
    return int(field) if field else None


@settings(max_examples=50)
@given(report_data(blanks=True))
def test_table_three_reads_back_in_tabbed_and_markdown(data: ReportData) -> None:
    for rows in (tabbed_t3(render_text(data, "tabbed")), markdown_t3(render_text(data, "markdown"))):
        assert len(rows) == len(T3_ROWS)
        for fields, row in zip(rows, T3_ROWS, strict=True):
            labels = [f for f in fields[:-7] if f]
            assert labels[-1] == row.item
            expected = [data.cells[t3_key(row.key, c)] for c in T3_COLUMN_KEYS]
            assert [as_value(f) for f in fields[-7:]] == expected


def test_merged_labels_only_on_first_row_of_group() -> None:
    rows = ["\t".join(r[:-7]) for r in tabbed_t3(render_text(sample(), "tabbed"))]
    assert rows[2] == "三、本年度办理结果\t（一）予以公开"
    assert rows[4] == "\t（三）不予公开\t1.属于国家秘密"
    assert rows[5] == "\t\t2.其他法律行政法规禁止公开"
    assert rows[23] == "\t（七）总计"
    assert rows[24] == "四、结转下年度继续办理"


def test_stripped_runs_labels_and_digits_together() -> None:
    data = sample()
    text = render_text(data, "stripped")
    new = "".join(format_number(data.cells[t3_key("new", c)]) for c in T3_COLUMN_KEYS)
    assert f"一、本年新收政府信息公开申请数量{new}二、上年结转" in text
    secret = "".join(format_number(data.cells[t3_key("denied_state_secret", c)]) for c in T3_COLUMN_KEYS)
    assert f"1.属于国家秘密{secret}2.其他法律行政法规禁止公开" in text


def test_none_cell_leaves_an_empty_field() -> None:
    data = sample(
        t3__denied_state_secret__commercial=None,
        t2__licensing__decisions=None,
        t4__review__upheld=None,
    )
    tabbed = render_text(data, "tabbed").splitlines()
    secret = next(ln.split("\t") for ln in tabbed if "1.属于国家秘密" in ln)
    assert secret[-7:][1] == "" and len(secret) == 3 + 7
    assert next(ln for ln in tabbed if ln.startswith("行政许可")).split("\t")[1] == ""
    t4_values = tabbed[next(i for i, ln in enumerate(tabbed) if ln.startswith("行政复议\t")) + 3].split("\t")
    assert len(t4_values) == 15 and t4_values[0] == ""

    markdown = render_text(data, "markdown").splitlines()
    fields = next(ln for ln in markdown if "1.属于国家秘密" in ln).strip("|").split("|")
    assert len(fields) == 10 and fields[4].strip() == ""
    assert next(ln for ln in markdown if ln.startswith("| 行政许可 ")) == "| 行政许可 |  |"
    assert next(ln for ln in markdown if ln.startswith("| 行政复议 ")).split("|")[2].strip() == ""


def test_table_two_blocks_in_official_layout() -> None:
    data = sample(t2__fees__amount=12.5)
    tabbed = render_text(data, "tabbed")
    assert "第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t" in tabbed
    fees = "第二十条第（八）项\t\t\t\n信息内容\t本年收费金额（单位：万元）\t\t\n行政事业性收费\t12.5\t\t"
    assert fees in tabbed
    assert "| 行政事业性收费 | 12.5 |" in render_text(data, "markdown")


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (1234, "1234"), (12.5, "12.5"), (3.0, "3"), (0.0, "0"), (0.1 + 0.2, "0.3"), (None, "")],
)
def test_format_number(value: int | float | None, text: str) -> None:
    assert format_number(value) == text


def test_rendering_is_deterministic_and_rejects_unknown_layouts() -> None:
    for layout in LAYOUTS:
        assert render_text(sample(), layout) == render_text(sample(), layout)
    with pytest.raises(ValueError):
        render_text(sample(), "html")

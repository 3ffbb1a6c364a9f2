"""Regression tests, each named after the case it pins. Fixtures are made here (or are the bundled seed
reports in examples/); none is copied from a third-party report."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.render.text import ReportData, random_valid_cells, render_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def seed(prefix: str) -> Path:
    return next(EXAMPLES.glob(f"{prefix}_*.txt"))


def zeros() -> dict[str, int | float | None]:
    return dict.fromkeys(cell_keys(), 0)


def rules_of(report: xxgk.Report) -> set[str]:
    return {f.rule for f in xxgk.check(report)}


def test_000_rows_short_of_one_zero_are_settled_by_the_row_total() -> None:
    report = xxgk.parse(seed("000"))
    assert report.cells["t3.granted.total"] == 0
    assert report.details["t3.granted.total"].status == "derived"
    assert report.cells["t3.new.total"] == 0 and report.details["t3.new.total"].status == "number"
    assert [report.cells[f"t4.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [
        None
    ] * 5
    assert report.details["t4.review.total"].status == "blank"
    fired = rules_of(report)
    assert {"cell.blank", "cell.derived", "section.title_nonstandard"} <= fired
    assert not any(r.startswith("arith.") for r in fired)


def test_001_table_without_other_column_keeps_it_null_and_says_so() -> None:
    report = xxgk.parse(seed("001"))
    assert report.tables["三"].columns == [
        "natural_person", "commercial", "research", "social_welfare", "legal_service", "total",
    ]  # fmt: skip
    assert report.cells["t3.new.other_org"] is None
    assert report.details["t3.new.other_org"].status == "missing_column"
    assert report.cells["t3.new.natural_person"] == 0
    # rows printing 5 values for 6 columns: every reading is zeros or a gap, so those cells are not settled
    detail = report.details["t3.denied_third_party.natural_person"]
    assert report.cells["t3.denied_third_party.natural_person"] is None
    assert detail.status == "ambiguous" and detail.alternatives == [0, None]
    assert {"table.layout_nonstandard", "cell.ambiguous", "meta.period_missing"} <= rules_of(report)


def test_002_table_four_with_sixteen_values_reads_its_zeros_and_flags_the_layout() -> None:
    report = xxgk.parse(seed("002"))
    assert all(report.cells[k] == 0 for k in cell_keys() if k.startswith("t4."))
    layout = [f for f in xxgk.check(report) if f.rule == "table.layout_nonstandard"]
    assert layout and "16" in layout[0].message


def test_002_itemised_sum_of_119_against_a_stated_116() -> None:
    findings = [f for f in xxgk.check(xxgk.parse(seed("002"))) if f.rule == "text.sum_mismatch"]
    assert len(findings) == 1
    assert findings[0].data["total"] == 116 and sum(findings[0].data["items"]) == 119


def test_003_slashes_are_placeholders_never_zero() -> None:
    report = xxgk.parse(seed("003"))
    assert all(v is None for v in report.cells.values())
    assert report.details["t2.regulations.made"].status == "placeholder"
    assert report.details["t2.regulations.made"].raw == "/"
    assert report.details["t2.fees.amount"].status == "absent"
    assert {"cell.placeholder", "meta.period_missing", "meta.fee_statement_missing"} <= rules_of(report)


def test_crawler_row_is_cut_by_its_row_total() -> None:
    cells = zeros()
    cells.update({"t3.new.natural_person": 217, "t3.new.commercial": 1, "t3.new.total": 218})
    cells.update({"t3.granted.natural_person": 217, "t3.granted.commercial": 1, "t3.granted.total": 218})
    cells.update({"t3.total.natural_person": 217, "t3.total.commercial": 1, "t3.total.total": 218})
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "stripped")
    assert "21710000218" in text
    report = xxgk.parse(text)
    assert {k: report.cells[k] for k in cells if k.startswith("t3.")} == {
        k: v for k, v in cells.items() if k.startswith("t3.")
    }
    derived = [f for f in xxgk.check(report) if f.rule == "cell.derived"]
    assert any("21710000218" in f.message for f in derived)


def test_label_number_glued_to_the_digits_before_it_goes_back_to_the_label() -> None:
    cells = zeros()
    cells.update({"t3.denied_state_secret.natural_person": 4, "t3.denied_state_secret.total": 4})
    cells.update(
        {"t3.new.natural_person": 4, "t3.new.total": 4, "t3.total.natural_person": 4, "t3.total.total": 4}
    )
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "stripped")
    assert "1.属于国家秘密40000042.其他法律" in text
    report = xxgk.parse(text)
    assert report.cells["t3.denied_state_secret.total"] == 4
    assert report.cells["t3.denied_law_prohibited.natural_person"] == 0


def test_two_cuts_that_both_balance_leave_the_cells_null_with_both_alternatives() -> None:
    cells = zeros()
    review = {"upheld": 10, "corrected": 0, "other": 11, "pending": 1, "total": 22}
    direct = {"upheld": 1, "corrected": 0, "other": 1, "pending": 2, "total": 4}
    after = {"upheld": 1, "corrected": 1, "other": 2, "pending": 0, "total": 4}
    for group, vals in (("review", review), ("suit_direct", direct), ("suit_after_review", after)):
        cells.update({f"t4.{group}.{c}": v for c, v in vals.items()})
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "stripped")
    assert "100111221012411204" in text
    report = xxgk.parse(text)
    assert report.cells["t4.review.upheld"] == 10 and report.cells["t4.review.total"] == 22
    assert report.cells["t4.review.other"] is None and report.cells["t4.review.pending"] is None
    assert report.details["t4.review.other"].alternatives == [1, 11]
    assert report.cells["t4.suit_after_review.total"] == 4
    assert "cell.ambiguous" in rules_of(report)


def test_table_two_cut_is_pinned_only_by_what_the_text_states() -> None:
    cells = zeros()
    cells.update({"t2.normative.made": 88, "t2.normative.repealed": 55, "t2.normative.in_force": 698})
    data = ReportData(agency="某某县人民政府", year=2024, cells=cells)
    bare = xxgk.parse(render_text(data, "stripped"))
    assert bare.cells["t2.normative.made"] is None
    assert bare.details["t2.normative.in_force"].status == "ambiguous"
    assert 698 in bare.details["t2.normative.in_force"].alternatives
    data.sections = {1: "本年度制发的规范性文件88件，集中公开现行有效行政规范性文件698件。"}
    pinned = xxgk.parse(render_text(data, "stripped"))
    assert [pinned.cells[f"t2.normative.{c}"] for c in ("made", "repealed", "in_force")] == [88, 55, 698]


LEGACY = """某某县人民政府2019年政府信息公开工作年度报告
本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。
一、总体情况
2019年，本县依法做好政府信息公开工作。
二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t8\t8\t9
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t13\t575394
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2
四、政府信息公开行政复议、行政诉讼情况
0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0
五、存在的主要问题及改进情况
无。
六、其他需要报告的事项
无。
"""


def test_legacy_2019_layout_is_recognised_and_not_forced_into_the_cells() -> None:
    report = xxgk.parse(LEGACY)
    assert report.format_version == "legacy"
    assert all(v is None for v in report.cells.values())
    findings = {f.rule: f for f in xxgk.check(report)}
    assert findings["meta.format_legacy"].severity == "info"
    assert not any(r.startswith(("arith.", "cell.", "table.")) for r in findings)


def test_legacy_layout_in_a_2021_year_is_an_error() -> None:
    report = xxgk.parse(LEGACY.replace("2019", "2022"))
    legacy = [f for f in xxgk.check(report) if f.rule == "meta.format_legacy"]
    assert legacy and legacy[0].severity == "error"


def test_markdown_with_one_pipe_table_per_row_and_generic_headers() -> None:
    cells = random_valid_cells(random.Random(5), busy=0.5)
    text = render_text(ReportData(agency="某某县人民政府", year=2025, cells=cells), "markdown")
    head, rest = text.split("## 三、", 1)
    table3, tail = rest.split("## 四、", 1)
    rows = [ln for ln in table3.splitlines() if ln.startswith("|") and "---" not in ln][1:]
    per_row = []
    for ln in rows:
        parts = [p.strip() for p in ln.strip().strip("|").split("|")]
        label = next((p for p in parts[:3][::-1] if p), "")
        per_row.append(
            f"### {label}\n| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n|---|---|---|---|---|---|---|---|\n| {label} | "
            + " | ".join(parts[3:])
            + " |\n"
        )
    text = head + "## 三、收到和处理政府信息公开申请情况\n\n" + "\n".join(per_row) + "\n## 四、" + tail
    report = xxgk.parse(text)
    assert {k: report.cells[k] for k in cell_keys() if k.startswith("t3.")} == {
        k: cells[k] for k in cell_keys() if k.startswith("t3.")
    }


def test_shredded_markdown_unlabelled_rows_fill_the_gaps_in_order() -> None:
    cells = zeros()
    cells.update(
        {"t3.new.natural_person": 5, "t3.new.total": 5, "t3.total.natural_person": 5, "t3.total.total": 5}
    )
    cells.update({"t3.unable_not_held.natural_person": 4, "t3.unable_not_held.total": 4})
    cells.update({"t3.unable_needs_creation.natural_person": 1, "t3.unable_needs_creation.total": 1})
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "markdown")
    lines = text.splitlines()
    out = []
    for ln in lines:
        if ln.startswith("|") and ("1.本机关不掌握" in ln or "2.没有现成信息" in ln or "3.补正后" in ln):
            parts = ln.strip().strip("|").split("|")
            out.append("1.本机关不掌握相关政\n府信息" if "1.本机关" in ln else "")
            out.append("| " + " | ".join(p.strip() for p in parts[3:]) + " |")
            out.append("|---|---|---|---|---|---|---|")
        else:
            out.append(ln)
    report = xxgk.parse("\n".join(out))
    assert report.cells["t3.unable_not_held.total"] == 4
    assert report.cells["t3.unable_needs_creation.total"] == 1
    assert report.cells["t3.unable_unclear.total"] == 0
    assert report.cells["t3.rejected_petition.total"] == 0


def test_renumbered_outline_finds_sections_by_title_and_flags_the_numbers() -> None:
    text = render_text(ReportData(agency="某某市某某局", year=2024, cells=zeros()), "tabbed")
    text = text.replace("二、主动公开政府信息情况", "一、主动公开政府信息情况")
    report = xxgk.parse(text)
    assert report.section(2) is not None and report.section(2).numeral == "一"
    titles = [f for f in xxgk.check(report) if f.rule == "section.title_nonstandard"]
    assert titles and titles[0].data["printed"] == "一、主动公开政府信息情况"


def test_headings_run_into_the_text_are_found() -> None:
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=zeros()), "stripped")
    report = xxgk.parse(text)
    assert [s.index for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert all(s.standard for s in report.sections)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_seed_004_reads_the_same_in_any_encoding(encoding: str) -> None:
    path = seed("004")
    original = xxgk.parse(path)
    again = xxgk.parse_bytes(path.read_text(encoding="utf-8").encode(encoding), "004." + encoding)
    assert again.cells == original.cells
    assert again.source.encoding is not None


@pytest.mark.parametrize("layout", ["tabbed", "markdown"])
def test_sentence_before_table_four_wrapped_before_its_full_stop_is_not_read_as_values(layout: str) -> None:
    # "…被申请行政复议81件，被提起行政诉讼8477件，统计" / "如下。": the first line has numbers and no 。;
    # it was read as table 四's first values (15 cells wrong)
    cells = random_valid_cells(random.Random(3), busy=0.4)
    text = render_text(ReportData("某某县某某镇人民政府", 2024, cells), layout)
    assert "件，统计如下。" in text
    report = xxgk.parse(text.replace("件，统计如下。", "件，统计\n如下。"))
    assert {k: report.cells[k] for k in cells if k.startswith("t4.")} == {
        k: v for k, v in cells.items() if k.startswith("t4.")
    }
    assert report.cells == cells


@pytest.mark.parametrize(
    "title",
    [
        "隆德县联财镇人民政府二〇二四年政府信息公开工作年度报告",
        "隆德县联财镇人民政府关于2024年政府信息公开工作年度报告",
        "2024年隆德县联财镇人民政府政府信息公开工作年度报告",
        "《隆德县联财镇人民政府 2024 年度政府信息公开工作年度报告》",
    ],
)
def test_title_with_a_chinese_numeral_year_or_guanyu_gives_the_bare_agency(title: str) -> None:
    text = render_text(ReportData(agency="隆德县联财镇人民政府", year=2024, cells=zeros()), "tabbed")
    report = xxgk.parse(title + text[text.index("\n") :])
    assert (report.agency.name, report.year, report.agency.county) == ("隆德县联财镇人民政府", 2024, "隆德县")


def test_table_two_label_garbled_by_ocr_still_finds_its_row() -> None:
    """'行政许个' and '行政规范性文仵' are no row's label exactly; each is close to one row's and to no other's."""
    cells = zeros()
    cells.update({"t2.normative.made": 7, "t2.normative.in_force": 40, "t2.licensing.decisions": 12})
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "tabbed")
    text = text.replace("行政许可\t", "行政许个\t").replace("行政规范性文件\t", "行政规范性文仵\t")
    report = xxgk.parse(text)
    assert report.cells == cells


def test_letter_o_or_ideographic_zero_alone_in_a_cell_is_zero() -> None:
    cells = zeros()
    cells.update({"t3.new.natural_person": 5, "t3.new.total": 5, "t3.granted.natural_person": 5})
    cells.update({"t3.granted.total": 5, "t3.total.natural_person": 5, "t3.total.total": 5})
    text = render_text(ReportData(agency="某某县人民政府", year=2024, cells=cells), "tabbed")
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("一、本年新收"):
            lines[i] = line.replace("\t0\t0\t", "\tO\t〇\t", 1)
    report = xxgk.parse("\n".join(lines))
    assert report.cells == cells
    assert report.details["t3.new.commercial"].place is not None

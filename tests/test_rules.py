"""Every rule of ``xxgk.RULES``, on synthetic reports: one case where it fires and one where it stays quiet.

Reports are rendered from known cells with ``render_text(..., "tabbed")`` (every relation of FORMAT.md §2
holds, so a plain rendering gives no finding at all), then one thing is changed: a cell value, a table
row, a heading, a sentence. Each test asserts the rule id, the severity, the cells named and a fragment
of the Chinese message.

``FIRING`` and ``QUIET`` map every rule id to such a case; the tests at the end check that they cover
exactly the registered rules.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

import xxgk
from xxgk import RULES, Finding, Report
from xxgk.catalogue import SECTION_NUMERALS, SECTION_TITLES, T3_APPLICANT_COLUMNS, T3_ROWS, cell_keys
from xxgk.render.text import ReportData, random_valid_cells, render_text
from xxgk.rules import Context

Cells = dict[str, int | float | None]

AGENCY = "某某县人民政府"
YEAR = 2023
PERIOD_SENTENCE = f"本报告所列数据的统计期限自{YEAR}年1月1日起至{YEAR}年12月31日止。"
HEADINGS = [f"{n}、{t}" for n, t in zip(SECTION_NUMERALS, SECTION_TITLES, strict=True)]
T4_VALUES_LINE = "1\t1\t0\t0\t2\t0\t0\t0\t1\t1\t0\t0\t0\t0\t0"  # table 四 of valid_cells(), as rendered


# ---------------------------------------------------------------------------------------------- helpers


def _t3_row(cells: Cells, row: str, applicants: list[int]) -> None:
    for col, v in zip(T3_APPLICANT_COLUMNS, applicants, strict=True):
        cells[f"t3.{row}.{col}"] = v
    cells[f"t3.{row}.total"] = sum(applicants)


def valid_cells() -> Cells:
    """Small hand-made cells obeying FORMAT.md §2, so that every number in a message is predictable.

    Table 三, 自然人 column: 10 new + 3 carried over = 11 handled (8 予以公开 + 3 不掌握) + 2 carried forward;
    商业企业: 2 new = 2 予以公开. Table 四: 行政复议 1 维持 + 1 纠正 = 2; 直接起诉 1 尚未审结 = 1.
    """
    cells: Cells = dict.fromkeys(cell_keys(), 0)
    _t3_row(cells, "new", [10, 2, 0, 0, 0, 0])
    _t3_row(cells, "carried_over", [3, 0, 0, 0, 0, 0])
    _t3_row(cells, "granted", [8, 2, 0, 0, 0, 0])
    _t3_row(cells, "unable_not_held", [3, 0, 0, 0, 0, 0])
    _t3_row(cells, "total", [11, 2, 0, 0, 0, 0])
    _t3_row(cells, "carried_forward", [2, 0, 0, 0, 0, 0])
    cells |= {
        "t4.review.upheld": 1,
        "t4.review.corrected": 1,
        "t4.review.total": 2,
        "t4.suit_direct.pending": 1,
        "t4.suit_direct.total": 1,
        "t2.regulations.made": 1,
        "t2.regulations.in_force": 5,
        "t2.normative.made": 4,
        "t2.normative.repealed": 1,
        "t2.normative.in_force": 20,
        "t2.licensing.decisions": 100,
        "t2.punishment.decisions": 30,
        "t2.coercion.decisions": 2,
        "t2.fees.amount": 1.5,
    }
    return cells


def with_cells(changes: Cells) -> Cells:
    return valid_cells() | changes


def render(
    cells: Cells | None = None,
    *,
    year: int = YEAR,
    sections: dict[int, str] | None = None,
    layout: str = "tabbed",
) -> str:
    data = ReportData(
        agency=AGENCY, year=year, cells=valid_cells() if cells is None else cells, sections=sections
    )
    return render_text(data, layout)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


def replace_row(text: str, label: str, values: list[object]) -> str:
    """The tab-separated table row whose label field is ``label``, with its values replaced."""
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if "\t" in line and label in line.split("\t")]
    assert len(hits) == 1, f"expected one row labelled {label!r}, found {len(hits)}"
    fields = lines[hits[0]].split("\t")
    lines[hits[0]] = "\t".join([*fields[: fields.index(label) + 1], *(str(v) for v in values)])
    return "\n".join(lines)


def drop_row(text: str, label: str) -> str:
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if label in line.split("\t")]
    assert len(hits) == 1
    del lines[hits[0]]
    return "\n".join(lines)


def cut(text: str, start: str, end: str | None) -> str:
    """The text without the stretch from ``start`` up to (not including) ``end`` (or to the end)."""
    a = text.index(start)
    return text[:a] + (text[text.index(end) :] if end else "")


def section_block(text: str, index: int) -> str:
    a = text.index(HEADINGS[index - 1])
    return text[a : text.index(HEADINGS[index])] if index < 6 else text[a:]


def check(text: str, previous: str | None = None) -> list[Finding]:
    prev = xxgk.parse(previous) if previous is not None else None
    return xxgk.check(xxgk.parse(text), prev)


def of_rule(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


def one(findings: list[Finding], rule_id: str) -> Finding:
    found = of_rule(findings, rule_id)
    assert len(found) == 1, [(f.rule, f.message) for f in findings]
    return found[0]


def rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def t3_column(row_keys: list[str], col: str) -> list[str]:
    return [f"t3.{r}.{col}" for r in row_keys]


OUTCOME_ROWS = [r.key for r in T3_ROWS if r.outcome]
T3_COLUMNS_OF_ROW = [*T3_APPLICANT_COLUMNS, "total"]


def section_one(extra: str) -> dict[int, str]:
    return {1: f"{YEAR}年，本机关认真贯彻落实政府信息公开条例。{extra}"}


# A 2019 interim-format table 二 (made up for this test): its columns and the 第二十条第（九）项 block mark it.
LEGACY_TABLE_2 = "\n".join(
    [
        "第二十条第（一）项",
        "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        "规章\t0\t0\t0",
        "规范性文件\t3\t3\t12",
        "第二十条第（五）项",
        "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        "行政许可\t5\t0\t40",
        "第二十条第（九）项",
        "信息内容\t采购项目数量\t采购总金额",
        "政府集中采购\t2\t10.5",
        "",
    ]
)


def legacy_report(year: int) -> str:
    text = render(year=year)
    a, b = text.index("第二十条第（一）项"), text.index(HEADINGS[2])
    return text[:a] + LEGACY_TABLE_2 + "\n" + text[b:]


def previous_year(*, carried_forward_np: int, regulations: int, normative: int) -> str:
    """Last year's report, valid on its own; this year's 上年结转 自然人 is 3, 现行有效 规章 5, 规范性文件 20
    (made 1/4, repealed 0/1 this year), so 3, 4 and 17 make the two years agree."""
    cells = valid_cells()
    _t3_row(cells, "carried_forward", [carried_forward_np, 0, 0, 0, 0, 0])
    _t3_row(cells, "new", [11 + carried_forward_np - 3, 2, 0, 0, 0, 0])
    cells |= {"t2.regulations.in_force": regulations, "t2.normative.in_force": normative}
    return render(cells, year=YEAR - 1)


# ---------------------------------------------------------------------------------------------- cases
# Each case returns the findings of one synthetic report. FIRING[rule] fires the rule, QUIET[rule] is a
# near miss on which it must stay silent.


def case_valid() -> list[Finding]:
    return check(render())


def case_t3_unbalanced() -> list[Finding]:
    """本年新收 自然人 10 → 11 (row total kept right): 11 + 3 ≠ 11 + 2."""
    return check(render(with_cells({"t3.new.natural_person": 11, "t3.new.total": 13})))


def case_t3_moved_from_new_to_carried_over() -> list[Finding]:
    cells = valid_cells()
    _t3_row(cells, "new", [9, 2, 0, 0, 0, 0])
    _t3_row(cells, "carried_over", [4, 0, 0, 0, 0, 0])
    return check(render(cells))


def case_t3_rows_not_adding_up() -> list[Finding]:
    """One 自然人 application moved between outcome rows without moving their 总计: columns still add up."""
    return check(render(with_cells({"t3.granted.natural_person": 9, "t3.unable_not_held.natural_person": 2})))


def case_t3_null_in_row() -> list[Finding]:
    return check(render(with_cells({"t3.granted.research": None})))


def case_t3_outcomes_not_adding_up() -> list[Finding]:
    """予以公开 自然人 8 → 9 with the row total: the column's outcomes sum to 12, （七）总计 says 11."""
    return check(render(with_cells({"t3.granted.natural_person": 9, "t3.granted.total": 11})))


def case_t3_outcome_moved_between_rows() -> list[Finding]:
    cells = valid_cells()
    _t3_row(cells, "granted", [7, 2, 0, 0, 0, 0])
    _t3_row(cells, "unable_not_held", [4, 0, 0, 0, 0, 0])
    return check(render(cells))


def case_t4_total_wrong() -> list[Finding]:
    return check(render(with_cells({"t4.review.total": 3})))


def case_t4_placeholder_in_group() -> list[Finding]:
    return check(replace_once(render(), T4_VALUES_LINE, T4_VALUES_LINE.replace("1\t1\t0", "1\t1\t/", 1)))


def case_blank_cells() -> list[Finding]:
    return check(
        render(
            with_cells({"t2.licensing.decisions": None, "t3.granted.research": None, "t4.review.other": None})
        )
    )


def case_placeholders_in_t3() -> list[Finding]:
    return check(replace_row(render(), "（一）予以公开", [8, 2, "/", "—", 0, 0, 10]))


def case_all_of_t4_slashed() -> list[Finding]:
    return check(replace_once(render(), T4_VALUES_LINE, "\t".join(["/"] * 15)))


def case_t2_row_one_value_short() -> list[Finding]:
    """规章 printed with two values for three cells: table 二 has no arithmetic to place them."""
    return check(replace_row(render(), "规章", [1, 5]))


def case_t3_row_without_total() -> list[Finding]:
    """予以公开 printed without its 总计: the row sum fixes it at 10."""
    return check(replace_row(render(), "（一）予以公开", [8, 2, 0, 0, 0, 0]))


def case_t3_row_without_total_report() -> Report:
    return xxgk.parse(replace_row(render(), "（一）予以公开", [8, 2, 0, 0, 0, 0]))


def case_fractional_count() -> list[Finding]:
    return check(render(with_cells({"t2.licensing.decisions": 2.5})))


def case_fractional_fee() -> list[Finding]:
    return check(render(with_cells({"t2.fees.amount": 2.75})))


def case_history_disagrees() -> list[Finding]:
    return check(render(), previous=previous_year(carried_forward_np=2, regulations=5, normative=20))


def case_previous_is_two_years_back() -> list[Finding]:
    prev = previous_year(carried_forward_np=2, regulations=5, normative=20).replace(
        str(YEAR - 1), str(YEAR - 2)
    )
    return check(render(), previous=prev)


def case_history_agrees() -> list[Finding]:
    return check(render(), previous=previous_year(carried_forward_np=3, regulations=4, normative=17))


def case_no_period() -> list[Finding]:
    return check(replace_once(render(), PERIOD_SENTENCE, ""))


def case_period_in_other_words() -> list[Finding]:
    other = f"本报告中所列数据统计期间为{YEAR}年1月1日至{YEAR}年12月31日。"
    return check(replace_once(render(), PERIOD_SENTENCE, other))


def case_title_year_differs() -> list[Finding]:
    return check(replace_once(render(), f"{AGENCY}{YEAR}年", f"{AGENCY}{YEAR - 1}年"))


def case_title_without_year() -> list[Finding]:
    return check(replace_once(render(), f"{AGENCY}{YEAR}年", AGENCY))


SILENT_SIX = "本年度无其他需要报告的事项。"


def case_no_fee_statement(year: int = YEAR) -> list[Finding]:
    return check(replace_once(render(year=year), "本年度未收取信息处理费。", SILENT_SIX))


def case_no_fee_statement_2019() -> list[Finding]:
    return case_no_fee_statement(2019)


def case_legacy_2019() -> list[Finding]:
    return check(legacy_report(2019))


def case_missing_heading_five() -> list[Finding]:
    return check(replace_once(render(), HEADINGS[4] + "\n", ""))


def case_renumbered_heading() -> list[Finding]:
    """Section 二 printed as 三、…: still there (its title says which it is), but not standard."""
    return check(replace_once(render(), HEADINGS[1], "三、" + SECTION_TITLES[1]))


def case_six_title_changed() -> list[Finding]:
    return check(replace_once(render(), HEADINGS[5], "六、其他需要报告的重要事项"))


def case_heading_with_space() -> list[Finding]:
    return check(replace_once(render(), HEADINGS[5], "六、 " + SECTION_TITLES[5]))


def case_five_and_six_swapped() -> list[Finding]:
    text = render()
    five, six = section_block(text, 5), section_block(text, 6)
    return check(text[: text.index(HEADINGS[4])] + six.rstrip("\n") + "\n\n" + five)


def case_no_table_four() -> list[Finding]:
    return check(cut(render(), "行政复议\t", HEADINGS[4]))


def case_t3_without_legal_service_column() -> list[Finding]:
    labels = {r.item for r in T3_ROWS}
    lines = []
    for line in render().split("\n"):
        fields = line.split("\t")
        if labels & set(fields):
            fields = fields[:-3] + fields[-2:]  # drop 法律服务机构, the fifth of the seven values
        lines.append("\t".join(fields))
    text = "\n".join(lines)
    return check(replace_once(text, "社会公益组织\t法律服务机构\t其他", "社会公益组织\t其他"))


def case_t3_row_dropped() -> list[Finding]:
    return check(drop_row(render(), "2.重复申请"))


def case_t3_row_one_value_too_many() -> list[Finding]:
    return check(replace_row(render(), "（一）予以公开", [8, 2, 0, 0, 0, 0, 10, 5]))


ITEMISED_BAD = "本年共主动公开政府信息120条，其中机构职能10条、政策文件20条、工作动态30条。"
ITEMISED_OK = "本年共主动公开政府信息60条，其中机构职能10条、政策文件20条、工作动态30条。"


def case_itemised_sum_wrong() -> list[Finding]:
    return check(render(sections=section_one(ITEMISED_BAD)))


def case_itemised_sum_right() -> list[Finding]:
    return check(render(sections=section_one(ITEMISED_OK)))


def case_applications_stated(n: int) -> list[Finding]:
    return check(render(sections=section_one(f"本年共收到政府信息公开申请{n}件。")))


def case_applications_contradict() -> list[Finding]:
    return case_applications_stated(20)


def case_applications_new_plus_carried_over() -> list[Finding]:
    return case_applications_stated(15)  # 12 new + 3 carried over: reports count it either way


def case_reviews_stated(reviews: int, suits: int) -> list[Finding]:
    four = f"本年度发生政府信息公开行政复议案件{reviews}件，行政诉讼案件{suits}件，具体情况统计如下。"
    return check(render(sections={4: four}))


def case_reviews_contradict() -> list[Finding]:
    return case_reviews_stated(5, 1)


def case_reviews_agree() -> list[Finding]:
    return case_reviews_stated(2, 1)


FIRING: dict[str, Callable[[], list[Finding]]] = {
    "arith.t3_balance": case_t3_unbalanced,
    "arith.t3_row_total": case_t3_rows_not_adding_up,
    "arith.t3_outcome_total": case_t3_outcomes_not_adding_up,
    "arith.t4_total": case_t4_total_wrong,
    "cell.blank": case_blank_cells,
    "cell.placeholder": case_placeholders_in_t3,
    "cell.ambiguous": case_t2_row_one_value_short,
    "cell.derived": case_t3_row_without_total,
    "cell.invalid": case_fractional_count,
    "history.carry_mismatch": case_history_disagrees,
    "history.in_force_mismatch": case_history_disagrees,
    "history.not_previous_year": case_previous_is_two_years_back,
    "meta.period_missing": case_no_period,
    "meta.year_mismatch": case_title_year_differs,
    "meta.fee_statement_missing": case_no_fee_statement,
    "meta.format_legacy": case_legacy_2019,
    "section.missing": case_missing_heading_five,
    "section.title_nonstandard": case_six_title_changed,
    "section.order": case_five_and_six_swapped,
    "table.missing": case_no_table_four,
    "table.layout_nonstandard": case_t3_without_legal_service_column,
    "text.sum_mismatch": case_itemised_sum_wrong,
    "text.applications_mismatch": case_applications_contradict,
    "text.litigation_mismatch": case_reviews_contradict,
}

QUIET: dict[str, Callable[[], list[Finding]]] = {
    "arith.t3_balance": case_t3_moved_from_new_to_carried_over,
    "arith.t3_row_total": case_t3_null_in_row,
    "arith.t3_outcome_total": case_t3_outcome_moved_between_rows,
    "arith.t4_total": case_t4_placeholder_in_group,
    "cell.blank": case_all_of_t4_slashed,
    "cell.placeholder": case_blank_cells,
    "cell.ambiguous": case_t3_row_without_total,
    "cell.derived": case_valid,
    "cell.invalid": case_fractional_fee,
    "history.carry_mismatch": case_history_agrees,
    "history.in_force_mismatch": case_history_agrees,
    "history.not_previous_year": case_history_disagrees,
    "meta.period_missing": case_period_in_other_words,
    "meta.year_mismatch": case_title_without_year,
    "meta.fee_statement_missing": case_no_fee_statement_2019,
    "meta.format_legacy": case_valid,
    "section.missing": case_renumbered_heading,
    "section.title_nonstandard": case_heading_with_space,
    "section.order": case_missing_heading_five,
    "table.missing": case_all_of_t4_slashed,
    "table.layout_nonstandard": case_blank_cells,
    "text.sum_mismatch": case_itemised_sum_right,
    "text.applications_mismatch": case_applications_new_plus_carried_over,
    "text.litigation_mismatch": case_reviews_agree,
}


# ---------------------------------------------------------------------------------------------- coverage


def test_firing_and_quiet_cases_cover_exactly_the_registered_rules() -> None:
    assert set(FIRING) == set(RULES)
    assert set(QUIET) == set(RULES)


def test_the_firing_cases_together_fire_every_registered_rule() -> None:
    fired = set().union(*(rules_of(case()) for case in set(FIRING.values())))
    assert set(RULES) <= fired


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fires_on_its_case(rule_id: str) -> None:
    found = of_rule(FIRING[rule_id](), rule_id)
    assert found
    assert all(f.message for f in found)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_quiet_on_its_near_miss(rule_id: str) -> None:
    assert of_rule(QUIET[rule_id](), rule_id) == []


@pytest.mark.parametrize("layout", ["tabbed", "markdown"])
def test_a_valid_rendered_report_has_no_findings(layout: str) -> None:
    assert check(render(layout=layout)) == []


def test_without_previous_report_history_rules_stay_silent() -> None:
    findings = check(render(with_cells({"t3.carried_over.natural_person": 3})))
    assert not any(f.rule.startswith("history.") for f in findings)


# ---------------------------------------------------------------------------------------------- robustness

HEADINGS_ONLY = "\n".join(HEADINGS)


def test_rules_do_not_raise_on_a_report_of_headings_only() -> None:
    report = xxgk.parse(HEADINGS_ONLY)
    full = xxgk.parse(render())
    for rule in RULES.values():
        list(rule.fn(Context(report)))
        list(rule.fn(Context(report, full)))
        list(rule.fn(Context(full, report)))


def test_a_report_of_headings_only_lacks_its_tables_period_and_fee_statement() -> None:
    findings = xxgk.check(xxgk.parse(HEADINGS_ONLY))
    assert [(f.rule, f.table) for f in of_rule(findings, "table.missing")] == [
        ("table.missing", "二"),
        ("table.missing", "三"),
        ("table.missing", "四"),
    ]
    assert rules_of(findings) == {"table.missing", "meta.period_missing", "meta.fee_statement_missing"}


def test_rules_do_not_raise_on_an_empty_report_model() -> None:
    for rule in RULES.values():
        list(rule.fn(Context(Report(), Report())))


# ---------------------------------------------------------------------------------------------- arith.*


def test_t3_balance_names_each_unbalanced_column() -> None:
    found = of_rule(case_t3_unbalanced(), "arith.t3_balance")
    rows = ["new", "carried_over", "total", "carried_forward"]
    assert [f.cells for f in found] == [t3_column(rows, "natural_person"), t3_column(rows, "total")]
    assert {f.severity for f in found} == {"error"}
    assert found[0].table == "三"
    assert "表三“自然人”列：本年新收11＋上年结转3＝14，而办理结果总计11＋结转下年度2＝13" in found[0].message
    assert "表三“总计”列：本年新收13＋上年结转3＝16" in found[1].message


def test_t3_balance_is_the_only_rule_broken_by_an_unbalanced_column() -> None:
    assert rules_of(case_t3_unbalanced()) == {"arith.t3_balance"}


def test_t3_balance_holds_when_an_application_moves_from_new_to_carried_over() -> None:
    assert case_t3_moved_from_new_to_carried_over() == []


def test_t3_row_total_names_the_rows_whose_applicants_do_not_add_up() -> None:
    findings = case_t3_rows_not_adding_up()
    found = of_rule(findings, "arith.t3_row_total")
    assert [f.cells for f in found] == [
        [f"t3.granted.{c}" for c in T3_COLUMNS_OF_ROW],
        [f"t3.unable_not_held.{c}" for c in T3_COLUMNS_OF_ROW],
    ]
    assert found[0].severity == "error"
    assert found[0].message == "表三“（一）予以公开”行：各类申请人9＋2＋0＋0＋0＋0＝11，但总计填10"
    assert found[1].message == "表三“1.本机关不掌握相关政府信息”行：各类申请人2＋0＋0＋0＋0＋0＝2，但总计填3"
    assert rules_of(findings) == {"arith.t3_row_total"}


def test_t3_row_total_is_not_evaluated_over_a_blank_cell() -> None:
    findings = case_t3_null_in_row()
    assert rules_of(findings) == {"cell.blank"}
    assert one(findings, "cell.blank").cells == ["t3.granted.research"]


def test_t3_outcome_total_names_the_column_and_all_its_outcome_rows() -> None:
    findings = case_t3_outcomes_not_adding_up()
    found = of_rule(findings, "arith.t3_outcome_total")
    assert [f.cells for f in found] == [
        [*t3_column(OUTCOME_ROWS, "natural_person"), "t3.total.natural_person"],
        [*t3_column(OUTCOME_ROWS, "total"), "t3.total.total"],
    ]
    assert len(found[0].cells) == 22
    assert found[0].severity == "error"
    assert found[0].message == "表三“自然人”列：各项办理结果合计12，但（七）总计填11"
    assert found[1].message == "表三“总计”列：各项办理结果合计14，但（七）总计填13"
    assert rules_of(findings) == {"arith.t3_outcome_total"}


def test_t3_outcome_total_holds_when_an_application_moves_between_outcome_rows() -> None:
    assert case_t3_outcome_moved_between_rows() == []


def test_one_wrong_grand_total_breaks_all_three_table_three_relations() -> None:
    findings = check(render(with_cells({"t3.total.total": 14})))
    assert [f.rule for f in findings] == ["arith.t3_balance", "arith.t3_row_total", "arith.t3_outcome_total"]
    assert all("t3.total.total" in f.cells for f in findings)
    assert "办理结果总计14＋结转下年度2＝16" in findings[0].message


def test_t4_total_names_the_group() -> None:
    f = one(case_t4_total_wrong(), "arith.t4_total")
    assert (f.severity, f.table) == ("error", "四")
    assert f.cells == [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    assert f.message == "表四“行政复议”：结果维持、纠正、其他、尚未审结1＋1＋0＋0＝2，但总计填3"


def test_t4_total_is_not_evaluated_over_a_placeholder() -> None:
    findings = case_t4_placeholder_in_group()
    assert rules_of(findings) == {"cell.placeholder"}
    assert one(findings, "cell.placeholder").cells == ["t4.review.other"]


# ---------------------------------------------------------------------------------------------- cell.*


def test_blank_cells_are_reported_once_per_table() -> None:
    findings = case_blank_cells()
    found = of_rule(findings, "cell.blank")
    assert [(f.table, f.cells, f.severity) for f in found] == [
        ("二", ["t2.licensing.decisions"], "error"),
        ("三", ["t3.granted.research"], "error"),
        ("四", ["t4.review.other"], "error"),
    ]
    assert found[0].message == "表二有1个单元格未填写数字：第二十条第（五）项 行政许可 本年处理决定数量"
    assert "三、本年度办理结果（一）予以公开 | 法人或其他组织·科研机构" in found[1].message
    assert rules_of(findings) == {"cell.blank"}


def test_an_empty_field_in_a_table_three_row_is_blank() -> None:
    findings = check(replace_row(render(), "（一）予以公开", [8, 2, "", 0, 0, 0, 10]))
    assert one(findings, "cell.blank").cells == ["t3.granted.research"]


def test_placeholders_are_reported_with_what_was_printed() -> None:
    findings = case_placeholders_in_t3()
    f = one(findings, "cell.placeholder")
    assert (f.severity, f.table) == ("error", "三")
    assert f.cells == ["t3.granted.research", "t3.granted.social_welfare"]
    assert f.message.startswith("表三有2个单元格填写的不是数字（填写“/”“—”）：")
    assert rules_of(findings) == {"cell.placeholder"}


def test_wu_in_a_table_two_cell_is_a_placeholder() -> None:
    f = one(check(replace_row(render(), "行政处罚", ["无"])), "cell.placeholder")
    assert f.cells == ["t2.punishment.decisions"]
    assert "（填写“无”）" in f.message


def test_a_table_full_of_slashes_is_one_placeholder_finding_listing_five_cells() -> None:
    findings = case_all_of_t4_slashed()
    f = one(findings, "cell.placeholder")
    assert len(f.cells) == 15
    assert f.message.startswith("表四有15个单元格填写的不是数字（填写“/”）：行政复议 结果维持；")
    assert f.message.endswith(" 等15格")
    assert rules_of(findings) == {"cell.placeholder"}


def test_a_short_table_two_row_is_ambiguous() -> None:
    findings = case_t2_row_one_value_short()
    event, cells = of_rule(findings, "cell.ambiguous")
    assert event.severity == "warning"
    assert event.message == "表二“规章”行只印有2个数值，应为3个"
    assert event.cells == []
    assert cells.cells == ["t2.regulations.made", "t2.regulations.repealed", "t2.regulations.in_force"]
    assert cells.message.startswith("表二有3个单元格的数值无法唯一确定：第二十条第（一）项 规章 本年制发件数")
    assert rules_of(findings) == {"cell.ambiguous"}


def test_a_short_table_two_row_keeps_its_cells_null_with_alternatives() -> None:
    report = xxgk.parse(replace_row(render(), "规章", [1, 5]))
    assert report.cells["t2.regulations.made"] is None
    assert report.detail("t2.regulations.made").alternatives == [1, None]


def test_a_table_three_row_without_its_total_is_derived_not_ambiguous() -> None:
    findings = case_t3_row_without_total()
    f = one(findings, "cell.derived")
    assert (f.severity, f.table) == ("info", "三")
    assert "行只印有6个数值，应为7个" in f.message
    assert rules_of(findings) == {"cell.derived"}


def test_the_derived_total_is_the_row_sum() -> None:
    report = case_t3_row_without_total_report()
    assert report.cells["t3.granted.total"] == 10
    assert report.detail("t3.granted.total").status == "derived"


def test_a_table_four_group_without_its_total_is_derived() -> None:
    short = T4_VALUES_LINE.replace("0\t0\t2\t", "0\t0\t", 1)
    text = replace_once(render(), T4_VALUES_LINE, short)
    findings = check(text)
    assert one(findings, "cell.derived").message == "表四“表四”行只印有14个数值，应为15个"
    assert rules_of(findings) == {"cell.derived"}
    assert xxgk.parse(text).cells["t4.review.total"] == 2


def test_a_table_four_group_missing_a_zero_is_ambiguous() -> None:
    """行政复议 printed 1 1 0 2: the missing zero could be any of the four parts."""
    short = T4_VALUES_LINE.replace("0\t0\t2\t", "0\t2\t", 1)
    findings = check(replace_once(render(), T4_VALUES_LINE, short))
    event, cells = of_rule(findings, "cell.ambiguous")
    assert (event.message, event.cells) == ("表四“表四”行只印有14个数值，应为15个", [])
    assert cells.cells == [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    assert cells.data["alternatives"]["t4.review.total"] == [2, 4]
    assert rules_of(findings) == {"cell.ambiguous"}


def test_a_fractional_count_is_invalid() -> None:
    findings = case_fractional_count()
    f = one(findings, "cell.invalid")
    assert (f.severity, f.table, f.cells) == ("error", "二", ["t2.licensing.decisions"])
    assert f.message == "“第二十条第（五）项 行政许可 本年处理决定数量”填写2.5，应为非负整数"
    assert rules_of(findings) == {"cell.invalid"}


def test_fractional_counts_in_table_three_are_invalid() -> None:
    cells = with_cells({"t3.granted.natural_person": 7.5, "t3.granted.commercial": 2.5})
    found = of_rule(check(render(cells)), "cell.invalid")
    assert [f.cells for f in found] == [["t3.granted.natural_person"], ["t3.granted.commercial"]]
    assert "填写7.5，应为非负整数" in found[0].message


def test_a_fractional_fee_amount_is_valid() -> None:
    assert case_fractional_fee() == []


def _with_values(report: Report, changes: Cells) -> Report:
    return report.model_copy(update={"cells": report.cells | changes})


def test_a_negative_count_is_invalid() -> None:
    report = _with_values(xxgk.parse(render()), {"t4.review.upheld": -1})
    f = one(xxgk.check(report), "cell.invalid")
    assert (f.severity, f.cells) == ("error", ["t4.review.upheld"])
    assert f.message == "“行政复议 结果维持”填写-1，应为非负整数"


def test_a_negative_fee_amount_is_invalid() -> None:
    report = _with_values(xxgk.parse(render()), {"t2.fees.amount": -1.5})
    f = one(xxgk.check(report), "cell.invalid")
    assert f.cells == ["t2.fees.amount"]
    assert f.message.endswith("填写-1.5，应为非负数")


def test_a_negative_count_printed_in_table_four_is_invalid() -> None:
    negative = "-1\t1\t0\t0\t0\t" + T4_VALUES_LINE.split("\t", 5)[5]
    findings = check(replace_once(render(), T4_VALUES_LINE, negative))
    assert one(findings, "cell.invalid").cells == ["t4.review.upheld"]


def test_a_table_three_row_missing_one_zero_is_placed_by_the_arithmetic() -> None:
    findings = check(replace_row(render(), "（一）予以公开", [8, 2, 0, 0, 0, 10]))
    assert rules_of(findings) == {"cell.derived"}
    assert "只印有6个数值，应为7个" in one(findings, "cell.derived").message


# ---------------------------------------------------------------------------------------------- history.*


def test_carry_mismatch_names_this_years_cell_and_last_years_value() -> None:
    found = of_rule(case_history_disagrees(), "history.carry_mismatch")
    assert [f.cells for f in found] == [["t3.carried_over.natural_person"], ["t3.carried_over.total"]]
    assert {f.severity for f in found} == {"error"}
    assert found[0].message == "表三“自然人”列：本年“上年结转”为3，但2022年报告“结转下年度继续办理”为2"
    assert found[0].data == {"previous_cell": "t3.carried_forward.natural_person", "previous_value": 2}


def test_in_force_mismatch_shows_the_sum() -> None:
    found = of_rule(case_history_disagrees(), "history.in_force_mismatch")
    assert [f.cells for f in found] == [
        ["t2.regulations.in_force", "t2.regulations.made", "t2.regulations.repealed"],
        ["t2.normative.in_force", "t2.normative.made", "t2.normative.repealed"],
    ]
    assert found[0].severity == "error"
    assert found[0].message == "规章：上年现行有效5＋本年制发1－本年废止0＝6，但本年现行有效填5"
    assert found[1].message == "行政规范性文件：上年现行有效20＋本年制发4－本年废止1＝23，但本年现行有效填20"


def test_years_that_agree_give_no_finding() -> None:
    assert case_history_agrees() == []


def test_a_previous_report_two_years_back_is_not_compared() -> None:
    findings = case_previous_is_two_years_back()
    assert rules_of(findings) == {"history.not_previous_year"}
    f = one(findings, "history.not_previous_year")
    assert f.severity == "warning" and f.data == {"previous_year": YEAR - 2}


def test_history_rules_skip_a_previous_report_without_cells() -> None:
    assert check(render(), previous=HEADINGS_ONLY) == []


# ---------------------------------------------------------------------------------------------- meta.*


def test_period_missing() -> None:
    findings = case_no_period()
    f = one(findings, "meta.period_missing")
    assert f.severity == "warning"
    assert f.message.startswith("报告未说明统计数据的期限")
    assert rules_of(findings) == {"meta.period_missing"}


def test_a_period_in_other_words_is_read() -> None:
    assert case_period_in_other_words() == []


def test_year_mismatch_lists_the_years() -> None:
    f = one(case_title_year_differs(), "meta.year_mismatch")
    assert f.severity == "warning"
    assert f.message == "报告年份不一致：标题2022年，统计期限起2023年，统计期限止2023年"
    assert f.data == {"years": {"标题": 2022, "统计期限起": 2023, "统计期限止": 2023}}


def test_year_mismatch_between_the_ends_of_the_period() -> None:
    text = replace_once(render(), f"至{YEAR}年12月31日止", f"至{YEAR + 1}年12月31日止")
    assert "统计期限止2024年" in one(check(text), "meta.year_mismatch").message


def test_a_title_without_year_does_not_disagree() -> None:
    assert case_title_without_year() == []


def test_fee_statement_missing() -> None:
    findings = case_no_fee_statement()
    f = one(findings, "meta.fee_statement_missing")
    assert (f.severity, f.section) == ("warning", 6)
    assert f.message == "第六部分未说明信息处理费的收取情况（国办函〔2020〕109号要求）"
    assert rules_of(findings) == {"meta.fee_statement_missing"}


def test_fee_statement_is_not_required_before_2020() -> None:
    assert case_no_fee_statement_2019() == []


def test_fee_statement_is_required_from_2020() -> None:
    assert rules_of(case_no_fee_statement(2020)) == {"meta.fee_statement_missing"}


def test_a_fee_charged_is_a_fee_statement() -> None:
    data = ReportData(agency=AGENCY, year=YEAR, cells=valid_cells(), processing_fee=20)
    text = render_text(data, "tabbed")
    assert "收取信息处理费20元" in text
    assert check(text) == []


def test_fee_statement_missing_when_section_six_is_absent() -> None:
    findings = check(cut(render(), HEADINGS[5], None))
    assert one(findings, "meta.fee_statement_missing").section == 6


def test_legacy_2019_report_is_info() -> None:
    findings = case_legacy_2019()
    f = one(findings, "meta.format_legacy")
    assert (f.severity, f.table) == ("info", "二")
    assert f.message == "报告采用旧版格式（2019年），统计表不对应国办公开办函〔2021〕30号格式"
    assert rules_of(findings) == {"meta.format_legacy"}


def test_legacy_report_on_2021_is_an_error() -> None:
    f = one(check(legacy_report(2021)), "meta.format_legacy")
    assert f.severity == "error"
    assert f.message.endswith("，应改用新格式")


def test_legacy_report_keeps_every_cell_null() -> None:
    report = xxgk.parse(legacy_report(2019))
    assert report.format_version == "legacy"
    assert set(report.cells.values()) == {None}


def test_the_2021_layout_is_not_legacy() -> None:
    assert xxgk.parse(render()).format_version == "2021"
    assert of_rule(case_valid(), "meta.format_legacy") == []


# ---------------------------------------------------------------------------------------------- section.*


def test_missing_section_heading() -> None:
    findings = case_missing_heading_five()
    f = one(findings, "section.missing")
    assert (f.severity, f.section) == ("error", 5)
    assert f.message == "缺少第五部分“存在的主要问题及改进情况”（或其标题无法辨认）"
    assert rules_of(findings) == {"section.missing"}


def test_a_whole_section_removed_is_missing() -> None:
    findings = check(cut(render(), HEADINGS[4], HEADINGS[5]))
    assert [(f.rule, f.section) for f in findings] == [("section.missing", 5)]


def test_title_nonstandard_quotes_both_titles() -> None:
    findings = case_six_title_changed()
    f = one(findings, "section.title_nonstandard")
    assert (f.severity, f.section) == ("warning", 6)
    assert f.message == "第六部分标题为“六、其他需要报告的重要事项”，规定标题为“六、其他需要报告的事项”"
    assert rules_of(findings) == {"section.title_nonstandard"}


def test_a_wrong_numeral_is_a_nonstandard_title_not_a_missing_section() -> None:
    findings = case_renumbered_heading()
    f = one(findings, "section.title_nonstandard")
    assert f.section == 2
    assert f.message == "第二部分标题为“三、主动公开政府信息情况”，规定标题为“二、主动公开政府信息情况”"
    assert rules_of(findings) == {"section.title_nonstandard"}


def test_a_title_with_a_word_dropped_is_nonstandard() -> None:
    text = replace_once(render(), HEADINGS[1], "二、主动公开政府信息")
    assert "“二、主动公开政府信息”" in one(check(text), "section.title_nonstandard").message


def test_sections_out_of_order() -> None:
    findings = case_five_and_six_swapped()
    f = one(findings, "section.order")
    assert f.severity == "warning"
    assert f.message == "各部分出现顺序为一、二、三、四、六、五，应依次为一至六"
    assert rules_of(findings) == {"section.order"}


# ---------------------------------------------------------------------------------------------- table.*


def test_table_missing() -> None:
    findings = case_no_table_four()
    f = one(findings, "table.missing")
    assert (f.severity, f.table, f.section) == ("error", "四", 4)
    assert f.message == "未找到表四"
    assert rules_of(findings) == {"table.missing"}


@pytest.mark.parametrize(
    ("start", "end", "table"),
    [("第二十条第（一）项", HEADINGS[2], "二"), ("（本列数据", HEADINGS[3], "三")],
)
def test_table_two_or_three_missing(start: str, end: str, table: str) -> None:
    assert one(check(cut(render(), start, end)), "table.missing").table == table


def test_legacy_report_reports_no_missing_tables() -> None:
    assert not any(f.rule.startswith(("table.missing", "cell.")) for f in case_legacy_2019())


def test_missing_column_in_table_three() -> None:
    findings = case_t3_without_legal_service_column()
    f = one(findings, "table.layout_nonstandard")
    assert (f.severity, f.table, f.cells) == ("warning", "三", [])
    assert f.message == "表三缺少“法律服务机构”列"
    assert rules_of(findings) == {"table.layout_nonstandard"}
    report_cells = xxgk.parse(render()).cells
    assert report_cells["t3.granted.legal_service"] == 0  # the rendered original has the column


def test_dropped_row_in_table_three() -> None:
    findings = case_t3_row_dropped()
    f = one(findings, "table.layout_nonstandard")
    assert f.message == "表三未找到“2.重复申请”行"
    assert f.cells == [f"t3.rejected_duplicate.{c}" for c in T3_COLUMNS_OF_ROW]
    assert rules_of(findings) == {"table.layout_nonstandard"}


def test_dropped_row_in_table_two() -> None:
    f = one(check(drop_row(render(), "行政强制")), "table.layout_nonstandard")
    assert (f.message, f.cells) == ("表二未找到“行政强制”行", ["t2.coercion.decisions"])


def test_table_three_row_with_one_value_too_many() -> None:
    findings = case_t3_row_one_value_too_many()
    f = one(findings, "table.layout_nonstandard")
    assert "行印有8个数值，多于应有的7个" in f.message
    assert f.cells == [f"t3.granted.{c}" for c in T3_COLUMNS_OF_ROW]
    assert rules_of(findings) == {"table.layout_nonstandard"}


def test_table_two_row_with_one_value_too_many_is_also_ambiguous() -> None:
    findings = check(replace_row(render(), "行政许可", [100, 7]))
    layout = one(findings, "table.layout_nonstandard")
    assert layout.message == "表二“行政许可”行印有2个数值，多于应有的1个"
    assert layout.cells == ["t2.licensing.decisions"]
    ambiguous = of_rule(findings, "cell.ambiguous")
    assert [f.cells for f in ambiguous] == [[], ["t2.licensing.decisions"]]


# ---------------------------------------------------------------------------------------------- text.*


def test_sum_mismatch_quotes_total_and_items() -> None:
    findings = case_itemised_sum_wrong()
    f = one(findings, "text.sum_mismatch")
    assert (f.severity, f.section) == ("warning", 1)
    assert f.message.startswith("正文称共120条，但所列分项10＋20＋30＝60条：“本年共主动公开政府信息120条")
    assert f.data == {"total": 120, "items": [10, 20, 30]}
    assert rules_of(findings) == {"text.sum_mismatch"}


def test_sum_mismatch_in_section_six() -> None:
    six = "本年度未收取信息处理费。本年共举办培训5场，其中线上培训1场、线下培训2场。"
    f = one(check(render(sections={6: six})), "text.sum_mismatch")
    assert f.section == 6
    assert f.message.startswith("正文称共5场，但所列分项1＋2＝3场")


def test_itemised_sum_that_adds_up() -> None:
    assert case_itemised_sum_right() == []


def test_sum_mismatch_ignores_section_five() -> None:
    five = "下一步计划共开展培训5场，其中线上培训1场、线下培训2场。"
    assert check(render(sections={5: five})) == []


def test_sum_mismatch_in_section_two() -> None:
    findings = check(render(sections={2: ITEMISED_BAD}))
    assert one(findings, "text.sum_mismatch").section == 2


def test_applications_mismatch_quotes_text_and_table() -> None:
    findings = case_applications_contradict()
    f = one(findings, "text.applications_mismatch")
    assert (f.severity, f.section, f.table, f.cells) == ("warning", 1, "三", ["t3.new.total"])
    assert f.message == "正文称收到申请20件（“收到政府信息公开申请20件”），表三为12件"
    assert (f.data["stated"], f.data["table_value"]) == (20, 12)
    assert rules_of(findings) == {"text.applications_mismatch"}


@pytest.mark.parametrize("stated", [12, 15])
def test_applications_received_may_count_new_or_new_plus_carried_over(stated: int) -> None:
    assert case_applications_stated(stated) == []


@pytest.mark.parametrize(
    ("sentence", "cell", "fragment"),
    [
        ("上年结转政府信息公开申请4件。", "t3.carried_over.total", "正文称上年结转申请4件"),
        (
            "本年共收到政府信息公开申请12件，结转下年度继续办理5件。",
            "t3.carried_forward.total",
            "正文称结转下年度申请5件（“结转下年度继续办理5件”），表三为2件",
        ),
        (
            "本年共收到政府信息公开申请12件，办结9件。",
            "t3.total.total",
            "正文称办结申请9件（“办结9件”），表三为13件",
        ),
        (
            "本年度未收到政府信息公开申请。",
            "t3.new.total",
            "正文称收到申请0件（“未收到政府信息公开申请”），表三为12件",
        ),
    ],
)
def test_applications_mismatch_per_figure(sentence: str, cell: str, fragment: str) -> None:
    f = one(check(render(sections=section_one(sentence))), "text.applications_mismatch")
    assert f.cells == [cell]
    assert fragment in f.message


def test_nothing_carried_forward_is_not_read_as_nothing_completed() -> None:
    cells = valid_cells()
    _t3_row(cells, "carried_forward", [0, 0, 0, 0, 0, 0])
    _t3_row(cells, "new", [8, 2, 0, 0, 0, 0])
    assert check(render(cells)) == []


def test_applications_mismatch_in_section_three() -> None:
    three = "本年度共收到政府信息公开申请20件，具体情况统计如下。"
    assert one(check(render(sections={3: three})), "text.applications_mismatch").section == 3


def test_litigation_mismatch_names_the_table_four_total() -> None:
    findings = case_reviews_contradict()
    f = one(findings, "text.litigation_mismatch")
    assert (f.severity, f.section, f.table, f.cells) == ("warning", 4, "四", ["t4.review.total"])
    assert f.message == "正文称行政复议5件（“本年度发生政府信息公开行政复议案件5件”），表四为2件"
    assert rules_of(findings) == {"text.litigation_mismatch"}


def test_litigation_mismatch_for_suits_sums_both_kinds_of_suit() -> None:
    f = one(case_reviews_stated(2, 4), "text.litigation_mismatch")
    assert f.cells == ["t4.suit_direct.total", "t4.suit_after_review.total"]
    assert f.message.endswith("表四为1件")


def test_stated_absence_of_litigation_contradicts_table_four() -> None:
    four = "本年度未发生政府信息公开行政复议、行政诉讼案件，具体情况统计如下。"
    found = of_rule(check(render(sections={4: four})), "text.litigation_mismatch")
    assert [(f.cells, f.data["stated"], f.data["table_value"]) for f in found] == [
        (["t4.review.total"], 0, 2),
        (["t4.suit_direct.total", "t4.suit_after_review.total"], 0, 1),
    ]


def test_litigation_figures_that_agree() -> None:
    assert case_reviews_agree() == []


def test_litigation_mismatch_reads_bei_shenqing_xingzheng_fuyi() -> None:
    four = "本年度因政府信息公开被申请行政复议5件，被提起行政诉讼1件，统计如下。"
    assert one(check(render(sections={4: four})), "text.litigation_mismatch").cells == ["t4.review.total"]


def test_a_short_sentence_above_table_four_is_not_read_as_cells() -> None:
    four = "全年发生政府信息公开行政复议5件、行政诉讼1件。"
    assert rules_of(check(render(sections={4: four}))) == {"text.litigation_mismatch"}


def test_a_sentence_naming_a_table_two_row_does_not_replace_the_row() -> None:
    two = "本年度制发行政规范性文件4件，主动公开政府信息的情况统计如下。"
    assert check(render(sections={2: two})) == []


@pytest.mark.parametrize("seed", range(3))
def test_random_valid_cells_break_no_arithmetic(seed: int) -> None:
    data = ReportData(agency=AGENCY, year=YEAR, cells=random_valid_cells(random.Random(seed)))
    findings = check(render_text(data, "tabbed"))
    assert not any(f.rule.startswith(("arith.", "cell.", "table.")) for f in findings)

"""Numbers read from a report's prose: itemised sums and application / 复议诉讼 figures.

Quoted sentences come from the example reports 000–004; every other sentence is made up in the shapes
the labelled corpus shows.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.extract.figures import FIGURE_KINDS, Figure, figures
from xxgk.extract.narrative import itemised_sums
from xxgk.extract.numerals import Flat, parse_count, parse_number

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _figs(text: str) -> list[tuple[str, int]]:
    return [(f.kind, f.value) for f in figures(text)]


def _sums(text: str) -> list[tuple[int, tuple[int, ...], str]]:
    return [(s.total, s.items, s.unit) for s in itemised_sums(text)]


# ---------------------------------------------------------------- parse_number
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("116", 116),
        ("1,234", 1234),
        ("2.5", 2.5),
        ("０", 0),
        ("１２", 12),
        ("一百一十六", 116),
        ("两", 2),
        ("十二", 12),
        ("零", 0),
        ("〇", 0),
        ("两百", 200),
        ("1万", 10000),
        (" 37 ", 37),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    got = parse_number(text)
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize("text", ["", "1,2", "12,34", "3a", "百", "条", "--"])
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


def test_parse_count_wants_whole_numbers() -> None:
    assert [parse_count(s) for s in ("两", "1,234", "2.5", "x")] == [2, 1234, None, None]


# ---------------------------------------------------------------- itemised sums: real sentences
SENT_002 = (
    "三是政务公开信息发布情况。本年度渠口乡共公开政府信息 116 条，部门文件 4 条、预决算信息 2 条、"
    "民政救助情况 104 条，重大项目建设 2 条，乡村振兴信息 3 条、应急管理信息 2 条、法治政府建设信息 2 条。"
    "聚焦民生福祉，保证每月发布 4 条以上涉及民生信息。"
)
SENT_004 = (
    "全年通过镇政府门户网站、微信公众号等平台，主动公开政府信息，具体包括：工作报告 1 条、"
    "法治政府建设信息 8 条、民生保障类信息 15 条、农业补贴类信息 2 条、预决算及“三公”经费 4 条、"
    "村庄规划类信息 7 条，累计公开信息 37 条，通过多渠道发布信息，确保信息传播广泛，公众获取便捷。"
)


def test_total_first_002_does_not_add_up() -> None:
    [s] = itemised_sums(SENT_002)
    assert (s.total, s.items, s.unit) == (116, (4, 2, 104, 2, 3, 2, 2), "条")
    assert sum(s.items) == 119
    assert s.text == SENT_002[s.start : s.end]
    assert s.text.startswith("本年度渠口乡共公开政府信息 116 条") and s.text.endswith("法治政府建设信息 2 条")


def test_items_first_004_adds_up() -> None:
    [s] = itemised_sums(SENT_004)
    assert (s.total, s.items, s.unit) == (37, (1, 8, 15, 2, 4, 7), "条")
    assert sum(s.items) == s.total
    assert s.text.startswith("工作报告 1 条") and s.text.endswith("累计公开信息 37 条")


def test_mixed_units_003_is_no_itemisation() -> None:
    text = (
        "围绕群众关注关切的农村低保、临时救助、耕地力补贴、残疾人补贴、地膜发放、安全生产、民生服务等重点领域"
        "主动公开政府信息170条,其中,信息公开年度工作报告1篇;工作动态类信息80条。"
    )
    assert itemised_sums(text) == []


def test_single_totals_000_are_no_itemisation() -> None:
    text = (
        "我镇利用“蔬香联财”微信公众号共推送微信图文148条，对于公开内容坚持“公开必审核”的原则。"
        "自\n\n2024年1月1日起至2024年12月31日止，共主动公开政府信息2条。"
    )
    assert itemised_sums(text) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_cc5777ecc468ec6c", []),
        ("001_0f20368df47a56ca", []),
        ("002_c6746dbda78f73e9", [(116, (4, 2, 104, 2, 3, 2, 2), "条")]),
        ("003_58b8de058df0570c", []),
        ("004_e70ccd0979ef1614", [(37, (1, 8, 15, 2, 4, 7), "条")]),
    ],
)
def test_example_reports_sums(name: str, expected: list[tuple[int, tuple[int, ...], str]]) -> None:
    text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    found = itemised_sums(text)
    assert [(s.total, s.items, s.unit) for s in found] == expected
    assert all(text[s.start : s.end] == s.text for s in found)


# ---------------------------------------------------------------- itemised sums: other shapes
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # total, then a 其中 list in parentheses, labels that themselves list with 、
        (
            "（一）基本情况本年度我县共发布政府信息1200条，(其中机构职能类信息20条，政策、规范性文件类信息80条，"
            "其他信息1100条)对于主动公开的信息，主要通过网站发布。",
            [(1200, (20, 80, 1100), "条")],
        ),
        # the number before the noun; a sub-itemisation in brackets is not counted twice
        (
            "今年共发布500条财政信息，其中专项资金200条，预决算公开250条（政府预决算50条、部门预决算200条）、"
            "债券发行50条。",
            [(500, (200, 250, 50), "条")],
        ),
        # a stated total the items exceed: reported as found (the rule decides)
        (
            "门户网站全年累计发布信息 900 条，其中工作动态 600 条，政策文件 250 条，解读信息 60 条，"
            "回应关切 10 条。",
            [(900, (600, 250, 60, 10), "条")],
        ),
        (
            "全县共受理政府信息公开申请 300 件，其中自然人申请 280 件，法人或其他组织申请 20 件；共办理 290 件，"
            "结转下一年 10 件。",
            [(300, (280, 20), "件")],
        ),
        ("本年度共公开信息 60 条，公共服务类 20 条、公共资源配置类 40 条。", [(60, (20, 40), "条")]),
        ("共发布 100 条：政策文件 40 条；工作动态 60 条。", [(100, (40, 60), "条")]),
        ("发布动态信息 20 条、政策解读 5 条，合计 26 条。", [(26, (20, 5), "条")]),
        ("全年共收取信息处理费 500 元，其中复印费 200 元、邮寄费 300 元。", [(500, (200, 300), "元")]),
        ("全年共发布信息 1,234 条，其中动态 1,000 条、公告 234 条。", [(1234, (1000, 234), "条")]),
        ("全年共发布信息 １２ 条，其中通知 ５ 条、公告 ７ 条。", [(12, (5, 7), "条")]),
        ("全年共发布信息十二条，其中通知五条、公告七条。", [(12, (5, 7), "条")]),
        ("全年共开展培训 3 次，一是业务培训 2 次、二是保密培训 1 次。", [(3, (2, 1), "次")]),
        ("全年共发布信息 30 条，其\n中通知 10\n条、公告\n20 条。", [(30, (10, 20), "条")]),
    ],
)
def test_itemised_shapes(text: str, expected: list[tuple[int, tuple[int, ...], str]]) -> None:
    found = itemised_sums(text)
    assert [(s.total, s.items, s.unit) for s in found] == expected
    assert all(text[s.start : s.end] == s.text for s in found)


@pytest.mark.parametrize(
    "text",
    [
        "公众号共推送文章 520 篇，其中原创文章 88 篇，关注人数达 30000 人。",  # a subset, one item
        "全年累计整改错误表述22处、失效链接43处、各类错误信息83处。",  # a list after 累计, no total
        "共有行政诉讼案件1件、行政复议案件2件、其他案件3件。",
        "共公开信息 10 条。部门文件 4 条、预决算信息 6 条。",  # another sentence
        "共发布信息 50 条，其中通知公告 20 条、工作动态 30 条等。",  # 等: not exhaustive
        "全年共发布信息约 30 条，其中通知 10 条、公告 20 条。",
        "共发布信息 30 余条，其中通知 10 条、公告 20 条。",
        "全年共发布信息 30 条，其中通知 10 余条、公告 20 条。",
        "全年共发布信息 30 条，同比增长 10 条，其中通知 10 条、公告 20 条。",
        "全年共发布信息 30 条，其中通知 10 条、公告较上年增加 20 条。",
        "全年共发布信息 12 条，其中通知 5 条、公告 7 条的汇总。",  # the last number belongs elsewhere
        "共发布通知 3 条，2024年1月发布2条，2月发布1条。",  # dates
        "共发布信息 5 条，涉及资金 300 元、补贴 200 元。",  # money against a count
        "全年共办结信访件 17 件，回应留言 2 件。",  # no 其中 and no 、: not clearly attached
        "发布动态信息 20 条；政策解读 5 条，合计 25 条。",  # ； breaks the items-first run
        "全年新增规范性文件 5 件、废止 3 件，共 40 件现行有效。",
        "联系电话：0952-6860685，全年办结率 100%，共 3 条热线、2 个邮箱。",
        "全年共召开会议 3 次，参加人员 120 人次、列席人员 30 人次。",  # items in another unit
        "规章\t0\t0\t0\n行政规范性文件\t2\t1\t5\n共计\t2\t1\t5\n",  # a table, not prose
    ],
)
def test_no_itemisation(text: str) -> None:
    assert itemised_sums(text) == []


# ---------------------------------------------------------------- figures: real sentences
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("(二) 依申请公开。我镇2024年未收到政府信息公开申请。", "未收到"),
        ("（二）依申请公开：2024 年，本单位未收到依申请公开办理诉求。", "未收到"),
        ("全年未收到公民提出的政府信息公开申请。", "未收到"),
        ("本机关2024年未收到\n\n政府信息公开申请，未收取信息处理费。", "未收到"),
    ],
)
def test_no_applications_is_zero_received(text: str, needle: str) -> None:
    [f] = figures(text)
    assert (f.kind, f.value) == ("applications_received", 0)
    assert text[f.start : f.end] == needle
    assert "申请" in f.text or "依申请" in f.text


def test_other_tickets_are_not_applications() -> None:
    assert figures("全年受理市民 12345 处理单 59 件,答复办理 59 件,答复率 100%。") == []  # 003
    assert figures("二是优化政民互动主渠道建设，今年信访系统已办结 17 件，回应议政网 2 件。") == []  # 002
    assert figures("今年共受理行政许可申请 3000 件。") == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_cc5777ecc468ec6c", [("applications_received", 0)] * 2),
        ("001_0f20368df47a56ca", [("applications_received", 0)]),
        ("002_c6746dbda78f73e9", [("applications_received", 0)] * 2),
        ("003_58b8de058df0570c", [("applications_received", 0)]),
        ("004_e70ccd0979ef1614", [("applications_received", 0)] * 2),
    ],
)
def test_example_reports_figures(name: str, expected: list[tuple[str, int]]) -> None:
    text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    found = figures(text)
    assert [(f.kind, f.value) for f in found] == expected
    assert all(text[f.start : f.end] == "未收到" for f in found)


# ---------------------------------------------------------------- figures: other shapes
def test_application_figures_and_spans() -> None:
    text = (
        "全年收到政府信息公开申请 40 件，上年结转政府信息公开\n申请 3 件，所有申请均已按要求办理完成。"
        "所有办结的信息公开申请中同意公开答复 9 件，不予处理 0 件，转下一\n年度办理答复的有 2 件。"
    )
    found = figures(text)
    assert [(f.kind, f.value, text[f.start : f.end]) for f in found] == [
        ("applications_received", 40, "40"),
        ("applications_carried_over", 3, "3"),
        ("applications_carried_forward", 2, "2"),
    ]
    assert found[1].text == "上年结转政府信息公开\n申请 3 件"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "全县全年共受理政府信息公开申请 300 件，其中自然人申请 280 件；共办理 290 件，结转下一年 10 件。",
            [
                ("applications_received", 300),
                ("applications_completed", 290),
                ("applications_carried_forward", 10),
            ],
        ),
        (
            "本年新收政府信息公开申请 5 件，上年结转 1 件，办结 6 件，结转下年度 0 件。",
            [
                ("applications_new", 5),
                ("applications_carried_over", 1),
                ("applications_completed", 6),
                ("applications_carried_forward", 0),
            ],
        ),
        ("全年办理政府信息公开申请120件。", [("applications_completed", 120)]),
        ("本年度收到政府信息公开申请两件，均已按期答复。", [("applications_received", 2)]),
        ("全年共收到政府信息公开申请１２件。", [("applications_received", 12)]),
        ("收到 3 件政府信息公开申请。", [("applications_received", 3)]),
        ("本机关全年无政府信息公开申请。", [("applications_received", 0)]),
        ("不予处理政府信息公开申请 3 件，其他处理 1 件。", []),
        ("收到政府信息公开行政复议申请 2 件。", [("reviews", 2)]),
        ("无法提供的政府信息公开申请 2 件。", []),
    ],
)
def test_application_shapes(text: str, expected: list[tuple[str, int]]) -> None:
    assert _figs(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023年，全区政府信息公开工作方面共有行政诉讼案件3件、行政复议案件4件，均已结案。",
            [("suits", 3), ("reviews", 4)],
        ),
        (
            "依法做好相关行政复议、行政诉讼案件的应诉工作，全县共办理政府信息公开相关案件 50 件。",
            [("review_and_suits", 50)],
        ),
        ("因政府信息公开引起的行政复议和行政诉讼案件共 3 起。", [("review_and_suits", 3)]),
        (
            "2023 年本局有 2 件涉及政府信息公开工作的行政复\n议，均未被纠错。涉及的行政诉讼数为\n0 件。",
            [("reviews", 2), ("suits", 0)],
        ),
        ("本年度未发生因政府信息公开引起的行政复议、行政诉讼。", [("reviews", 0), ("suits", 0)]),
        ("本年度未发生政府信息公开行政复议案件，政府信息公开行政诉讼两件。", [("reviews", 0), ("suits", 2)]),
        ("政府信息公开行政诉讼中，复议后起诉 1 件，未经复议直接起诉 2 件。", [("suits", 1), ("suits", 2)]),
        ("本年度涉政府信息公开的行政复议案件 4 件，其中维持 3 件，纠正 1 件。", [("reviews", 4)]),
        ("政府信息公开行政复议被纠错 1 件。", []),
        ("全区共办理行政复议案件 300 件。", []),  # nothing says these concern 信息公开
        ("该行政复议件未被复议审查机关纠错。", []),
        ("报告包括收到和处理政府信息公开申请情况、行政复议、行政诉讼情况等六个部分。", []),
    ],
)
def test_litigation_shapes(text: str, expected: list[tuple[str, int]]) -> None:
    found = figures(text)
    assert [(f.kind, f.value) for f in found] == expected
    for f in found:
        assert f.kind in FIGURE_KINDS
        if text[f.start].isdigit() or parse_number(text[f.start : f.end]) is not None:
            assert parse_number(text[f.start : f.end]) == f.value


def test_zero_litigation_points_at_the_negation() -> None:
    text = "全年未发生政府信息公开行政复议、行政诉讼案件。"
    found = figures(text)
    assert [f.kind for f in found] == ["reviews", "suits"]
    assert {text[f.start : f.end] for f in found} == {"未发生"}
    assert found[0].text == "未发生政府信息公开行政复议、行政诉讼案件"


# ---------------------------------------------------------------- offsets, speed, robustness
def test_flat_maps_offsets_back() -> None:
    text = "  申请 2\n件，１２ 3\u3000条\t表"
    flat = Flat(text)
    assert flat.text == "申请2件，１２ 3条\t表".replace("１２", "12")
    for i, ch in enumerate(flat.text):
        src = text[flat.orig(i)]
        assert src == ch or (ch.isdigit() and src in "０１２３４５６７８９") or (ch == " " and src.isspace())


def test_a_long_report_reads_fast() -> None:
    text = (EXAMPLES / "002_c6746dbda78f73e9.txt").read_text(encoding="utf-8")
    text = (text + "\n") * 3  # ~30 kB
    start = time.perf_counter()
    for i in range(10):
        itemised_sums(text + str(i))  # a fresh text each time: no cache
        figures(text + str(i))
    assert (time.perf_counter() - start) / 10 < 0.05  # a generous bound; typical is ~2 ms


_ALPHABET = st.sampled_from(
    list(
        "共累计合计其中包括、，,；：（）()。\n\t 0123456789１２零一两十百条件元篇个次年月日%余等收到受理申请"
        "办结结转下年度上新收行政复议诉讼案未发生无公开信息政府纠错|#"
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_never_crashes_and_spans_hold(text: str) -> None:
    for s in itemised_sums(text):
        assert text[s.start : s.end] == s.text
        assert len(s.items) >= 2
    for f in figures(text):
        assert isinstance(f, Figure) and f.kind in FIGURE_KINDS and f.value >= 0
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end].strip() == text[f.start : f.end]

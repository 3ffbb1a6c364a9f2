"""The HTML backend and renderer: rendered pages read back to the same 200 cells in UTF-8 and GB18030, a
Word-style government page of our own with the facts of a real one, hostile markup, and provenance."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import report_data

import xxgk
from xxgk.catalogue import SECTION_TITLES, T3_APPLICANT_COLUMNS, T3_ROWS, cell_keys, t3_key
from xxgk.formats.base import to_text
from xxgk.formats.html import collapse, decode_page, read_html
from xxgk.render.html import render_html
from xxgk.render.text import ReportData

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _encode(page: str, encoding: str) -> bytes:
    if encoding == "gb18030":  # as Chinese sites declare it: gbk, while using characters beyond it
        page = page.replace(
            '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        )
    return page.encode(encoding)


def _rows(page: str) -> list[list[str]]:
    doc = read_html(page.encode(), "t.html")
    return [[c.text for c in b.cells] for b in doc.blocks if b.cells is not None]


# ------------------------------------------------------------------------------------ round trips


@SETTINGS
@given(report_data())
def test_rendered_page_reads_back_every_cell_in_utf8_and_gb18030(data: ReportData) -> None:
    page = render_html(data)
    for encoding in ("utf-8", "gb18030"):
        report = xxgk.parse_bytes(_encode(page, encoding), "x.html")
        assert report.cells == data.cells, encoding
        assert report.agency.name == data.agency
        assert report.year == data.year
        assert report.source.kind == "html"
        assert report.source.encoding == encoding


@SETTINGS
@given(report_data(blanks=True))
def test_blank_cells_read_back_as_null_never_zero(data: ReportData) -> None:
    page = render_html(data)
    for encoding in ("utf-8", "gb18030"):
        report = xxgk.parse_bytes(_encode(page, encoding), "x.html")
        assert report.cells == data.cells, encoding
        for key, want in data.cells.items():
            if want is None:
                assert report.details[key].status in ("blank", "ambiguous"), key


def test_a_cell_place_names_its_line_and_the_pipe_row_written_for_it() -> None:
    cells = {k: 0 for k in cell_keys()} | {"t3.new.natural_person": 7, "t3.new.total": 7}
    cells |= {"t3.granted.natural_person": 7, "t3.granted.total": 7, "t3.total.natural_person": 7}
    cells |= {"t3.total.total": 7}
    report = xxgk.parse_bytes(render_html(ReportData("某某县人民政府", 2023, dict(cells))).encode(), "p.html")
    lines = report.text.split("\n")
    for key in ("t3.new.natural_person", "t3.new.total", "t4.review.total", "t2.fees.amount"):
        place = report.details[key].place
        assert place is not None and place.line is not None and place.col is not None, key
        line = lines[place.line - 1]
        assert line.startswith("|") and line.endswith("|"), key
        assert line[place.col : place.end_col] == report.details[key].raw, key
        if key.startswith("t3.new."):
            assert "一、本年新收政府信息公开申请数量" in line


# ------------------------------------------------------------------------------------ renderer


def test_render_html_is_a_clean_escaped_page_with_the_official_merges() -> None:
    cells: dict[str, int | float | None] = dict.fromkeys(cell_keys(), 0)
    cells["t3.new.commercial"] = None
    page = render_html(ReportData("某<县>&局", 2024, cells))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert '<meta charset="utf-8">' in page and "border" in page
    assert "某&lt;县&gt;&amp;局" in page and "<县>" not in page
    for merge in ('rowspan="3" colspan="3"', 'colspan="7">申请人情况', 'colspan="5">法人或其他组织'):
        assert merge in page
    for merge in (
        'rowspan="22">三、本年度办理结果',
        'rowspan="8">（三）不予公开',
        'rowspan="5">（五）不予处理',
    ):
        assert merge in page
    assert 'colspan="5">行政复议' in page and 'colspan="10">行政诉讼' in page
    assert 'colspan="5">未经复议直接起诉' in page and 'colspan="5">复议后起诉' in page
    for numeral, title in zip("一二三四五六", SECTION_TITLES, strict=True):
        assert f"<h2>{numeral}、{title}</h2>" in page
    assert "统计期限自2024年1月1日起至2024年12月31日止" in page and "信息处理费" in page
    assert "<td></td>" in page


# ------------------------------------------------------------------------------------ the grid


def test_merged_labels_repeat_and_merged_numbers_are_never_counted_twice() -> None:
    page = (
        "<table><tr><td rowspan=2>（三）不予公开</td><td>1.属于国家秘密</td><td colspan=3>5</td></tr>"
        "<tr><td>2.其他</td><td>1</td></tr>"
        "<tr><td colspan=2>合计</td></tr></table>"
    )
    assert _rows(page) == [
        ["（三）不予公开", "1.属于国家秘密", "5", "", ""],
        ["（三）不予公开", "2.其他", "1", "", ""],
        ["合计", "合计", "", "", ""],
    ]


def test_layout_tables_keep_their_prose_and_inner_tables_are_tables_of_their_own() -> None:
    prose = "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，" * 5
    page = (
        f"<table><tr><td>导航</td><td><p>{prose}</p><table><tr><td>规章</td><td>3</td></tr></table></td></tr>"
        "</table><table><tr><td>总计</td><td>4</td></tr><tr><td colspan=2><p>注："
        + prose
        + "</p></td></tr></table>"
    )
    doc = read_html(page.encode(), "t.html")
    text, _ = to_text(doc)
    assert text.split("\n") == ["导航", prose, "| 规章 | 3 |", "", "| 总计 | 4 |", "注：" + prose]
    assert [b.table for b in doc.blocks if b.cells] == [0, 1]


def test_word_markup_whitespace_and_breaks_read_as_a_browser_shows_them() -> None:
    assert collapse("申请人\n   情况") == collapse("申请\u200b人情况") == "申请人情况"
    assert collapse("共 26\n件\u00a0\u3000 其中") == "共 26 件 其中"
    page = (
        "<table><tr><td><p class=MsoNormal><span>申请人情</span><span>况<o:p></o:p></span></p></td>"
        "<td><p><span lang=EN-US>26<o:p></o:p></span></p></td><td><p><o:p>&nbsp;</o:p></p></td>"
        "<td>三、本年度<br>办理结果</td><td><p>1</p><p>2</p></td></tr></table>"
    )
    assert _rows(page) == [["申请人情况", "26", "", "三、本年度办理结果", "1 2"]]


def test_charset_from_bom_declaration_or_sniffing() -> None:
    body = "<p>政府信息公开工作年度报告</p>"
    assert decode_page(("<meta charset=gb2312>" + body).encode("gb18030"), "x") == (
        "<meta charset=gb2312>" + body,
        "gb18030",
    )
    assert decode_page(body.encode("gbk"), "x")[1] == "gb18030"  # undeclared: sniffed
    assert decode_page(("<meta charset=gb2312>" + body).encode(), "x")[1] == "utf-8"  # a wrong declaration
    assert decode_page(b"\xef\xbb\xbf" + body.encode(), "x")[1] == "utf-8-sig"
    assert decode_page(("<meta charset=big5>" + "<p>政府資訊公開</p>").encode("big5"), "x")[1] == "big5hkscs"


# ------------------------------------------------------------------------------------ a Word page

_SPAN = "<span style='font-size:10.5pt;font-family:仿宋_GB2312;mso-hansi-font-family:宋体'>"
_EMPTY = (
    "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
)


def _wp(text: str) -> str:
    """A paragraph as Word saves it: the text split over runs, an <o:p> at the end."""
    half = len(text) // 2
    return (
        f"<p class=MsoNormal style='mso-line-height-rule:exactly'>{_SPAN}{text[:half]}</span>"
        f"{_SPAN}{text[half:]}<span lang=EN-US><o:p></o:p></span></span></p>"
    )


def _wtd(text: str = "", rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f" rowspan={rowspan}" if rowspan > 1 else "") + (f" colspan={colspan}" if colspan > 1 else "")
    return f"<td{spans} width=44 valign=top style='border:solid windowtext 1.0pt;mso-border-alt:solid'>{_wp(text) if text else _EMPTY}</td>"


def _wtable(rows: list[list[str]]) -> str:
    body = "".join(f"<tr style='mso-yfti-irow:{i}'>{''.join(r)}</tr>\n" for i, r in enumerate(rows))
    return (
        f"<table class=MsoNormalTable border=1 cellspacing=0 style='border-collapse:collapse'>{body}</table>"
    )


# the facts of a real 2023 report by a county development and reform bureau (not its text)
_NATURAL = {"new": 26, "granted": 26, "total": 26}


def _word_page() -> str:
    t2 = _wtable(
        [
            [_wtd("第二十条第（一）项", colspan=4)],
            [_wtd("信息内容"), _wtd("本年制发件数"), _wtd("本年废止件数"), _wtd("现行有效件数")],
            [_wtd("规章"), _wtd("0"), _wtd("0"), _wtd("0")],
            [_wtd("规范性文件"), _wtd("8"), _wtd("0"), _wtd("18")],
            [_wtd("第二十条第（五）项", colspan=4)],
            [_wtd("信息内容"), _wtd("本年处理决定数量", colspan=3)],
            [_wtd("行政许可"), _wtd("0", colspan=3)],
            [_wtd("第二十条第（六）项", colspan=4)],
            [_wtd("信息内容"), _wtd("本年处理决定数量", colspan=3)],
            [_wtd("行政处罚"), _wtd("0", colspan=3)],
            [_wtd("行政强制"), _wtd("0", colspan=3)],
            [_wtd("第二十条第（八）项", colspan=4)],
            [_wtd("信息内容"), _wtd("本年收费金额（单位：万元）", colspan=3)],
            [_wtd("行政事业性收费"), _wtd("0", colspan=3)],
        ]
    )
    t3 = [
        [
            _wtd("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            _wtd("申请人情况", colspan=7),
        ],
        [_wtd("自然人", rowspan=2), _wtd("法人或其他组织", colspan=5), _wtd("总计", rowspan=2)],
        [_wtd(n) for n in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    seen: set[str] = set()
    for row in T3_ROWS:
        n = str(_NATURAL.get(row.key, 0))
        values = [_wtd(n), *(_wtd() for _ in range(5)), _wtd(n)]  # the organisation columns left empty
        if row.group.startswith("（"):
            labels = [] if "三" in seen else [_wtd("三、本年度办理结果", rowspan=22)]
            if row.group not in seen:
                labels.append(_wtd(row.group, rowspan=sum(r.group == row.group for r in T3_ROWS)))
            labels.append(_wtd(row.item))
            seen |= {"三", row.group}
        elif row.outcome or row.key == "total":
            labels = ([] if "三" in seen else [_wtd("三、本年度办理结果", rowspan=22)]) + [
                _wtd(row.item, colspan=2)
            ]
            seen.add("三")
        else:
            labels = [_wtd(row.item, colspan=3)]
        t3.append(labels + values)
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    t4 = _wtable(
        [
            [_wtd("行政复议", colspan=5), _wtd("行政诉讼", colspan=10)],
            [
                *(_wtd(h, rowspan=2) for h in heads),
                _wtd("未经复议直接起诉", colspan=5),
                _wtd("复议后起诉", colspan=5),
            ],
            [_wtd(h) for h in heads * 2],
            [_wtd(str(v)) for v in (0, 0, 0, 1, 1, *[0] * 10)],
        ]
    )
    meta = (
        "<table class=table_content><tr><td>名称</td><td colspan=3>某某县发展和改革局2023年政府信息公开年度报告</td></tr>"
        "<tr><td>索引号</td><td>000000000/2024-00002</td><td>分类</td><td>信息公开年报</td></tr>"
        "<tr><td>发布机构</td><td>某某县发展和改革局</td><td>公开日期</td><td>2024-01-17</td></tr></table>"
    )
    decoy = "<script>var t='一、本年新收政府信息公开申请数量 | 999 | 999';document.write('<table><tr><td>999</td></tr></table>')</script>"
    hidden = "<div style='DISPLAY: none'><table><tr><td>二、上年结转政府信息公开申请数量</td><td>777</td></tr></table></div>"
    return (
        "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><meta http-equiv=Content-Type "
        "content='text/html; charset=utf-8'><title>某某县人民政府</title><style>p.MsoNormal{margin:0}</style>"
        "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View><w:Zoom>90</w:Zoom></w:WordDocument></xml><![endif]-->"
        f"</head><body><div class=nav><a href=/>首页</a> <a href=/xxgk>政府信息公开</a></div>{decoy}{meta}{hidden}"
        "<div class=WordSection1>"
        + _wp("某某县发展和改革局2023年政府信息公开年度报告")
        + _wp("本年度报告所列数据的统计时限为2023年1月1日至2023年12月31日。")
        + _wp("一、总体情况")
        + _wp("2023年，我局共收到依申请信息公开26件，均已按时答复。")
        + _wp("二、主动公开政府信息情况")
        + t2
        + _wp("三、收到和处理政府信息公开申请情况")
        + _wtable(t3)
        + _wp("四、政府信息公开行政复议、行政诉讼情况")
        + t4
        + _wp("五、存在的主要问题及整改措施")
        + _wp("信息公开的主动性有待加强，将健全审核流程，提高公开质量。")
        + _wp("六、其他需要报告的事项")
        + _wp("2023年度，我局政府信息公开未发生收费情况。")
        + "</div><div class=footer>主办单位：某某县人民政府办公室</div></body></html>"
    )


def test_a_word_page_with_empty_organisation_columns_reads_them_as_null() -> None:
    report = xxgk.parse_bytes(_word_page().encode(), "word.html")
    want: dict[str, int | float | None] = dict.fromkeys(cell_keys(), 0)
    want |= {
        "t2.normative.made": 8,
        "t2.normative.in_force": 18,
        "t4.review.pending": 1,
        "t4.review.total": 1,
    }
    for row in T3_ROWS:
        for col in T3_APPLICANT_COLUMNS[1:]:
            want[t3_key(row.key, col)] = None
        want[t3_key(row.key, "natural_person")] = want[t3_key(row.key, "total")] = _NATURAL.get(row.key, 0)
    assert report.cells == want
    assert report.year == 2023
    assert "999" not in report.text and "777" not in report.text and "Print" not in report.text
    rules = {f.rule for f in xxgk.check(report)}
    assert {"cell.blank", "section.title_nonstandard"} <= rules
    forbidden = ("arith.", "meta.", "text.", "cell.placeholder", "cell.invalid", "table.", "section.missing")
    assert not [r for r in rules if r.startswith(forbidden)]


def test_the_agency_is_not_read_from_the_metadata_table_row() -> None:
    report = xxgk.parse_bytes(_word_page().encode(), "word.html")
    assert report.agency.name == "某某县发展和改革局"


# ------------------------------------------------------------------------------------ hostile pages


def _page() -> str:
    return render_html(ReportData("某某县人民政府", 2023, dict.fromkeys(cell_keys(), 1)))


def _reads_the_report(page: str, seconds: float = 20) -> None:
    start = time.perf_counter()
    report = xxgk.parse_bytes(page.encode(), "hostile.html")
    assert time.perf_counter() - start < seconds
    assert report.cells["t3.new.natural_person"] == 1 and report.cells["t4.suit_after_review.total"] == 1


def test_text_inside_scripts_styles_and_hidden_elements_is_not_read() -> None:
    decoy = "<script>document.write('<table><tr><td>一、本年新收政府信息公开申请数量</td><td>999</td></tr></table>')</script>"
    page = _page().replace("<td>", "<td>" + decoy).replace("<p>", "<p><style>p::after{content:'999'}</style>")
    report = xxgk.parse_bytes(page.encode(), "s.html")
    assert "999" not in report.text
    assert report.cells["t3.new.natural_person"] == 1


def test_fifty_thousand_nested_divs_neither_hang_nor_lose_the_report() -> None:
    page = (
        _page()
        .replace("<body>", "<body>" + "<div>" * 50_000)
        .replace("</body>", "</div>" * 50_000 + "</body>")
    )
    _reads_the_report(page)


def test_open_elements_with_stray_end_tags_are_bounded() -> None:
    page = _page().replace("<body>", "<body>" + "<span>" * 30_000 + "</div>" * 30_000)
    _reads_the_report(page)


def test_unclosed_and_broken_markup_still_reads() -> None:
    page = _page()
    for tag in ("</td>", "</tr>", "</p>", "</h2>", "</table>", "</body>", "</html>"):
        page = page.replace(tag, "")
    _reads_the_report(page.replace("<td>", "<td><b><i <x", 3))


@pytest.mark.slow
def test_ten_megabytes_of_tags_are_cut_not_parsed_whole() -> None:
    page = "<html><body>" + "<b><i>x</i></b>" * 700_000 + _page()
    start = time.perf_counter()
    with pytest.raises(xxgk.ReadError, match="first 400000 tags"):
        xxgk.parse_bytes(page.encode(), "big.html")
    assert time.perf_counter() - start < 20


def test_a_page_without_a_table_is_a_one_line_read_error_naming_the_file() -> None:
    page = "<html><body><h1>某某县2023年政府信息公开工作年度报告</h1><p>一、总体情况</p><img src=t3.png></body></html>"
    with pytest.raises(xxgk.ReadError) as err:
        xxgk.parse_bytes(page.encode(), "notable.html")
    assert str(err.value).startswith("notable.html: no table in the page")
    assert "\n" not in str(err.value)

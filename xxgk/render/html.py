"""Render report data as an HTML page in the official layout of the 2021 format (国办公开办函〔2021〕30号).

The tables carry the merged cells the format prints — table 三's 申请人情况 and 法人或其他组织 headers, the
勾稽关系 note over three header rows, 三、本年度办理结果 over the 22 outcome rows and the 不予公开 /
无法提供 / 不予处理 / 其他处理 groups, table 四's 行政复议 / 行政诉讼 headers, table 二 in its four
第二十条 blocks — so that the HTML reader is tested against the grids real pages give, and
``xxgk render --to html`` writes a page a clerk can publish. Every text is escaped; a blank cell is an
empty ``<td>``.
"""

from __future__ import annotations

from html import escape
from itertools import groupby

from xxgk.catalogue import (
    FORMAT_NAME,
    SECTION_NUMERALS,
    SECTION_TITLES,
    T2_ROWS,
    T3_COLUMN_KEYS,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMN_KEYS,
    T4_COLUMNS,
    T4_GROUP_KEYS,
    T4_GROUPS,
    t3_key,
    t4_key,
)
from xxgk.render.text import (
    T2_HEADERS,
    T3_NOTE,
    T3_ORG_HEADER,
    T3_RESULTS,
    ReportData,
    default_sections,
    format_number,
)

Value = int | float | None

_CSS = (
    "body{font-family:'FangSong','仿宋',serif;max-width:60em;margin:2em auto;line-height:1.8}"
    "h1{text-align:center;font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em}"
    "table{border-collapse:collapse;margin:1em auto}"
    "th,td{border:1px solid #000;padding:.2em .5em;text-align:center;vertical-align:middle}"
    "td.label{text-align:left}"
)


def _cell(text: str | Value, *, tag: str = "td", rowspan: int = 1, colspan: int = 1, cls: str = "") -> str:
    """One cell; a number is printed as reports print it and a None is an empty cell."""
    body = text if isinstance(text, str) else format_number(text)
    attrs = "".join(
        f' {name}="{value}"' for name, value in (("rowspan", rowspan), ("colspan", colspan)) if value != 1
    )
    if cls:
        attrs += f' class="{cls}"'
    return f"<{tag}{attrs}>{escape(body)}</{tag}>"


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def _table(rows: list[str]) -> str:
    return "\n".join(["<table>", *rows, "</table>"])


def table2(cells: dict[str, Value]) -> str:
    """Table 二: four blocks, each a 第二十条 heading across the table, its column heads and its rows."""
    rows: list[str] = []
    for item, group in groupby(T2_ROWS, key=lambda r: r.item):
        heads = T2_HEADERS[item]
        rows.append(_row([_cell(item, tag="th", colspan=4)]))
        if len(heads) == 1:
            rows.append(_row([_cell("信息内容", tag="th"), _cell(heads[0], tag="th", colspan=3)]))
        else:
            rows.append(_row([_cell("信息内容", tag="th"), *(_cell(h, tag="th") for h in heads)]))
        for t2 in group:
            values = [cells.get(k) for k in t2.keys]
            span = 3 if len(values) == 1 else 1
            rows.append(_row([_cell(t2.label, cls="label"), *(_cell(v, colspan=span) for v in values)]))
    return _table(rows)


def _t3_labels() -> list[list[str]]:
    """The label cells of each of table 三's 25 rows, merged labels given on the first row they span."""
    out: list[list[str]] = []
    group_sizes = {g: sum(1 for r in T3_ROWS if r.group == g) for g in {r.group for r in T3_ROWS}}
    results = sum(1 for r in T3_ROWS if r.outcome or r.key == "total")
    seen: set[str] = set()
    for row in T3_ROWS:
        labels: list[str] = []
        if row.outcome or row.key == "total":
            if T3_RESULTS not in seen:
                seen.add(T3_RESULTS)
                labels.append(_cell(T3_RESULTS, rowspan=results))
            if row.group.startswith("（"):
                if row.group not in seen:
                    seen.add(row.group)
                    labels.append(_cell(row.group, rowspan=group_sizes[row.group]))
                labels.append(_cell(row.item, cls="label"))
            else:
                labels.append(_cell(row.item, colspan=2, cls="label"))
        else:
            labels.append(_cell(row.item, colspan=3, cls="label"))
        out.append(labels)
    return out


def table3(cells: dict[str, Value]) -> str:
    """Table 三: three header rows under the 勾稽关系 note, then the 25 rows of seven columns."""
    names = [name for _, name in T3_COLUMNS]
    rows = [
        _row([_cell(T3_NOTE, tag="th", rowspan=3, colspan=3), _cell("申请人情况", tag="th", colspan=7)]),
        _row(
            [
                _cell(names[0], tag="th", rowspan=2),
                _cell(T3_ORG_HEADER, tag="th", colspan=5),
                _cell(names[-1], tag="th", rowspan=2),
            ]
        ),
        _row([_cell(name, tag="th") for name in names[1:-1]]),
    ]
    for labels, t3 in zip(_t3_labels(), T3_ROWS, strict=True):
        rows.append(_row([*labels, *(_cell(cells.get(t3_key(t3.key, c))) for c in T3_COLUMN_KEYS)]))
    return _table(rows)


def table4(cells: dict[str, Value]) -> str:
    """Table 四: 行政复议 over five columns, 行政诉讼 over ten split into its two kinds, one row of values."""
    heads = [name for _, name in T4_COLUMNS]
    review, direct, after = (name for _, name in T4_GROUPS)
    suit, direct_kind = direct.split("·")
    after_kind = after.split("·")[1]
    rows = [
        _row([_cell(review, tag="th", colspan=5), _cell(suit, tag="th", colspan=10)]),
        _row(
            [
                *(_cell(h, tag="th", rowspan=2) for h in heads),
                _cell(direct_kind, tag="th", colspan=5),
                _cell(after_kind, tag="th", colspan=5),
            ]
        ),
        _row([_cell(h, tag="th") for h in heads * 2]),
        _row([_cell(cells.get(t4_key(g, c))) for g in T4_GROUP_KEYS for c in T4_COLUMN_KEYS]),
    ]
    return _table(rows)


def _paragraphs(text: str) -> list[str]:
    return [f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip()]


def render_html(data: ReportData) -> str:
    """The whole report as a complete UTF-8 HTML page: title, preface with the statistical period, the
    six standard sections in order, the three tables in sections 二 to 四, the fee statement in 六."""
    title = f"{data.agency}{data.year}年政府信息公开工作年度报告"
    preface = (
        f"本报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（{FORMAT_NAME}）编制。本报告所列数据的统计期限自{data.year}年1月1日起至{data.year}年12月31日止。"
    )
    bodies = default_sections(data) | (data.sections or {})
    tables = {2: table2, 3: table3, 4: table4}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        *_paragraphs(preface),
    ]
    for i, (numeral, name) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True), start=1):
        parts.append(f"<h2>{numeral}、{escape(name)}</h2>")
        parts.extend(_paragraphs(bodies[i]))
        if i in tables:
            parts.append(tables[i](data.cells))
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)

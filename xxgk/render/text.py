"""Render report data as text in the three layouts the corpus arrives in.

Real reports reach us as tabbed text from PDFs, as crawler text with every whitespace removed, and as
markdown pipe tables.  Rendering known cells into each layout gives the extractors ground truth to be
tested against, and ``build_valid_cells`` makes cells that satisfy every relation of FORMAT.md §2 so
that any finding raised on them is the extractor's fault, not the data's.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xxgk.catalogue import (
    FORMAT_NAME,
    SECTION_NUMERALS,
    SECTION_TITLES,
    T2_ROWS,
    T3_APPLICANT_COLUMNS,
    T3_COLUMN_KEYS,
    T3_COLUMNS,
    T3_OUTCOME_ROWS,
    T3_ROWS,
    T4_COLUMN_KEYS,
    T4_COLUMNS,
    T4_GROUP_KEYS,
    T4_GROUPS,
    cell_keys,
    t3_key,
    t4_key,
)

LAYOUTS: tuple[str, ...] = ("tabbed", "stripped", "markdown")

Value = int | float | None
Pick = Callable[[int, int], int]  # returns an int in [lo, hi], both ends included

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_RESULTS = "三、本年度办理结果"  # the merged label over the 21 outcome rows and （七）总计
T3_ORG_HEADER = "法人或其他组织"
T2_HEADERS: dict[str, tuple[str, ...]] = {
    "第二十条第（一）项": ("本年制发件数", "本年废止件数", "现行有效件数"),
    "第二十条第（五）项": ("本年处理决定数量",),
    "第二十条第（六）项": ("本年处理决定数量",),
    "第二十条第（八）项": ("本年收费金额（单位：万元）",),
}
T2_WIDTH = 4  # PDF extraction pads table 二's blocks to the width of its widest block


@dataclass
class ReportData:
    """What a report says, independent of layout: the agency, the year, the 200 cells and the prose."""

    agency: str
    year: int
    cells: dict[str, int | float | None]  # all 200 keys of cell_keys(); None = blank cell
    sections: dict[int, str] | None = None  # body text per section 1..6; missing ones are generated
    processing_fee: float = 0  # 信息处理费 in 元, stated in the generated section 六


# ---------------------------------------------------------------------------------------------- values


def format_number(value: Value) -> str:
    """Print a cell as reports do: integers plain, amounts without trailing zeros, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _chance(pick: Pick, p: float) -> bool:
    """True with probability p; shrinks towards False (an all-zero row) under Hypothesis."""
    return pick(0, 999) >= round((1 - p) * 1000)


def _count(pick: Pick) -> int:
    """A count of varied size: usually one to three digits, now and then (1 in 20) four or five."""
    digits = pick(1, 3) if pick(0, 19) < 19 else pick(4, 5)
    return pick(0, 10**digits - 1)


def build_valid_cells(pick: Pick, *, busy: float = 0.3) -> dict[str, int | float]:
    """All 200 cells, drawn through ``pick`` so that every relation of FORMAT.md §2 holds.

    ``pick`` is ``random.Random.randint`` or a Hypothesis draw; every row is all zero with
    probability ``1 - busy``, since real tables are mostly zeros.
    """

    def applicant_row() -> list[int]:
        if not _chance(pick, busy):
            return [0] * len(T3_APPLICANT_COLUMNS)
        # natural persons file most applications; the five kinds of organisation seldom do
        return [_count(pick) if i == 0 or _chance(pick, 0.3) else 0 for i in range(len(T3_APPLICANT_COLUMNS))]

    rows: dict[str, list[int]] = {r: applicant_row() for r in T3_OUTCOME_ROWS}
    rows["total"] = [sum(col) for col in zip(*(rows[r] for r in T3_OUTCOME_ROWS), strict=True)]
    rows["carried_forward"] = applicant_row()
    handled = [t + f for t, f in zip(rows["total"], rows["carried_forward"], strict=True)]
    if _chance(pick, busy):
        rows["carried_over"] = [min(_count(pick), h) for h in handled]
    else:
        rows["carried_over"] = [0] * len(handled)
    rows["new"] = [h - o for h, o in zip(handled, rows["carried_over"], strict=True)]

    cells: dict[str, int | float] = {}
    for row, values in rows.items():
        for col, v in zip(T3_APPLICANT_COLUMNS, values, strict=True):
            cells[t3_key(row, col)] = v
        cells[t3_key(row, "total")] = sum(values)
    for group in T4_GROUP_KEYS:
        parts = [_count(pick) if _chance(pick, busy) else 0 for _ in T4_COLUMN_KEYS[:-1]]
        for col, v in zip(T4_COLUMN_KEYS[:-1], parts, strict=True):
            cells[t4_key(group, col)] = v
        cells[t4_key(group, "total")] = sum(parts)
    for t2 in T2_ROWS:
        for key in t2.keys:
            if key == "t2.fees.amount":
                cents = pick(0, 10 ** pick(1, 7)) if _chance(pick, busy) else 0
                cells[key] = cents / 100
            else:
                cells[key] = _count(pick) if _chance(pick, busy) else 0
    return {k: cells[k] for k in cell_keys()}


def random_valid_cells(rng: random.Random, *, busy: float = 0.3) -> dict[str, int | float]:
    """Random cells obeying FORMAT.md §2, for fixtures and fuzzing the extractors."""
    return build_valid_cells(rng.randint, busy=busy)


# ---------------------------------------------------------------------------------------------- prose


def _applications_sentence(cells: dict[str, Value]) -> str:
    new, done, left = (cells.get(t3_key(r, "total")) for r in ("new", "total", "carried_forward"))
    if new is None:
        return "依申请公开的办理情况详见本报告第三部分。"
    text = f"本年共收到政府信息公开申请{format_number(new)}件"
    if done is not None:
        text += f"，办结{format_number(done)}件"
    if left is not None:
        text += f"，结转下年度继续办理{format_number(left)}件"
    return text + "。"


def _litigation_sentence(cells: dict[str, Value]) -> str:
    review = cells.get(t4_key("review", "total"))
    suits = [cells.get(t4_key(g, "total")) for g in ("suit_direct", "suit_after_review")]
    if review is None or None in suits:
        return "本年度政府信息公开行政复议、行政诉讼情况统计如下。"
    n_suits = sum(s for s in suits if s is not None)
    return (
        f"本年度因政府信息公开被申请行政复议{format_number(review)}件，"
        f"被提起行政诉讼{format_number(n_suits)}件，统计如下。"
    )


def default_sections(data: ReportData) -> dict[int, str]:
    """Plain prose for each section, consistent with the cells so no text rule should fire."""
    fee = data.processing_fee
    fee_text = (
        "本年度未收取信息处理费。" if not fee else f"本年度按照规定共收取信息处理费{format_number(fee)}元。"
    )
    return {
        1: (
            f"{data.year}年，{data.agency}依照《中华人民共和国政府信息公开条例》的规定，"
            "结合本机关职能做好主动公开、依申请公开、信息管理、平台建设和监督保障等工作。"
            + _applications_sentence(data.cells)
        ),
        2: "本年度主动公开政府信息的情况统计如下。",
        3: "本年度收到和处理政府信息公开申请的情况统计如下。",
        4: _litigation_sentence(data.cells),
        5: (
            "本年度工作仍有不足：公开内容的及时性有待加强，工作人员的业务水平有待提高。"
            "下一步将健全发布审核流程，定期组织业务培训，提升公开质量。"
        ),
        6: fee_text,
    }


def preface_text(data: ReportData) -> str:
    return (
        f"本报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（{FORMAT_NAME}）编制。本报告所列数据的统计期限自{data.year}年1月1日起至{data.year}年12月31日止。"
    )


# ---------------------------------------------------------------------------------------------- tables

Grid = list[list[str]]


def _t3_labels() -> list[list[str]]:
    """Each row's label fields, a merged label given only on the first row it spans."""
    out: list[list[str]] = []
    seen_top = seen_group = ""
    for row in T3_ROWS:
        if not (row.outcome or row.key == "total"):
            out.append([row.item])
            seen_top = seen_group = ""
            continue
        group, item = (row.group, row.item) if row.group.startswith("（") else (row.item, "")
        labels = ["" if seen_top == T3_RESULTS else T3_RESULTS, "" if seen_group == group else group]
        out.append([*labels, item] if item else labels)
        seen_top, seen_group = T3_RESULTS, group
    return out


def t3_values(cells: dict[str, Value], row: str) -> list[str]:
    return [format_number(cells.get(t3_key(row, c))) for c in T3_COLUMN_KEYS]


def t4_values(cells: dict[str, Value], group: str) -> list[str]:
    return [format_number(cells.get(t4_key(group, c))) for c in T4_COLUMN_KEYS]


def t2_blocks(cells: dict[str, Value]) -> list[tuple[str, Grid]]:
    """Table 二 as its four 第二十条 blocks: (item, [header row, value rows...])."""
    blocks: list[tuple[str, Grid]] = []
    for t2 in T2_ROWS:
        if not blocks or blocks[-1][0] != t2.item:
            blocks.append((t2.item, [["信息内容", *T2_HEADERS[t2.item]]]))
        blocks[-1][1].append([t2.label, *(format_number(cells.get(k)) for k in t2.keys)])
    return blocks


def _pad(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


def _tabbed_tables(cells: dict[str, Value]) -> dict[int, Grid]:
    """Tables 二/三/四 as a PDF text extractor lays out the official grid, one list per line."""
    t2: Grid = []
    for item, grid in t2_blocks(cells):
        t2.append(_pad([item], T2_WIDTH))
        t2.extend(_pad(r, T2_WIDTH) for r in grid)
    col_names = [name for _, name in T3_COLUMNS]
    t3: Grid = [
        [T3_NOTE, "申请人情况"],
        ["", col_names[0], T3_ORG_HEADER, "", "", "", "", col_names[-1]],
        ["", "", *col_names[1:-1]],
    ]
    t3.extend([*labels, *t3_values(cells, r.key)] for labels, r in zip(_t3_labels(), T3_ROWS, strict=True))
    heads = [name for _, name in T4_COLUMNS]
    review, direct, after = (name for _, name in T4_GROUPS)
    suit, direct_sub = direct.split("·")
    after_sub = after.split("·")[1]
    t4: Grid = [
        [review, "", "", "", "", suit],
        [*heads, direct_sub, "", "", "", "", after_sub],
        ["", "", "", "", "", *heads, *heads],
        [v for g in T4_GROUP_KEYS for v in t4_values(cells, g)],
    ]
    return {2: t2, 3: t3, 4: t4}


def _pipe_table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    def line(fields: list[str]) -> str:
        return "| " + " | ".join(fields) + " |"

    return [line(header), line(["---"] * len(header)), *(line(r) for r in rows)]


def _markdown_tables(cells: dict[str, Value]) -> dict[int, list[str]]:
    """Tables 二/三/四 as GitHub pipe tables, as an HTML-to-markdown converter leaves them."""
    t2: list[str] = []
    for item, grid in t2_blocks(cells):
        t2.extend([f"### {item}", "", *_pipe_table(grid[0], grid[1:]), ""])
    labelled = zip(_t3_labels(), T3_ROWS, strict=True)
    t3_rows = [[*_pad(labels, 3), *t3_values(cells, r.key)] for labels, r in labelled]
    t3 = [T3_NOTE, "", *_pipe_table(["项目", "办理结果", "具体情形", *(n for _, n in T3_COLUMNS)], t3_rows)]
    t4 = _pipe_table(
        ["类别", *(name for _, name in T4_COLUMNS)],
        ([name, *t4_values(cells, g)] for g, name in T4_GROUPS),
    )
    return {2: t2[:-1], 3: t3, 4: t4}


# ---------------------------------------------------------------------------------------------- layout


def title_line(data: ReportData) -> str:
    return f"{data.agency}{data.year}年政府信息公开工作年度报告"


def section_bodies(data: ReportData) -> dict[int, str]:
    return default_sections(data) | (data.sections or {})


def _render_tabbed(data: ReportData) -> str:
    tables = _tabbed_tables(data.cells)
    bodies = section_bodies(data)
    lines = [title_line(data), "", preface_text(data), ""]
    for i, (num, title) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True), start=1):
        lines += [f"{num}、{title}", "", bodies[i], ""]
        if i in tables:
            lines += ["\t".join(row) for row in tables[i]]
            lines.append("")
    return "\n".join(lines)


def _render_markdown(data: ReportData) -> str:
    tables = _markdown_tables(data.cells)
    bodies = section_bodies(data)
    lines = [f"# {title_line(data)}", "", preface_text(data), ""]
    for i, (num, title) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True), start=1):
        lines += [f"## {num}、{title}", "", bodies[i], ""]
        if i in tables:
            lines += [*tables[i], ""]
    return "\n".join(lines)


def render_text(data: ReportData, layout: str) -> str:
    """The whole report in one of LAYOUTS: 'tabbed' (PDF text), 'stripped' (crawler), 'markdown'."""
    if layout == "tabbed":
        return _render_tabbed(data)
    if layout == "stripped":
        return "".join(ch for ch in _render_tabbed(data) if not ch.isspace())
    if layout == "markdown":
        return _render_markdown(data)
    raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")

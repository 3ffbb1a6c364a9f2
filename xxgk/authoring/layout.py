"""Where everything stands in the fill-in workbook: one map shared by the writer and the reader.

Each table sheet prints the official layout of the 2021 format with its merged headers (as
``render/docx.py`` draws them), so a clerk fills in the very form that will be published. ``SheetLayout``
lists the fixed texts with the ranges they cover and the coordinate of each of the 200 cells; the writer
draws from it and the reader checks the labels are where it put them before trusting any number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from openpyxl.utils import get_column_letter

from xxgk.catalogue import (
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
from xxgk.render.text import T2_HEADERS, T3_NOTE, T3_ORG_HEADER, T3_RESULTS

INFO, T2, T3, T4, TEXT = "基本信息", "表二", "表三", "表四", "正文"
SHEETS: tuple[str, ...] = (INFO, T2, T3, T4, TEXT)

# 基本信息: label in A, value in B
INFO_ROWS: dict[str, tuple[int, str]] = {
    "agency": (2, "机关名称"),
    "year": (3, "报告年度"),
    "processing_fee": (4, "信息处理费（元）"),
}
# 正文: numeral in A, title in B, the section's text in C
TEXT_FIRST_ROW = 3


@dataclass(frozen=True)
class Label:
    """A fixed text of the form and the range it covers ("A2:C4"); ``kind`` is title, head or label."""

    ref: str
    text: str
    kind: str = "head"

    @property
    def anchor(self) -> str:
        return self.ref.split(":")[0]


@dataclass
class SheetLayout:
    name: str
    labels: list[Label] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # cell key → coordinate, e.g. "D5"
    merged_values: list[str] = field(default_factory=list)  # value ranges spanning columns ("B9:D9")
    widths: dict[str, int] = field(default_factory=dict)  # column letter → width in characters


def col(i: int) -> str:
    """1 → "A"."""
    return get_column_letter(i)


def _span(c0: int, r0: int, c1: int, r1: int) -> str:
    a, b = f"{col(c0)}{r0}", f"{col(c1)}{r1}"
    return a if a == b else f"{a}:{b}"


def table2() -> SheetLayout:
    """Table 二: four 第二十条 blocks in columns A–D; a one-figure block's figure spans B–D."""
    s = SheetLayout(T2, widths={"A": 22, "B": 16, "C": 16, "D": 16})
    s.labels.append(Label("A1:D1", "二、主动公开政府信息情况", "title"))
    r = 2
    for item, rows in groupby(T2_ROWS, key=lambda t: t.item):
        heads = T2_HEADERS[item]
        s.labels.append(Label(_span(1, r, 4, r), item))
        r += 1
        s.labels.append(Label(f"A{r}", "信息内容"))
        if len(heads) == 1:
            s.labels.append(Label(_span(2, r, 4, r), heads[0]))
        else:
            s.labels += [Label(f"{col(2 + i)}{r}", h) for i, h in enumerate(heads)]
        r += 1
        for t2 in rows:
            s.labels.append(Label(f"A{r}", t2.label, "label"))
            for i, key in enumerate(t2.keys):
                s.cells[key] = f"{col(2 + i)}{r}"
            if len(t2.keys) == 1:
                s.merged_values.append(_span(2, r, 4, r))
            r += 1
    return s


T3_FIRST_ROW = 5  # rows 2–4 are the header


def table3() -> SheetLayout:
    """Table 三: the 勾稽关系 note over A2:C4, 申请人情况 over D–J, then the 25 rows (5–29)."""
    names = [name for _, name in T3_COLUMNS]
    s = SheetLayout(T3, widths={"A": 6, "B": 12, "C": 40} | {col(4 + i): 9 for i in range(7)})
    s.labels += [
        Label("A1:J1", "三、收到和处理政府信息公开申请情况", "title"),
        Label("A2:C4", T3_NOTE),
        Label("D2:J2", "申请人情况"),
        Label("D3:D4", names[0]),
        Label("E3:I3", T3_ORG_HEADER),
        Label("J3:J4", names[-1]),
        *(Label(f"{col(5 + i)}4", n) for i, n in enumerate(names[1:-1])),
    ]
    rows = {row.key: T3_FIRST_ROW + i for i, row in enumerate(T3_ROWS)}
    results = [r for r in T3_ROWS if r.outcome or r.key == "total"]
    s.labels.append(Label(_span(1, rows[results[0].key], 1, rows[results[-1].key]), T3_RESULTS))
    for group, members in groupby(results, key=lambda r: r.group):
        grouped = list(members)
        if group.startswith("（"):
            first, last = rows[grouped[0].key], rows[grouped[-1].key]
            s.labels.append(Label(_span(2, first, 2, last), group))
    for row in T3_ROWS:
        r = rows[row.key]
        if row not in results:
            s.labels.append(Label(_span(1, r, 3, r), row.item, "label"))
        elif row.group.startswith("（"):
            s.labels.append(Label(f"C{r}", row.item, "label"))
        else:
            s.labels.append(Label(_span(2, r, 3, r), row.item, "label"))
        for i, c in enumerate(T3_COLUMN_KEYS):
            s.cells[t3_key(row.key, c)] = f"{col(4 + i)}{r}"
    return s


def table4() -> SheetLayout:
    """Table 四: 行政复议 over A–E, 行政诉讼 over F–O split into its two kinds, the 15 figures in row 5."""
    heads = [name for _, name in T4_COLUMNS]
    review, direct, after = (name for _, name in T4_GROUPS)
    suit, direct_kind = direct.split("·")
    s = SheetLayout(T4, widths={col(1 + i): 9 for i in range(15)})
    s.labels += [
        Label("A1:O1", "四、政府信息公开行政复议、行政诉讼情况", "title"),
        Label("A2:E2", review),
        Label("F2:O2", suit),
        *(Label(f"{col(1 + i)}3:{col(1 + i)}4", h) for i, h in enumerate(heads)),
        Label("F3:J3", direct_kind),
        Label("K3:O3", after.split("·")[1]),
        *(Label(f"{col(6 + i)}4", h) for i, h in enumerate(heads * 2)),
    ]
    for g, group in enumerate(T4_GROUP_KEYS):
        for i, c in enumerate(T4_COLUMN_KEYS):
            s.cells[t4_key(group, c)] = f"{col(1 + 5 * g + i)}5"
    return s


def text_sheet() -> SheetLayout:
    """正文: one row per standard section: numeral, title, and the text cell (C3–C8)."""
    s = SheetLayout(TEXT, widths={"A": 6, "B": 30, "C": 90})
    s.labels += [
        Label("A1:C1", "正文（六个部分的标题按规定格式，不要改动；在C列填写各部分内容）", "title"),
        Label("A2", "序号"),
        Label("B2", "标题"),
        Label("C2", "内容"),
    ]
    for i, (num, title) in enumerate(zip(SECTION_NUMERALS, SECTION_TITLES, strict=True)):
        s.labels += [
            Label(f"A{TEXT_FIRST_ROW + i}", num, "label"),
            Label(f"B{TEXT_FIRST_ROW + i}", title, "label"),
        ]
    return s


def table_layouts() -> dict[str, SheetLayout]:
    return {T2: table2(), T3: table3(), T4: table4()}


def where(key: str) -> str:
    """A cell key's place in the workbook, e.g. "表三!D5"."""
    for name, layout in table_layouts().items():
        if key in layout.cells:
            return f"{name}!{layout.cells[key]}"
    raise KeyError(key)

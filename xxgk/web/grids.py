"""The three tables as grids of cells in the official layout, each value cell knowing its key and findings.

``xxgk.render.html`` prints the same merged headers (table 三's 申请人情况 / 法人或其他组织 over three header
rows, the 本年度办理结果 groups, table 四's 行政复议 / 行政诉讼 blocks, table 二's four 第二十条 blocks) as a
finished page; review needs more than text in a cell — the cell key to highlight, the worst finding to
colour by, the status and raw text to explain a null — so the layout is built here as data, once, and drawn
by the HTML template, the printable sheet and the workbook alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from xxgk.catalogue import (
    T2_ROWS,
    T3_COLUMN_KEYS,
    T3_COLUMNS,
    T3_ROWS,
    T4_COLUMN_KEYS,
    T4_COLUMNS,
    T4_GROUP_KEYS,
    T4_GROUPS,
    cell_labels,
    t3_key,
    t4_key,
)
from xxgk.model.finding import SEVERITY_RANK, Finding
from xxgk.model.report import CellDetail, Place
from xxgk.render.text import T2_HEADERS, T3_NOTE, T3_ORG_HEADER, T3_RESULTS, format_number

Value = int | float | None

STATUS_ZH = {
    "number": "数值",
    "derived": "由勾稽关系确定",
    "blank": "空白",
    "placeholder": "非数字",
    "missing_column": "原表无此列",
    "ambiguous": "无法确定",
    "absent": "未找到",
}
# what a null cell shows, as the terminal view does: the reader sees why there is no number
NULL_MARK = {"blank": "", "ambiguous": "?", "missing_column": "×", "absent": "—"}


@dataclass
class GridCell:
    text: str
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    label: bool = False  # a row label: left-aligned
    key: str | None = None  # a value cell of the 200
    status: str = ""
    severity: str | None = None  # the worst finding naming this cell
    rules: list[str] = field(default_factory=list)
    note: str = ""  # the tooltip: label, status, raw text, findings
    place: Place | None = None


Row = list[GridCell]


@dataclass
class Grid:
    table: str  # 二 / 三 / 四
    title: str
    rows: list[Row]
    width: int


TITLES = {
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
}


def cell_findings(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Every cell key → the findings that name it, most severe first."""
    out: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: SEVERITY_RANK[f.severity]):
        for key in f.cells:
            out.setdefault(key, []).append(f)
    return out


class _Builder:
    """Makes value cells for one report: its values, details and the findings on each cell."""

    def __init__(
        self, cells: dict[str, Value], details: dict[str, CellDetail], findings: list[Finding]
    ) -> None:
        self.cells = cells
        self.details = details
        self.by_cell = cell_findings(findings)
        self.labels = cell_labels()

    def value(self, key: str, colspan: int = 1) -> GridCell:
        d = self.details.get(key) or CellDetail()
        v = self.cells.get(key)
        if v is not None:
            text = format_number(v)
        elif d.status == "placeholder":
            text = d.raw or "/"
        else:
            text = NULL_MARK.get(d.status, "?")
        hits = self.by_cell.get(key, [])
        note = [f"{key}  {self.labels.get(key, '')}", f"状态：{STATUS_ZH.get(d.status, d.status)}"]
        if d.raw and d.raw != text:
            note.append(f"原文：{d.raw}")
        if d.alternatives:
            note.append(
                "可能的读法：" + "、".join("空" if a is None else format_number(a) for a in d.alternatives)
            )
        note += [f"{f.rule}：{f.message}" for f in hits[:5]]
        return GridCell(
            text=text,
            colspan=colspan,
            key=key,
            status=d.status,
            severity=hits[0].severity if hits else None,
            rules=sorted({f.rule for f in hits}),
            note="\n".join(note),
            place=d.place,
        )


def _head(text: str, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(text, header=True, rowspan=rowspan, colspan=colspan)


def _label(text: str, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(text, rowspan=rowspan, colspan=colspan, label=True)


def table2(b: _Builder) -> Grid:
    rows: list[Row] = []
    for item, group in groupby(T2_ROWS, key=lambda r: r.item):
        heads = T2_HEADERS[item]
        rows.append([_head(item, colspan=4)])
        if len(heads) == 1:
            rows.append([_head("信息内容"), _head(heads[0], colspan=3)])
        else:
            rows.append([_head("信息内容"), *(_head(h) for h in heads)])
        for t2 in group:
            span = 3 if len(t2.keys) == 1 else 1
            rows.append([_label(t2.label), *(b.value(k, span) for k in t2.keys)])
    return Grid("二", TITLES["二"], rows, 4)


def _t3_labels() -> list[Row]:
    out: list[Row] = []
    sizes = {g: sum(1 for r in T3_ROWS if r.group == g) for g in {r.group for r in T3_ROWS}}
    results = sum(1 for r in T3_ROWS if r.outcome or r.key == "total")
    seen: set[str] = set()
    for row in T3_ROWS:
        labels: Row = []
        if row.outcome or row.key == "total":
            if T3_RESULTS not in seen:
                seen.add(T3_RESULTS)
                labels.append(_label(T3_RESULTS, rowspan=results))
            if row.group.startswith("（"):
                if row.group not in seen:
                    seen.add(row.group)
                    labels.append(_label(row.group, rowspan=sizes[row.group]))
                labels.append(_label(row.item))
            else:
                labels.append(_label(row.item, colspan=2))
        else:
            labels.append(_label(row.item, colspan=3))
        out.append(labels)
    return out


def table3(b: _Builder) -> Grid:
    names = [name for _, name in T3_COLUMNS]
    rows: list[Row] = [
        [_head(T3_NOTE, rowspan=3, colspan=3), _head("申请人情况", colspan=7)],
        [_head(names[0], rowspan=2), _head(T3_ORG_HEADER, colspan=5), _head(names[-1], rowspan=2)],
        [_head(n) for n in names[1:-1]],
    ]
    for labels, t3 in zip(_t3_labels(), T3_ROWS, strict=True):
        rows.append([*labels, *(b.value(t3_key(t3.key, c)) for c in T3_COLUMN_KEYS)])
    return Grid("三", TITLES["三"], rows, 10)


def table4(b: _Builder) -> Grid:
    heads = [name for _, name in T4_COLUMNS]
    review, direct, after = (name for _, name in T4_GROUPS)
    suit, direct_kind = direct.split("·")
    after_kind = after.split("·")[1]
    rows: list[Row] = [
        [_head(review, colspan=5), _head(suit, colspan=10)],
        [*(_head(h, rowspan=2) for h in heads), _head(direct_kind, colspan=5), _head(after_kind, colspan=5)],
        [_head(h) for h in heads * 2],
        [b.value(t4_key(g, c)) for g in T4_GROUP_KEYS for c in T4_COLUMN_KEYS],
    ]
    return Grid("四", TITLES["四"], rows, 15)


def grids(cells: dict[str, Value], details: dict[str, CellDetail], findings: list[Finding]) -> list[Grid]:
    """Tables 二, 三 and 四 of one report, each value cell coloured by the findings that name it."""
    b = _Builder(cells, details, findings)
    return [table2(b), table3(b), table4(b)]


def positions(grid: Grid) -> list[list[tuple[int, int, GridCell]]]:
    """(row, column) of every cell once the merges are laid out, 0-based — what a workbook needs."""
    taken: set[tuple[int, int]] = set()
    out: list[list[tuple[int, int, GridCell]]] = []
    for r, row in enumerate(grid.rows):
        placed: list[tuple[int, int, GridCell]] = []
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
        out.append(placed)
    return out

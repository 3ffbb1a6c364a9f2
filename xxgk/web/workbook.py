"""The review as an XLSX workbook: the findings, the three tables coloured, and all 200 cells with sources.

A reviewer who sends a report back wants a file the reporting body opens in WPS or Excel: the same tables
they filled in, the wrong cells coloured with the finding as a comment, and a plain list to tick off.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xxgk.catalogue import cell_keys, cell_labels
from xxgk.model.report import Place, Report
from xxgk.web.grids import STATUS_ZH, Grid, positions
from xxgk.web.review import ReviewView

FILL = {
    "error": PatternFill("solid", fgColor="F8C9C4"),
    "warning": PatternFill("solid", fgColor="FCE8B2"),
    "info": PatternFill("solid", fgColor="D6E9F8"),
}
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")


def place_text(p: Place | None) -> str:
    if p is None:
        return ""
    if p.page:
        box = "" if p.bbox is None else " (" + ", ".join(f"{v:.0f}" for v in p.bbox) + ")"
        return f"第{p.page}页{box}"
    return f"第{p.line}行" if p.line else ""


def _findings_sheet(ws: Worksheet, view: ReviewView) -> None:
    ws.title = "审核意见"
    ws.append(["政府信息公开工作年度报告审核意见"])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in (
        ("文件", view.name),
        ("单位", view.agency),
        ("地区", view.region),
        ("年度", view.year or ""),
        ("格式", view.format_version),
        ("结论", view.verdict),
        ("错误/警告/提示", f"{view.counts['error']} / {view.counts['warning']} / {view.counts['info']}"),
        ("审核时间", view.checked_at),
        ("SHA-256", view.sha256),
    ):
        ws.append([label, value])
    ws.append([])
    header = ["序号", "严重程度", "规则", "问题", "说明", "位置", "涉及单元格"]
    ws.append(header)
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
        c.fill = HEAD_FILL
    for f in view.findings:
        ws.append([f.n + 1, f.severity_zh, f.rule, f.title, f.message, f.where, " ".join(f.cells)])
        ws.cell(ws.max_row, 2).fill = FILL[f.severity]
        for c in ws[ws.max_row]:
            c.alignment = LEFT
    for col, width in zip("ABCDEFG", (8, 10, 26, 22, 70, 12, 40), strict=True):
        ws.column_dimensions[col].width = width


def _grid_sheet(ws: Worksheet, grid: Grid) -> None:
    ws.title = f"表{grid.table}"
    ws.append([grid.title])
    ws["A1"].font = Font(bold=True)
    top = 2  # the grid starts on row 2
    for placed in positions(grid):
        for r, c, cell in placed:
            row, col = top + r, 1 + c
            target = ws.cell(
                row, col, cell.text if cell.key is None or cell.text == "" else _number(cell.text)
            )
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=row,
                    start_column=col,
                    end_row=row + cell.rowspan - 1,
                    end_column=col + cell.colspan - 1,
                )
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row + dr, col + dc).border = BOX
            target.alignment = LEFT if cell.label else WRAP
            if cell.header:
                target.font = Font(bold=True)
                target.fill = HEAD_FILL
            if cell.severity:
                target.fill = FILL[cell.severity]
                target.comment = Comment(cell.note, "xxgk")
    for c in range(1, grid.width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.column_dimensions["A"].width = 24 if grid.table != "四" else 12


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text  # a placeholder or a mark (?, ×, —) stays as printed


def _cells_sheet(ws: Worksheet, report: Report, view: ReviewView) -> None:
    ws.title = "单元格"
    ws.append(["键", "名称", "值", "状态", "原文", "位置", "可能的读法", "问题"])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = HEAD_FILL
    labels = cell_labels()
    rules: dict[str, list[str]] = {}
    for f in view.findings:
        for k in f.cells:
            rules.setdefault(k, []).append(f.rule)
    for key in cell_keys():
        d = report.detail(key)
        ws.append(
            [
                key,
                labels.get(key, ""),
                report.cells.get(key),
                STATUS_ZH.get(d.status, d.status),
                d.raw,
                place_text(d.place),
                "、".join("空" if a is None else str(a) for a in d.alternatives),
                " ".join(dict.fromkeys(rules.get(key, []))),
            ]
        )
    for col, width in zip("ABCDEFGH", (34, 40, 10, 14, 12, 16, 14, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def review_xlsx(report: Report, view: ReviewView) -> bytes:
    """The workbook's bytes: 审核意见, 表二, 表三, 表四, 单元格."""
    wb = Workbook()
    _findings_sheet(wb.active, view)
    for grid in view.grids:
        _grid_sheet(wb.create_sheet(), grid)
    _cells_sheet(wb.create_sheet(), report, view)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()

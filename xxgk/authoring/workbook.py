"""``xxgk new``: the fill-in workbook a clerk completes, in the official layout of the 2021 format.

One sheet per table, drawn as the format prints it (merged headers included) so the clerk fills in the
form that will be published; the totals are live formulas (shaded, on protected sheets — the protection
has no password, it only keeps a slip of the hand off them); every input cell refuses anything but a
non-negative whole number (the fee amounts: a non-negative number). Table 三 gets a 勾稽关系 check row
that turns red while the balance fails. 基本信息 holds the agency, the year and the 信息处理费; 正文 the
six standard titles with a text cell each. With last year's report the 上年结转 row and the 现行有效件数
are prefilled (see ``prefill.py``), shaded yellow with a comment saying where they came from.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from xxgk.authoring.draft import FEE_KEY
from xxgk.authoring.formula import cells_of_range, formula_for
from xxgk.authoring.layout import (
    INFO,
    INFO_ROWS,
    SHEETS,
    T3,
    TEXT_FIRST_ROW,
    Label,
    SheetLayout,
    table_layouts,
    text_sheet,
)
from xxgk.authoring.prefill import Prefill
from xxgk.authoring.relations import BALANCE, TOTALS
from xxgk.catalogue import FORMAT_NAME, SECTION_TITLES

FONT = "宋体"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FORMULA_FILL = PatternFill("solid", fgColor="E7E6E6")  # grey: computed, do not type here
PREFILL_FILL = PatternFill("solid", fgColor="FFF2CC")  # yellow: carried from last year, check it
RED_FILL = PatternFill("solid", fgColor="FFC7CE")
UNLOCKED = Protection(locked=False)
T3_CHECK_ROW = 31  # under the 25 rows (5–29) and a blank one


def _validation(kind: str) -> DataValidation:
    """Excel/WPS/LibreOffice refuse a negative or fractional count as it is typed."""
    if kind == "whole":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "请填写0或正整数（件数）。没有的填0。"
    else:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "请填写0或正数（金额）。没有的填0。"
    dv.errorTitle, dv.showErrorMessage = "数值无效", True
    return dv


def _style(ws: Worksheet, ref: str, *, bold: bool = False, left: bool = False, size: int = 10) -> None:
    """Border, font and alignment on every cell of a range (a merged range shows the edges of each)."""
    for coord in cells_of_range(ref):
        cell = ws[coord]
        cell.border = BORDER
        cell.font = Font(name=FONT, size=size, bold=bold)
        cell.alignment = Alignment(horizontal="left" if left else "center", vertical="center", wrap_text=True)


def _fit_rows(ws: Worksheet, layout: SheetLayout) -> None:
    """Rows tall enough for their wrapped labels: openpyxl leaves heights to the program, which may not."""
    for label in layout.labels:
        c0, r0, c1, r1 = range_boundaries(label.ref)
        if label.kind == "title" or r0 != r1:
            continue
        width = sum(layout.widths.get(get_column_letter(c), 9) for c in range(c0, c1 + 1))
        lines = math.ceil(len(label.text) * 1.8 / width)  # a CJK character is about 1.8 width units
        if lines > 1:
            ws.row_dimensions[r0].height = max(ws.row_dimensions[r0].height or 0, 14.0 * lines)


def _labels(ws: Worksheet, labels: Iterable[Label]) -> None:
    for label in labels:
        ws[label.anchor] = label.text
        if ":" in label.ref:
            ws.merge_cells(label.ref)
        if label.kind == "title":
            ws[label.anchor].font = Font(name=FONT, size=12, bold=True)
            ws[label.anchor].alignment = Alignment(horizontal="left", vertical="center")
        else:
            _style(ws, label.ref, bold=label.kind == "head", left=label.kind == "label")


def _sheet(wb: Workbook, layout: SheetLayout) -> Worksheet:
    ws = wb.create_sheet(layout.name)
    for letter, width in layout.widths.items():
        ws.column_dimensions[letter].width = width
    _labels(ws, layout.labels)
    _fit_rows(ws, layout)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # print each table on as few pages as its width allows
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.protection.sheet = True  # no password: it guards the formulas and labels against slips only
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths and heights stay adjustable
    return ws


def _table_sheet(
    wb: Workbook, layout: SheetLayout, prefill: Prefill | None, zeros: bool
) -> tuple[Worksheet, int]:
    """A table sheet: labels, then each cell as a formula (totals), a prefill or an empty input."""
    ws = _sheet(wb, layout)
    counts, amounts = _validation("whole"), _validation("decimal")
    ws.add_data_validation(counts)
    ws.add_data_validation(amounts)
    for merged in layout.merged_values:
        ws.merge_cells(merged)
        _style(ws, merged)
    carried = prefill.carried_over if prefill else {}
    in_force = prefill.in_force if prefill else {}
    source = prefill.source if prefill else ""
    inputs = 0
    for key, coord in layout.cells.items():
        cell = ws[coord]
        _style(ws, coord)
        if key in TOTALS:
            cell.value = formula_for(TOTALS[key], layout.cells)
            cell.fill = FORMULA_FILL
            continue
        inputs += 1
        cell.protection = UNLOCKED
        cell.number_format = "0.00##" if key == FEE_KEY else "0"
        (amounts if key == FEE_KEY else counts).add(coord)
        if carried.get(key) is not None:
            cell.value = carried[key]
            cell.fill = PREFILL_FILL
            cell.comment = Comment(f"按上年报告预填：上年“结转下年度继续办理”。来源：{source}", "xxgk")
        elif in_force.get(key) is not None:
            row = key.rsplit(".", 1)[0]
            terms = ((1, f"{row}.made"), (-1, f"{row}.repealed"))
            cell.value = formula_for(terms, layout.cells, constant=in_force[key] or 0)
            cell.fill = PREFILL_FILL
            cell.comment = Comment(
                f"上年现行有效件数{in_force[key]}＋本年制发－本年废止（按上年报告预填）。来源：{source}",
                "xxgk",
            )
        elif zeros:
            cell.value = 0
    return ws, inputs


def _balance_row(ws: Worksheet, layout: SheetLayout) -> None:
    """Table 三's 勾稽关系 under the table, per column: 0 when it holds, red otherwise."""
    r = T3_CHECK_ROW
    ws[f"A{r}"] = "勾稽关系核对：第一项＋第二项－（七）总计－第四项，应为0"
    ws.merge_cells(f"A{r}:C{r}")
    _style(ws, f"A{r}:C{r}", left=True)
    for i, terms in enumerate(BALANCE.values()):
        coord = f"{chr(ord('D') + i)}{r}"
        ws[coord] = formula_for(terms, layout.cells)
        _style(ws, coord)
        ws[coord].fill = FORMULA_FILL
    ws.conditional_formatting.add(f"D{r}:J{r}", CellIsRule(operator="notEqual", formula=["0"], fill=RED_FILL))


def _info_sheet(wb: Workbook, agency: str, year: int, prefill: Prefill | None) -> None:
    layout = SheetLayout(INFO, widths={"A": 20, "B": 40, "C": 60})
    layout.labels.append(Label("A1:C1", "政府信息公开工作年度报告（基本信息）", "title"))
    layout.labels += [Label(f"A{row}", text, "label") for row, text in INFO_ROWS.values()]
    ws = _sheet(wb, layout)
    values = {"agency": agency, "year": year, "processing_fee": 0}
    notes = {
        "agency": "标题中的机关全称，如：隆德县联财镇人民政府",
        "year": "报告所统计的年度（统计期限为该年1月1日至12月31日）",
        "processing_fee": "本年度收取的信息处理费，单位：元；未收取的填0（国办函〔2020〕109号）",
    }
    for field, (row, _) in INFO_ROWS.items():
        cell = ws[f"B{row}"]
        cell.value = values[field]
        _style(ws, f"B{row}", left=True)
        cell.protection = UNLOCKED
        ws[f"C{row}"] = notes[field]
        ws[f"C{row}"].font = Font(name=FONT, size=9, color="666666")
    year_dv = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100")
    year_dv.error, year_dv.errorTitle, year_dv.showErrorMessage = "请填写四位年份。", "年份无效", True
    fee_dv = _validation("decimal")
    ws.add_data_validation(year_dv)
    ws.add_data_validation(fee_dv)
    year_dv.add(f"B{INFO_ROWS['year'][0]}")
    fee_dv.add(f"B{INFO_ROWS['processing_fee'][0]}")
    help_lines = [
        f"按《中华人民共和国政府信息公开工作年度报告格式》（{FORMAT_NAME}）填写表二、表三、表四和正文。",
        "白色单元格填写数字（件数为0或正整数，没有的填0，不要留空或填“/”“无”）；灰色单元格为公式，自动计算。",
        "黄色单元格已按上年报告预填，请核对。表三下方的勾稽关系核对行应全部为0。",
        "填好后运行：xxgk render 本文件.xlsx --to docx（或 pdf、html、md）。",
    ]
    if prefill is not None:
        help_lines.append(f"上年报告：{prefill.source}")
    for i, line in enumerate(help_lines, start=6):
        ws[f"A{i}"] = line
        ws[f"A{i}"].font = Font(name=FONT, size=10)


def _text_sheet(wb: Workbook) -> None:
    ws = _sheet(wb, text_sheet())
    for i in range(len(SECTION_TITLES)):
        coord = f"C{TEXT_FIRST_ROW + i}"
        _style(ws, coord, left=True)
        ws[coord].alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        ws[coord].protection = UNLOCKED
        ws.row_dimensions[TEXT_FIRST_ROW + i].height = 120
    note = TEXT_FIRST_ROW + len(SECTION_TITLES) + 1
    ws[f"A{note}"] = (
        "不填的部分按表格数据生成简要说明；第六部分未写信息处理费时，按基本信息表所填金额补写一句。"
        "单元格内换行（Alt+Enter）即分段。"
    )
    ws[f"A{note}"].font = Font(name=FONT, size=9, color="666666")


def new_workbook(agency: str, year: int, *, previous: Prefill | None = None, zeros: bool = False) -> bytes:
    """The fill-in workbook (.xlsx bytes) for ``agency``'s report on ``year``.

    ``previous``: last year's figures to prefill; ``zeros``: write 0 in every other input cell (most
    rows of a township's tables are zero) instead of leaving it empty for the clerk.
    """
    wb = Workbook()
    wb.remove(wb.active)
    _info_sheet(wb, agency, year, previous)
    for name, layout in table_layouts().items():
        ws, _ = _table_sheet(wb, layout, previous, zeros)
        if name == T3:
            _balance_row(ws, layout)
            ws.freeze_panes = "D5"
        else:
            ws.page_setup.orientation = "landscape"
    _text_sheet(wb)
    assert tuple(wb.sheetnames) == SHEETS
    wb.properties.title = f"{agency}{year}年政府信息公开工作年度报告"
    wb.properties.creator = "xxgk"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

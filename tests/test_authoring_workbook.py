"""The fill-in workbook of ``xxgk new``: the official layout, live totals that give the right figures,
validated inputs, last year's figures prefilled — and one-line errors for what people do to workbooks."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from authoring_fixtures import fill, filled_workbook, is_input
from hypothesis import HealthCheck, given, settings
from strategies import valid_cells

import xxgk
from xxgk.authoring import load, load_bytes, new_workbook, prefill_from, render_bytes
from xxgk.authoring.formula import FormulaError, evaluate, formula_for
from xxgk.authoring.layout import INFO, SHEETS, T2, T3, T4, TEXT, table_layouts, where
from xxgk.authoring.relations import BALANCE, TOTALS
from xxgk.authoring.workbook import FORMULA_FILL, PREFILL_FILL, T3_CHECK_ROW
from xxgk.catalogue import SECTION_TITLES, T3_APPLICANT_COLUMNS, cell_keys, t3_key
from xxgk.errors import ReadError
from xxgk.render.text import random_valid_cells

ROOT = Path(__file__).resolve().parent.parent
SEED_REPORT = ROOT / "examples" / "000_cc5777ecc468ec6c.txt"
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sample(seed: int = 3, busy: float = 0.7) -> dict[str, int | float]:
    return dict(random_valid_cells(random.Random(seed), busy=busy))


def formulas_of(book: bytes) -> dict[str, str]:
    """Every cell key whose cell holds a formula → the formula."""
    wb = openpyxl.load_workbook(io.BytesIO(book))
    out = {}
    for name, layout in table_layouts().items():
        for key, coord in layout.cells.items():
            value = wb[name][coord].value
            if isinstance(value, str) and value.startswith("="):
                out[key] = value
    return out


def evaluate_sheet(book: bytes, sheet: str, coord: str) -> int | float:
    """A cell's value by the tiny evaluator, following formulas into other formulas."""
    ws = openpyxl.load_workbook(io.BytesIO(book))[sheet]

    def value(ref: str) -> int | float | None:
        raw = ws[ref].value
        return evaluate(raw, value) if isinstance(raw, str) and raw.startswith("=") else raw

    result = value(coord)
    assert result is not None
    return result


def read_error(book: bytes) -> str:
    with pytest.raises(ReadError) as exc:
        load_bytes(book, "2024.xlsx")
    message = str(exc.value)
    assert "\n" not in message and message.startswith("2024.xlsx: ")
    return message


# ------------------------------------------------------------------------------------------- the form


def test_the_workbook_has_the_five_sheets_and_the_official_merged_headers() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(new_workbook("某某县人民政府", 2025)))
    assert tuple(wb.sheetnames) == SHEETS
    merged = {name: {str(r) for r in wb[name].merged_cells.ranges} for name in (T2, T3, T4)}
    # table 三: the 勾稽关系 note over 3×3, 申请人情况 over seven columns, 法人或其他组织 over five,
    # 三、本年度办理结果 down its 22 rows, and the four outcome groups down theirs
    assert {
        "A2:C4",
        "D2:J2",
        "E3:I3",
        "D3:D4",
        "J3:J4",
        "A7:A28",
        "B9:B16",
        "B17:B19",
        "B20:B24",
        "B25:B27",
    } <= merged[T3]
    assert {"A2:E2", "F2:O2", "F3:J3", "K3:O3", "A3:A4", "E3:E4"} <= merged[T4]
    assert {"A2:D2", "A6:D6", "B7:D7", "B8:D8", "A13:D13", "B15:D15"} <= merged[T2]
    assert wb[T3]["A2"].value.startswith("（本列数据的勾稽关系为")
    assert [wb[TEXT][f"B{3 + i}"].value for i in range(6)] == list(SECTION_TITLES)
    assert (
        wb[INFO]["B2"].value == "某某县人民政府"
        and wb[INFO]["B3"].value == 2025
        and wb[INFO]["B4"].value == 0
    )


def test_totals_are_shaded_protected_formulas_and_inputs_are_open_and_validated() -> None:
    book = new_workbook("某某县人民政府", 2025)
    wb = openpyxl.load_workbook(io.BytesIO(book))
    assert formulas_of(book).keys() == TOTALS.keys()
    for name, layout in table_layouts().items():
        ws = wb[name]
        assert ws.protection.sheet
        validated = {str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
        whole = next(dv for dv in ws.data_validations.dataValidation if dv.type == "whole")
        assert whole.operator == "greaterThanOrEqual" and whole.formula1 == "0" and whole.showErrorMessage
        for key, coord in layout.cells.items():
            cell = ws[coord]
            if key in TOTALS:
                assert cell.protection.locked and cell.fill.fgColor.rgb.endswith(
                    FORMULA_FILL.fgColor.rgb[-6:]
                )
            else:
                assert not cell.protection.locked and cell.value is None, key
                assert coord in validated, key
    fee = next(dv for dv in wb[T2].data_validations.dataValidation if dv.type == "decimal")
    assert str(fee.sqref) == table_layouts()[T2].cells["t2.fees.amount"] and fee.formula1 == "0"


@SETTINGS
@given(valid_cells())
def test_the_formulas_give_the_totals(cells: dict[str, int | float]) -> None:
    """Only the inputs are typed; the tiny evaluator (xxgk/authoring/formula.py) computes every formula."""
    book = filled_workbook(cells)
    layouts = table_layouts()
    for key in TOTALS:
        sheet, coord = where(key).split("!")
        assert evaluate_sheet(book, sheet, coord) == cells[key], key
    for i, _ in enumerate(BALANCE):
        assert evaluate_sheet(book, T3, f"{'DEFGHIJ'[i]}{T3_CHECK_ROW}") == 0
    assert load_bytes(book, "x.xlsx").data.cells == cells
    assert set(layouts[T3].cells) | set(layouts[T2].cells) | set(layouts[T4].cells) == set(cell_keys())


def test_the_balance_check_row_shows_the_difference_when_the_balance_fails() -> None:
    cells = sample()
    cells[t3_key("new", "natural_person")] += 2
    book = filled_workbook(cells)
    assert evaluate_sheet(book, T3, f"D{T3_CHECK_ROW}") == 2
    assert evaluate_sheet(book, T3, f"J{T3_CHECK_ROW}") == 2
    assert evaluate_sheet(book, T3, f"E{T3_CHECK_ROW}") == 0


def _soffice_with_calc() -> str | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    program = Path(exe).resolve().parent
    return exe if any(program.glob("libsclo.so")) or any(program.glob("libsc*.dylib")) else None


@pytest.mark.slow
def test_libreoffice_recalculates_the_same_totals(tmp_path: Path) -> None:
    """Real spreadsheet software agrees: LibreOffice Calc recalculates the form and caches the totals."""
    exe = _soffice_with_calc()
    if exe is None:
        pytest.skip("LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)")
    cells = sample(5)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.xlsx").write_bytes(filled_workbook(cells))
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    cmd = [
        exe,
        profile,
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(tmp_path / "out"),
    ]
    subprocess.run([*cmd, str(tmp_path / "in" / "r.xlsx")], check=True, capture_output=True, timeout=180)
    recalculated = (tmp_path / "out" / "r.xlsx").read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(recalculated), data_only=True)
    for key in TOTALS:
        sheet, coord = where(key).split("!")
        assert wb[sheet][coord].value == cells[key], key
    assert [wb[T3][f"{c}{T3_CHECK_ROW}"].value for c in "DEFGHIJ"] == [0] * 7
    # read back: the cached results and xxgk's own evaluation agree, and so do the figures
    assert load_bytes(recalculated, "r.xlsx").data.cells == cells


# ------------------------------------------------------------------------------------------- the formulas


def test_formula_for_writes_sums_over_runs_and_signed_terms() -> None:
    coords = {"a": "D5", "b": "E5", "c": "F5", "x": "D28", "y": "B4"}
    assert formula_for([(1, "a"), (1, "b"), (1, "c")], coords) == "=SUM(D5:F5)"
    assert formula_for([(1, "a"), (1, "c")], coords) == "=D5+F5"
    assert formula_for([(1, "a"), (-1, "x")], coords) == "=D5-D28"
    assert formula_for([(1, "y"), (-1, "x")], coords, constant=12) == "=12+B4-D28"


def test_the_evaluator_reads_what_it_writes_and_refuses_the_rest() -> None:
    cells = {"D5": 3, "E5": 4, "F5": None, "D6": 2}
    assert evaluate("=SUM(D5:F5)", cells.get) == 7
    assert evaluate("=$D$5+D6-E5", cells.get) == 1
    assert evaluate("=12+SUM(D5,E5:F5)-(D6+1)", cells.get) == 16
    assert evaluate("=-D5+2.5", cells.get) == -0.5
    for bad in ("=D5*2", "=ROUND(D5,0)", "=D5+", "=Sheet2!D5", "=SUM(D5"):
        with pytest.raises(FormulaError):
            evaluate(bad, cells.get)


# ------------------------------------------------------------------------------------------- reading back


def test_sections_and_the_fee_come_back_and_the_fee_is_always_stated(tmp_path: Path) -> None:
    book = fill(
        filled_workbook(sample(), year=2025),
        sample(),
        sections={1: "第一段。\n\n第二段。", 6: "本年度无其他需要报告的事项。"},
        edits={(INFO, "B4"): 120},
    )
    draft = load_bytes(book, "2025.xlsx")
    assert draft.data.year == 2025 and draft.data.processing_fee == 120
    assert draft.data.sections == {
        1: "第一段。\n第二段。",
        6: "本年度无其他需要报告的事项。\n本年度按照规定共收取信息处理费120元。",
    }
    assert draft.places["t3.new.total"] == "表三!J5" and draft.place("t4.review.upheld") == "表四!A5"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            (T3, "D5", "十二"),
            "2024.xlsx: 表三!D5: text '十二' where a number is expected (一、本年新收政府信息公开申请数量 | 自然人)",
        ),
        ((T3, "D5", "/"), "表三!D5: text '/' where a number is expected"),
        ((T3, "E7", -3), "表三!E7: negative number -3"),
        ((T3, "E7", "-3"), "表三!E7: negative number -3"),
        ((T4, "B5", 2.5), "表四!B5: 2.5 is not a whole number"),
        ((T2, "B15", -0.5), "表二!B15: negative number -0.5"),
        ((T2, "B4", True), "表二!B4: TRUE where a number is expected"),
        ((INFO, "B2", None), "基本信息!B2: the agency name (机关名称) is empty"),
        ((INFO, "B3", "明年"), "基本信息!B3: text '明年' where a number is expected"),
        ((INFO, "B4", None), "基本信息!B4: the 信息处理费 is empty; enter 0 when none was charged"),
        ((T3, "C9", "1.属于商业秘密"), "表三!C9: expected '1.属于国家秘密', found '1.属于商业秘密'"),
        ((T3, "J5", "=D5*2"), "表三!J5: formula =D5*2 is beyond what xxgk evaluates"),
        ((T3, "J5", "=J5+1"), "表三!J5: formula =J5+1 refers back to itself"),
    ],
    ids=[
        "text",
        "placeholder",
        "negative",
        "negative-as-text",
        "fraction",
        "negative-amount",
        "boolean",
        "no-agency",
        "year-as-text",
        "no-fee",
        "moved-row",
        "unknown-formula",
        "circular-formula",
    ],
)
def test_a_bad_cell_is_one_line_naming_the_sheet_and_cell(
    edit: tuple[str, str, object], expected: str
) -> None:
    sheet, coord, value = edit
    book = filled_workbook(sample(), edits={(sheet, coord): value})
    assert expected in read_error(book)


def test_a_missing_sheet_is_one_line_naming_it() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(filled_workbook(sample())))
    del wb[T4]
    out = io.BytesIO()
    wb.save(out)
    assert read_error(out.getvalue()) == (
        "2024.xlsx: no sheet '表四' (the workbook has: 基本信息、表二、表三、正文); `xxgk new` writes the form"
    )


def test_a_damaged_or_foreign_workbook_is_one_line() -> None:
    good = filled_workbook(sample())
    assert "not a readable .xlsx workbook" in read_error(good[: len(good) // 2])
    wb = openpyxl.Workbook()
    out = io.BytesIO()
    wb.save(out)
    assert "no sheet '基本信息'" in read_error(out.getvalue())


def test_a_cached_result_that_disagrees_with_the_formula_is_refused(tmp_path: Path) -> None:
    """A file saved by a program that did not recalculate: its shown total is not what the inputs give."""
    book = filled_workbook(sample())
    stale = _with_cached_value(book, T3, "J5", 99999)
    assert "表三!J5: formula =SUM(D5:I5) gives" in read_error(stale)
    assert "but the file shows 99999" in read_error(stale)


def _with_cached_value(book: bytes, sheet: str, coord: str, value: int) -> bytes:
    """The workbook with ``<v>value</v>`` cached beside one formula, as Excel would have saved it."""
    import re
    import zipfile

    index = SHEETS.index(sheet) + 1
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{index}.xml":
                text = data.decode()
                text, n = re.subn(
                    rf'(<c r="{coord}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", text
                )
                assert n == 1
                data = text.encode()
            dst.writestr(item, data)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- prefill


def test_new_prefills_from_a_real_seed_report(tmp_path: Path) -> None:
    """examples/000 (2024): its 结转下年度 become 2025's 上年结转, its 现行有效件数 the base of the formula."""
    previous = xxgk.parse(SEED_REPORT)
    prefill = prefill_from(
        previous.cells, source=str(SEED_REPORT), year=previous.year, agency=previous.agency.name
    )
    assert prefill.agency == "隆德县联财镇人民政府" and prefill.year == 2024 and prefill.missing == []
    book = new_workbook("隆德县联财镇人民政府", 2025, previous=prefill)
    wb = openpyxl.load_workbook(io.BytesIO(book))
    t3, t2 = table_layouts()[T3], table_layouts()[T2]
    for col in T3_APPLICANT_COLUMNS:
        cell = wb[T3][t3.cells[t3_key("carried_over", col)]]
        assert cell.value == previous.cells[t3_key("carried_forward", col)]
        assert cell.fill.fgColor.rgb.endswith(PREFILL_FILL.fgColor.rgb[-6:]) and not cell.protection.locked
    for row in ("regulations", "normative"):
        made, repealed, in_force = (t2.cells[f"t2.{row}.{c}"] for c in ("made", "repealed", "in_force"))
        base = previous.cells[f"t2.{row}.in_force"]
        assert wb[T2][in_force].value == formula_for([(1, "m"), (-1, "r")], {"m": made, "r": repealed}, base)
    # filled in with 3 made and 1 repealed this year, the formula gives last year's + 3 − 1
    cells = sample(9)
    cells.update(
        {f"t2.{r}.{c}": v for r in ("regulations", "normative") for c, v in (("made", 3), ("repealed", 1))}
    )
    skip = frozenset(
        {
            "t2.regulations.in_force",
            "t2.normative.in_force",
            *(t3_key("carried_over", c) for c in T3_APPLICANT_COLUMNS),
        }
    )
    draft = load_bytes(fill(book, cells, skip=skip), "2025.xlsx")
    for row in ("regulations", "normative"):
        assert draft.data.cells[f"t2.{row}.in_force"] == (previous.cells[f"t2.{row}.in_force"] or 0) + 3 - 1
    this = xxgk.parse(render_bytes(draft.data, "md"), name="2025.md")
    assert not [f for f in xxgk.check(this, previous) if f.rule.startswith("history.")]


def test_new_cli_prefills_from_the_seed_report_and_last_years_own_workbook(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xxgk.cli.app import app

    runner = CliRunner()
    first = tmp_path / "2025.xlsx"
    result = runner.invoke(app, ["new", "--previous", str(SEED_REPORT), "--out", str(first)])
    assert result.exit_code == 0, result.output
    assert "隆德县联财镇人民政府 2025年" in result.output and "预填 8 个单元格" in result.output
    # a year on, the clerk's own filled workbook is last year's report
    cells = sample(4)
    (tmp_path / "filled.xlsx").write_bytes(fill(first.read_bytes(), cells))
    second = tmp_path / "2026.xlsx"
    result = runner.invoke(app, ["new", "--previous", str(tmp_path / "filled.xlsx"), "--out", str(second)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(second)
    assert wb[INFO]["B3"].value == 2026
    assert wb[T3]["D6"].value == cells[t3_key("carried_forward", "natural_person")]
    assert load(second).data.agency == "隆德县联财镇人民政府"
    # and it does not overwrite a workbook without --force
    result = runner.invoke(app, ["new", "--previous", str(SEED_REPORT), "--out", str(second)])
    assert result.exit_code == 2 and "exists; give --force" in result.output
    result = runner.invoke(app, ["new", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "--agency and --year are needed" in result.output


def test_a_null_in_last_years_report_stays_blank_never_zero() -> None:
    cells: dict[str, int | float | None] = dict(sample())
    cells[t3_key("carried_forward", "research")] = None
    prefill = prefill_from(cells, source="2024.pdf", year=2024, agency="某某县人民政府")
    assert prefill.missing == [t3_key("carried_over", "research")]
    wb = openpyxl.load_workbook(io.BytesIO(new_workbook("某某县人民政府", 2025, previous=prefill)))
    assert wb[T3][table_layouts()[T3].cells[t3_key("carried_over", "research")]].value is None


def test_zeros_fills_every_input_and_nothing_else() -> None:
    book = new_workbook("某某县人民政府", 2025, zeros=True)
    draft = load_bytes(book, "z.xlsx")
    assert set(draft.data.cells.values()) == {0}
    assert formulas_of(book).keys() == TOTALS.keys()
    assert all(is_input(k) for k in cell_keys() if k not in TOTALS)

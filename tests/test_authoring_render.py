"""``xxgk render``: what it writes reads back to the same 200 cells, in the official layout, and it refuses
data the checker rejects — from the workbook, YAML, the interchange JSON or any report xxgk reads."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml
from authoring_fixtures import filled_workbook
from hypothesis import HealthCheck, given, settings
from PIL import Image
from strategies import report_data
from typer.testing import CliRunner

import xxgk
from xxgk.authoring import RenderError, load, load_bytes, render_bytes, render_draft, review
from xxgk.authoring.layout import T3
from xxgk.catalogue import SECTION_TITLES, t3_key
from xxgk.cli.app import app
from xxgk.errors import ReadError
from xxgk.extract.meta import states_fee
from xxgk.render.pdf import cjk_font
from xxgk.render.text import ReportData, random_valid_cells

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
COMPLETE_SEED = EXAMPLES / "002_c6746dbda78f73e9.txt"  # a seed report with all 200 cells printed
PARTIAL_SEED = EXAMPLES / "001_0f20368df47a56ca.txt"  # one whose tables leave cells blank
runner = CliRunner()
needs_font = pytest.mark.skipif(cjk_font() is None, reason="no CJK font: apt-get install fonts-wqy-microhei")


def sample(seed: int = 3, busy: float = 0.7) -> dict[str, int | float | None]:
    return dict(random_valid_cells(random.Random(seed), busy=busy))


def read_back(blob: bytes, fmt: str) -> xxgk.Report:
    return xxgk.parse_bytes(blob, f"r.{fmt}")


def assert_official(report: xxgk.Report, data: ReportData) -> None:
    """The six standard titles in order, the statistical period, the fee statement; nothing to report."""
    assert [(s.index, s.title, s.standard) for s in report.sections] == [
        (i, t, True) for i, t in enumerate(SECTION_TITLES, start=1)
    ]
    assert report.period == (f"{data.year}-01-01", f"{data.year}-12-31")
    six = report.section(6)
    assert six is not None and states_fee(six.text)
    assert report.agency.name == data.agency and report.year == data.year


# ------------------------------------------------------------------------------------------- round trips

CHAIN = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHAIN
@given(report_data())
def test_workbook_to_md_html_docx_reads_back_the_same_200_cells(data: ReportData) -> None:
    """Typed into the form, rendered, read back by xxgk.parse: the very cells, totals from the formulas."""
    book = filled_workbook(data.cells, agency=data.agency, year=data.year, sections=data.sections)
    draft = load_bytes(book, "r.xlsx")
    assert draft.data.cells == data.cells
    assert review(draft.data) == []
    for fmt in ("md", "html", "docx"):
        report = read_back(render_bytes(draft.data, fmt), fmt)
        assert report.cells == data.cells, fmt
        assert_official(report, draft.data)
        assert xxgk.check(report) == [], fmt


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_data(blanks=True))
def test_rendered_md_html_docx_keep_blanks_blank(data: ReportData) -> None:
    for fmt in ("md", "html", "docx"):
        report = read_back(render_bytes(data, fmt), fmt)
        assert report.cells == data.cells, fmt


@needs_font
@pytest.mark.parametrize(("seed", "busy"), [(1, 0.2), (2, 0.7), (3, 1.0)])
def test_rendered_pdf_reads_back_the_same_200_cells(seed: int, busy: float) -> None:
    cells = sample(seed, busy)
    draft = load_bytes(
        filled_workbook(cells, sections={5: "本年度工作存在不足。\n下一步将加强培训。"}), "r.xlsx"
    )
    report = read_back(render_bytes(draft.data, "pdf"), "pdf")
    assert report.source.kind == "pdf"
    assert report.cells == cells
    assert_official(report, draft.data)
    assert xxgk.check(report) == []


# ------------------------------------------------------------------------------------------- refusing


def test_render_refuses_a_workbook_whose_arithmetic_fails_naming_the_cells(tmp_path: Path) -> None:
    cells = sample()
    wrong = int(cells[t3_key("new", "total")] or 0) + 1
    (tmp_path / "2024.xlsx").write_bytes(filled_workbook(cells, edits={(T3, "J5"): wrong}))
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(tmp_path / "2024.xlsx"), "--to", "docx", "--out", str(out)])
    assert result.exit_code == 1
    # the overwritten total breaks its row's sum and the balance of the 总计 column: both name 表三!J5
    assert "arith.t3_row_total" in result.output and "arith.t3_balance" in result.output
    assert f"但总计填{wrong}" in result.output
    assert "[表三!D5、表三!E5、表三!F5、表三!G5、表三!H5、表三!I5、表三!J5]" in result.output
    assert "[表三!J5、表三!J6、表三!J28、表三!J29]" in result.output
    assert "未生成报告：有2个错误级问题" in result.output
    assert not out.exists()
    forced = runner.invoke(
        app,
        ["render", str(tmp_path / "2024.xlsx"), "--to", "docx", "--to", "md", "--out", str(out), "--force"],
    )
    assert forced.exit_code == 0, forced.output
    assert "arith.t3_row_total" in forced.output
    assert sorted(p.name for p in out.iterdir()) == ["2024.docx", "2024.md"]  # and no temp file left
    assert read_back((out / "2024.docx").read_bytes(), "docx").cells[t3_key("new", "total")] == wrong


def test_render_refuses_a_blank_cell_naming_its_place() -> None:
    cells = sample()
    draft = load_bytes(filled_workbook(cells, skip=frozenset({t3_key("granted", "research")})), "r.xlsx")
    result = render_draft(draft, ["md"], Path("/nonexistent"))
    assert result.refused and result.written == []
    (blank,) = [f for f in result.findings if f.severity == "error"]
    assert blank.rule == "cell.blank" and blank.cells == [t3_key("granted", "research")]
    assert draft.place(blank.cells[0]) == "表三!F7"


def test_warnings_do_not_stop_the_render_and_are_listed(tmp_path: Path) -> None:
    book = filled_workbook(sample(), sections={1: "本年共收到政府信息公开申请999999件。"})
    (tmp_path / "w.xlsx").write_bytes(book)
    result = runner.invoke(app, ["render", str(tmp_path / "w.xlsx"), "--to", "html"])
    assert result.exit_code == 0, result.output
    assert "text.applications_mismatch" in result.output and (tmp_path / "w.html").is_file()


# ------------------------------------------------------------------------------------------- other inputs


def test_yaml_with_only_the_counts_computes_its_totals_and_renders(tmp_path: Path) -> None:
    cells = sample(6)
    counts = {k: v for k, v in cells.items() if not k.endswith(".total")}
    doc = {
        "agency": "某某县人民政府",
        "year": 2025,
        "processing_fee": 0,
        "cells": counts,
        "sections": {"五": "无。"},
    }
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    draft = load(tmp_path / "r.yaml")
    assert draft.data.cells == cells and draft.data.sections == {5: "无。"}
    result = runner.invoke(app, ["render", str(tmp_path / "r.yaml"), "--to", "md"])
    assert result.exit_code == 0, result.output
    assert read_back((tmp_path / "r.md").read_bytes(), "md").cells == cells


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"year": 2025}, "r.yaml: agency: the agency's name is missing"),
        ({"agency": "某县", "year": "去年"}, "r.yaml: year: expected a year such as 2025, found '去年'"),
        (
            {"agency": "某县", "year": 2025, "cells": {"t3.new.nobody": 1}},
            "cells: unknown cell key 't3.new.nobody'",
        ),
        (
            {"agency": "某县", "year": 2025, "cells": {"t3.new.natural_person": -1}},
            "cells.t3.new.natural_person: negative number -1",
        ),
        (
            {"agency": "某县", "year": 2025, "cells": {"t4.review.upheld": "两件"}},
            "cells.t4.review.upheld: text '两件' where a number",
        ),
        ({"agency": "某县", "year": 2025, "sections": {7: "x"}}, "sections: unknown section 7 (use 1–6)"),
        ([1, 2], "expected a mapping with agency, year and cells, found list"),
    ],
)
def test_bad_yaml_is_one_line(tmp_path: Path, doc: object, expected: str) -> None:
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        load(tmp_path / "r.yaml")
    assert expected in str(exc.value) and "\n" not in str(exc.value)


def test_broken_yaml_and_json_say_where(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("agency: 某县\nyear: [2025\n", encoding="utf-8")
    (tmp_path / "r.json").write_text('{"report": {"agency": ', encoding="utf-8")
    result = runner.invoke(app, ["render", str(tmp_path / "r.yaml"), "--to", "md"])
    assert result.exit_code == 2 and "r.yaml: not valid YAML" in result.output and "line 3" in result.output
    result = runner.invoke(app, ["render", str(tmp_path / "r.json"), "--to", "md"])
    assert result.exit_code == 2 and "r.json: not valid JSON (Expecting value at line 1)" in result.output


def test_the_interchange_json_of_a_seed_report_is_reissued_in_the_official_layout(tmp_path: Path) -> None:
    parsed = runner.invoke(app, ["parse", "--json", str(COMPLETE_SEED)])
    assert parsed.exit_code == 0
    (tmp_path / "r.json").write_text(parsed.output, encoding="utf-8")
    original = json.loads(parsed.output)["report"]
    result = runner.invoke(app, ["render", str(tmp_path / "r.json"), "--to", "docx", "--to", "html"])
    assert result.exit_code == 0, result.output
    for fmt in ("docx", "html"):
        report = read_back((tmp_path / f"r.{fmt}").read_bytes(), fmt)
        assert report.cells == original["cells"]
        assert [s.index for s in report.sections] == [1, 2, 3, 4, 5, 6] and all(
            s.standard for s in report.sections
        )
        assert report.agency.name == original["agency"]["name"] and report.year == original["year"]
    draft = load(tmp_path / "r.json")
    # the prose is the report's own, without its tables' text; section 六 keeps its own fee statement
    assert "第二十条" not in draft.data.sections.get(2, "") and "申请人情况" not in draft.data.sections.get(
        3, ""
    )
    assert states_fee(draft.data.sections[6])


def test_a_report_with_blank_cells_is_not_reissued_without_force(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", str(PARTIAL_SEED), "--to", "md", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "cell.blank" in result.output
    assert list(tmp_path.iterdir()) == []
    forced = runner.invoke(
        app, ["render", str(PARTIAL_SEED), "--to", "md", "--out", str(tmp_path), "--force"]
    )
    assert forced.exit_code == 0
    blank = [k for k, v in xxgk.parse(PARTIAL_SEED).cells.items() if v is None]
    assert blank and all(
        read_back((tmp_path / f"{PARTIAL_SEED.stem}.md").read_bytes(), "md").cells[k] is None for k in blank
    )


def test_an_output_that_would_replace_the_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "r.md"
    src.write_bytes(render_bytes(ReportData("某某县人民政府", 2024, sample()), "md"))
    before = src.read_bytes()
    result = runner.invoke(app, ["render", str(src), "--to", "md"])
    assert result.exit_code == 2 and "would replace the input" in result.output
    assert src.read_bytes() == before


def test_without_a_cjk_font_the_pdf_is_a_one_line_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XXGK_CJK_FONT", str(tmp_path / "none.ttf"))
    (tmp_path / "r.xlsx").write_bytes(filled_workbook(sample()))
    result = runner.invoke(app, ["render", str(tmp_path / "r.xlsx"), "--to", "md", "--to", "pdf"])
    assert result.exit_code == 2
    assert result.output.strip() == f"xxgk: XXGK_CJK_FONT={tmp_path / 'none.ttf'} is not a font file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]
    with pytest.raises(RenderError):
        render_bytes(load(tmp_path / "r.xlsx").data, "pdf")


# ------------------------------------------------------------------------------------------- LibreOffice


def grid_lines(png: Path) -> tuple[int, int]:
    """(long horizontal, long vertical) dark lines on a page image: runs over 40% of the width, 10% of the height."""
    dark = np.asarray(Image.open(png).convert("L")) < 128
    h, w = dark.shape

    def longest_runs(rows: np.ndarray) -> np.ndarray:
        best = np.zeros(rows.shape[0], dtype=int)
        cur = np.zeros(rows.shape[0], dtype=int)
        for x in range(rows.shape[1]):
            cur = np.where(rows[:, x], cur + 1, 0)
            best = np.maximum(best, cur)
        return best

    def count(runs: np.ndarray, limit: float) -> int:
        hits = np.flatnonzero(runs >= limit)
        return int(len(hits) and 1 + np.count_nonzero(np.diff(hits) > 1))  # adjacent pixel rows: one line

    return count(longest_runs(dark), 0.4 * w), count(longest_runs(dark.T), 0.1 * h)


@pytest.mark.slow
def test_the_docx_converts_to_pdf_with_libreoffice_and_its_table_grid_is_drawn(tmp_path: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice (soffice) and poppler's pdftoppm are needed")
    data = ReportData("某某县人民政府", 2024, sample(7))
    (tmp_path / "r.docx").write_bytes(render_bytes(data, "docx"))
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    subprocess.run(
        [exe, profile, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "r.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    report = read_back((tmp_path / "r.pdf").read_bytes(), "pdf")
    assert report.cells == data.cells  # LibreOffice's PDF of our DOCX reads back too
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    lines = [grid_lines(p) for p in pages]
    # table 三's page: its 25 rows and 3 header rows ruled across, its 10 columns ruled down
    horizontal, vertical = max(lines)
    assert horizontal >= 20 and vertical >= 10, lines
    # and a page without rules counts none
    blank = Image.new("L", (500, 700), 255)
    blank.save(tmp_path / "blank.png")
    assert grid_lines(tmp_path / "blank.png") == (0, 0)

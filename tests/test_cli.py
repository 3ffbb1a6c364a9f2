"""The command line: exit statuses, the one JSON shape, JSON Lines for batches, and the human views.

Exit 0 = no error finding, 1 = some error finding, 2 = some input unreadable. Most tests run the Typer app in
process; the ``slow`` ones run the installed console script in a real subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
CLEAN = ROOT / "examples" / "004_e70ccd0979ef1614.txt"  # no finding at all
PLACEHOLDERS = ROOT / "examples" / "003_58b8de058df0570c.txt"  # "/" in every table: error findings
SCRIPT = Path(sys.executable).parent / "xxgk"
SEVERITIES = {"error", "warning", "info"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8

runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def assert_check_record(obj: dict[str, Any]) -> None:
    report, findings = obj["report"], obj["findings"]
    assert list(report["cells"]) == list(cell_keys())
    assert len(report["cells"]) == 200
    assert isinstance(findings, list)
    for f in findings:
        assert f["rule"] in xxgk.RULES
        assert f["severity"] in SEVERITIES
        assert isinstance(f["message"], str) and f["message"]


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """The five examples, an empty file and a binary file with a report's suffix, in one folder."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in EXAMPLES:
        shutil.copy(path, folder / path.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "zz_binary.txt").write_bytes(PNG)
    (folder / "notes.bin").write_bytes(PNG)  # not a report suffix: skipped under a folder
    (folder / ".hidden.txt").write_bytes(b"")  # hidden: skipped
    return folder


# ---------------------------------------------------------------------------------------------- check


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_check_json_one_file_is_one_object(path: Path) -> None:
    result = run("check", "--json", path)
    assert result.exit_code in (0, 1), result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == {"report", "findings"}  # no "file" for a single file
    assert_check_record(obj)
    report = xxgk.parse(path)
    assert obj["report"]["cells"] == report.cells
    assert result.exit_code == (1 if xxgk.has_errors(xxgk.check(report)) else 0)


def test_check_json_findings_carry_rule_severity_message() -> None:
    result = run("check", "--json", PLACEHOLDERS)
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert findings
    assert {"cell.placeholder"} <= {f["rule"] for f in findings}
    assert any(f["severity"] == "error" for f in findings)
    ranks = [["error", "warning", "info"].index(f["severity"]) for f in findings]
    assert ranks == sorted(ranks)  # most severe first


def test_check_json_folder_is_json_lines(batch: Path) -> None:
    result = run("check", "--json", batch)
    assert result.exit_code == 2
    records = json_lines(result.stdout)
    expected = sorted(p.name for p in batch.glob("*.txt") if not p.name.startswith("."))
    assert [Path(r["file"]).name for r in records] == expected  # one per file, in order, the batch went on
    by_name = {Path(r["file"]).name: r for r in records}
    for name in ("empty.txt", "zz_binary.txt"):
        bad = by_name[name]
        assert set(bad) == {"file", "error"}
        assert bad["file"] == str(batch / name)
        assert "\n" not in bad["error"] and bad["error"]
    assert "empty" in by_name["empty.txt"]["error"]
    for path in EXAMPLES:
        good = by_name[path.name]
        assert set(good) == {"file", "report", "findings"}
        assert good["file"] == str(batch / path.name)
        assert_check_record(good)
    # The reasons also go to stderr, one line each, naming the file.
    err_lines = result.stderr.splitlines()
    assert len(err_lines) == 2
    for name, line in zip(("empty.txt", "zz_binary.txt"), err_lines, strict=True):
        assert str(batch / name) in line


def test_check_json_several_files_given(tmp_path: Path) -> None:
    result = run("check", "--json", CLEAN, PLACEHOLDERS)
    assert result.exit_code == 1
    records = json_lines(result.stdout)
    assert [r["file"] for r in records] == [str(CLEAN), str(PLACEHOLDERS)]
    for r in records:
        assert_check_record(r)


def test_check_human_folder_has_summary(batch: Path) -> None:
    result = run("check", batch)
    assert result.exit_code == 2
    out = result.stdout
    assert "汇总" in out
    assert out.index("汇总") > max(out.index(p.name) for p in EXAMPLES)  # after the per-file findings
    summary = out[out.index("汇总") :]
    for header in ("文件", "单位", "年度", "错误", "警告", "结论"):
        assert header in summary
    assert "通过" in summary and "退回修改" in summary
    assert summary.count("无法读取") == 2
    assert "松树乡人民政府" in summary


def test_check_human_folder_of_reports_only(tmp_path: Path) -> None:
    for path in (CLEAN, PLACEHOLDERS):
        shutil.copy(path, tmp_path / path.name)
    result = run("check", tmp_path)
    assert result.exit_code == 1
    assert "汇总" in result.stdout
    assert result.stderr == ""


def test_check_exit_1_on_error_finding() -> None:
    result = run("check", PLACEHOLDERS)
    assert result.exit_code == 1
    assert "cell.placeholder" in result.stdout
    assert "汇总" not in result.stdout  # one file: no summary


def test_check_exit_0_when_clean() -> None:
    result = run("check", CLEAN)
    assert result.exit_code == 0, result.output
    assert "0 错误" in result.stdout
    result = run("check", "--json", CLEAN)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"] == []


def test_check_unreadable_single_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("check", empty)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"xxgk: cannot read {empty}: empty file"]


def test_check_missing_file() -> None:
    result = run("check", "/nonexistent/report.txt")
    assert result.exit_code == 2
    assert "/nonexistent/report.txt" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_check_empty_folder(tmp_path: Path) -> None:
    result = run("check", tmp_path)
    assert result.exit_code == 2
    assert "no report files" in result.stderr


@pytest.mark.parametrize("kind", ["missing", "empty", "binary", "news"])
def test_check_previous_unreadable(tmp_path: Path, kind: str) -> None:
    previous = tmp_path / f"previous-{kind}.txt"
    if kind == "empty":
        previous.write_bytes(b"")
    elif kind == "binary":
        previous.write_bytes(PNG)
    elif kind == "news":
        previous.write_text(
            "今日天气晴朗，气温适宜，市民纷纷外出踏青。\n公园里游人如织。\n", encoding="utf-8"
        )
    result = run("check", "--previous", previous, CLEAN)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert str(previous) in lines[0]


def test_check_previous_readable_runs_history_rules() -> None:
    result = run("check", "--json", "--previous", CLEAN, CLEAN)
    assert result.exit_code in (0, 1)
    assert_check_record(json.loads(result.stdout))


# ---------------------------------------------------------------------------------------------- parse


def test_parse_human_shows_the_three_tables() -> None:
    result = run("parse", CLEAN)
    assert result.exit_code == 0, result.output
    for title in ("表二 主动公开政府信息情况", "表三 收到和处理政府信息公开申请情况", "表四"):
        assert title in result.stdout
    assert "盐池县花马池镇" in result.stdout
    assert "347" in result.stdout  # t2.punishment.decisions


def test_parse_json() -> None:
    result = run("parse", "--json", CLEAN)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert set(obj) == {"report"}
    report = obj["report"]
    assert list(report["cells"]) == list(cell_keys())
    assert report["cells"] == xxgk.parse(CLEAN).cells
    assert report["agency"]["name"] == "盐池县花马池镇"
    assert report["year"] == 2024
    assert set(report["details"]) == set(cell_keys())


@pytest.mark.parametrize("content", [b"", PNG], ids=["empty", "binary"])
def test_parse_unreadable(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    for args in (("parse", path), ("parse", "--json", path)):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and str(path) in lines[0]


# ----------------------------------------------------------------------------------------------- show


def test_show_cell_prints_value_and_source_line() -> None:
    report = xxgk.parse(CLEAN)
    detail = report.detail("t3.new.total")
    assert detail.place is not None and detail.place.line is not None
    source_line = report.text.split("\n")[detail.place.line - 1]
    result = run("show", CLEAN, "--cell", "t3.new.total")
    assert result.exit_code == 0, result.output
    first, *rest = result.stdout.splitlines()
    assert first.startswith(f"t3.new.total = {report.cells['t3.new.total']}")
    assert detail.status in first
    shown = "\n".join(rest)
    assert f"{detail.place.line:>5}│" in shown
    assert "一、本年新收政府信息公开申请数量" in shown
    assert source_line.replace("\t", "→").strip() in shown


def test_show_cell_with_a_larger_value() -> None:
    result = run("show", CLEAN, "--cell", "t2.punishment.decisions")
    assert result.exit_code == 0
    assert result.stdout.startswith("t2.punishment.decisions = 347")
    assert "行政处罚" in result.stdout


def test_show_unknown_key() -> None:
    result = run("show", CLEAN, "--cell", "t3.no_such_row.total")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "t3.no_such_row.total" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_show_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run("show", path, "--cell", "t3.new.total")
    assert result.exit_code == 2
    assert str(path) in result.stderr


# ---------------------------------------------------------------------------------------------- rules


def test_rules_lists_every_rule() -> None:
    result = run("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == list(xxgk.RULES)
    for line in result.stdout.splitlines():
        rule_id, severity = line.split()[:2]
        assert severity == xxgk.RULES[rule_id].severity


def test_rules_markdown_mentions_every_rule() -> None:
    result = run("rules", "--markdown")
    assert result.exit_code == 0
    for rule_id in xxgk.RULES:
        assert rule_id in result.stdout


def test_no_arguments_shows_help() -> None:
    result = run()
    assert result.exit_code in (0, 2)
    for command in ("parse", "check", "show", "rules"):
        assert command in result.output


# -------------------------------------------------------------------------------------- hostile output


def _with_title_prefix(tmp_path: Path, prefix: str) -> Path:
    text = CLEAN.read_text(encoding="utf-8")
    path = tmp_path / "hostile.txt"
    path.write_text(
        text.replace("盐池县花马池镇 2024 年度", f"盐池县{prefix}花马池镇 2024 年度", 1), encoding="utf-8"
    )
    assert xxgk.parse(path).agency.name == f"盐池县{prefix}花马池镇"
    return path


def test_script_tag_in_agency_name_is_printed_verbatim(tmp_path: Path) -> None:
    path = _with_title_prefix(tmp_path, "<script>alert(1)</script>")
    for args in (("parse", path), ("check", path)):
        result = run(*args)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "盐池县<script>alert(1)</script>花马池镇" in result.stdout
    result = run("parse", "--json", path)
    assert json.loads(result.stdout)["report"]["agency"]["name"] == "盐池县<script>alert(1)</script>花马池镇"


@pytest.mark.parametrize("command", ["parse", "check"])
def test_markup_in_agency_name_does_not_crash(tmp_path: Path, command: str) -> None:
    path = _with_title_prefix(tmp_path, "[/]")
    result = run(command, path)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0
    assert "盐池县[/]花马池镇" in result.stdout


def test_markup_in_file_name_is_printed_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "报告[red]2024.txt"
    shutil.copy(CLEAN, path)
    result = run("check", path)
    assert result.exit_code == 0
    assert "报告[red]2024.txt" in result.stdout


# ------------------------------------------------------------------------------------ real subprocess


def _subprocess(*args: str | Path) -> subprocess.CompletedProcess[str]:
    if not SCRIPT.exists():
        pytest.skip(f"console script not installed next to {sys.executable}")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120
    )


@pytest.mark.slow
def test_subprocess_check_json_batch(batch: Path) -> None:
    proc = _subprocess("check", "--json", batch)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    records = json_lines(proc.stdout)
    assert len(records) == 7
    assert [r for r in records if "error" in r] == [
        {"file": str(batch / "empty.txt"), "error": "empty file"},
        {"file": str(batch / "zz_binary.txt"), "error": records[-1]["error"]},
    ]
    for r in records:
        if "error" not in r:
            assert_check_record(r)
    assert len(proc.stderr.splitlines()) == 2


@pytest.mark.slow
def test_subprocess_exit_statuses() -> None:
    assert _subprocess("check", CLEAN).returncode == 0
    proc = _subprocess("check", "--json", PLACEHOLDERS)
    assert proc.returncode == 1
    assert_check_record(json.loads(proc.stdout))
    proc = _subprocess("show", CLEAN, "--cell", "no.such.key")
    assert proc.returncode == 2
    assert proc.stdout == ""


@pytest.mark.slow
def test_subprocess_human_summary(batch: Path) -> None:
    proc = _subprocess("check", batch)
    assert proc.returncode == 2
    assert "汇总" in proc.stdout
    for path in EXAMPLES:  # wide terminal: full paths in the summary
        assert str(batch / path.name) in proc.stdout

"""One body's series (compare) and a roster against the store (coverage), in Python and on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analysis_fixtures import build_store, planted, record
from typer.testing import CliRunner

from xxgk.cli.app import app
from xxgk.corpus import Store
from xxgk.corpus.agencies import Alias, normalise
from xxgk.corpus.compare import AgencyNotFound, compare, parse_years
from xxgk.corpus.coverage import coverage, read_roster
from xxgk.corpus.history import run_history
from xxgk.errors import ReadError

LIANCAI = "隆德县联财镇人民政府"
HUAMACHI = "盐池县花马池镇人民政府"
QUKOU = "平罗县渠口乡人民政府"
runner = CliRunner()


@pytest.fixture(scope="module")
def series() -> Store:
    """联财镇 2021–2024 with a planted jump in 2024 (新收 12 → 60) and a carried-over break 2023 → 2024."""
    return build_store(
        [
            record(LIANCAI, 2021, planted({"granted": 10})),
            record(LIANCAI, 2022, planted({"granted": 11})),
            record(LIANCAI, 2023, planted({"granted": 12}, carried_forward=2)),
            record(LIANCAI, 2024, planted({"granted": 60}, carried_over=0)),
            record(HUAMACHI, 2024, planted({"granted": 3})),
        ]
    )


def test_compare_flags_a_planted_jump(series: Store) -> None:
    result = compare(series, LIANCAI)
    assert result["agency"]["agency_key"] == normalise(LIANCAI).key
    years = {r["year"]: r for r in result["years"]}
    assert list(years) == [2021, 2022, 2023, 2024]
    assert years[2024]["t3.new.total"] == 60 and years[2023]["t3.new.total"] == 14
    assert years[2024]["previous_year"] == 2023 and years[2024]["change.t3.new.total"] == 46
    assert "t3.new.total" in years[2024]["jumps"] and years[2023]["jumps"] == []
    assert years[2022]["change.t3.granted.total"] == 1 and years[2022]["jumps"] == []
    assert {(j["year"], j["column"]) for j in result["jumps"]} >= {
        (2024, "t3.new.total"),
        (2024, "t3.granted.total"),
    }
    assert all(j["year"] == 2024 for j in result["jumps"])
    assert years[2023]["carry_forward_rate"] == pytest.approx(2 / 14)
    assert years[2021]["review_correction_rate"] is None  # 0 reviews: undefined, not 0


def test_compare_brings_the_history_findings() -> None:
    store = build_store(
        [
            record(LIANCAI, 2023, planted({"granted": 12}, carried_forward=2)),
            record(LIANCAI, 2024, planted({"granted": 5})),  # 上年结转 0, last year carried 2 forward
        ]
    )
    run_history(store)
    result = compare(store, "联财镇")
    assert {(f["year"], f["rule"]) for f in result["history_findings"]} == {(2024, "history.carry_mismatch")}
    assert "t3.carried_over.total" in {c for f in result["history_findings"] for c in f["cells"]}
    assert compare(store, "联财镇", years=[2023])["history_findings"] == []


def test_compare_by_part_of_a_name_years_and_ambiguity(series: Store) -> None:
    assert [r["year"] for r in compare(series, "联财", years=parse_years("2022-2023"))["years"]] == [
        2022,
        2023,
    ]
    with pytest.raises(AgencyNotFound, match=r"matches 2 agencies: .*花马池镇.*联财镇"):
        compare(series, "人民政府")
    with pytest.raises(AgencyNotFound, match="no stored agency matches"):
        compare(series, "不存在的局")


def test_parse_years() -> None:
    assert parse_years("2021-2024") == [2021, 2022, 2023, 2024]
    assert parse_years("2024,2021") == [2021, 2024]
    assert parse_years("2023") == [2023]
    for bad in ("2024-2021", "twenty", "2021-"):
        with pytest.raises(ValueError):
            parse_years(bad)


def _roster(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / "roster.csv"
    p.write_text(text, encoding=encoding)
    return p


def test_coverage_finds_a_planted_missing_body(series: Store, tmp_path: Path) -> None:
    roster = _roster(tmp_path, f"名称,地区\n联财镇,隆德县\n{HUAMACHI},\n{QUKOU},\n")
    result = coverage(series, roster, 2024)
    assert (result["expected"], result["found"], result["missing"]) == (3, 2, 1)
    status = {b["name"]: b["status"] for b in result["bodies"]}
    assert status == {"联财镇": "found", HUAMACHI: "found", QUKOU: "missing"}
    (missing,) = [b for b in result["bodies"] if b["status"] == "missing"]
    assert missing["line"] == 4 and missing["agency_key"] == normalise(QUKOU).key and missing["reports"] == []
    assert result["not_on_roster"] == []
    # for 2021 only 联财镇 reported; 花马池镇 is missing then
    assert coverage(series, roster, 2021)["found"] == 1


def test_coverage_lists_stored_bodies_not_on_the_roster_and_uses_aliases(
    series: Store, tmp_path: Path
) -> None:
    roster = _roster(tmp_path, "联财乡政府\n", encoding="gb18030")  # an old name; no header; GB18030
    result = coverage(series, roster, 2024)
    assert result["missing"] == 1
    assert [a["agency"] for a in result["not_on_roster"]] == [HUAMACHI, LIANCAI]  # by division code
    store = build_store([record(LIANCAI, 2024, planted({"granted": 1}))])
    old, new = normalise("隆德县联财乡政府"), normalise(LIANCAI)
    store.set_aliases([Alias("隆德县联财乡政府", LIANCAI, old.key, new.key)])
    assert coverage(store, _roster(tmp_path, "隆德县联财乡政府\n"), 2024)["found"] == 1
    coded = coverage(store, _roster(tmp_path, "name,code\n联财镇人民政府,640423000000\n"), 2024)
    assert coded["found"] == 1, coded


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "lists no bodies"),
        ("name,region\n", "only a header"),
        ("name,code\n联财镇,64x\n", "line 2: '64x' is not a division code"),
        ("name,region\n,隆德县\n", "line 2: no name"),
    ],
)
def test_bad_roster_is_a_one_line_read_error(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ReadError) as e:
        read_roster(_roster(tmp_path, text))
    assert reason in e.value.reason and "\n" not in str(e.value)
    with pytest.raises(ReadError, match="cannot read the roster"):
        read_roster(tmp_path / "absent.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x00\x81")
    with pytest.raises(ReadError):
        read_roster(tmp_path / "bin.csv")


# --- the command line -------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.duckdb"
    store = Store.open(path)
    store.write(
        [record(LIANCAI, 2023, planted({"granted": 10})), record(LIANCAI, 2024, planted({"granted": 30}))]
    )
    store.close()
    return path


def test_cli_compare(db: Path) -> None:
    res = runner.invoke(app, ["compare", "联财", "--db", str(db), "--years", "2023-2024", "--json"])
    assert res.exit_code == 0, res.output
    result = json.loads(res.stdout)
    assert [r["year"] for r in result["years"]] == [2023, 2024]
    assert ("t3.new.total", 10, 30) in {(j["column"], j["previous"], j["value"]) for j in result["jumps"]}
    res = runner.invoke(app, ["compare", "联财", "--db", str(db)])
    assert res.exit_code == 0 and "30▲" in res.stdout and "2023→2024 新收: 10 → 30" in res.stdout
    for args in (["不存在"], ["联财", "--years", "later"]):
        res = runner.invoke(app, ["compare", *args, "--db", str(db)])
        assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output


def test_cli_coverage_exit_status(db: Path, tmp_path: Path) -> None:
    full = _roster(tmp_path, f"{LIANCAI}\n")
    res = runner.invoke(app, ["coverage", str(full), "--year", "2024", "--db", str(db)])
    assert res.exit_code == 0 and "1 of 1 bodies have a report" in res.stdout, res.output
    gap = _roster(tmp_path, f"{LIANCAI}\n{QUKOU}\n")
    res = runner.invoke(app, ["coverage", str(gap), "--year", "2024", "--db", str(db), "--json"])
    assert res.exit_code == 1 and json.loads(res.stdout)["missing"] == 1
    res = runner.invoke(app, ["coverage", str(tmp_path / "none.csv"), "--db", str(db)])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "none.csv" in res.stderr

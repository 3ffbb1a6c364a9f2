"""Statistics over the store: the metric dictionary, group sums and ratios, ranking, year over year, the CLI."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import duckdb
import pytest
from analysis_fixtures import build_store, planted, random_cells, record
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xxgk.catalogue import cell_keys
from xxgk.cli.app import app
from xxgk.corpus import Store
from xxgk.corpus.frame import col
from xxgk.corpus.metrics import MAIN_TOTALS, METRICS, is_jump, metrics_markdown, resolve
from xxgk.corpus.stats import stats

ROOT = Path(__file__).resolve().parent.parent
NINGXIA = ("隆德县联财镇人民政府", "盐池县花马池镇人民政府", "平罗县渠口乡人民政府")
JIANGSU = ("沭阳县人民政府", "淮安市洪泽区人民政府")


def test_metrics_doc_is_current() -> None:
    assert (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8") == metrics_markdown(), (
        "docs/metrics.md is stale: run `xxgk metrics --markdown > docs/metrics.md`"
    )


def test_dictionary_has_the_issue_metrics_with_their_definitions() -> None:
    assert resolve("公开率").numerator == ("t3.granted.total", "t3.partially_granted.total")
    assert resolve("公开率").denominator == ("t3.total.total",)
    assert len(resolve("不予公开率").numerator) == 8
    assert resolve("复议纠错率").numerator == ("t4.review.corrected",)
    assert resolve("复议纠错率").denominator == ("t4.review.total",)
    assert resolve("诉讼纠错率").denominator == ("t4.suit_direct.total", "t4.suit_after_review.total")
    assert resolve("复议诉讼率").denominator == ("t3.new.total",)
    for m in METRICS.values():
        assert set(m.inputs) <= set(cell_keys()), m.id
        assert m.doc.endswith("."), m.id
    with pytest.raises(ValueError, match="unknown metric"):
        resolve("nonsense")


def test_metrics_with_zero_denominators_are_null_never_zero() -> None:
    zeros = planted()
    assert all(m.compute(zeros) is None for m in METRICS.values())
    store = build_store([record("隆德县联财镇人民政府", 2024, zeros)])
    (row,) = stats(store, by=())
    assert row["reports"] == 1 and row["t3.total.total"] == 0
    assert {m: row[m] for m in METRICS} == dict.fromkeys(METRICS)


def test_metric_is_null_when_an_input_is_null() -> None:
    cells = planted({"granted": 3, "denied_state_secret": 1})
    assert resolve("公开率").compute(cells) == 0.75
    assert resolve("公开率").compute(cells | {"t3.partially_granted.total": None}) is None
    assert resolve("不予公开率").compute(cells | {"t3.denied_query_matter.total": None}) is None


def test_group_metric_is_the_ratio_of_sums_over_reports_with_all_inputs() -> None:
    # 3+1 of 8 and 0 of 2: Σ/Σ = 4/10, where the mean of the two rates would be 0.25; the third report has
    # 公开率's input 部分公开 null, so it counts in the sums of the totals but not in 公开率
    store = build_store(
        [
            record(
                NINGXIA[0], 2024, planted({"granted": 3, "partially_granted": 1, "denied_state_secret": 4})
            ),
            record(NINGXIA[1], 2024, planted({"unable_not_held": 2})),
            record(NINGXIA[2], 2024, planted({"granted": 50}), nulls=["t3.partially_granted.total"]),
        ]
    )
    (row,) = stats(store, by="province")
    assert row["province"] == "宁夏回族自治区" and row["reports"] == 3
    assert row["t3.total.total"] == 8 + 2 + 50
    assert row["t3.granted.total"] == 3 + 0 + 50
    assert row["t3.partially_granted.total"] == 1
    assert row["disclosure_rate"] == pytest.approx(4 / 10)
    assert row["denial_rate"] == pytest.approx(4 / 60)
    assert row["unable_rate"] == pytest.approx(2 / 60)
    assert row["review_correction_rate"] is None  # no review anywhere: 0/0


def test_group_sums_by_province_and_year_equal_the_cells() -> None:
    plan = [
        (body, year, random_cells(i * 10 + year))
        for i, body in enumerate(NINGXIA + JIANGSU)
        for year in (2023, 2024)
    ]
    store = build_store(record(b, y, c) for b, y, c in plan)
    rows = {(r["province"], r["year"]): r for r in stats(store, by=("province", "year"))}
    assert set(rows) == {(p, y) for p in ("宁夏回族自治区", "江苏省") for y in (2023, 2024)}
    for (province, year), row in rows.items():
        mine = [c for b, y, c in plan if y == year and (b in NINGXIA) == (province == "宁夏回族自治区")]
        assert row["reports"] == len(mine)
        for key in MAIN_TOTALS:
            assert row[key] == sum(c[key] or 0 for c in mine), key
        for m in METRICS.values():
            den = sum(c[k] or 0 for c in mine for k in m.denominator)
            want = sum(c[k] or 0 for c in mine for k in m.numerator) / den if den else None
            assert row[m.id] == pytest.approx(want) if want is not None else row[m.id] is None, m.id


def test_ranking_only_over_groups_of_min_group_reports() -> None:
    # 江苏 has the best 公开率 (100 %) but only one report: listed, never ranked
    store = build_store(
        [
            record(NINGXIA[0], 2024, planted({"granted": 1, "denied_state_secret": 1})),
            record(NINGXIA[1], 2024, planted({"granted": 1, "denied_state_secret": 1})),
            record("杭州市西湖区人民政府", 2024, planted({"granted": 1, "denied_state_secret": 3})),
            record("杭州市上城区人民政府", 2024, planted({"granted": 1, "denied_state_secret": 3})),
            record("广州市天河区人民政府", 2024, planted({"granted": 1, "denied_state_secret": 1})),
            record("广州市越秀区人民政府", 2024, planted({"granted": 1, "denied_state_secret": 1})),
            record(JIANGSU[0], 2024, planted({"granted": 9})),
        ]
    )
    rows = stats(store, by="province", metric="公开率", min_group=2)
    ranks = {r["province"]: r["rank"] for r in rows}
    assert ranks == {"宁夏回族自治区": 1, "广东省": 1, "浙江省": 3, "江苏省": None}
    assert [r["province"] for r in rows][-1] == "江苏省"  # unranked groups come last
    assert set(rows[0]) >= {"disclosure_rate", "rank"} and "denial_rate" not in rows[0]
    assert {r["province"]: r["rank"] for r in stats(store, "province", "公开率", min_group=1)}["江苏省"] == 1


def test_one_report_per_body_and_year_even_when_stored_twice() -> None:
    cells = planted({"granted": 5})
    store = build_store([record(NINGXIA[0], 2024, cells), record(NINGXIA[0], 2024, cells, tag="\n附件")])
    assert store.count_reports() == 2
    (row,) = stats(store, by="year")
    assert row["reports"] == 1 and row["t3.granted.total"] == 5


def test_year_over_year_per_group_flags_jumps() -> None:
    store = build_store(
        [
            record(NINGXIA[0], 2022, planted({"granted": 10})),
            record(NINGXIA[0], 2023, planted({"granted": 12})),
            record(NINGXIA[0], 2024, planted({"granted": 40, "denied_state_secret": 40})),
        ]
    )
    rows = {r["year"]: r for r in stats(store, by=("province", "year"), min_group=1)}
    assert rows[2022]["previous_year"] is None and rows[2022]["jumps"] == []
    assert rows[2023]["change.t3.granted.total"] == 2 and rows[2023]["jumps"] == []
    assert rows[2024]["previous_year"] == 2023
    assert rows[2024]["change.t3.new.total"] == 68
    assert {"t3.new.total", "t3.granted.total", "t3.total.total", "disclosure_rate"} <= set(
        rows[2024]["jumps"]
    )
    assert rows[2024]["change.disclosure_rate"] == pytest.approx(-0.5)
    # with groups below the minimum size, the metric's jump is not flagged (the counts' still are)
    small = {r["year"]: r for r in stats(store, by="year", min_group=2)}
    assert "disclosure_rate" not in small[2024]["jumps"] and "t3.new.total" in small[2024]["jumps"]


def test_jump_definition() -> None:
    assert is_jump(10, 20) and is_jump(20, 10) and is_jump(0, 10)
    assert not is_jump(3, 6)  # +100 % but only 3
    assert not is_jump(100, 140)  # +40
    assert not is_jump(None, 100) and not is_jump(100, None)
    assert is_jump(0.5, 0.3, ratio=True) and not is_jump(0.5, 0.35, ratio=True)


def test_filters_and_legacy_reports() -> None:
    store = build_store(
        [
            record(NINGXIA[0], 2023, planted({"granted": 1})),
            record(NINGXIA[1], 2024, planted({"granted": 2})),
            record(JIANGSU[0], 2024, planted({"granted": 4})),
        ]
    )
    store.con.execute("UPDATE reports SET format_version = 'legacy' WHERE agency_name = ?", [JIANGSU[0]])
    assert [r["reports"] for r in stats(store, by=())] == [2]  # legacy layouts have none of the 200 cells
    assert [(r["level"], r["t3.granted.total"]) for r in stats(store, "level", year=2024)] == [
        ("township", 2)
    ]
    assert [r["reports"] for r in stats(store, "province", region="宁夏", year=2023)] == [1]
    assert stats(store, "province", region="西藏") == []
    with pytest.raises(ValueError, match="cannot group by"):
        stats(store, by="town")


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), nulls=st.sets(st.sampled_from(sorted({k for m in METRICS.values() for k in m.inputs})), max_size=4))  # fmt: skip
def test_metric_sql_agrees_with_python(seed: int, nulls: set[str]) -> None:
    """The SQL a statistic runs and ``Metric.compute`` are one definition."""
    rows = [random_cells(seed), random_cells(seed + 1) | dict.fromkeys(nulls), planted()]
    con = duckdb.connect()
    keys = sorted({k for m in METRICS.values() for k in m.inputs})
    con.execute(f"CREATE TABLE v ({', '.join(f'{col(k)} DOUBLE' for k in keys)})")
    con.executemany(
        f"INSERT INTO v VALUES ({', '.join('?' for _ in keys)})", [[r[k] for k in keys] for r in rows]
    )
    for m in METRICS.values():
        got = [r[0] for r in con.execute(f"SELECT {m.report_sql('v')} FROM v").fetchall()]
        assert got == pytest.approx([m.compute(r) for r in rows], nan_ok=False), m.id
        ((group,),) = con.execute(f"SELECT {m.group_sql('v')} FROM v").fetchall()
        full = [r for r in rows if all(r[k] is not None for k in m.inputs)]
        den = sum(r[k] or 0 for r in full for k in m.denominator)
        want = sum(r[k] or 0 for r in full for k in m.numerator) / den if den else None
        assert group == pytest.approx(want), m.id
        assert group is None or math.isfinite(group)


# --- the command line -------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    store = Store.open(path)
    store.write(
        [
            record(NINGXIA[0], 2023, planted({"granted": 1, "denied_state_secret": 1})),
            record(NINGXIA[0], 2024, planted({"granted": 30})),
            record(JIANGSU[0], 2024, planted({"granted": 1, "denied_state_secret": 3})),
        ]
    )
    store.close()
    return path


def test_cli_stats_json_csv_and_table(db: Path) -> None:
    res = runner.invoke(app, ["stats", "--db", str(db), "--by", "province", "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert {r["province"]: r["reports"] for r in rows} == {"宁夏回族自治区": 2, "江苏省": 1}
    res = runner.invoke(app, ["stats", "--db", str(db), "--by", "province,year", "--metric", "公开率", "--csv", "--min-group", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(res.stdout)))
    got = {(r["province"], r["year"]): (r["disclosure_rate"], r["rank"], r["jumps"]) for r in table}
    assert got[("江苏省", "2024")] == ("0.25", "2", "")
    assert got[("宁夏回族自治区", "2024")][:2] == ("1.0", "1")
    assert "t3.granted.total" in got[("宁夏回族自治区", "2024")][2].split(";")
    res = runner.invoke(app, ["stats", "--db", str(db), "--by", "year"])
    assert res.exit_code == 0 and "公开率" in res.stdout and "2024" in res.stdout


def test_cli_stats_bad_input_is_one_line_and_exit_2(db: Path, tmp_path: Path) -> None:
    for args in (["--metric", "nonsense"], ["--by", "town"]):
        res = runner.invoke(app, ["stats", "--db", str(db), *args])
        assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
    res = runner.invoke(app, ["stats", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no such store" in res.stderr


def test_cli_metrics_lists_the_dictionary() -> None:
    res = runner.invoke(app, ["metrics"])
    assert res.exit_code == 0 and all(m.id in res.stdout and m.name in res.stdout for m in METRICS.values())
    assert runner.invoke(app, ["metrics", "--markdown"]).stdout == metrics_markdown()

"""The corpus endpoints and 数据 pages (FastAPI TestClient) over a store of four bodies × three years."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner
from web_fixtures import api_client, assert_error, corpus_db

from xxgk.cli.app import app as cli_app
from xxgk.corpus import Store
from xxgk.corpus.compare import compare
from xxgk.corpus.metrics import METRICS
from xxgk.corpus.stats import stats
from xxgk.web import create_app

LIANCAI = "640423:联财镇人民政府"
ROSTER = "名称,地区\n隆德县联财镇人民政府,宁夏回族自治区固原市隆德县\n沭阳县人民政府,\n某某县不存在局,宁夏回族自治区\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_db(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "名册.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(db: Path, roster: Path) -> Any:
    return api_client(create_app(db, roster_path=roster))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # Excel and WPS read the BOM as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_reports_filtered_and_paged(client: Any) -> None:
    everything = client.get("/api/v1/reports").json()
    assert (everything["total"], len(everything["items"])) == (12, 12)
    broken = client.get("/api/v1/reports", params={"year": 2023, "with_errors": "true"}).json()
    assert broken["total"] == 1 and broken["items"][0]["agency_key"] == LIANCAI
    assert broken["items"][0]["errors"] == 2  # the two history findings count as errors
    assert client.get("/api/v1/reports", params={"with_errors": "false"}).json()["total"] == 11
    assert client.get("/api/v1/reports", params={"region": "江苏"}).json()["total"] == 3
    assert client.get("/api/v1/reports", params={"level": "township"}).json()["total"] == 3
    assert client.get("/api/v1/reports", params={"agency": "沭阳"}).json()["total"] == 3
    page = client.get("/api/v1/reports", params={"limit": 5, "offset": 10}).json()
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (12, 5, 10, 2)
    assert [r["id"] for r in page["items"]] == [r["id"] for r in everything["items"][10:]]
    assert_error(client.get("/api/v1/reports", params={"level": "galaxy"}), 422, "invalid")
    assert_error(client.get("/api/v1/reports", params={"limit": 0}), 422, "invalid")
    assert_error(client.get("/api/v1/reports", params={"year": "x"}), 422, "invalid")


def test_reports_are_the_same_json_as_the_cli(client: Any, db: Path) -> None:
    cli = CliRunner().invoke(cli_app, ["reports", "--db", str(db), "--year", "2023", "--json"])
    assert cli.exit_code == 0, cli.output
    lines = [json.loads(line) for line in cli.stdout.splitlines()]
    assert client.get("/api/v1/reports", params={"year": 2023}).json()["items"] == lines


def test_report_by_id_is_the_stored_record(client: Any, db: Path) -> None:
    rid = client.get("/api/v1/reports", params={"year": 2023, "agency": LIANCAI}).json()["items"][0]["id"]
    got = client.get(f"/api/v1/reports/{rid}").json()
    with Store.open(db, read_only=True) as store:
        assert got == store.get_report(rid)
    assert set(got) == {"id", "file", "report", "findings"}
    assert len(got["report"]["cells"]) == 200
    assert [f["rule"] for f in got["findings"] if f.get("scope") == "history"] == [
        "history.carry_mismatch"
    ] * 2
    sheet = client.get(f"/api/v1/reports/{rid}", params={"format": "html"})
    assert sheet.status_code == 200 and "退回修改" in sheet.text and "history.carry_mismatch" in sheet.text
    wb = load_workbook(io.BytesIO(client.get(f"/api/v1/reports/{rid}", params={"format": "xlsx"}).content))
    assert wb.sheetnames == ["审核意见", "表二", "表三", "表四", "单元格"]
    assert_error(client.get("/api/v1/reports/0123456789abcdef"), 404, "not_found")
    assert_error(client.get("/api/v1/reports/not-hex"), 422, "invalid")


def test_agencies(client: Any) -> None:
    found = client.get("/api/v1/agencies", params={"name": "联财"}).json()
    assert [a["agency_key"] for a in found] == [LIANCAI]
    one = client.get(f"/api/v1/agencies/{LIANCAI}").json()
    assert one["name"] == "隆德县联财镇人民政府"
    assert [r["year"] for r in one["reports"]] == [2022, 2023, 2024]
    assert len(one["history_findings"]) == 2
    assert_error(client.get("/api/v1/agencies/nobody"), 404, "not_found")


def test_compare(client: Any, db: Path) -> None:
    got = client.get("/api/v1/compare", params={"agency": "联财"}).json()
    with Store.open(db, read_only=True) as store:
        assert got == compare(store, "联财")
    assert [y["year"] for y in got["years"]] == [2022, 2023, 2024]
    assert {f["rule"] for f in got["history_findings"]} == {"history.carry_mismatch"}
    two = client.get("/api/v1/compare", params={"agency": LIANCAI, "years": "2023-2024"}).json()
    assert [y["year"] for y in two["years"]] == [2023, 2024]
    rows = csv_rows(client.get("/api/v1/compare", params={"agency": LIANCAI, "format": "csv"}).content)
    assert [r["year"] for r in rows] == ["2022", "2023", "2024"]
    assert rows[0]["t3.new.total"] == str(got["years"][0]["t3.new.total"])
    assert_error(client.get("/api/v1/compare", params={"agency": "nobody"}), 404, "not_found")
    assert_error(
        client.get("/api/v1/compare", params={"agency": "县"}), 404, "not_found"
    )  # several: no guess
    assert_error(client.get("/api/v1/compare", params={"agency": LIANCAI, "years": "soon"}), 422, "invalid")


def test_stats(client: Any, db: Path) -> None:
    by_year = client.get("/api/v1/stats", params={"by": "year"}).json()
    with Store.open(db, read_only=True) as store:
        assert by_year["rows"] == stats(store, "year")
        ranked = stats(store, "province", "disclosure_rate", min_group=1)
    assert [(r["year"], r["reports"]) for r in by_year["rows"]] == [(2022, 4), (2023, 4), (2024, 4)]
    got = client.get("/api/v1/stats", params={"by": "province", "metric": "公开率", "min_group": 1}).json()
    assert got["rows"] == ranked and [r["rank"] for r in got["rows"]][:3] == [1, 2, 3]
    rows = csv_rows(client.get("/api/v1/stats", params={"by": "year", "format": "csv"}).content)
    assert [r["reports"] for r in rows] == ["4", "4", "4"]
    assert_error(client.get("/api/v1/stats", params={"by": "planet"}), 422, "invalid")
    assert_error(client.get("/api/v1/stats", params={"metric": "happiness"}), 422, "invalid")


def test_outcomes_add_up_to_the_applications_handled(client: Any, db: Path) -> None:
    rows = client.get("/api/v1/stats/outcomes").json()
    assert [r["name"] for r in rows] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    with Store.open(db, read_only=True) as store:
        (everything,) = stats(store, None)
    assert sum(r["applications"] for r in rows) == everything["t3.total.total"]
    assert rows[0]["applications"] == everything["t3.granted.total"]
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    only = client.get("/api/v1/stats/outcomes", params={"year": 2024, "region": "江苏"}).json()
    assert {r["reports"] for r in only} == {1}
    assert client.get("/api/v1/stats/outcomes", params={"year": 1999}).json() == []
    assert [r["name"] for r in csv_rows(client.get("/api/v1/stats/outcomes?format=csv").content)][:1] == [
        "予以公开"
    ]


def test_metrics(client: Any) -> None:
    got = client.get("/api/v1/metrics").json()
    assert [m["id"] for m in got] == list(METRICS)
    assert got[0]["name"] == "公开率" and got[0]["denominator"] == ["t3.total.total"]


def test_coverage_against_the_server_roster_and_an_uploaded_one(client: Any, db: Path) -> None:
    got = client.get("/api/v1/coverage").json()
    assert (got["expected"], got["found"], got["missing"]) == (3, 2, 1)
    assert [b["name"] for b in got["bodies"] if b["status"] == "missing"] == ["某某县不存在局"]
    rows = csv_rows(client.get("/api/v1/coverage", params={"format": "csv"}).content)
    assert [r["status"] for r in rows] == ["found", "found", "missing"]
    files = {"roster": ("名册.csv", ROSTER.encode("gb18030"), "text/csv")}
    assert client.post("/api/v1/coverage", files=files).json() == got
    bad = {"roster": ("坏名册.csv", b"\x00\x01\x02", "text/csv")}
    err = assert_error(client.post("/api/v1/coverage", files=bad), 422, "unreadable")
    assert err["message"].startswith("cannot read 坏名册.csv:") and "/tmp" not in err["message"]
    none = api_client(create_app(db))
    assert_error(none.get("/api/v1/coverage"), 404, "no_roster")


def test_export_as_files(client: Any) -> None:
    resp = client.get("/api/v1/export", params={"fmt": "csv"})
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(resp.content)) as z:
        assert sorted(z.namelist()) == ["findings.csv", "reports.csv"]
        reports = list(csv.DictReader(io.StringIO(z.read("reports.csv").decode())))
    assert len(reports) == 12 and "t3.new.total" in reports[0]
    wb = load_workbook(
        io.BytesIO(client.get("/api/v1/export", params={"fmt": "xlsx"}).content), read_only=True
    )
    assert wb.sheetnames == ["reports", "findings"]
    assert_error(client.get("/api/v1/export", params={"fmt": "docx"}), 422, "invalid")


def test_without_a_database(tmp_path: Path) -> None:
    bare = api_client(create_app())
    for url in ("/api/v1/reports", "/api/v1/stats", "/api/v1/export?fmt=csv", "/api/v1/reports/abcd"):
        assert_error(bare.get(url), 503, "no_database")
    page = bare.get("/data", headers={"accept": "text/html"})
    assert page.status_code == 200 and "xxgk serve --db" in page.text
    (tmp_path / "junk.duckdb").write_bytes(b"not a database at all" * 100)
    broken = api_client(create_app(tmp_path / "junk.duckdb"))
    assert_error(broken.get("/api/v1/reports"), 503, "unavailable")


def test_health_says_a_database_is_open(client: Any) -> None:
    assert client.get("/api/v1/health").json()["database"] is True


# ---------------------------------------------------------------------------------------- pages


def test_data_list_page(client: Any) -> None:
    html = client.get("/data").text
    assert html.count('href="/data/reports/') == 12
    assert "12 份报告 · 4 个单位" in html
    filtered = client.get("/data", params={"year": "2023", "errors": "yes"}).text
    assert filtered.count('href="/data/reports/') == 1 and "隆德县联财镇人民政府" in filtered
    assert (
        client.get("/data", params={"year": "", "level": "", "errors": ""}).status_code == 200
    )  # empty = any
    bad = client.get("/data", params={"year": "abc"}, headers={"accept": "text/html"})
    assert bad.status_code == 422 and "year: not a whole number" in bad.text


def test_stored_report_and_agency_pages(client: Any) -> None:
    rid = client.get("/api/v1/reports", params={"year": 2023, "agency": LIANCAI}).json()["items"][0]["id"]
    report = client.get(f"/data/reports/{rid}").text
    assert (
        report.count('class="finding sev-error"') == 2
        and 'data-key="t3.carried_over.natural_person"' in report
    )
    agency = client.get(f"/data/agency/{LIANCAI}").text
    assert agency.count("<svg") == 2 and "本年新收政府信息公开申请数量" in agency
    assert agency.count("history.carry_mismatch") == 2
    assert client.get("/data/agency/nobody", headers={"accept": "text/html"}).status_code == 404


def test_dashboard_page_draws_every_chart_with_its_csv(client: Any) -> None:
    html = client.get("/data/dashboard", params={"min_group": "1"}).text
    assert html.count("<svg") == 5  # outcomes, trend, reports per year, ranking, coverage
    for label in ("予以公开", "2023年", "1. 江苏省", "已报送", "未报送"):
        assert label in html
    assert html.count("下载本图数据（CSV）") == 5
    assert "某某县不存在局" in html
    fewer = client.get("/data/dashboard").text  # min_group 5: only 宁夏 (6 reports) is ranked
    assert "样本不足、未参与排名（2）" in fewer and "1. 宁夏回族自治区" in fewer
    frag = client.post(
        "/data/coverage", files={"roster": ("r.csv", ROSTER.encode(), "text/csv")}, data={"year": "2024"}
    )
    assert frag.status_code == 200 and "<svg" in frag.text and "某某县不存在局" in frag.text

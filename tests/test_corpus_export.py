"""Exports: every format reads back to the stored values, with the documented columns in their order."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from analysis_fixtures import build_store, planted, random_cells, record, stored_values
from openpyxl import load_workbook
from typer.testing import CliRunner

from xxgk.catalogue import cell_keys
from xxgk.cli.app import app
from xxgk.corpus import Store
from xxgk.corpus.export import FINDING_COLUMNS, FORMATS, _atomic, export, report_columns
from xxgk.corpus.export_doc import FINDING_DOC, IDENTITY_DOC, export_markdown
from xxgk.corpus.frame import IDENTITY_COLUMNS
from xxgk.corpus.history import run_history
from xxgk.errors import ReadError

ROOT = Path(__file__).resolve().parent.parent
NULLED = ("t3.granted.commercial", "t4.review.pending")


@pytest.fixture(scope="module")
def store() -> Store:
    """Four reports: random valid cells (fees in 万元 with decimals), two nulls, a history finding."""
    fees = random_cells(3) | {"t2.fees.amount": 1234.56}
    s = build_store(
        [
            record("隆德县联财镇人民政府", 2023, planted({"granted": 12}, carried_forward=2)),
            record("隆德县联财镇人民政府", 2024, planted({"granted": 5})),
            record("沭阳县人民政府", 2024, fees, nulls=NULLED),
            record("某某单位", 2024, random_cells(4)),
        ]
    )
    run_history(s)
    return s


def _read(fmt: str, folder: Path) -> tuple[list[str], list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """(report columns, report rows, finding columns, finding rows) as a reader of that format sees them."""
    if fmt == "xlsx":
        wb = load_workbook(folder / "export.xlsx", read_only=True)
        tables = []
        for name in ("reports", "findings"):
            rows = list(wb[name].iter_rows(values_only=True))
            tables.append(([str(c) for c in rows[0]], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]))
        return tables[0][0], tables[0][1], tables[1][0], tables[1][1]
    out = []
    for name in ("reports", "findings"):
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                rows = list(reader)
                out.append((list(reader.fieldnames or []), rows))
        elif fmt == "json":
            rows = json.loads(path.read_text(encoding="utf-8"))
            out.append((list(rows[0]) if rows else [], rows))
        else:
            cur = duckdb.connect().execute(f"SELECT * FROM read_parquet('{path}')")
            names = [d[0] for d in cur.description or []]
            out.append((names, [dict(zip(names, r, strict=True)) for r in cur.fetchall()]))
    return out[0][0], out[0][1], out[1][0], out[1][1]


def _value(fmt: str, v: Any) -> float | None:
    if fmt == "csv":
        return None if v == "" else float(v)
    return None if v is None else float(v)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_round_trip_gives_the_stored_values(store: Store, tmp_path: Path, fmt: str) -> None:
    written = export(store, fmt, tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in tmp_path.iterdir())  # no temp file left
    columns, rows, fcolumns, frows = _read(fmt, tmp_path)
    assert tuple(columns) == report_columns()
    assert tuple(columns[len(IDENTITY_COLUMNS) :]) == cell_keys()
    assert tuple(fcolumns) == FINDING_COLUMNS
    values = stored_values(store)
    assert sorted(r["report_id"] for r in rows) == sorted(values)
    for r in rows:
        want = values[r["report_id"]]
        got = {k: _value(fmt, r[k]) for k in cell_keys()}
        assert got == want, r["report_id"]
    shuyang = next(r for r in rows if r["agency"] == "沭阳县人民政府")
    assert all(_value(fmt, shuyang[k]) is None for k in NULLED)
    assert _value(fmt, shuyang["t2.fees.amount"]) == 1234.56
    assert str(shuyang["year"]) == "2024" and shuyang["province"] == "江苏省"
    if fmt in ("csv", "json"):  # whole numbers written as integers, not 12.0
        liancai = next(r for r in rows if r["agency"] == "隆德县联财镇人民政府" and str(r["year"]) == "2023")
        assert liancai["t3.granted.total"] in ("12", 12) and not isinstance(
            liancai["t3.granted.total"], float
        )
    ((n_findings,),) = store.con.execute("SELECT count(*) FROM findings").fetchall()
    assert len(frows) == n_findings > 0
    history = [f for f in frows if f["scope"] == "history"]
    assert {f["rule"] for f in history} == {"history.carry_mismatch"}
    cells = history[0]["cells"]
    assert (cells.split(";") if isinstance(cells, str) else list(cells))[0].startswith("t3.carried_over.")
    errors = {r["report_id"]: int(r["errors"]) for r in rows}
    assert errors[history[0]["report_id"]] >= len(history)  # the row counts the cross-report findings too


def test_export_writes_atomically_and_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "reports.csv"
    target.write_text("old", encoding="utf-8")

    def fail(p: Path) -> None:
        p.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(ReadError, match=r"reports\.csv: cannot write: disk full"):
        _atomic(target, fail)
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == [
        "reports.csv"
    ]
    _atomic(target, lambda p: p.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"


def test_export_after_an_unfinished_result_on_the_connection(store: Store, tmp_path: Path) -> None:
    """DuckDB 2.0 refuses ``register`` while a result is half fetched; the export passes its ids as a parameter."""
    store.con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()
    for fmt in ("parquet", "xlsx"):
        assert export(store, fmt, tmp_path)


def test_export_of_an_empty_store_has_the_header(tmp_path: Path) -> None:
    export(Store.open(None), "csv", tmp_path)
    header = (tmp_path / "reports.csv").read_text(encoding="utf-8").splitlines()
    assert header == [",".join(report_columns())]


def test_export_doc_is_current_and_documents_every_column() -> None:
    assert (ROOT / "docs" / "export.md").read_text(encoding="utf-8") == export_markdown(), (
        "docs/export.md is stale: run `xxgk export --markdown > docs/export.md`"
    )
    assert tuple(IDENTITY_DOC) == IDENTITY_COLUMNS and tuple(FINDING_DOC) == FINDING_COLUMNS
    assert all(f"`{k}`" in export_markdown() for k in cell_keys())


def test_cli_export(store: Store, tmp_path: Path) -> None:
    db = tmp_path / "e.duckdb"
    s = Store.open(db)
    s.write([record("隆德县联财镇人民政府", 2024, planted({"granted": 7}))])
    s.close()
    res = CliRunner().invoke(
        app, ["export", "--db", str(db), "--format", "json", "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 0, res.output
    (row,) = json.loads((tmp_path / "x" / "reports.json").read_text(encoding="utf-8"))
    assert row["t3.granted.total"] == 7 and row["t3.denied_state_secret.total"] == 0
    res = CliRunner().invoke(app, ["export", "--db", str(db), "--format", "sqlite"])
    assert res.exit_code == 2 and "unknown export format" in res.stderr
    (tmp_path / "file").write_text("", encoding="utf-8")
    res = CliRunner().invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "file" / "x")])
    assert (
        res.exit_code == 2 and res.stderr.count("\n") == 1 and "cannot create the export folder" in res.stderr
    )

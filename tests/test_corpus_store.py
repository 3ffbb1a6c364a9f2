"""The corpus store: migrations, idempotent and resumable ingest, round trips, recheck, agencies, history."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from corpus_fixtures import BODIES, write_series
from hypothesis import given, settings
from hypothesis import strategies as st

import xxgk
from xxgk.catalogue import cell_keys
from xxgk.corpus import Store
from xxgk.corpus import versions as versions_mod
from xxgk.corpus.agencies import normalise, read_alias_file
from xxgk.corpus.history import CARRY, IN_FORCE, run_history
from xxgk.corpus.ingest import ingest, recheck, stale_documents
from xxgk.corpus.records import parse_record
from xxgk.corpus.schema import MIGRATIONS
from xxgk.errors import ReadError

ROOT = Path(__file__).resolve().parents[1]


def dump(store: Store) -> dict[str, list[Any]]:
    """Everything a run decides, without timestamps: two runs over the same files must give equal dumps."""
    q = {
        "documents": "SELECT sha256, path, size, content FROM documents ORDER BY sha256",
        "read_errors": "SELECT sha256, extractor_version, error FROM read_errors ORDER BY ALL",
        "reports": "SELECT report_id, sha256, agency_name, auto_key, year, format_version, kind, errors, warnings, "
        "infos, body, seq FROM reports ORDER BY report_id",
        "cells": "SELECT * FROM cells ORDER BY report_id, key",
        "findings": "SELECT * FROM findings ORDER BY report_id, scope, ord",
        "agencies": "SELECT * FROM agencies ORDER BY agency_key",
    }
    return {k: store.con.execute(sql).fetchall() for k, sql in q.items()}


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_series(tmp_path_factory.mktemp("series"))


def test_migrations_from_an_empty_file(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with Store.open(db) as store:
        assert store.version() == len(MIGRATIONS)
        rows = store.con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
        assert rows == [(m.version, m.name) for m in MIGRATIONS]
        tables = {
            r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        assert {
            "documents",
            "reports",
            "cells",
            "findings",
            "agencies",
            "agency_aliases",
            "read_errors",
        } <= tables
        cols = [d[0] for d in store.con.execute("SELECT * FROM report_values LIMIT 0").description]
        assert cols == ["report_id", *cell_keys()]
    with Store.open(db) as store:  # reopening applies nothing twice
        assert store.migrate() == []
        assert store.con.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(MIGRATIONS),)


def test_report_values_view_gives_every_cell_by_key(series: list[Path]) -> None:
    recs = [parse_record(str(p), p.read_bytes()) for p in series[:3]]
    with Store.open(None) as store:
        store.write([(r, b"") for r in recs])
        for rec in recs:
            row = store.con.execute(
                "SELECT * FROM report_values WHERE report_id = ?", [rec["report_id"]]
            ).fetchall()
            got = dict(zip(["report_id", *cell_keys()], row[0], strict=True))
            assert {k: got[k] for k in cell_keys()} == rec["report"]["cells"]
            assert sum(1 for v in rec["report"]["cells"].values() if v) > 20  # busy reports: not all zeros


def test_open_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no such store"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)
    bad = tmp_path / "not.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ReadError) as e:
        Store.open(bad)
    assert "\n" not in e.value.reason and e.value.source == str(bad)


def test_ingest_is_idempotent_and_same_bytes_are_one_document(tmp_path: Path, series: list[Path]) -> None:
    copy = tmp_path / "copy_of_first.txt"
    copy.write_bytes(series[0].read_bytes())
    with Store.open(None) as store:
        first = ingest([*series, copy], store)
        assert (first.added, first.skipped, first.unreadable) == (len(series), 1, [])
        before = dump(store)
        again = ingest([*series, copy], store)
        assert (again.added, again.skipped) == (0, len(series) + 1)
        assert dump(store) == before
        assert store.summary()["documents"] == len(series)


def test_a_stored_report_reads_back_exactly_as_parsed(series: list[Path]) -> None:
    rec = parse_record(str(series[4]), series[4].read_bytes())
    with Store.open(None) as store:
        store.write([(rec, series[4].read_bytes())])
        got = store.get_report(rec["report_id"])
    assert got is not None
    assert got["report"] == rec["report"]
    assert got["findings"] == rec["findings"]
    assert list(got["report"]) == list(rec["report"])  # same key order as `xxgk parse --json`
    assert got["file"] == str(series[4])


def test_batch_with_corrupt_files_lists_them_and_goes_on(tmp_path: Path, series: list[Path]) -> None:
    bad = {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "truncated.pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
        "notareport.txt": "今天天气很好，我们去公园散步。".encode() * 20,
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    with Store.open(None) as store:
        result = ingest([*(tmp_path / n for n in bad), *series[:3]], store)
        assert result.added == 3
        assert sorted(Path(p).name for p, _ in result.unreadable) == sorted(bad)
        assert all(reason and "\n" not in reason for _, reason in result.unreadable)
        assert store.summary()["unreadable"] == len(bad)
        again = ingest([*(tmp_path / n for n in bad), *series[:3]], store)  # read errors are remembered
        assert (again.added, again.skipped, again.unreadable) == (0, len(bad) + 3, [])


def test_agency_names_across_years_resolve_to_one_key() -> None:
    assert (
        len(
            {
                normalise(n).key
                for n in ("平潭综合实验区", "平潭综合实验区管委会办公室", "平潭综合实验区管理委员会")
            }
        )
        == 1
    )
    assert normalise("淮安市洪泽区人民政府").key == normalise("洪泽区人民政府").key == "320813:人民政府"
    assert normalise("沭阳县").key == normalise("沭阳县人民政府").key
    assert normalise("盐池县花马池镇").key == normalise("盐池县花马池镇人民政府").key
    # a government and its general office are different bodies; only an alias file may join them
    assert normalise("洪泽区人民政府办公室").key != normalise("洪泽区人民政府").key


def test_alias_file_joins_bodies_at_query_time(tmp_path: Path, series: list[Path]) -> None:
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "alias,agency\n# renamed in 2023\n盐池县某某局,隆德县联财镇人民政府\n", encoding="utf-8"
    )
    with Store.open(None) as store:
        ingest(series, store)
        key = normalise(BODIES[0]).key
        assert len(store.list_reports(agency=key)) == 3
        before = store.con.execute("SELECT report_id, auto_key FROM reports ORDER BY 1").fetchall()
        assert store.set_aliases(read_alias_file(aliases)) == 1
        assert len(store.list_reports(agency=key)) == 6
        assert store.con.execute("SELECT report_id, auto_key FROM reports ORDER BY 1").fetchall() == before
    bad = tmp_path / "bad.csv"
    bad.write_text("只有一列\n", encoding="utf-8")
    with pytest.raises(ReadError, match="line 1"):
        read_alias_file(bad)


def test_list_filters(series: list[Path]) -> None:
    with Store.open(None) as store:
        ingest(series, store)
        assert store.count_reports() == len(series)
        assert {r["agency"] for r in store.list_reports(region="宁夏")} == {
            "隆德县联财镇人民政府",
            "盐池县某某局",
        }
        assert [r["year"] for r in store.list_reports(region="沭阳")] == [2022, 2023, 2024]
        assert store.count_reports(year=2023) == len(BODIES)
        assert store.count_reports(level="township") == 3
        assert store.count_reports(with_errors=True) == 0
        pingtan = store.find_agencies("平潭")
        assert [a["agency_key"] for a in pingtan] == ["-:平潭综合实验区"]


def test_history_finds_a_planted_carry_break(tmp_path: Path) -> None:
    paths = write_series(tmp_path, bodies=(BODIES[0],))
    text = paths[1].read_text(
        encoding="utf-8"
    )  # 2023: bump 上年结转·自然人 and its sums, so only history breaks
    rec = parse_record(str(paths[1]), paths[1].read_bytes())
    cells = rec["report"]["cells"]
    from xxgk.render.text import ReportData, render_text

    changed = dict(cells)
    for key in ("t3.carried_over.natural_person", "t3.carried_over.total"):
        changed[key] = cells[key] + 5
    for key in ("t3.granted.natural_person", "t3.granted.total", "t3.total.natural_person", "t3.total.total"):
        changed[key] = cells[key] + 5
    assert text != render_text(ReportData(BODIES[0], 2023, changed), "tabbed")
    paths[1].write_text(render_text(ReportData(BODIES[0], 2023, changed), "tabbed"), encoding="utf-8")
    with Store.open(None) as store:
        result = ingest(paths, store)
        assert result.history is not None and (result.history.pairs, result.history.findings) == (2, 2)
        rows = store.con.execute(
            "SELECT r.year, f.rule, f.cells FROM findings f JOIN reports r USING (report_id) "
            "WHERE scope = 'history' ORDER BY r.year"
        ).fetchall()
        # 2023 carries over 5 more than 2022 carried forward (自然人 and 总计); its 结转下年度 is unchanged, so
        # 2024 still follows from it
        assert rows == [
            (2023, "history.carry_mismatch", ["t3.carried_over.natural_person"]),
            (2023, "history.carry_mismatch", ["t3.carried_over.total"]),
        ]
        listed = store.list_reports(year=2023)
        assert listed[0]["errors"] == 2
        # the same findings as `xxgk check --previous`
        now, before = xxgk.parse(paths[1]), xxgk.parse(paths[0])
        expected = [f.message for f in xxgk.check(now, before) if f.rule.startswith("history.")]
        got = [
            f["message"] for f in store.get_report(listed[0]["id"])["findings"] if f.get("scope") == "history"
        ]
        assert got == expected


_VALUE = st.none() | st.integers(0, 5)
_SCRATCH: list[Store] = []


def _scratch_store() -> Store:
    """One in-memory store for all examples (migrating one per example would dominate the test)."""
    if not _SCRATCH:
        _SCRATCH.append(Store.open(None))
    return _SCRATCH[0]


@settings(max_examples=60, deadline=None)
@given(now=st.lists(_VALUE, min_size=13, max_size=13), before=st.lists(_VALUE, min_size=9, max_size=9))
def test_history_sql_filter_agrees_with_the_rules(now: list[int | None], before: list[int | None]) -> None:
    """The SQL scan flags a pair exactly when the rule functions find something in it."""
    from xxgk.model.report import Report
    from xxgk.rules import RULES, Context

    now_keys = [k for k, _ in CARRY] + [k for t in IN_FORCE for k in t]
    prev_keys = [k for _, k in CARRY] + [t[0] for t in IN_FORCE]
    now_cells = dict(zip(now_keys, now, strict=True))
    prev_cells = dict(zip(prev_keys, before, strict=True))
    expected = any(
        True
        for rule_id in ("history.carry_mismatch", "history.in_force_mismatch")
        for _ in RULES[rule_id].fn(
            Context(
                Report.model_construct(year=2024, cells=now_cells),
                Report.model_construct(year=2023, cells=prev_cells),
            )
        )
    )
    store = _scratch_store()
    with store.transaction():
        for table in ("reports", "cells", "findings"):
            store.con.execute(f"DELETE FROM {table}")
        for rid, year, cells in (("n", 2024, now_cells), ("p", 2023, prev_cells)):
            store.con.execute(
                "INSERT INTO reports VALUES (?, ?, 'x', 'k', ?, '2021', 'text', 'e', 'r', 0, 0, 0, ''::BLOB, now(), ?)",
                [rid, rid, year, 1 if rid == "p" else 2],
            )
            store.con.executemany(
                "INSERT INTO cells (report_id, key, value, status) VALUES (?, ?, ?, 'number')",
                [(rid, k, v) for k, v in cells.items()],
            )
    result = run_history(store)
    assert (result.flagged == 1) == expected
    assert (result.findings > 0) == expected


def test_recheck_adds_rows_for_new_code_and_keeps_the_old(
    series: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(None) as store:
        ingest(series[:3], store)
        old_ids = {r["id"] for r in store.list_reports()}
        assert stale_documents(store) == []
        monkeypatch.setattr(versions_mod, "rules_version", lambda: "9.9.9+newrules")
        import xxgk.corpus.ingest as ingest_mod
        import xxgk.corpus.records as records_mod

        monkeypatch.setattr(records_mod, "rules_version", lambda: "9.9.9+newrules")
        monkeypatch.setattr(ingest_mod, "rules_version", lambda: "9.9.9+newrules")
        assert len(stale_documents(store)) == 3
        result = recheck(store)
        assert result.added == 3 and stale_documents(store) == []
        new_ids = {r["id"] for r in store.list_reports()}
        assert new_ids.isdisjoint(old_ids) and len(new_ids) == 3
        assert store.con.execute("SELECT count(*) FROM reports").fetchone() == (6,)  # nothing edited in place
        for rid in old_ids:
            assert store.get_report(rid) is not None


@pytest.mark.slow
def test_kill_9_during_ingest_then_rerun_gives_the_clean_store(tmp_path: Path) -> None:
    paths = write_series(tmp_path / "in", years=tuple(range(2014, 2026)), bodies=BODIES)  # 48 reports
    clean_db, killed_db = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    code = (
        "import sys; from pathlib import Path; from xxgk.corpus import Store; from xxgk.corpus.ingest import ingest\n"
        "paths = sorted(Path(sys.argv[2]).glob('*.txt'))\n"
        "with Store.open(sys.argv[1]) as s: ingest(paths, s, batch=4, workers=int(sys.argv[3]),\n"
        "    progress=lambda d, t: print(d, flush=True))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", code, str(killed_db), str(tmp_path / "in"), "1"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:  # kill mid-run: after some batches have committed
            if int(line) >= 14:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with Store.open(killed_db) as store:
        partial = store.count_reports()
        assert 0 < partial < len(paths)
        assert partial % 4 == 0 or partial == len(paths)  # whole batches only: no half report
        ingest(sorted(paths), store)
        killed = dump(store)
    subprocess.run([sys.executable, "-c", code, str(clean_db), str(tmp_path / "in"), "1"], check=True, env=env,
                   capture_output=True)  # fmt: skip
    with Store.open(clean_db) as store:
        clean = dump(store)
    assert killed["documents"] == clean["documents"]
    for table in ("reports", "cells", "findings", "agencies", "read_errors"):
        a = [r for r in killed[table]]
        b = [r for r in clean[table]]
        if table == "reports":  # seq is insertion order: equal as a set of (id, rest-without-seq)
            a, b = [r[:-1] for r in a], [r[:-1] for r in b]
        assert a == b, table


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_store_as_a_local_run(tmp_path: Path, series: list[Path]) -> None:
    distributed = pytest.importorskip("distributed")
    with Store.open(tmp_path / "local.duckdb") as store:
        ingest(series, store, workers=2)
        local = dump(store)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        Store.open(tmp_path / "dask.duckdb") as store,
    ):
        result = ingest(series, store, cluster=client)
        assert result.added == len(series)
        dask = dump(store)
    assert dask == local


def test_cli_ingest_reports_json(tmp_path: Path, series: list[Path]) -> None:
    db = tmp_path / "cli.duckdb"
    run = [str(Path(sys.executable).parent / "xxgk")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*run, "ingest", str(series[0].parent), "--db", str(db), "-w", "1"], capture_output=True,
                          text=True, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{len(series)} new reports" in done.stdout
    listed = subprocess.run([*run, "reports", "--db", str(db), "--region", "沭阳", "--json"], capture_output=True,
                            text=True, env=env)  # fmt: skip
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["agency"], r["year"]) for r in rows] == [("沭阳县人民政府", y) for y in (2022, 2023, 2024)]

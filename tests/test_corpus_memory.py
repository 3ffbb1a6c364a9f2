"""The writer's memory: no ART indexes on the per-document tables, the writer keeps them unique itself,
old stores upgrade, and an ingest runs within its own DuckDB memory budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from corpus_fixtures import write_series

from xxgk.corpus import Store
from xxgk.corpus import ingest as ingest_mod
from xxgk.corpus.ingest import cross_year, ingest, ingest_budget
from xxgk.corpus.records import Record, parse_record
from xxgk.corpus.schema import MIGRATIONS, WRITER_UNIQUE
from xxgk.corpus.store import _now


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_series(tmp_path_factory.mktemp("series"))


def _keys(store: Store) -> set[tuple[str, str]]:
    return {
        (t, c)
        for t, c in store.con.execute(
            "SELECT table_name, constraint_type FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
    }


def _counts(store: Store) -> dict[str, tuple[int, int]]:
    """(rows, distinct keys) of each table whose uniqueness the writer keeps."""
    out = {}
    for table, cols in WRITER_UNIQUE.items():
        row = store.con.execute(
            f"SELECT count(*), count(DISTINCT ({', '.join(cols)})) FROM {table}"
        ).fetchone()
        assert row is not None
        out[table] = (int(row[0]), int(row[1]))
    return out


def _limit(store: Store) -> str:
    row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def _unreadable(path: str, data: bytes) -> Record:
    rec = parse_record(path, data)
    assert rec["error"]
    return rec


def test_per_document_tables_carry_no_art_index(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        keyed = {t for t, _ in _keys(store)}
        assert keyed.isdisjoint(WRITER_UNIQUE)  # no PRIMARY KEY, so no ART index, on these
        assert {"agencies", "agency_aliases"} <= keyed  # the small user-sized tables keep theirs
        indexed = {r[0] for r in store.con.execute("SELECT table_name FROM duckdb_indexes()").fetchall()}
        assert indexed.isdisjoint(WRITER_UNIQUE)


def test_the_writer_keeps_them_unique_without_keys(series: list[Path]) -> None:
    recs = [(parse_record(str(p), p.read_bytes()), p.read_bytes()) for p in series[:4]]
    bad = b"\x00\x01 not a report"
    err = _unreadable("bad.txt", bad)
    with Store.open(None) as store:
        # the same bytes twice in one batch (two paths), an unreadable file twice, then the batch again
        twice = (dict(recs[0][0], path="elsewhere.txt"), recs[0][1])
        assert store.write([*recs, twice, (err, bad), (dict(err), bad)]) == 4
        assert store.write([*recs, (err, bad)]) == 0
        assert store.write(recs[:1]) == 0
        assert _counts(store) == {"documents": (5, 5), "read_errors": (1, 1), "reports": (4, 4)}
        assert store.document(recs[0][0]["sha256"]) == (recs[0][0]["path"], recs[0][1])  # the first path
        assert store.con.execute("SELECT count(*) FROM cells").fetchone() == (sum(
            len(r["report"]["details"]) for r, _ in recs),)  # fmt: skip


def test_a_rolled_back_batch_leaves_nothing_and_its_rerun_is_whole(series: list[Path]) -> None:
    recs = [(parse_record(str(p), p.read_bytes()), p.read_bytes()) for p in series[:3]]
    broken = dict(recs[2][0], report=dict(recs[2][0]["report"], details=None))  # fails mid-write
    with Store.open(None) as store:
        with pytest.raises(AttributeError):
            store.write([recs[0], recs[1], (broken, recs[2][1])])
        assert _counts(store) == {t: (0, 0) for t in WRITER_UNIQUE}
        assert store.write(recs) == 3
        assert _counts(store) == {"documents": (3, 3), "read_errors": (0, 0), "reports": (3, 3)}


def _store_at(path: Path, version: int) -> None:
    """A store as an older release left it: migrations up to ``version`` only."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMP NOT NULL)"
    )
    for m in MIGRATIONS[:version]:
        con.execute(m.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, _now()])
    con.close()


def test_a_version_2_store_upgrades_with_its_rows(tmp_path: Path, series: list[Path]) -> None:
    db = tmp_path / "old.duckdb"
    _store_at(db, 2)
    recs = [(parse_record(str(p), p.read_bytes()), p.read_bytes()) for p in series[:3]]
    con = duckdb.connect(str(db))  # the old writer's rows, keys and all
    old = Store(con, db, read_only=False)
    assert old.version() == 2 and ("documents", "PRIMARY KEY") in _keys(old)
    with old.transaction():
        old._write(recs)
    before: dict[str, Any] = {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("documents", "reports", "cells")
    }
    con.close()
    with Store.open(db) as store:
        assert store.version() == len(MIGRATIONS) == 3
        assert {t for t, _ in _keys(store)}.isdisjoint(WRITER_UNIQUE)
        for t, rows in before.items():
            assert store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() == rows, t
        assert len(store.list_reports()) == 3  # the views still bind to the rebuilt tables
        assert store.write(recs) == 0  # and the writer still refuses what the store has
        assert _counts(store)["documents"] == (3, 3)


def test_ingest_runs_within_its_memory_budget_then_gives_it_back(
    tmp_path: Path, series: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XXGK_DB_MEMORY", "300MB")
    monkeypatch.setenv("XXGK_INGEST_MEMORY", "100MB")
    seen: list[str] = []
    real_write = Store.write

    def write(self: Store, batch: Any) -> int:
        seen.append(_limit(self))
        return real_write(self, batch)

    monkeypatch.setattr(Store, "write", write)
    db = tmp_path / "b.duckdb"
    with Store.open(db) as store:
        assert _limit(store) == "286.1 MiB"  # 300 MB, as DuckDB prints it
        result = ingest(series[:6], store, batch=2, history=False)
        assert result.added == 6 and len(seen) >= 3 and set(seen) == {"95.3 MiB"}  # every batch in 100 MB
        assert _limit(store) == "286.1 MiB"  # and the store's own limit back afterwards
        wal = db.with_name(db.name + ".wal")
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed: nothing to replay on open


def test_cross_year_falls_back_to_the_store_limit_when_the_budget_is_too_small(
    tmp_path: Path, series: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def history(store: Store) -> Any:
        calls.append(_limit(store))
        if len(calls) == 1:
            raise duckdb.OutOfMemoryException("could not allocate block")
        return "ran"

    monkeypatch.setattr(ingest_mod, "run_history", history)
    monkeypatch.setenv("XXGK_DB_MEMORY", "256MB")
    monkeypatch.setenv("XXGK_INGEST_MEMORY", "100MB")
    with Store.open(tmp_path / "c.duckdb") as store:
        assert cross_year(store) == "ran"
        with ingest_budget(store):
            assert _limit(store) == "95.3 MiB"
        assert _limit(store) == "244.1 MiB"
    assert calls == ["95.3 MiB", "244.1 MiB"]

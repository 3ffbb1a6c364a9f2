"""The store: one class owns the DuckDB file — its migrations, its single writer and its transactions.

Every write is one transaction over a batch of whole records, so a crash (kill -9 included) leaves whole
reports or none, and re-running an ingest adds exactly what is missing: document hashes and report ids
are derived from content and code versions, never from the order things arrived in.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from xxgk.corpus.agencies import Alias, normalise
from xxgk.corpus.codec import dumps, pack
from xxgk.corpus.queries import StoreReads
from xxgk.corpus.records import Record
from xxgk.corpus.schema import MIGRATIONS, WRITER_UNIQUE
from xxgk.errors import ReadError

DEFAULT_DB = Path("xxgk.duckdb")
# DuckDB's own cache grows to most of RAM by default; a store spills to disk instead (XXGK_DB_MEMORY overrides)
DEFAULT_MEMORY = "256MB"
_DOCUMENT_COLUMNS = ("sha256", "path", "size", "content", "ingested_at")
_ERROR_COLUMNS = ("sha256", "extractor_version", "error", "created_at")

_CELL_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("key", pa.string()),
        ("value", pa.float64()),
        ("raw", pa.string()),
        ("status", pa.string()),
        ("line", pa.int32()),
        ("col", pa.int32()),
        ("end_col", pa.int32()),
        ("end_line", pa.int32()),
        ("page", pa.int32()),
        ("bbox", pa.list_(pa.float64())),
        ("alternatives", pa.string()),
        ("note", pa.string()),
    ]
)
_FINDING_COLUMNS = ("report_id", "scope", "rule", "severity", "message", "cells", "section", "tbl", "place", "data", "ord")  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def finding_rows(report_id: str, scope: str, findings: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Findings (as ``Finding.model_dump(mode='json')``) → rows of the findings table."""
    return [
        (
            report_id,
            scope,
            f["rule"],
            f["severity"],
            f["message"],
            list(f.get("cells") or []),
            f.get("section"),
            f.get("table"),
            dumps(f["place"]) if f.get("place") else None,
            dumps(f["data"]) if f.get("data") else None,
            i,
        )
        for i, f in enumerate(findings)
    ]


def _cell_columns(records: Sequence[Record]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {name: [] for name in _CELL_SCHEMA.names}
    for rec in records:
        rid, report = rec["report_id"], rec["report"]
        values = report["cells"]
        for key, d in report["details"].items():
            place = d.get("place") or {}
            cols["report_id"].append(rid)
            cols["key"].append(key)
            cols["value"].append(values.get(key))
            cols["raw"].append(d.get("raw"))
            cols["status"].append(d.get("status"))
            cols["line"].append(place.get("line"))
            cols["col"].append(place.get("col"))
            cols["end_col"].append(place.get("end_col"))
            cols["end_line"].append(place.get("end_line"))
            cols["page"].append(place.get("page"))
            cols["bbox"].append(place.get("bbox"))
            alts = d.get("alternatives")
            cols["alternatives"].append(dumps(alts) if alts else None)
            cols["note"].append(d.get("note") or None)
    return cols


class Store(StoreReads):
    """A DuckDB file of documents, reports, cells, findings and agencies (see ``schema.py``)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        path: Path | None,
        *,
        read_only: bool,
        memory: str = DEFAULT_MEMORY,
    ) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self.memory = memory  # the DuckDB memory_limit this store was opened with

    @classmethod
    def open(cls, path: Path | str | None = DEFAULT_DB, *, read_only: bool = False) -> Store:
        """Open (creating and migrating when writable) a store; ``None`` is an in-memory one."""
        p = Path(path) if path is not None else None
        if read_only and p is not None and not p.exists():
            raise ReadError(str(p), "no such store; run `xxgk ingest` first")
        memory = os.environ.get("XXGK_DB_MEMORY", DEFAULT_MEMORY)
        try:
            con = duckdb.connect(
                str(p) if p is not None else ":memory:", read_only=read_only, config={"memory_limit": memory}
            )
        except duckdb.Error as e:
            raise ReadError(str(p), f"cannot open the store: {str(e).splitlines()[0]}") from None
        con.execute("SET enable_progress_bar = false")  # it would print into --json output on slow queries
        store = cls(con, p, read_only=read_only, memory=memory)
        if read_only:
            if store.version() < len(MIGRATIONS):
                raise ReadError(str(p), "the store needs migrating; open it once without read_only")
        else:
            store.migrate()
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------------

    def version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> list[int]:
        """Apply the migrations this file lacks, each in the transaction that records it."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = self.version()
        applied = []
        for m in MIGRATIONS:
            if m.version <= done:
                continue
            with self.transaction():
                self.con.execute(m.sql)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, _now()]
                )
            applied.append(m.version)
        return applied

    @contextmanager
    def memory_limit(self, limit: str) -> Iterator[None]:
        """Run a block under another DuckDB memory_limit, then go back to the store's own.

        DuckDB's buffer pool keeps every block it has written or read until the limit forces it out, so
        a writer that only appends fills it with blocks it never reads again; the writer runs under a
        smaller limit than the analysis commands (``xxgk.corpus.ingest.ingest_budget``). An in-memory
        store is left alone: its tables live in that pool.
        """
        if self.path is None:
            yield
            return
        self.con.execute(f"SET memory_limit = '{limit}'")
        try:
            yield
        finally:
            self.con.execute(f"SET memory_limit = '{self.memory}'")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file, so the next open has nothing to replay (in memory)."""
        if self.path is not None and not self.read_only:
            self.con.execute("CHECKPOINT")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- writing ------------------------------------------------------------------------------------

    def known(self, digests: Sequence[str], extractor: str, rules: str) -> set[str]:
        """Which of these documents already have a report by this extractor and rules (or are unreadable)."""
        if not digests:
            return set()
        rows = self.con.execute(
            "SELECT sha256 FROM reports WHERE sha256 IN (SELECT unnest(?)) "
            "AND extractor_version = ? AND rules_version = ? "
            "UNION SELECT sha256 FROM read_errors WHERE sha256 IN (SELECT unnest(?)) AND extractor_version = ?",
            [list(digests), extractor, rules, list(digests), extractor],
        ).fetchall()
        return {r[0] for r in rows}

    def write(self, batch: Sequence[tuple[Record, bytes | None]]) -> int:
        """Write whole records in one transaction; returns how many reports were new."""
        if not batch:
            return 0
        with self.transaction():
            return self._write(batch)

    def _write(self, batch: Sequence[tuple[Record, bytes | None]]) -> int:
        now = _now()
        ids = [rec["report_id"] for rec, _ in batch if rec["report"] is not None]
        have = {
            r[0]
            for r in self.con.execute(
                "SELECT report_id FROM reports WHERE report_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        }
        seq_row = self.con.execute("SELECT coalesce(max(seq), 0) FROM reports").fetchone()
        seq = int(seq_row[0]) if seq_row else 0
        docs: dict[str, tuple[Any, ...]] = {}
        errors: dict[tuple[str, str], tuple[Any, ...]] = {}
        reports, findings, agencies, fresh = [], [], [], []
        for rec, content in batch:
            if rec["sha256"] not in docs:  # the same bytes twice in a batch: the first path, as before
                docs[rec["sha256"]] = (
                    rec["sha256"], rec["path"], rec["size"], zlib.compress(content, 6) if content else None, now
                )  # fmt: skip
            if rec["error"]:
                errors.setdefault(
                    (rec["sha256"], rec["extractor_version"]),
                    (rec["sha256"], rec["extractor_version"], rec["error"], now),
                )
            report = rec["report"]
            if report is None or rec["report_id"] in have:
                continue
            have.add(rec["report_id"])
            fresh.append(rec)
            seq += 1
            counts = {
                s: sum(1 for f in rec["findings"] if f["severity"] == s) for s in ("error", "warning", "info")
            }
            body = {k: v for k, v in report.items() if k != "details"}
            agency = rec["agency"]
            reports.append(
                (
                    rec["report_id"],
                    rec["sha256"],
                    report["agency"].get("name"),
                    agency["key"] if agency else None,
                    report.get("year"),
                    report.get("format_version", "unknown"),
                    rec["kind"],
                    rec["extractor_version"],
                    rec["rules_version"],
                    counts["error"],
                    counts["warning"],
                    counts["info"],
                    pack(body),
                    now,
                    seq,
                )
            )
            findings.extend(finding_rows(rec["report_id"], "report", rec["findings"]))
            if agency:
                agencies.append(
                    (agency["key"], agency["name"], agency["level"], agency["province"], agency["city"],
                     agency["county"], agency["division_code"])
                )  # fmt: skip
        # uniqueness of documents, read errors and reports is this writer's to keep (schema migration 3):
        # inside this transaction, rows whose key the table has are not inserted (`have` above for reports)
        self.insert("documents", list(docs.values()), columns=_DOCUMENT_COLUMNS, new_only=True)
        self.insert("read_errors", list(errors.values()), columns=_ERROR_COLUMNS, new_only=True)
        self.insert("agencies", list({a[0]: a for a in reversed(agencies)}.values()), or_ignore=True)
        self.insert("reports", reports)
        if fresh:
            cells = pa.Table.from_pydict(_cell_columns(fresh), schema=_CELL_SCHEMA)
            self._insert_arrow("cells", cells)
        self.insert_findings(findings)
        return len(reports)

    def insert_findings(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.insert("findings", rows, columns=_FINDING_COLUMNS)

    def insert(
        self,
        table: str,
        rows: Sequence[tuple[Any, ...]],
        *,
        columns: Sequence[str] | None = None,
        or_ignore: bool = False,
        new_only: bool = False,
    ) -> None:
        """Rows in one columnar insert: DuckDB's executemany costs milliseconds a row, Arrow microseconds.

        ``or_ignore`` skips rows that clash with a PRIMARY KEY; ``new_only`` skips rows whose key
        (``schema.WRITER_UNIQUE``) the table already has, for the tables that have no key to clash with.
        """
        if not rows:
            return
        names = list(columns) if columns else [f"c{i}" for i in range(len(rows[0]))]
        data = pa.table(
            {n: pa.array(list(col)) for n, col in zip(names, zip(*rows, strict=True), strict=True)}
        )
        self._insert_arrow(table, data, columns=columns, or_ignore=or_ignore, new_only=new_only)

    def _insert_arrow(
        self,
        table: str,
        data: pa.Table,
        *,
        columns: Sequence[str] | None = None,
        or_ignore: bool = False,
        new_only: bool = False,
    ) -> None:
        target = f"{table} ({', '.join(columns)})" if columns else table
        where = ""
        if new_only:
            same = " AND ".join(f"t.{k} = r.{k}" for k in WRITER_UNIQUE[table])
            where = f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})"
        # `_rows` is found by DuckDB's replacement scan of this frame; execute() (unlike register())
        # also closes a result an earlier fetchone() left open
        _rows = data
        self.con.execute(
            f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO {target} SELECT * FROM _rows r{where}"
        )

    def set_aliases(self, aliases: Sequence[Alias]) -> int:
        """Replace the alias table with the file's rows (reports are untouched: aliases apply at query time)."""
        with self.transaction():
            self.con.execute("DELETE FROM agency_aliases")
            rows = {a.alias_key: (a.alias_key, a.agency_key, a.alias, a.canonical) for a in aliases}
            if rows:
                self.insert("agency_aliases", list(rows.values()))
                named = {a.agency_key: a.canonical for a in reversed(aliases)}
                rows_a = []
                for key, canonical in named.items():
                    r = normalise(canonical).region  # the canonical body's region, for grouping
                    rows_a.append((key, canonical, r.level, r.province, r.city, r.county, r.code))
                self.insert("agencies", rows_a, or_ignore=True)
        return len(rows)

    def document(self, digest: str) -> tuple[str, bytes | None] | None:
        """A stored document's first path and its bytes."""
        row = self.con.execute("SELECT path, content FROM documents WHERE sha256 = ?", [digest]).fetchone()
        if row is None:
            return None
        return row[0], zlib.decompress(row[1]) if row[1] is not None else None

"""Exports: one row per current report — fixed identity columns, then the 200 cell keys unchanged — and a
findings table, as CSV, Parquet, XLSX or JSON.

The schema is a contract (``docs/export.md`` is generated from ``export_doc`` and a test keeps it
current): the same columns in the same order in every format, whatever the store holds. Values are the
stored ones: a null cell is empty (CSV, XLSX) or null (JSON, Parquet), never 0; whole numbers are written
as integers in CSV, JSON and XLSX, and Parquet keeps the store's DOUBLE. The reports are pivoted
``CHUNK`` at a time, so memory stays flat however large the store: DuckDB writes each chunk of CSV or
JSON (``COPY``) and the chunks are joined into one file, pyarrow's writer takes Parquet chunk by chunk,
openpyxl writes XLSX in write-only mode. Each file is written under a temporary name in the target
folder and moved into place (``os.replace``), so a reader never sees half a file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from xxgk.catalogue import cell_keys
from xxgk.corpus.frame import IDENTITY_COLUMNS, col, identity_sql, values_sql
from xxgk.corpus.store import Store
from xxgk.errors import ReadError

FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx", "json")
FINDING_COLUMNS: tuple[str, ...] = (
    "report_id",
    "scope",
    "rule",
    "severity",
    "message",
    "cells",
    "section",
    "table",
    "place",
    "data",
    "ord",
)
CHUNK = 5000  # reports pivoted per query: bounds DuckDB's memory (the store runs with a 256 MB limit)
_COPY_OPTIONS = {"csv": "FORMAT csv, HEADER", "parquet": "FORMAT parquet", "json": "FORMAT json, ARRAY true"}
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows, less the header


def report_columns() -> tuple[str, ...]:
    """The reports table's columns, in order: identity, then the 200 cell keys in catalogue order."""
    return (*IDENTITY_COLUMNS, *cell_keys())


_ORDER = "province NULLS LAST, agency NULLS LAST, year NULLS LAST, path, report_id"


def _report_ids(store: Store) -> list[str]:
    return [
        r[0]
        for r in store.con.execute(f"SELECT report_id FROM ({identity_sql()}) ORDER BY {_ORDER}").fetchall()
    ]


def _reports_sql(fmt: str) -> str:
    """The reports whose ids are the parameter ``$ids``, in export order."""
    ident = ", ".join(f"i.{col(c)}" for c in IDENTITY_COLUMNS)
    cells = ", ".join(f"{_value(fmt, 'v.' + col(k))} AS {col(k)}" for k in cell_keys())
    return (
        f"SELECT {ident}, {cells} FROM ({identity_sql()}) i "
        f"LEFT JOIN ({values_sql(cell_keys(), 'SELECT unnest($ids) AS report_id')}) v USING (report_id) "
        f"WHERE i.report_id IN (SELECT unnest($ids)) ORDER BY {_ORDER}"
    )


def _chunks(ids: list[str]) -> Iterator[dict[str, list[str]]]:
    """The query parameters of each chunk of ids: DuckDB pivots ``CHUNK`` reports at a time, so an
    export's memory does not grow with the store (an empty store is one empty chunk)."""
    for i in range(0, max(len(ids), 1), CHUNK):
        yield {"ids": ids[i : i + CHUNK]}


def _write_reports(store: Store, fmt: str, path: Path) -> None:
    ids, sql = _report_ids(store), _reports_sql(fmt)
    if fmt == "parquet":
        writer: pq.ParquetWriter | None = None
        try:
            for params in _chunks(ids):
                table = store.con.sql(sql, params=params).to_arrow_table()
                writer = writer or pq.ParquetWriter(path, table.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        return
    part = path.with_name(path.name + ".part")  # DuckDB writes each chunk here; it is appended to path
    rows = 0
    try:
        with path.open("wb") as out:
            out.write(b"[" if fmt == "json" else b"")
            for n, params in enumerate(_chunks(ids)):
                options = f"FORMAT csv, HEADER {str(n == 0).lower()}" if fmt == "csv" else "FORMAT json"
                store.con.execute(f"COPY ({sql}) TO '{_sql_path(part)}' ({options})", params)
                with part.open("rb") as f:
                    if fmt == "csv":
                        shutil.copyfileobj(f, out)
                        continue
                    for line in f:  # JSON Lines → one array
                        if line.strip():
                            out.write((b",\n" if rows else b"\n") + line.rstrip(b"\n"))
                            rows += 1
            out.write(b"\n]\n" if fmt == "json" else b"")
    finally:
        part.unlink(missing_ok=True)


def _value(fmt: str, v: str) -> str:
    whole = f"({v} = trunc({v}) AND abs({v}) < 1e15)"
    if fmt == "csv":
        return f"CASE WHEN {whole} THEN CAST(CAST({v} AS BIGINT) AS VARCHAR) ELSE CAST({v} AS VARCHAR) END"
    if fmt == "json":
        return f"CASE WHEN {whole} THEN to_json(CAST({v} AS BIGINT)) ELSE to_json({v}) END"
    return v


def _findings_sql(fmt: str) -> str:
    cells = "array_to_string(f.cells, ';')" if fmt in ("csv", "xlsx") else "f.cells"
    json_text = (lambda c: f"CAST(f.{c} AS JSON)") if fmt == "json" else (lambda c: f"f.{c}")
    return (
        f"SELECT f.report_id, f.scope, f.rule, f.severity, f.message, {cells} AS cells, f.section, "
        f'f.tbl AS "table", {json_text("place")} AS place, {json_text("data")} AS data, f.ord '
        f"FROM findings f JOIN (SELECT report_id, row_number() OVER (ORDER BY {_ORDER}) AS n "
        f"FROM ({identity_sql()})) i USING (report_id) "
        "ORDER BY i.n, f.scope = 'history', f.ord"
    )


def _atomic(target: Path, write: Callable[[Path], object]) -> Path:
    """``write`` a temporary file beside ``target``, then move it into place; a failure leaves ``target``
    as it was and is one ReadError naming it."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, target)
    except (OSError, duckdb.IOException) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e).splitlines()[0]
        raise ReadError(str(target), f"cannot write: {reason}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def export(store: Store, fmt: str, out_dir: Path | str = ".") -> list[Path]:
    """Write ``reports.<fmt>`` and ``findings.<fmt>`` (one ``export.xlsx`` with two sheets) into out_dir."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReadError(str(out), f"cannot create the export folder: {e.strerror or e}") from None
    if fmt == "xlsx":
        return [_atomic(out / "export.xlsx", lambda p: _write_xlsx(store, p))]

    def findings(p: Path) -> None:
        store.con.execute(f"COPY ({_findings_sql(fmt)}) TO '{_sql_path(p)}' ({_COPY_OPTIONS[fmt]})")

    return [
        _atomic(out / f"reports.{fmt}", lambda p: _write_reports(store, fmt, p)),
        _atomic(out / f"findings.{fmt}", findings),
    ]


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def _rows(store: Store, sql: str, params: dict[str, Any] | None = None) -> Iterator[tuple[Any, ...]]:
    cur = store.con.execute(sql, params)
    while rows := cur.fetchmany(2000):
        yield from rows


def _write_xlsx(store: Store, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
            return int(v)
        if isinstance(v, str):
            return ILLEGAL_CHARACTERS_RE.sub("", v)
        return v

    ids = _report_ids(store)
    ((n_findings,),) = store.con.execute(f"SELECT count(*) FROM ({_findings_sql('xlsx')})").fetchall()
    for name, n in (("reports", len(ids)), ("findings", n_findings)):
        if n > XLSX_MAX_ROWS:
            raise ReadError(
                str(path), f"{n} {name} exceed a sheet's {XLSX_MAX_ROWS} rows; use csv or parquet"
            )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reports")
    ws.append(list(report_columns()))
    for params in _chunks(ids):
        for r in _rows(store, _reports_sql("xlsx"), params):
            ws.append([clean(v) for v in r])
    ws = wb.create_sheet("findings")
    ws.append(list(FINDING_COLUMNS))
    for r in _rows(store, _findings_sql("xlsx")):
        ws.append([clean(v) for v in r])
    wb.save(path)

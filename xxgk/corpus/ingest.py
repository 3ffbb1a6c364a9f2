"""Batch ingest: read files, parse them in parallel (local processes or a Dask cluster), write once.

The parent reads each file, hashes it and skips what the store already has (so a rerun after a crash
only does what is missing); workers turn bytes into plain records (``records.parse_record``); the parent
is the single writer and commits whole batches in input order, so two runs over the same files, however
parallel, give the same store. Unreadable files become documents with an error, listed, never fatal.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from xxgk.api import MAX_FILE_BYTES
from xxgk.corpus.history import HistoryResult, run_history
from xxgk.corpus.records import Record, parse_record, sha256
from xxgk.corpus.store import Store
from xxgk.corpus.versions import extractor_version, rules_version

Progress = Callable[[int, int], None]  # (files done, files in all)

# DuckDB's memory_limit while ingesting (XXGK_INGEST_MEMORY overrides). The writer appends and probes
# a few key columns; a larger buffer pool only keeps the blocks it has just written, and under the
# store's 256 MB it filled to the limit. Measured on 100,000 reports: writing is as fast under 64 MB as
# under 256 MB; the cross-year scan runs out of memory under 64 MB and takes 6.3 s under 128 MB against
# 6.1 s under 256 MB, so 128 MB holds the whole ingest command (bench/bench_ingest.py).
INGEST_MEMORY = "128MB"


def ingest_budget(store: Store) -> AbstractContextManager[None]:
    """The DuckDB memory limit the ingest command runs under (the analysis commands keep the store's own)."""
    return store.memory_limit(os.environ.get("XXGK_INGEST_MEMORY", INGEST_MEMORY))


def cross_year(store: Store) -> HistoryResult:
    """The cross-report rules within the ingest budget, or the store's own limit for a store too big for it.

    The rules read and then replace the history findings in one transaction, so a scan that runs out of
    memory has written nothing and is simply run again with more.
    """
    try:
        with ingest_budget(store):
            return run_history(store)
    except duckdb.OutOfMemoryException:
        return run_history(store)


@dataclass
class IngestResult:
    files: int = 0
    added: int = 0  # new reports written
    skipped: int = 0  # already in the store (same bytes, same code), or the same bytes twice in this run
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    history: HistoryResult | None = None
    seconds: float = 0.0
    dropped: int = 0  # files that could not even be read from disk (also in `unreadable`)


@dataclass(frozen=True)
class _Item:
    path: str
    data: bytes | None  # None when the file itself could not be read (the reason is in `error`)
    digest: str
    error: str | None = None


def _read(paths: list[Path]) -> Iterator[_Item]:
    for p in paths:
        try:
            size = p.stat().st_size
            if size > MAX_FILE_BYTES:
                yield _Item(str(p), None, "", f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
                continue
            data = p.read_bytes()
        except OSError as e:
            yield _Item(str(p), None, "", f"cannot read: {e.strerror or e}")
            continue
        yield _Item(str(p), data, sha256(data))


def _fresh(items: Iterator[_Item], store: Store, result: IngestResult, chunk: int = 256) -> Iterator[_Item]:
    """Items the store lacks; files that cannot be read are noted and dropped here."""
    ext, rules = extractor_version(), rules_version()
    seen: set[str] = set()
    buf: list[_Item] = []

    def flush() -> Iterator[_Item]:
        known = store.known([i.digest for i in buf], ext, rules)
        for i in buf:
            if i.digest in known or i.digest in seen:
                result.skipped += 1
            else:
                seen.add(i.digest)
                yield i
        buf.clear()

    for item in items:
        if item.data is None:
            result.unreadable.append((item.path, item.error or "cannot read"))
            result.dropped += 1
            continue
        buf.append(item)
        if len(buf) >= chunk:
            yield from flush()
    yield from flush()


class _Runner:
    """Submits work and hands back results in submission order, with a bounded number in flight."""

    def __init__(self, submit: Callable[[_Item], Any], wait: Callable[[Any], Record], window: int) -> None:
        self.submit, self.wait, self.window = submit, wait, window

    def run(self, items: Iterable[_Item]) -> Iterator[tuple[Record, bytes]]:
        pending: deque[tuple[Any, _Item]] = deque()
        for item in items:
            pending.append((self.submit(item), item))
            while len(pending) >= self.window:
                fut, it = pending.popleft()
                yield self.wait(fut), it.data or b""
        while pending:
            fut, it = pending.popleft()
            yield self.wait(fut), it.data or b""


def _local_runner(workers: int, ocr: str) -> tuple[_Runner, Callable[[], None]]:
    if workers <= 1:
        return _Runner(lambda i: parse_record(i.path, i.data or b"", ocr=ocr), lambda r: r, 1), lambda: None
    # spawn: the parent holds a DuckDB connection and threads; forking those is not safe
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(i: _Item) -> Future[Record]:
        return pool.submit(parse_record, i.path, i.data or b"", ocr=ocr)

    return _Runner(submit, lambda f: f.result(), workers * 4), lambda: pool.shutdown(cancel_futures=True)


def _dask_runner(cluster: Any, ocr: str) -> tuple[_Runner, Callable[[], None]]:
    from distributed import Client

    client = cluster if isinstance(cluster, Client) else Client(cluster)
    n = max(1, len(client.scheduler_info().get("workers", {})))

    def submit(i: _Item) -> Any:
        return client.submit(parse_record, i.path, i.data or b"", ocr=ocr, pure=False)

    def close() -> None:
        if client is not cluster:
            client.close()

    return _Runner(submit, lambda f: f.result(), n * 8), close


def _runner(workers: int, cluster: Any, ocr: str) -> tuple[_Runner, Callable[[], None]]:
    return _dask_runner(cluster, ocr) if cluster is not None else _local_runner(workers, ocr)


def _drive(
    items: Iterable[_Item],
    store: Store,
    result: IngestResult,
    runner: _Runner,
    *,
    batch: int,
    total: int,
    progress: Progress | None,
) -> None:
    """Run the items through the workers and write their records, a batch per transaction."""
    buf: list[tuple[Record, bytes | None]] = []

    def flush() -> None:
        result.added += store.write(buf)
        buf.clear()

    for done, (rec, data) in enumerate(runner.run(items), start=1):
        if rec["error"]:
            result.unreadable.append((rec["path"], rec["error"]))
        buf.append((rec, data))
        if len(buf) >= batch:
            flush()
        if progress:
            progress(done + result.skipped + result.dropped, total)
    flush()


def ingest(
    paths: list[Path],
    store: Store,
    *,
    workers: int = 1,
    cluster: Any = None,
    ocr: str = "auto",
    batch: int = 200,
    progress: Progress | None = None,
    history: bool = True,
) -> IngestResult:
    """Add these files to the store (parallel parse, one writer), then re-derive the cross-report findings.

    ``cluster`` is a Dask scheduler address or a ``distributed.Client``; otherwise ``workers`` local
    processes (1 = in this process).
    """
    t0 = time.perf_counter()
    result = IngestResult(files=len(paths))
    runner, close = _runner(workers, cluster, ocr)
    try:
        with ingest_budget(store):
            items = _fresh(_read(paths), store, result)
            _drive(items, store, result, runner, batch=batch, total=len(paths), progress=progress)
            store.checkpoint()
    finally:
        close()
    if history:
        result.history = cross_year(store)
    result.seconds = time.perf_counter() - t0
    return result


def stale_documents(store: Store) -> list[tuple[str, str]]:
    """(sha256, path) of documents with no derivation by the extractor and rules of this code."""
    ext, rules = extractor_version(), rules_version()
    return [
        (r[0], r[1])
        for r in store.con.execute(
            "SELECT d.sha256, d.path FROM documents d WHERE NOT EXISTS (SELECT 1 FROM reports r "
            "WHERE r.sha256 = d.sha256 AND r.extractor_version = ? AND r.rules_version = ?) "
            "AND NOT EXISTS (SELECT 1 FROM read_errors e WHERE e.sha256 = d.sha256 AND e.extractor_version = ?) "
            "ORDER BY d.path, d.sha256",
            [ext, rules, ext],
        ).fetchall()
    ]


def recheck(
    store: Store,
    *,
    workers: int = 1,
    cluster: Any = None,
    ocr: str = "auto",
    batch: int = 200,
    progress: Progress | None = None,
) -> IngestResult:
    """Re-derive every stale document from the bytes kept in the store; old rows stay, the new ones are current."""
    t0 = time.perf_counter()
    stale = stale_documents(store)
    result = IngestResult(files=len(stale))

    def items() -> Iterator[_Item]:
        for digest, path in stale:
            doc = store.document(digest)
            if doc is None or doc[1] is None:
                result.unreadable.append((path, "the store keeps no bytes for this document"))
                continue
            yield _Item(path, doc[1], digest)

    runner, close = _runner(workers, cluster, ocr)
    try:
        with ingest_budget(store):
            _drive(items(), store, result, runner, batch=batch, total=len(stale), progress=progress)
            store.checkpoint()
    finally:
        close()
    result.history = cross_year(store)
    result.seconds = time.perf_counter() - t0
    return result


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))

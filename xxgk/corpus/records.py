"""One document → one plain record: what a worker sends back to the single writer.

Records are dicts of plain values (no pydantic objects, no open files), so they cross process and
machine boundaries (multiprocessing, Dask) unchanged, and the writer needs nothing but the record.
"""

from __future__ import annotations

import hashlib
from typing import Any

from xxgk.api import parse_bytes
from xxgk.check import check
from xxgk.corpus.agencies import normalise
from xxgk.corpus.versions import extractor_version, rules_version
from xxgk.errors import ReadError

Record = dict[str, Any]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_id(digest: str, extractor: str, rules: str) -> str:
    return hashlib.sha256(f"{digest}|{extractor}|{rules}".encode()).hexdigest()[:20]


def parse_record(path: str, data: bytes, *, ocr: str = "auto") -> Record:
    """Parse and check one document; an unreadable one gives a record with ``error`` set, never a raise."""
    digest = sha256(data)
    ext, rules = extractor_version(), rules_version()
    record: Record = {
        "path": path,
        "sha256": digest,
        "size": len(data),
        "extractor_version": ext,
        "rules_version": rules,
        "report_id": report_id(digest, ext, rules),
        "error": None,
        "kind": None,
        "report": None,
        "findings": [],
        "agency": None,
    }
    try:
        report = parse_bytes(data, path, ocr=ocr)
    except ReadError as e:
        record["error"] = e.reason
        return record
    except Exception as e:  # a bug must cost one file, not the batch; the reason names it
        record["error"] = f"internal error: {type(e).__name__}: {e}"
        return record
    findings = check(report)
    record["kind"] = report.source.kind
    record["report"] = report.to_dict()
    record["findings"] = [f.to_dict() for f in findings]
    if report.agency.name:
        ident = normalise(report.agency.name)
        record["agency"] = {
            "key": ident.key,
            "name": ident.name,
            "level": report.agency.level,
            "province": report.agency.province,
            "city": report.agency.city,
            "county": report.agency.county,
            "division_code": report.agency.division_code,
        }
    return record

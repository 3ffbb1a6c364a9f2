"""Golden files: the five seed reports in examples/ → the cells, statuses and findings we stand by.

Regenerate with XXGK_REGEN_GOLDEN=1 after a deliberate change, then review the diff; the test fails
while the variable is set, so it cannot be left on by accident.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import xxgk

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
GOLDEN = ROOT / "tests" / "golden"
REGEN = os.environ.get("XXGK_REGEN_GOLDEN") == "1"


def snapshot(path: Path) -> dict[str, object]:
    report = xxgk.parse(path)
    findings = xxgk.check(report)
    return {
        "agency": report.agency.name,
        "year": report.year,
        "format_version": report.format_version,
        "cells": report.cells,
        "statuses": {k: d.status for k, d in report.details.items()},
        "findings": sorted({(f.rule, f.severity) for f in findings}),
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_seed_report_matches_golden(path: Path) -> None:
    got = json.loads(json.dumps(snapshot(path), ensure_ascii=False))
    golden = GOLDEN / f"{path.stem}.json"
    if REGEN:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.fail(f"regenerated {golden.name}; unset XXGK_REGEN_GOLDEN and review the diff")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def test_golden_regeneration_is_off() -> None:
    assert not REGEN, "XXGK_REGEN_GOLDEN=1 rewrites the golden files; unset it"


def test_there_are_five_seed_reports() -> None:
    assert [p.stem[:3] for p in EXAMPLES] == ["000", "001", "002", "003", "004"]

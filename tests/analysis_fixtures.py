"""Stores of generated reports with planted numbers, for the statistics, compare, coverage and export tests.

Each report is rendered as text, parsed and checked (``records.parse_record``) and written by the store,
so the tests go through the real ingest path; ``nulls`` then blanks chosen cells in the parsed record, as
an extractor that could not read them would.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

from xxgk.catalogue import (
    T3_APPLICANT_COLUMNS,
    T3_OUTCOME_ROWS,
    T4_COLUMN_KEYS,
    T4_GROUP_KEYS,
    cell_keys,
    t3_key,
    t4_key,
)
from xxgk.corpus import Store
from xxgk.corpus.records import parse_record
from xxgk.render.text import ReportData, random_valid_cells, render_text

Cells = dict[str, int | float | None]


def planted(outcomes: Mapping[str, int] | None = None, *, carried_over: int = 0, carried_forward: int = 0,
            t4: Mapping[str, Mapping[str, int]] | None = None, **t2: int | float) -> Cells:  # fmt: skip
    """Valid cells with the given natural-person outcome rows (row → count), all else zero.

    ``t3.new`` is derived so that 新收 + 上年结转 = 办理总计 + 结转下年; ``t4`` maps a group to its columns
    (``{"review": {"corrected": 2, "upheld": 3}}``), its total derived; ``t2`` sets table 二 by key suffix
    (``normative_in_force=5``).
    """
    cells: Cells = dict.fromkeys(cell_keys(), 0)
    person = T3_APPLICANT_COLUMNS[0]

    def put(row: str, n: int) -> None:
        cells[t3_key(row, person)] = n
        cells[t3_key(row, "total")] = n

    for row in T3_OUTCOME_ROWS:
        put(row, (outcomes or {}).get(row, 0))
    total = sum((outcomes or {}).values())
    put("total", total)
    put("carried_over", carried_over)
    put("carried_forward", carried_forward)
    put("new", total + carried_forward - carried_over)
    for group in T4_GROUP_KEYS:
        parts = (t4 or {}).get(group, {})
        for c in T4_COLUMN_KEYS[:-1]:
            cells[t4_key(group, c)] = parts.get(c, 0)
        cells[t4_key(group, "total")] = sum(parts.values())
    for name, v in t2.items():
        kind, field = name.split("_", 1)
        cells[f"t2.{kind}.{field}"] = v
    return cells


def random_cells(seed: int) -> Cells:
    return dict(random_valid_cells(random.Random(seed), busy=0.6))


def record(
    agency: str, year: int, cells: Cells, *, tag: str = "", nulls: Iterable[str] = ()
) -> tuple[Any, bytes]:
    """A parsed record of the rendered report (``tag`` makes otherwise identical documents differ)."""
    data = (render_text(ReportData(agency, year, cells), "tabbed") + tag).encode()
    rec = parse_record(f"{agency}_{year}{tag.strip()}.txt", data)
    got = rec["report"]["cells"]
    # the rendered text reads back exactly, so what a test plants is what the store holds
    assert got == cells, [k for k in cells if got[k] != cells[k]]
    for k in nulls:
        got[k] = None
    return rec, data


def build_store(reports: Iterable[tuple[Any, bytes]]) -> Store:
    store = Store.open(None)
    store.write(list(reports))
    return store


def stored_values(store: Store) -> dict[str, dict[str, float | None]]:
    """report_id → key → value, read straight from the cells table."""
    out: dict[str, dict[str, float | None]] = {}
    for rid, key, value in store.con.execute("SELECT report_id, key, value FROM cells").fetchall():
        out.setdefault(rid, {})[key] = value
    return out

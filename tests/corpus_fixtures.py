"""Folders of generated reports for the corpus tests: a few bodies over consecutive years.

Cells satisfy every in-report relation; across years they carry over correctly (this year's 上年结转 is last
year's 结转下年度, documents in force continue), unless a test plants a break. Division names are real so
that region filters have something to find; the bodies and numbers are made up.
"""

from __future__ import annotations

import random
from pathlib import Path

from xxgk.catalogue import T3_APPLICANT_COLUMNS, t3_key
from xxgk.render.text import ReportData, random_valid_cells, render_text

BODIES = ("隆德县联财镇人民政府", "盐池县某某局", "沭阳县人民政府", "平潭综合实验区管委会办公室")


def series_cells(seed: int, years: list[int], busy: float = 0.5) -> dict[int, dict[str, int | float | None]]:
    """Valid cells per year whose cross-year relations hold (carried over and in force chain)."""
    rng = random.Random(seed)
    out: dict[int, dict[str, int | float | None]] = {}
    prev: dict[str, int | float | None] | None = None
    for year in years:
        cells: dict[str, int | float | None] = dict(random_valid_cells(rng, busy=busy))
        if prev is not None:
            for col in T3_APPLICANT_COLUMNS:  # carry last year's 结转下年度 over, keeping table 三 valid
                now, then = t3_key("carried_over", col), t3_key("carried_forward", col)
                delta = int(prev[then] or 0) - int(cells[now] or 0)
                cells[now] = prev[then]
                new = t3_key("new", col)
                if delta <= int(cells[new] or 0):  # 新收 + 上年结转 unchanged
                    cells[new] = int(cells[new] or 0) - delta
                else:  # more carried over than received anew: the extra is granted this year
                    for row in ("granted", "total"):
                        cells[t3_key(row, col)] = int(cells[t3_key(row, col)] or 0) + delta
            for row in ("new", "carried_over", "granted", "total"):
                cells[t3_key(row, "total")] = sum(
                    int(cells[t3_key(row, c)] or 0) for c in T3_APPLICANT_COLUMNS
                )
            for kind in ("regulations", "normative"):
                before = prev[f"t2.{kind}.in_force"] or 0
                made, rep = cells[f"t2.{kind}.made"] or 0, cells[f"t2.{kind}.repealed"] or 0
                rep = min(rep, before + made)
                cells[f"t2.{kind}.repealed"] = rep
                cells[f"t2.{kind}.in_force"] = before + made - rep
        out[year] = cells
        prev = cells
    return out


def write_series(
    folder: Path,
    *,
    seed: int = 1,
    years: tuple[int, ...] = (2022, 2023, 2024),
    bodies: tuple[str, ...] = BODIES,
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for b, body in enumerate(bodies):
        for year, cells in series_cells(seed * 100 + b, list(years)).items():
            p = folder / f"{b:02d}_{year}.txt"
            p.write_text(render_text(ReportData(body, year, cells), "tabbed"), encoding="utf-8")
            paths.append(p)
    return paths

"""Speed of the authoring path: writing the workbook, reading it back, the check, and each renderer.

    .venv/bin/python bench/bench_authoring.py [--reports 10]

Median ms per report over random valid data (one core). Figures only: nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from authoring_fixtures import fill  # noqa: E402

from xxgk.authoring import FORMATS, load_bytes, new_workbook, render_bytes, review  # noqa: E402
from xxgk.render.pdf import cjk_font  # noqa: E402
from xxgk.render.text import random_valid_cells  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10)
    args = ap.parse_args()
    steps: dict[str, list[float]] = {}

    def clock(name: str, t0: float) -> None:
        steps.setdefault(name, []).append((time.perf_counter() - t0) * 1000)

    formats = [f for f in FORMATS if f != "pdf" or cjk_font() is not None]
    sizes: dict[str, list[int]] = {}
    for seed in range(args.reports):
        cells = random_valid_cells(random.Random(seed), busy=0.6)
        t0 = time.perf_counter()
        book = new_workbook("某某县人民政府", 2025)
        clock("new_workbook", t0)
        filled = fill(book, cells)
        t0 = time.perf_counter()
        data = load_bytes(filled, "r.xlsx").data
        clock("read workbook", t0)
        t0 = time.perf_counter()
        review(data)
        clock("review (check)", t0)
        for fmt in formats:
            t0 = time.perf_counter()
            blob = render_bytes(data, fmt)
            clock(f"render {fmt}", t0)
            sizes.setdefault(fmt, []).append(len(blob))
    print(f"{args.reports} reports (median); empty workbook {len(book) / 1024:.0f} KB")
    for name, values in steps.items():
        print(f"{name:<16} {statistics.median(values):8.1f} ms")
    for fmt, lengths in sizes.items():
        print(f"{fmt + ' size':<16} {statistics.median(lengths) / 1024:8.1f} KB")


if __name__ == "__main__":
    main()

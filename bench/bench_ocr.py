"""Speed of OCR on report pages drawn like the test fixtures (tests/raster.py), on two cores.

    .venv/bin/python bench/bench_ocr.py [--pages 6] [--dpi 170]

The set: pages with tables 二/三/四 of random valid cells, clean and scanned-looking (rotated ≤1°, blurred,
JPEG quality 70), plus A4-sized pages holding table 三 alone. Prints per page the wall and CPU seconds of
``ocr_page`` and of the whole ``parse_bytes`` (OCR + layout + extraction), the cells read right, and the
medians. The machine may be shared: CPU seconds over two are what the page would take with both cores free.
Figures only: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from raster import font_path, image_bytes, noisy, render_page  # noqa: E402

import xxgk  # noqa: E402
from xxgk.catalogue import cell_keys  # noqa: E402
from xxgk.formats import ocr  # noqa: E402
from xxgk.render.text import ReportData, random_valid_cells  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--pages", type=int, default=6, help="report pages of tables 二/三/四 (half of them scanned)"
    )
    ap.add_argument("--dpi", type=int, default=170)
    args = ap.parse_args()
    if font_path() is None:
        sys.exit("the WenQuanYi Micro Hei font is not installed (apt-get install fonts-wqy-microhei)")
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))  # two cores

    t = time.perf_counter()
    ocr.engine()
    print(f"engine load: {time.perf_counter() - t:.2f} s (once per process); threads: {ocr.THREADS}")
    print(f"{'page':<26}{'pixels':>12}{'ocr s':>8}{'cpu s':>8}{'parse s':>9}{'right':>7}")
    rows: dict[str, list[tuple[float, float]]] = {"tables 二三四": [], "A4, table 三": []}
    for i in range(args.pages):
        seed = 100 + i
        data = ReportData(
            "某某县某某镇人民政府", 2024, dict(random_valid_cells(random.Random(seed), busy=0.6))
        )
        for kind, tables in (("tables 二三四", (2, 3, 4)), ("A4, table 三", (3,))):
            image = render_page(data, dpi=args.dpi, tables=tables)
            scanned = i % 2 == 1
            if scanned:
                image = noisy(image, random.Random(seed))
            t, c = time.perf_counter(), time.process_time()
            ocr.ocr_page(image)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            rows[kind].append((wall, cpu))
            right = ""
            parse = ""
            if kind == "tables 二三四":
                t = time.perf_counter()
                report = xxgk.parse_bytes(image_bytes(image), "page.png")
                parse = f"{time.perf_counter() - t:.2f}"
                right = str(sum(1 for k in cell_keys() if report.cells[k] == data.cells[k]))
            label = f"{kind}{' scan' if scanned else ''} #{seed}"
            size = f"{image.width}x{image.height}"
            print(f"{label:<26}{size:>12}{wall:>8.2f}{cpu:>8.2f}{parse:>9}{right:>7}")
    for kind, times in rows.items():
        walls, cpus = [w for w, _ in times], [c for _, c in times]
        print(
            f"{kind}: median {statistics.median(walls):.2f} s/page wall, "
            f"{statistics.median(cpus):.2f} CPU s/page ({statistics.median(cpus) / 2:.2f} s on two free cores)"
        )


if __name__ == "__main__":
    main()

"""Speed of the HTML and DOCX backends: ms/report for reading and for the whole parse, on one core.

    .venv/bin/python bench/bench_formats.py [--reports 200]

Reports are rendered from random valid data by the project's own renderers, plus the dev corpus's real
HTML page when ../shared is present. Figures only: nothing asserts a timing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xxgk  # noqa: E402
from xxgk.formats.docx import read_docx  # noqa: E402
from xxgk.formats.html import read_html  # noqa: E402
from xxgk.render.docx import render_docx  # noqa: E402
from xxgk.render.html import render_html  # noqa: E402
from xxgk.render.text import ReportData, random_valid_cells  # noqa: E402


def median_ms(fn: Callable[[bytes, str], object], blob: bytes, name: str, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(blob, name)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=200)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rng = random.Random(11)
    data = [
        ReportData(agency=f"某某县第{i}镇人民政府", year=2024, cells=random_valid_cells(rng, busy=0.2))
        for i in range(args.reports)
    ]
    htmls = [render_html(d).encode("utf-8") for d in data]
    docxs = [render_docx(d) for d in data]
    for fmt, blobs, reader in (("html", htmls, read_html), ("docx", docxs, read_docx)):
        xxgk.parse_bytes(blobs[0], f"warm.{fmt}")
        read = [median_ms(reader, b, f"x.{fmt}") for b in blobs]
        full = [median_ms(xxgk.parse_bytes, b, f"x.{fmt}") for b in blobs]
        print(
            f"{fmt:<5} n={len(blobs)}  backend median {statistics.median(read):.2f} ms  "
            f"parse_bytes median {statistics.median(full):.2f} ms/report"
        )
    real = ROOT.parent / "shared" / "corpus" / "dev" / "html"
    for page in sorted(real.glob("*.html")) if real.is_dir() else []:
        blob = page.read_bytes()
        print(f"real  {page.name}: parse_bytes {median_ms(xxgk.parse_bytes, blob, page.name, 20):.2f} ms")


if __name__ == "__main__":
    main()

"""Speed of OCR on report pages, on two cores: wall seconds, CPU seconds, and the CPU spent in each model.

    .venv/bin/python bench/bench_ocr.py [--pages 6] [--dpi 170] [--printed 1]

The set: pages drawn like the test fixtures (tests/raster.py) with tables 二/三/四 of random valid cells,
clean and scanned-looking (rotated ≤1°, blurred, JPEG quality 70); A4-sized pages holding table 三 alone;
and, when Chromium is installed, the A4 pages of a report's HTML page printed by Chromium and scanned back
at 150 dpi (tests/print_fixtures.py), rendered for OCR as a scanned PDF's page is (300 dpi).

Prints per page the wall and CPU seconds of ``ocr_page`` (CPU split into the detector, the recogniser
and the rest), the wall seconds of the whole ``parse_bytes`` and the cells read right, then medians. The
machine is shared: CPU seconds do not grow with other people's load the way wall seconds do, so both are
printed, with the load average before and after, and so is the wall time the page would take on two
idle cores ("2-core s"): the critical path, i.e. the main thread's CPU seconds (its share of the
detector's two threads included) plus, for each batch of recogniser work spread over the engine's
threads, the CPU seconds of the busiest thread. Figures only: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from raster import font_path, image_bytes, noisy, render_page  # noqa: E402

import xxgk  # noqa: E402
from xxgk.catalogue import cell_keys  # noqa: E402
from xxgk.formats import ocr, pdf_ocr  # noqa: E402
from xxgk.render.text import ReportData, random_valid_cells  # noqa: E402

CPU: Counter[str] = Counter()
MAIN = threading.get_ident()


class Timed:
    """An onnxruntime session that adds the CPU seconds of its runs to ``CPU``. Both models run one
    thread per call, two calls at once (strips of a page, batches of crops): the calling thread's CPU
    time is its call's."""

    def __init__(self, session: Any, key: str, clock: Any) -> None:
        self.session, self.key, self.clock = session, key, clock

    def run(self, *args: Any) -> Any:
        start = self.clock()
        try:
            return self.session.run(*args)
        finally:
            CPU[self.key] += self.clock() - start

    def get_inputs(self) -> Any:
        return self.session.get_inputs()


def timed_map(original: Any) -> Any:
    """``Engine.map`` that adds the CPU seconds of its busiest worker thread to ``CPU["path"]``: work done
    on the calling (main) thread is in the main thread's own CPU time already."""

    def run_all(fn: Any, items: list[Any]) -> list[Any]:
        spent: Counter[int] = Counter()

        def run(x: Any) -> Any:
            start = time.thread_time()
            try:
                return fn(x)
            finally:
                spent[threading.get_ident()] += time.thread_time() - start

        out = original(run, items)
        CPU["path"] += max((v for k, v in spent.items() if k != MAIN), default=0.0)
        return out

    return run_all


def printed_pages(n: int) -> list[tuple[str, Any, ReportData]]:
    """A4 pages of Chromium printouts, scanned back: (label, page image at OCR_DPI, data)."""
    from print_fixtures import chromium, chromium_pdf, scanned
    from print_fixtures import rasterise as raster_pdf

    if chromium() is None:
        print("(chromium missing: no printed pages)")
        return []
    out = []
    for i in range(n):
        rng = random.Random(300 + i)
        data = ReportData("某某县人民政府", 2023, dict(random_valid_cells(rng, busy=0.8)))
        scan = scanned(chromium_pdf(data), seed=300 + i)
        for no, page in enumerate(raster_pdf(scan, dpi=pdf_ocr.OCR_DPI), start=1):
            out.append((f"printed #{300 + i} p{no}", page, data))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--pages", type=int, default=6, help="drawn pages of tables 二/三/四 (half of them scanned)"
    )
    ap.add_argument("--dpi", type=int, default=170)
    ap.add_argument("--printed", type=int, default=1, help="Chromium-printed reports (some 4 A4 pages each)")
    args = ap.parse_args()
    if font_path() is None:
        sys.exit("the WenQuanYi Micro Hei font is not installed (apt-get install fonts-wqy-microhei)")
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))  # two cores

    t = time.perf_counter()
    eng = ocr.engine()
    eng.det = Timed(eng.det, "det", time.thread_time)
    eng.rec = Timed(eng.rec, "rec", time.thread_time)
    eng.map = timed_map(eng.map)  # type: ignore[method-assign]
    print(f"engine load: {time.perf_counter() - t:.2f} s (once per process); threads: {ocr.THREADS}")
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    head = f"{'page':<28}{'pixels':>11}{'wall s':>8}{'2-core s':>9}{'cpu s':>7}{'det':>6}{'rec':>6}{'rest':>6}{'parse s':>9}{'right':>7}"
    print(head)
    rows: dict[str, list[tuple[float, float, float]]] = {}
    pages: list[tuple[str, str, Any, ReportData | None]] = []
    for i in range(args.pages):
        seed = 100 + i
        data = ReportData(
            "某某县某某镇人民政府", 2024, dict(random_valid_cells(random.Random(seed), busy=0.6))
        )
        for kind, tables in (("tables 二三四", (2, 3, 4)), ("A4, table 三", (3,))):
            image = render_page(data, dpi=args.dpi, tables=tables)
            if i % 2 == 1:
                image = noisy(image, random.Random(seed))
            label = f"{kind}{' scan' if i % 2 else ''} #{seed}"
            pages.append((kind, label, image, data if kind == "tables 二三四" else None))
    pages += [("A4 printed, scanned", label, page, None) for label, page, _ in printed_pages(args.printed)]
    for kind, label, image, truth in pages:
        CPU.clear()
        t, c, m = time.perf_counter(), time.process_time(), time.thread_time()
        ocr.ocr_page(image)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        path = time.thread_time() - m + CPU["path"]
        det, rec = CPU["det"], CPU["rec"]
        rows.setdefault(kind, []).append((wall, path, cpu))
        parse = right = ""
        if truth is not None:
            t = time.perf_counter()
            report = xxgk.parse_bytes(image_bytes(image), "page.png")
            parse = f"{time.perf_counter() - t:.2f}"
            right = str(sum(1 for k in cell_keys() if report.cells[k] == truth.cells[k]))
        rest = cpu - det - rec
        size = f"{image.width}x{image.height}"
        print(
            f"{label:<28}{size:>11}{wall:>8.2f}{path:>9.2f}{cpu:>7.2f}{det:>6.2f}{rec:>6.2f}{rest:>6.2f}"
            f"{parse:>9}{right:>7}"
        )
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    for kind, times in rows.items():
        walls, paths, cpus = ([t[k] for t in times] for k in range(3))
        print(
            f"{kind}: median {statistics.median(walls):.2f} s/page wall, {statistics.median(paths):.2f} s/page"
            f" on two idle cores, {statistics.median(cpus):.2f} CPU s/page"
        )


if __name__ == "__main__":
    main()

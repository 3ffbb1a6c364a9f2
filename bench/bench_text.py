"""Speed and memory of reading + checking text reports, on one core.

    .venv/bin/python bench/bench_text.py [--reports 1200] [--corpus ../shared/corpus/dev/text]

The set: the dev text corpus (when present) repeated, plus generated reports in the three text layouts
(tabbed, Markdown, stripped), mostly-zero rows like real ones. Prints the median and p95 ms/report for
parse and for parse+check, overall and per layout, reports/s, and peak RSS. Figures only: nothing here
asserts a timing.

Times are CPU time of this process (``time.process_time``), not wall time: the machine is shared, and
another process's load must not count against the reader. Throughput is also given by wall clock.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xxgk  # noqa: E402
from xxgk.render.text import LAYOUTS, ReportData, random_valid_cells, render_text  # noqa: E402


def corpus_texts(folder: Path) -> list[tuple[str, bytes]]:
    if not folder.is_dir():
        return []
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix in (".txt", ".md")]


def generated(n: int, seed: int = 7) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cells = random_valid_cells(rng, busy=rng.choice([0.0, 0.1, 0.2, 0.4]))
        layout = LAYOUTS[i % len(LAYOUTS)]
        text = render_text(ReportData(agency=f"某某县第{i}镇人民政府", year=2024, cells=cells), layout)
        out.append((f"gen-{i}-{layout}", text.encode("utf-8")))
    return out


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=1200)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev" / "text")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    real = corpus_texts(args.corpus)
    n_real = min(len(real) * 40, args.reports // 2) if real else 0
    items = [real[i % len(real)] for i in range(n_real)] + generated(args.reports - n_real)
    random.Random(1).shuffle(items)

    for name, data in items[:20]:  # warm-up: imports, caches (division index)
        xxgk.check(xxgk.parse_bytes(data, name))

    clock = time.process_time_ns
    parse_ms: list[float] = []
    total_ms: list[float] = []
    by_kind: dict[str, tuple[list[float], list[float]]] = {}
    t_all, cpu_all = time.perf_counter(), clock()
    for name, data in items:
        t0 = clock()
        report = xxgk.parse_bytes(data, name)
        t1 = clock()
        xxgk.check(report)
        t2 = clock()
        parse_ms.append((t1 - t0) / 1e6)
        total_ms.append((t2 - t0) / 1e6)
        kind = "corpus" if not name.startswith("gen-") else name.rsplit("-", 1)[1]
        parsed, checked = by_kind.setdefault(kind, ([], []))
        parsed.append((t1 - t0) / 1e6)
        checked.append((t2 - t0) / 1e6)
    wall = time.perf_counter() - t_all
    cpu = (clock() - cpu_all) / 1e9
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"reports: {len(items)} ({n_real} from the dev corpus, {len(items) - n_real} generated), one core")
    print("CPU ms/report (process_time)")
    print(f"parse        median {statistics.median(parse_ms):.2f}  p95 {pct(parse_ms, 0.95):.2f}")
    print(f"parse+check  median {statistics.median(total_ms):.2f}  p95 {pct(total_ms, 0.95):.2f}")
    for kind, (parsed, checked) in sorted(by_kind.items()):
        print(
            f"  {kind:<9} n={len(parsed):<4} parse median {statistics.median(parsed):.2f}"
            f"  parse+check median {statistics.median(checked):.2f}  p95 {pct(checked, 0.95):.2f}"
            f"  max {max(checked):.1f}"
        )
    print(f"throughput   {len(items) / cpu:.0f} reports/s of CPU, {len(items) / wall:.0f} by wall clock")
    print(f"peak RSS     {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()

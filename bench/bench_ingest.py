"""Ingest at scale: generated text reports into a fresh store, the cross-year check, 1 vs 2 Dask workers.

    .venv/bin/python bench/bench_ingest.py [--reports 100000] [--workers 2] [--dask-reports 4000] [--dir /tmp/xxgk-bench]

Bodies are made-up bureaus in real counties, each with a series of consecutive years whose cross-year
relations hold except where a break is planted (1 in 50 reports), so the cross-year check has pairs to
scan and findings to write. Prints reports/s, peak RSS of the writer and of the largest worker, the store
size, the cross-year check time over the whole store, and the Dask comparison. Figures only.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus_fixtures import series_cells  # noqa: E402

from xxgk.corpus import Store  # noqa: E402
from xxgk.corpus.ingest import cross_year, ingest  # noqa: E402
from xxgk.render.text import LAYOUTS, ReportData, render_text  # noqa: E402

COUNTIES = ("隆德县", "盐池县", "沭阳县", "泾源县", "平罗县", "伊川县", "洪泽区", "彭阳县", "西吉县", "海原县",
            "灵武市", "永宁县", "贺兰县", "中宁县", "同心县", "红寺堡区", "沙坡头区", "原州区", "利通区", "大武口区")  # fmt: skip
YEARS = tuple(range(2015, 2025))


def generate(folder: Path, n: int, seed: int = 11) -> list[Path]:
    """n reports: n/10 bodies × 10 years, layouts mixed like the real corpus (mostly tabbed)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    bodies = max(1, n // len(YEARS))
    for b in range(bodies):
        name = f"{COUNTIES[b % len(COUNTIES)]}某某第{b}局"
        busy = rng.choice((0.0, 0.1, 0.2, 0.4))  # mostly-zero rows, like real reports (as bench_text.py)
        for year, cells in series_cells(seed * 1_000_003 + b, list(YEARS), busy=busy).items():
            if len(paths) >= n:
                return paths
            if rng.random() < 0.02:  # a planted cross-year break
                cells = dict(cells)
                cells["t2.normative.in_force"] = (cells["t2.normative.in_force"] or 0) + 1
            layout = rng.choices(LAYOUTS, weights=(6, 2, 2))[0]
            p = folder / f"{b // 1000:03d}" / f"{b:06d}_{year}.txt"
            p.parent.mkdir(exist_ok=True)
            p.write_text(render_text(ReportData(name, year, cells), layout), encoding="utf-8")
            paths.append(p)
    return paths


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process (the writer) and of its reaped children (the workers)."""
    me, ch = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, ch.ru_utime + ch.ru_stime


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, children


def phase_peak(reset: bool = False) -> float | None:
    """This process's peak RSS (MB) since the last reset, so ingest and the cross-year check are told apart.

    Linux keeps the peak in VmHWM and resets it (and ru_maxrss with it) when 5 is written to clear_refs;
    None where there is no /proc.
    """
    try:
        if reset:
            Path("/proc/self/clear_refs").write_text("5")
            return None
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dask-reports", type=int, default=4000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/xxgk-bench"))
    args = ap.parse_args()
    shutil.rmtree(args.dir, ignore_errors=True)
    t = time.perf_counter()
    paths = generate(args.dir / "reports", args.reports)
    print(f"generated {len(paths)} reports in {time.perf_counter() - t:.0f} s")

    db = args.dir / "bench.duckdb"
    generate_peak = phase_peak()
    phase_peak(reset=True)  # generating the files is not the writer's work
    with Store.open(db) as store:
        t, (w0, c0) = time.perf_counter(), cpu_seconds()
        result = ingest(paths, store, workers=args.workers, history=False)
        wall = time.perf_counter() - t
        ingest_peak = phase_peak()
        w1, c1 = cpu_seconds()
        n = max(1, result.added)
        print(
            f"ingest: {result.added} reports with {args.workers} workers in {wall:.0f} s wall = "
            f"{result.added / wall:.0f} reports/s; unreadable {len(result.unreadable)}"
        )
        # the machine may be shared: CPU time says what the work costs whatever else runs
        print(
            f"  CPU: writer {w1 - w0:.0f} s ({(w1 - w0) / n * 1000:.2f} ms/report), workers {c1 - c0:.0f} s "
            f"({(c1 - c0) / n * 1000:.2f} ms/report); on {args.workers} free cores that is "
            f"≈{n / max((c1 - c0 + w1 - w0) / args.workers, w1 - w0):.0f} reports/s"
        )
        phase_peak(reset=True)
        t = time.perf_counter()
        h = cross_year(store)  # as `xxgk ingest` runs it: within the ingest memory budget
        print(
            f"cross-year check over the store: {time.perf_counter() - t:.2f} s "
            f"({h.pairs} consecutive-year pairs, {h.flagged} flagged, {h.findings} findings)"
        )
        history_peak = phase_peak()
    me, children = peak_mb()
    # resetting VmHWM resets ru_maxrss too: the writer's peak is the largest of its phases'
    me = max([me] + [p for p in (generate_peak, ingest_peak, history_peak) if p is not None])
    size = sum(f.stat().st_size for f in args.dir.glob("bench.duckdb*"))
    print(f"peak RSS: writer {me:.0f} MB, largest worker {children:.0f} MB; store {size / 2**20:.0f} MB "
          f"({size / max(1, result.added) / 1024:.1f} KiB/report)")  # fmt: skip
    if ingest_peak is not None and history_peak is not None:
        print(f"  writer peak by phase: ingest {ingest_peak:.0f} MB, cross-year check {history_peak:.0f} MB")

    if args.dask_reports:
        from distributed import Client, LocalCluster

        subset = paths[: args.dask_reports]
        for n in (1, 2):
            with (
                LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
                Store.open(args.dir / f"dask{n}.duckdb") as store,
            ):
                t = time.perf_counter()
                r = ingest(subset, store, cluster=client, history=False)
                wall = time.perf_counter() - t
                print(
                    f"dask {n} worker(s): {r.added} reports in {wall:.1f} s = {r.added / wall:.0f} reports/s"
                )


if __name__ == "__main__":
    main()

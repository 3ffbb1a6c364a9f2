"""Speed and accuracy of the PDF backend, side by side with pdfplumber's own table finder.

    .venv/bin/python bench/bench_pdf.py [--repeat 5] [--corpus ../shared/corpus/dev/pdf]

The set: PDFs drawn by tests/pdf_fixtures.py (official layout, merged headers, table 三 across a page
break, page numbers) from fixed seeds; the same kind of reports printed as agencies print them
(tests/print_fixtures.py: the HTML page by Chromium, the DOCX by LibreOffice, when installed); and the
labelled real PDFs of the dev corpus when present.

For each PDF it prints
- ours: ``read_pdf`` ms/page (median of --repeat runs, CPU time, so a busy machine does not inflate it),
  ``parse_bytes`` ms/report, and how many of the 200 cells come out right;
- pdfplumber: open + ``extract_tables()`` on every page, ms/page, and the cells a naive mapping of its
  tables gets right: table 二 by row label, table 三 as the first 25 rows holding seven numbers, table 四
  as the first row holding fifteen — the mapping anyone would write first on top of its output.
Figures only: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import xxgk  # noqa: E402
from xxgk.catalogue import T2_ROWS, T3_COLUMN_KEYS, T3_ROW_KEYS, T4_COLUMN_KEYS, T4_GROUP_KEYS  # noqa: E402
from xxgk.formats.pdf import read_pdf  # noqa: E402
from xxgk.render.text import ReportData, random_valid_cells  # noqa: E402

Truth = dict[str, Any]  # key → value, or a list of acceptable values (labels)

VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("plain", {}),
    ("t3-break", {"t3_break": 12}),
    ("footers", {"footers": True, "running_head": True}),
    ("new-pages", {"tables_on_new_page": True, "footers": True}),
]
_NUM = re.compile(r"\d+(?:\.\d+)?")


def generated(seeds: int) -> list[tuple[str, bytes, Truth]]:
    from pdf_fixtures import FONT, render_pdf

    if not FONT.is_file():
        print(f"({FONT} missing: no generated PDFs; apt-get install fonts-wqy-microhei)")
        return []
    out = []
    for seed in range(seeds):
        for name, options in VARIANTS:
            rng = random.Random(1000 + seed)
            data = ReportData(
                "某某县人民政府", 2023, dict(random_valid_cells(rng, busy=rng.choice([0.1, 0.4, 0.8])))
            )
            out.append((f"gen-{seed}-{name}", render_pdf(data, **options), dict(data.cells)))
    return out


def printed(seeds: int) -> list[tuple[str, bytes, Truth]]:
    """Reports printed by Chromium (from render_html) and LibreOffice (from render_docx), when installed."""
    from print_fixtures import PrintError, chromium, chromium_pdf, soffice, writer_pdf

    printers = [("chromium", chromium, chromium_pdf), ("writer", soffice, writer_pdf)]
    out = []
    for printer, find, make in printers:
        if find() is None:
            print(f"({printer} missing: no {printer}-printed PDFs)")
            continue
        for seed in range(seeds):
            rng = random.Random(2000 + seed)
            data = ReportData(
                "某某县人民政府", 2023, dict(random_valid_cells(rng, busy=rng.choice([0.1, 0.5, 0.9])))
            )
            try:
                out.append((f"{printer}-{seed}", make(data), dict(data.cells)))
            except PrintError as exc:
                print(f"({printer} failed: {exc})")
                break
    return out


def corpus(folder: Path) -> list[tuple[str, bytes, Truth]]:
    out = []
    for label in sorted(folder.glob("*.label.json")) if folder.is_dir() else []:
        meta = json.loads(label.read_text(encoding="utf-8"))
        pdf = label.parent / meta["file"]
        if pdf.suffix.lower() == ".pdf" and pdf.is_file():
            out.append((pdf.name, pdf.read_bytes(), meta["cells"]))
    return out


def same(got: Any, want: Any) -> bool:
    if isinstance(want, list):
        return any(same(got, w) for w in want)
    if got is None or want is None:
        return got is None and want is None
    return abs(float(got) - float(want)) < 1e-6


def score(cells: dict[str, Any], truth: Truth) -> int:
    return sum(same(cells.get(k), v) for k, v in truth.items())


def cpu_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times) * 1000


# ------------------------------------------------------------------------------------------ pdfplumber


def plumber_tables(data: bytes) -> tuple[int, list[list[list[str | None]]]]:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages), [t for page in pdf.pages for t in page.extract_tables()]


def _number(cell: str | None) -> float | None:
    text = "".join((cell or "").split())
    return float(text) if _NUM.fullmatch(text) else None


def naive_cells(tables: list[list[list[str | None]]]) -> dict[str, float | None]:
    """The first mapping one would write on pdfplumber's tables (rows of all pages in order)."""
    rows = [row for table in tables for row in table]
    cells: dict[str, float | None] = {}
    for t2 in T2_ROWS:
        for row in rows:
            if row and "".join((row[0] or "").split()) == t2.label:
                values = [v for v in map(_number, row[1:]) if v is not None]
                cells.update(zip(t2.keys, values, strict=False))
                break
    seven = [vals for row in rows if len(vals := [v for v in map(_number, row) if v is not None]) == 7]
    for key, vals in zip(T3_ROW_KEYS, seven, strict=False):
        cells.update({f"t3.{key}.{c}": v for c, v in zip(T3_COLUMN_KEYS, vals, strict=True)})
    fifteen = next(
        (vals for row in rows if len(vals := [v for v in map(_number, row) if v is not None]) == 15), []
    )
    keys = [f"t4.{g}.{c}" for g in T4_GROUP_KEYS for c in T4_COLUMN_KEYS]
    cells.update(zip(keys, fifteen, strict=False))
    return cells


# ------------------------------------------------------------------------------------------------ main


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev" / "pdf")
    args = ap.parse_args()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # Chromium's subset fonts lack a FontBBox: noise
    pdfs = generated(args.seeds) + printed(args.seeds) + corpus(args.corpus)
    head = f"{'pdf':<22}{'pages':>6}{'ours ms/pg':>12}{'parse ms':>10}{'ours ok':>9}{'plumber ms/pg':>15}{'plumber ok':>12}"
    print(head)
    print("-" * len(head))
    ours_pp, plumb_pp, ours_ok, plumb_ok, total = [], [], 0, 0, 0
    for name, data, truth in pdfs:
        doc = read_pdf(data, name)  # warm the imports and pdfium
        pages = max((b.page or 0) for b in doc.blocks)
        read_ms = cpu_ms(lambda d=data, n=name: read_pdf(d, n), args.repeat)
        parse_ms = cpu_ms(lambda d=data, n=name: xxgk.parse_bytes(d, n), args.repeat)
        ours = score(xxgk.parse_bytes(data, name).cells, truth)
        n_pages, tables = plumber_tables(data)
        plumb_ms = cpu_ms(lambda d=data: plumber_tables(d), max(1, args.repeat // 2))
        plumb = score(naive_cells(tables), truth)
        ours_pp.append(read_ms / pages)
        plumb_pp.append(plumb_ms / n_pages)
        ours_ok, plumb_ok, total = ours_ok + ours, plumb_ok + plumb, total + len(truth)
        print(
            f"{name:<22}{pages:>6}{read_ms / pages:>12.1f}{parse_ms:>10.1f}{f'{ours}/{len(truth)}':>9}"
            f"{plumb_ms / n_pages:>15.1f}{f'{plumb}/{len(truth)}':>12}"
        )
    if pdfs:
        print("-" * len(head))
        print(
            f"median ms/page: ours {statistics.median(ours_pp):.1f}, pdfplumber {statistics.median(plumb_pp):.1f}; "
            f"cells right: ours {ours_ok}/{total}, pdfplumber naive {plumb_ok}/{total}"
        )


if __name__ == "__main__":
    main()

"""Latency of ``POST /api/v1/check`` for a text report, and many uploads at once, against a real server.

    .venv/bin/python bench/bench_web.py [--requests 300] [--concurrent 50]

Starts uvicorn (``xxgk.web.app:create_app``) in a subprocess on a free loopback port, so the client's
work does not share the server's interpreter, then measures with httpx:

1. sequential: p50 / p95 / p99 of one text report checked at a time (target p95 < 100 ms);
2. concurrent: ``--concurrent`` uploads of the five example reports sent at once — every one must come
   back 200 with its findings; wall time and the per-request latencies under that load.

Figures only: nothing asserts a timing. Needs no internet; proxies in the environment are ignored.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "002_c6746dbda78f73e9.txt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "xxgk.web.app:create_app", "--factory", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--log-level", "warning", "--ws", "none", "--no-server-header"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", trust_env=False).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("uvicorn did not start")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(label: str, ms: list[float]) -> None:
    print(
        f"{label:<34} n={len(ms):<4} p50 {pct(ms, 0.5):7.1f} ms   p95 {pct(ms, 0.95):7.1f} ms   "
        f"p99 {pct(ms, 0.99):7.1f} ms   mean {statistics.fmean(ms):7.1f} ms"
    )


def sequential(base: str, data: bytes, n: int) -> list[float]:
    times = []
    with httpx.Client(base_url=base, trust_env=False, timeout=60) as client:
        for i in range(n + 20):
            t0 = time.perf_counter()
            resp = client.post("/api/v1/check", files={"file": (SEED.name, data, "text/plain")})
            elapsed = (time.perf_counter() - t0) * 1000
            if resp.status_code != 200 or len(resp.json()["findings"]) != 3:
                raise SystemExit(f"request {i}: {resp.status_code} {resp.text[:200]}")
            if i >= 20:  # the first requests warm imports and caches
                times.append(elapsed)
    return times


async def concurrent(base: str, files: list[Path], n: int) -> tuple[float, list[float], dict[int, int]]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=120, limits=limits) as client:

        async def one(i: int) -> tuple[int, float]:
            f = files[i % len(files)]
            t0 = time.perf_counter()
            resp = await client.post("/api/v1/check", files={"file": (f.name, f.read_bytes(), "text/plain")})
            ok = resp.status_code == 200 and len(resp.json()["report"]["cells"]) == 200
            return (resp.status_code if ok else -resp.status_code), (time.perf_counter() - t0) * 1000

        t0 = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(n)))
        wall = (time.perf_counter() - t0) * 1000
    codes: dict[int, int] = {}
    for code, _ in results:
        codes[code] = codes.get(code, 0) + 1
    return wall, [ms for _, ms in results], codes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrent", type=int, default=50)
    args = ap.parse_args()
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        data = SEED.read_bytes()
        print(f"server: uvicorn on {base}, {os.cpu_count()} CPUs; report {SEED.name} ({len(data)} bytes)")
        summary("POST /api/v1/check (sequential)", sequential(base, data, args.requests))
        examples = sorted((ROOT / "examples").glob("*.txt"))
        for round_ in (1, 2):
            wall, ms, codes = asyncio.run(concurrent(base, examples, args.concurrent))
            errors = sum(v for k, v in codes.items() if k != 200)
            print(
                f"{args.concurrent} concurrent uploads (round {round_}): wall {wall:7.1f} ms, "
                f"status {dict(sorted(codes.items()))}, errors {errors}"
            )
            summary(f"  latency under {args.concurrent} at once", ms)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

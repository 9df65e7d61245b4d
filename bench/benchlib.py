"""Helpers the benchmark scripts share: percentiles and a description of the machine."""

from __future__ import annotations

import os
import re
from pathlib import Path


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def machine(db: str) -> dict[str, str]:
    """CPU, core count, memory and database engine, for the results table."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    match = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    mem_kb = int(match.group(1)) if match else 0
    if db == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        engine = f"PostgreSQL {version}"
    else:
        import sqlite3

        engine = f"SQLite {sqlite3.sqlite_version}"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram_gb": f"{mem_kb / 1024 / 1024:.1f}",
        "engine": engine,
    }

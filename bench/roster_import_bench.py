"""Benchmark a 40,000-row roster import on PostgreSQL or SQLite.

    .venv/bin/python bench/roster_import_bench.py --db sqlite
    .venv/bin/python bench/roster_import_bench.py --db postgres
    .venv/bin/python bench/roster_import_bench.py --db sqlite --format xlsx

Creates its own database (PostgreSQL: `mhr_bench_imports`, dropped and recreated; SQLite: a file
under /tmp), generates a realistic roster export (Faker names, police job titles and units,
US-format hire dates, Active/LOA statuses) and a later version of it with typical churn
(promotions and transfers, name changes, people going on or back from leave, new hires, people
who left), loads the first version with a committed import, then, in a fresh process so peak RSS
(resource.getrusage) measures the import alone, previews and commits the second version and
re-imports it unchanged.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import time
from pathlib import Path

from benchlib import django_environment, reset_database, run_phase

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = Path("/tmp/mhr_import_bench.sqlite3")
PG_URL = "postgres://postgres@127.0.0.1:5432/mhr_bench_imports"
WORK = Path("/tmp/mhr_import_bench")
ORI = "WA0999900"

SWORN_TITLES = [
    ("Police Officer", 40),
    ("Police Officer II", 15),
    ("Senior Police Officer", 6),
    ("Sergeant", 10),
    ("Lieutenant", 4),
    ("Detective", 9),
    ("Captain", 1.5),
    ("Deputy Chief", 0.3),
    ("K9 Officer", 2),
    ("Traffic Officer", 4),
    ("School Resource Officer", 3),
    ("Corporal", 4),
]
CIVILIAN_TITLES = [
    ("Telecommunicator", 30),
    ("911 Dispatcher", 10),
    ("Records Clerk", 20),
    ("Crime Analyst", 6),
    ("Administrative Assistant", 14),
    ("Evidence Technician", 8),
    ("Community Service Officer", 6),
    ("Chaplain", 1),
]
UNITS = [
    "Patrol - Days",
    "Patrol - Swing",
    "Patrol - Nights",
    "North Precinct",
    "South Precinct",
    "East Precinct",
    "Investigations",
    "Traffic",
    "Special Operations",
    "Communications",
    "Records",
    "Training",
]
HEADER = ["Emp ID", "First Name", "Last Name", "Sworn/Civilian", "Job Title", "Assignment",
          "Hire Date", "Employment Status"]  # fmt: skip


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([t for t, _ in weighted], weights=[w for _, w in weighted])[0]


def generate_rows(n: int, seed: int = 7) -> list[list[str]]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        sworn = rng.random() < 0.75
        title = _pick(rng, SWORN_TITLES if sworn else CIVILIAN_TITLES)
        unit = "Communications" if "Dispatch" in title or "Telecom" in title else rng.choice(UNITS)
        hired = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1988, 2025)}"
        status = "LOA" if rng.random() < 0.03 else "Active"
        rows.append(
            [
                f"E{100000 + i}",
                fake.first_name(),
                fake.last_name(),
                "Sworn" if sworn else "Civilian",
                title,
                unit,
                hired,
                status,
            ]
        )
    return rows


def churn(rows: list[list[str]], seed: int = 11) -> tuple[list[list[str]], dict[str, int]]:
    """The next month's export: 1% left, 1% hired, 2% transferred, 0.5% promoted, 0.3% renamed,
    1% on or back from leave."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    n = len(rows)
    left = set(rng.sample(range(n), n // 100))
    out = [list(row) for i, row in enumerate(rows) if i not in left]
    stats = {"left": len(left), "hired": 0, "changed_rows": 0}
    changed = set()
    for row in rng.sample(out, len(out) * 2 // 100):
        row[5] = rng.choice([u for u in UNITS if u != row[5]])
        changed.add(row[0])
    for row in rng.sample(out, len(out) // 200):
        if row[3] == "Sworn":
            row[4] = "Sergeant" if row[4] != "Sergeant" else "Lieutenant"
            changed.add(row[0])
    for row in rng.sample(out, len(out) * 3 // 1000):
        row[2] = f"{row[2]}-{fake.last_name()}"
        changed.add(row[0])
    for row in rng.sample(out, len(out) // 100):
        row[7] = "Active" if row[7] == "LOA" else "LOA"
        changed.add(row[0])
    for i in range(n // 100):
        out.append(
            [
                f"E{900000 + i}",
                fake.first_name(),
                fake.last_name(),
                "Sworn",
                "Police Officer",
                "Patrol - Nights",
                "11/2/2026",
                "Active",
            ]  # fmt: skip
        )
    stats["hired"] = n // 100
    stats["changed_rows"] = len(changed)
    rng.shuffle(out)
    return out, stats


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """As HR systems export it: hire dates as real date cells (a number with a date format)."""
    import datetime

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Roster")
    sheet.append(HEADER)
    for row in rows:
        month, day, year = (int(part) for part in row[6].split("/"))
        sheet.append([*row[:6], datetime.date(year, month, day), *row[7:]])
    workbook.save(path)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def phase_generate(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from mhr.accounts.models import Agency
    from mhr.campaigns.services.imports import import_run

    call_command("migrate", verbosity=0)
    WORK.mkdir(exist_ok=True)
    v1 = generate_rows(n)
    v2, stats = churn(v1)
    write_csv(WORK / "roster_v1.csv", v1)
    write_csv(WORK / "roster_v2.csv", v2, bom=True)
    write_xlsx(WORK / "roster_v2.xlsx", v2)
    agency = Agency.objects.create(
        name="Bench City Police Department", ori=ORI, state="WA", sworn_headcount=n
    )
    started = time.monotonic()
    result = import_run(agency=agency, kind="roster", file=WORK / "roster_v1.csv", commit=True)
    seconds = time.monotonic() - started
    assert result.committed, [str(e) for e in result.errors.items[:5]]
    print(
        json.dumps(
            {
                "first_import_seconds": round(seconds, 2),
                "first_counts": result.counts,
                "churn": stats,
                "v2_rows": len(v2),
                "v2_bytes": (WORK / "roster_v2.csv").stat().st_size,
            }
        )
    )


def phase_import(file_format: str) -> None:
    import django

    django.setup()
    from django.db import connection

    from mhr.accounts.models import Agency
    from mhr.campaigns.services.imports import import_commit, import_preview

    agency = Agency.objects.get(ori=ORI)
    connection.ensure_connection()
    rss_before = _rss_mb()
    path = WORK / f"roster_v2.{file_format}"
    timings = {}
    cpu_started = _cpu()
    started = time.monotonic()
    preview = import_preview(agency=agency, kind="roster", file=path)
    timings["preview_seconds"] = round(time.monotonic() - started, 2)
    assert preview.ok, [str(e) for e in preview.errors.items[:5]]
    started = time.monotonic()
    result = import_commit(batch=preview.batch, actor=None, file=path)
    timings["commit_seconds"] = round(time.monotonic() - started, 2)
    assert result.committed, [str(e) for e in result.errors.items[:5]]
    timings["total_seconds"] = round(timings["preview_seconds"] + timings["commit_seconds"], 2)
    # CPU time of this process (not the database server's): steadier than wall time on a busy box.
    timings["total_cpu_seconds"] = round(_cpu() - cpu_started, 2)
    peak = _rss_mb()
    started = time.monotonic()
    again = import_preview(agency=agency, kind="roster", file=path)
    again = import_commit(batch=again.batch, actor=None, file=path)
    timings["reimport_seconds"] = round(time.monotonic() - started, 2)
    print(
        json.dumps(
            {
                **timings,
                "counts": {
                    k: result.counts[k]
                    for k in ("rows", "new", "updated", "separated", "unchanged")
                },
                "reimport_counts": {
                    k: again.counts[k] for k in ("new", "updated", "separated", "unchanged")
                },
                "rss_before_mb": rss_before,
                "peak_rss_mb": peak,
                "peak_rss_after_reimport_mb": _rss_mb(),
                "warnings": result.warnings.total,
                "first_warnings": [str(w) for w in result.warnings.items[:2]],
            }
        )
    )


# --- driver -----------------------------------------------------------------------------------


def _environment(db: str) -> dict[str, str]:
    url = PG_URL if db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    return django_environment(url, data_dir=WORK / "data")


def _reset_database(db: str) -> None:
    reset_database(db, pg_name="mhr_bench_imports", sqlite_path=SQLITE_PATH)


def _run_phase(db: str, *args: str) -> dict:
    return run_phase(__file__, db, args, env=_environment(db))


def _machine(db: str) -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    if db == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
            engine = f"PostgreSQL {conn.execute('SHOW server_version').fetchone()[0]}"
    else:
        import sqlite3

        engine = f"SQLite {sqlite3.sqlite_version}"
    return f"{os.cpu_count()} CPUs, {cpu}, {mem_kb / 1024 / 1024:.1f} GB RAM; {engine}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), required=True)
    parser.add_argument("--n", type=int, default=40_000)
    parser.add_argument(
        "--runs", type=int, default=3, help="import phases to run (fresh data each)"
    )
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--phase", choices=("generate", "import"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "generate":
        return phase_generate(args.n)
    if args.phase == "import":
        return phase_import(args.format)

    print(f"Machine: {_machine(args.db)}; file format {args.format}")
    for run in range(1, args.runs + 1):
        _reset_database(args.db)
        generated = _run_phase(args.db, "--phase", "generate", "--n", str(args.n))
        if run == 1:
            print(
                f"First import of {args.n:,} rows into an empty agency: "
                f"{generated['first_import_seconds']}s; churn {generated['churn']}; "
                f"next version {generated['v2_rows']:,} rows, {generated['v2_bytes']:,} bytes"
            )
        result = _run_phase(args.db, "--phase", "import", "--format", args.format)
        print(f"Run {run}: {json.dumps(result)}")


if __name__ == "__main__":
    main()

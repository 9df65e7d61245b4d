"""Benchmark encounter imports: a 1-million-row native CSV (target ≥ 50,000 rows/s on PostgreSQL,
streaming, under 500 MB) and a Seattle Crisis Data file.

    .venv/bin/python bench/encounter_import_bench.py --db postgres
    .venv/bin/python bench/encounter_import_bench.py --db sqlite --n 200000

Creates its own database (PostgreSQL: `mhr_bench_encounters`, dropped and recreated; SQLite: a
file under /tmp), generates the files with mhr.encounters.synthetic (distributed like the
Seattle value counts), then runs each phase in a fresh process so peak RSS (getrusage) measures
that phase alone: the committing import into an empty agency, the re-import of the same file
(nothing changes), a dry-run preview, and the Seattle-format import.

Each phase also reports where its time went (`phases`): the wall time the import spent blocked in
each database step (mhr.encounters.imports.bulk.timed) and the PostgreSQL backend's own CPU time
in it (read from /proc, the server runs on this machine). `streaming` is what is left: reading,
converting and checking in Python, while the server inserts the COPYed rows alongside;
`server_cpu_s` is the backend's CPU for the whole import, `client_cpu_s` the import process's.
`--only commit` runs one phase (for iterating), `--n 200000` a smaller file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from benchlib import django_environment, machine, reset_database, run_phase

SQLITE_PATH = Path("/tmp/mhr_encounter_import_bench.sqlite3")
PG_NAME = "mhr_bench_encounter_import"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
WORK = Path("/tmp/mhr_encounter_import_bench")
ORI = "WA0999800"


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class PhaseClock:
    """Wall and server CPU seconds per database step of one import (see bulk.timed)."""

    def __init__(self) -> None:
        self.phases: dict[str, dict[str, float]] = {}
        self.pid = 0

    def server_cpu(self) -> float:
        if not self.pid:
            return 0.0
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the database runs elsewhere
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started, server = time.perf_counter(), self.server_cpu()
        try:
            yield
        finally:
            phase = self.phases.setdefault(name, {"wall_s": 0.0, "server_cpu_s": 0.0, "calls": 0})
            phase["wall_s"] += time.perf_counter() - started
            phase["server_cpu_s"] += self.server_cpu() - server
            phase["calls"] += 1


def phase_generate(n: int, seattle: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from mhr.accounts.models import Agency
    from mhr.encounters import synthetic

    call_command("migrate", verbosity=0)
    WORK.mkdir(exist_ok=True)
    started = time.monotonic()
    native = WORK / f"native_{n}.csv"
    if not native.exists():
        with native.open("w", encoding="utf-8", newline="") as stream:
            synthetic.write_native_csv(stream, count=n, seed=42, prefix="B")
    seattle_path = WORK / f"seattle_{seattle}.csv"
    if not seattle_path.exists():
        with seattle_path.open("w", encoding="utf-8", newline="") as stream:
            synthetic.write_seattle_csv(stream, count=seattle, seed=43)
    Agency.objects.create(
        name="Bench City Police Department", ori=ORI, state="WA", sworn_headcount=1500
    )
    Agency.objects.create(
        name="Bench Seattle-format Police Department", ori="WA0999801", state="WA"
    )
    print(
        json.dumps(
            {
                "generate_seconds": round(time.monotonic() - started, 1),
                "native_bytes": native.stat().st_size,
                "seattle_bytes": seattle_path.stat().st_size,
            }
        )
    )


def phase_run(kind: str, path: str, ori: str, fmt: str) -> None:
    import django

    django.setup()
    from django.db import connection

    from mhr.accounts.models import Agency
    from mhr.encounters.import_services import encounter_import_run
    from mhr.encounters.imports import bulk

    agency = Agency.objects.get(ori=ori)
    connection.ensure_connection()
    clock = PhaseClock()
    if connection.vendor == "postgresql":
        clock.pid = connection.connection.info.backend_pid
    bulk.PHASE_CLOCK = clock
    rss_before = _rss_mb()
    cpu_started = _cpu()
    server_started = clock.server_cpu()
    load = os.getloadavg()
    started = time.monotonic()
    outcome = encounter_import_run(agency=agency, file=path, format=fmt, commit=kind != "preview")
    seconds = time.monotonic() - started
    server_cpu = clock.server_cpu() - server_started
    phases = {
        name: {k: round(v, 2) for k, v in phase.items()} for name, phase in clock.phases.items()
    }
    phases["streaming"] = {
        "wall_s": round(seconds - sum(p["wall_s"] for p in clock.phases.values()), 2),
        "server_cpu_s": round(
            server_cpu - sum(p["server_cpu_s"] for p in clock.phases.values()), 2
        ),
    }
    assert outcome.ok, [str(e) for e in outcome.errors.items[:5]]
    rows = outcome.counts["rows"]
    print(
        json.dumps(
            {
                "phase": kind,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(_cpu() - cpu_started, 2),
                "rows": rows,
                "file_rows": _file_rows(Path(path)),
                "rows_per_second": round(rows / seconds),
                "counts": {k: outcome.counts[k] for k in ("new", "updated", "unchanged")},
                "warnings": outcome.warnings.total,
                "rss_before_mb": rss_before,
                "peak_rss_mb": _rss_mb(),
                "server_cpu_s": round(server_cpu, 2),
                "client_cpu_s": round(_cpu() - cpu_started, 2),
                "load_before": [round(x, 2) for x in load],
                "load_after": [round(x, 2) for x in os.getloadavg()],
                "phases": phases,
            }
        )
    )


def _file_rows(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b"")) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), required=True)
    parser.add_argument("--n", type=int, default=1_000_000, help="native rows")
    parser.add_argument("--seattle", type=int, default=100_000, help="Seattle templates")
    parser.add_argument(
        "--only", choices=("commit", "reimport", "preview", "seattle"), action="append"
    )
    parser.add_argument("--phase", choices=("generate", "run"), help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="commit", help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    parser.add_argument("--ori", default=ORI, help=argparse.SUPPRESS)
    parser.add_argument("--format", default="native", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "generate":
        return phase_generate(args.n, args.seattle)
    if args.phase == "run":
        return phase_run(args.kind, args.path, args.ori, args.format)

    url = PG_URL if args.db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    env = django_environment(url, data_dir=WORK / "data")
    reset_database(args.db, pg_name=PG_NAME, sqlite_path=SQLITE_PATH)
    info = machine(args.db)
    print(f"Machine: {info['nproc']} CPUs, {info['cpu']}, {info['ram_gb']} GB; {info['engine']}")
    generated = run_phase(
        __file__,
        args.db,
        ("--phase", "generate", "--n", str(args.n), "--seattle", str(args.seattle)),
        env=env,
    )
    print(json.dumps(generated))
    native = str(WORK / f"native_{args.n}.csv")
    seattle = str(WORK / f"seattle_{args.seattle}.csv")
    for kind, path, ori, fmt in (
        ("commit", native, ORI, "native"),
        ("reimport", native, ORI, "native"),
        ("preview", native, ORI, "native"),
        ("seattle", seattle, "WA0999801", "seattle"),
    ):
        if (
            args.only
            and kind not in args.only
            and not (kind == "commit" and "reimport" in args.only)
        ):
            continue
        result = run_phase(
            __file__,
            args.db,
            ("--phase", "run", "--kind", kind, "--path", path, "--ori", ori, "--format", fmt),
            env=env,
        )
        print(json.dumps(result))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Helpers the benchmark scripts share: percentiles and a description of the machine."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path


def percentile(samples: list[float], pct: float) -> float:
    """The nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed_ms(call, runs: int) -> dict[str, float]:
    """Wall-clock ms of `call` over `runs` calls after one untimed warm-up (a serving process
    has its templates and URLs loaded): p50, p95, max and the run count."""
    import statistics

    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "max_ms": round(max(samples), 1),
        "runs": runs,
    }


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


def django_environment(database_url: str, *, data_dir: Path | None = None) -> dict[str, str]:
    """The environment a benchmark phase runs Django in: quiet, non-debug, on the given database."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mhr.settings",
        MHR_ENV="development",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        PYTHONPATH=str(root),
    )
    if data_dir is not None:
        env["MHR_DATA_DIR"] = str(data_dir)
    return env


def reset_database(db: str, *, pg_name: str, sqlite_path: Path) -> None:
    """Start from an empty database: recreate the PostgreSQL one, or delete the SQLite files."""
    if db == "postgres":
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {pg_name}")
            conn.execute(f"CREATE DATABASE {pg_name}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)


def run_phase(script: str, db: str, args: tuple[str, ...], *, env: dict[str, str]) -> dict:
    """Run one phase of `script` in its own process; its last output line is a JSON result."""
    import json
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, script, "--db", db, *args], env=env, capture_output=True, text=True
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(completed.returncode)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def signed_in_client(email: str):
    """A test client signed in as this user, its session stamped as the sign-in view does.

    Call after django.setup().
    """
    from django.test import Client

    from mhr.accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session.update(
        {
            "mhr_epoch": user.session_epoch,
            "mhr_auth_at": now,
            "mhr_seen_at": now,
            "mhr_mfa_ok": True,
        }
    )
    session.save()
    return client


def encounter_saver(agency, received, *, prefix: str):
    """A function that records one complete encounter by hand for `agency` (the service a save
    on the entry form calls: record, revision, repeat flags, rollup refresh, audit row).

    Call after django.setup().
    """
    import datetime

    from mhr.encounters.services import encounter_create
    from mhr.encounters.tests.factories import encounter_values

    def save() -> None:
        encounter_create(
            agency=agency,
            actor=None,
            values=encounter_values(
                incident_number=f"{prefix}-{time.time_ns()}",
                received_at=received,
                arrived_at=received + datetime.timedelta(minutes=5),
                cleared_at=received + datetime.timedelta(minutes=50),
            ),
        )

    return save

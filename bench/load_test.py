"""Load test: 50 users on mixed journeys for 5 minutes against a production-mode server.

gunicorn on loopback, PostgreSQL, Redis for the cache and rate limits, the demo data plus one
account per simulated user. Prints the aggregate and per-request p95 and the error count, and
fails (exit 1) when there is any error or the aggregate p95 is over 300 ms.

    .venv/bin/python bench/load_test.py [--users 50] [--minutes 5] [--workers 4]
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchlib import machine

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = "postgres://postgres@127.0.0.1:5432"
DB = "mhr_load"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, check=True, cwd=ROOT, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mhr-load-"))
    port = free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mhr.settings",
        MHR_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{PG}/{DB}",
        REDIS_URL="redis://127.0.0.1:6379/7",
        MHR_DATA_DIR=str(work / "data"),
        MHR_STATIC_ROOT=str(work / "static"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    setup_env = {**env, "MHR_ENV": "development"}
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    subprocess.run(["redis-cli", "-n", "7", "FLUSHDB"], check=False, capture_output=True)
    print("Preparing: migrate, static files, demo data, accounts")
    run([str(BIN / "mhr"), "migrate", "--noinput", "-v", "0"], setup_env)
    run([str(BIN / "mhr"), "collectstatic", "--noinput", "-v", "0"], env)
    run(
        [str(BIN / "mhr"), "demo", "--password", "load-demo-password-1"],
        setup_env,
        capture_output=True,
    )
    accounts = work / "accounts.json"
    with accounts.open("w") as out:
        run(
            [str(BIN / "python"), "bench/load/setup_accounts.py", str(args.users)],
            setup_env,
            stdout=out,
        )

    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "mhr.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        for _ in range(60):
            try:
                probe = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(probe, timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        print(f"Running {args.users} users for {args.minutes} minutes")
        out = work / "locust"
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                "bench/load/locustfile.py",
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "5",
                "--run-time",
                f"{int(args.minutes * 60)}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(out),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "LOAD_ACCOUNTS": str(accounts)},
            cwd=ROOT,
            check=False,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    rows = list(csv.DictReader((work / "locust_stats.csv").open()))
    failures = sum(int(row["Failure Count"]) for row in rows if row["Name"] != "Aggregated")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    p95 = float(total["95%"])
    print(
        "\n| Request | Count | Median ms | p95 ms | Failures |\n| --- | ---: | ---: | ---: | ---: |"
    )
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        print(
            f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['50%']} | "
            f"{row['95%']} | {row['Failure Count']} |"
        )
    info = machine("postgres")
    print(
        f"\nMachine: {info['nproc']} CPU ({info['cpu']}), {info['ram_gb']} GB, {info['engine']}, "
        f"gunicorn {args.workers} workers, Redis cache."
    )
    print(f"Aggregate p95 {p95:.0f} ms (target ≤ 300), failures {failures} (target 0).")
    failures_file = work / "locust_failures.csv"
    if failures and failures_file.exists():
        print(failures_file.read_text()[:3000])
    shutil.rmtree(work / "data", ignore_errors=True)
    return 0 if failures == 0 and p95 <= 300 else 1


if __name__ == "__main__":
    sys.exit(main())

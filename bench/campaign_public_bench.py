"""Benchmark the public campaign pages on PostgreSQL or SQLite.

    .venv/bin/python bench/campaign_public_bench.py --db postgres
    .venv/bin/python bench/campaign_public_bench.py --db sqlite

Creates its own database (PostgreSQL: `mhr_bench_public`, dropped and recreated; SQLite: a file
under /tmp), bulk-inserts about 18,000 agencies from the FBI agency list in ../shared/data (real
names, ORIs, states and types) and a few thousand One Mind pledges spread over every status, then
times whole requests through Django's test client: the participants list (first page, a later
page, filtered by state, by status, 100 a page), an agency's page and its badge. Target: the
participants list p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import re
import statistics
import time
from pathlib import Path

from benchlib import django_environment, percentile, reset_database, run_phase
from benchlib import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MHR_SHARED_DATA", ROOT.parent / "shared" / "data"))
AGENCIES_CSV = SHARED_DATA / "fbi-agencies" / "agencies.csv"
SQLITE_PATH = Path("/tmp/mhr_bench_public.sqlite3")
PG_NAME = "mhr_bench_public"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"

AGENCY_TYPES = {
    "City": "city",
    "County": "county",
    "State Police": "state_police",
    "Other State Agency": "other_state",
    "University or College": "university",
    "Tribal": "tribal",
    "Other": "other",
}
# Roughly how a campaign's pledges spread over the statuses after some years.
STATUS_WEIGHTS = {
    "pledged": 30,
    "in_progress": 25,
    "submitted": 5,
    "returned": 3,
    "recognized": 28,
    "lapsed": 9,
}


def phase_generate(agency_count: int, pledge_count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mhr.accounts.models import Agency
    from mhr.campaigns.models import Campaign, Pledge

    call_command("migrate", verbosity=0)
    rng = random.Random(11)
    with AGENCIES_CSV.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{7}", r["ori"])]
    rng.shuffle(rows)
    rows = rows[:agency_count]
    started = time.monotonic()
    with transaction.atomic():
        agencies = Agency.objects.bulk_create(
            [
                Agency(
                    name=row["agency_name"][:200],
                    ori=row["ori"],
                    state=row["state_abbr"],
                    county=row["county"] if row["county"] != "NA" else "",
                    agency_type=AGENCY_TYPES.get(row["agency_type"], "other"),
                )
                for row in rows
            ],
            batch_size=2000,
        )
    campaign = Campaign.objects.get(slug="one-mind")
    versions = {v.code: v for v in campaign.rule_versions.all()}
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    today = datetime.date(2026, 11, 27)
    first = datetime.date(2016, 10, 1)
    pledges = []
    for agency in rng.sample(agencies, min(pledge_count, len(agencies))):
        signed_on = first + datetime.timedelta(days=rng.randint(0, (today - first).days - 30))
        status = rng.choices(statuses, weights)[0]
        recognized_on = None
        if status in {"recognized", "lapsed"}:
            recognized_on = min(today, signed_on + datetime.timedelta(days=rng.randint(300, 1000)))
        pledges.append(
            Pledge(
                agency=agency,
                campaign=campaign,
                rule_version=versions["2016" if signed_on.year < 2019 else "current"],
                agency_head_name="Chief Bench",
                agency_head_title="Chief of Police",
                signed_on=signed_on,
                contact_name="Bench Contact",
                contact_email="contact@bench.example",
                target_completion_on=signed_on + datetime.timedelta(days=730),
                status=status,
                recognized_on=recognized_on,
            )
        )
    with transaction.atomic():
        Pledge.objects.bulk_create(pledges, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "agencies": len(agencies),
                "pledges": len(pledges),
                "generate_seconds": round(time.monotonic() - started, 1),
            }
        )
    )


def phase_query(repeats: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from mhr.campaigns.models import Pledge

    client = Client()
    busiest_state = (
        Pledge.objects.values_list("agency__state", flat=True)
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    oris = list(Pledge.objects.values_list("agency__ori", flat=True)[:repeats])
    requests = {
        "list: first page": lambda i: "/campaign/",
        "list: page 40": lambda i: "/campaign/?page=40",
        "list: last page": lambda i: "/campaign/?page=100000",
        f"list: state {busiest_state}": lambda i: f"/campaign/?state={busiest_state}",
        "list: status recognized": lambda i: "/campaign/?status=recognized&page=3",
        "list: 100 a page": lambda i: "/campaign/?per_page=100&page=5",
        "list: name contains": lambda i: "/campaign/?name=county",
        "agency page": lambda i: f"/campaign/agencies/{oris[i % len(oris)]}/",
        "badge": lambda i: f"/campaign/badge/{oris[i % len(oris)]}.svg",
    }
    timings: dict[str, list[float]] = {name: [] for name in requests}
    # This process's CPU time per request: what the request costs without waiting for a CPU
    # (the machine is shared); with PostgreSQL it leaves out the database server's own time.
    cpu: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(3):  # Warm-up: templates, connection, database caches.
        for name, url in requests.items():
            assert client.get(url(0)).status_code == 200, name
    for i in range(repeats):
        for name, url in requests.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url(i))
            elapsed = (time.perf_counter() - started) * 1000
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            timings[name].append(elapsed)
    connection.close()
    result = {}
    lists: list[float] = []
    lists_cpu: list[float] = []

    def stats(values: list[float], cpu_values: list[float]) -> dict[str, float]:
        return {
            "p50": round(statistics.median(values), 1),
            "p95": round(percentile(values, 95), 1),
            "max": round(max(values), 1),
            "cpu_p50": round(statistics.median(cpu_values), 1),
            "samples": len(values),
        }

    for name, values in timings.items():
        if name.startswith("list"):
            lists += values
            lists_cpu += cpu[name]
        result[name] = stats(values, cpu[name])
    result["list: all"] = stats(lists, lists_cpu)
    print(json.dumps(result))


# --- driver -----------------------------------------------------------------------------------


def _environment(db: str) -> dict[str, str]:
    url = PG_URL if db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    return django_environment(url)


def _reset_database(db: str) -> None:
    reset_database(db, pg_name=PG_NAME, sqlite_path=SQLITE_PATH)


def _run_phase(db: str, *args: str) -> dict:
    return run_phase(__file__, db, args, env=_environment(db))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), required=True)
    parser.add_argument("--agencies", type=int, default=18000)
    parser.add_argument("--pledges", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--phase", choices=("generate", "query"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing database")
    args = parser.parse_args()
    if args.phase == "generate":
        return phase_generate(args.agencies, args.pledges)
    if args.phase == "query":
        return phase_query(args.repeats)

    machine = describe_machine(args.db)
    print(
        f"Machine: {machine['nproc']} CPUs, {machine['cpu']}, {machine['ram_gb']} GB RAM; "
        f"{machine['engine']}"
    )
    if not args.skip_generate:
        _reset_database(args.db)
        generated = _run_phase(
            args.db,
            "--phase",
            "generate",
            "--agencies",
            str(args.agencies),
            "--pledges",
            str(args.pledges),
        )
        print(
            f"Generated {generated['agencies']} agencies and {generated['pledges']} pledges "
            f"in {generated['generate_seconds']}s"
        )
    queried = _run_phase(args.db, "--phase", "query", "--repeats", str(args.repeats))
    print()
    print("| request | samples | p50 ms | p95 ms | max ms | CPU p50 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in queried.items():
        print(
            f"| {name} | {row['samples']} | {row['p50']} | {row['p95']} | {row['max']} | "
            f"{row['cpu_p50']} |"
        )


if __name__ == "__main__":
    main()

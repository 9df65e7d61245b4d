"""Benchmark the staff pledge-review queue on PostgreSQL or SQLite.

    .venv/bin/python bench/review_queue_bench.py --db postgres
    .venv/bin/python bench/review_queue_bench.py --db sqlite

Creates its own database (PostgreSQL: `mhr_bench_review`, dropped and recreated; SQLite: a file
under /tmp), bulk-inserts about 18,000 agencies from the FBI agency list in ../shared/data (real
names, ORIs, states and types), 4,000 One Mind pledges of which 500 are submitted (waiting up to
four months, many already partly decided) and the others spread over the other statuses, with
earlier review rounds' decisions on the returned and recognized ones. Then, signed in as a
reviewer, it times whole requests through Django's test client: the queue (first page, a later
page, the last page, 100 a page, filtered by status, all statuses) and one pledge's review page.
Target: the queue p95 ≤ 100 ms.
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

from benchlib import django_environment, percentile, reset_database, run_phase, signed_in_client
from benchlib import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MHR_SHARED_DATA", ROOT.parent / "shared" / "data"))
AGENCIES_CSV = SHARED_DATA / "fbi-agencies" / "agencies.csv"
SQLITE_PATH = Path("/tmp/mhr_bench_review.sqlite3")
PG_NAME = "mhr_bench_review"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
REVIEWER_EMAIL = "bench-reviewer@association.example"

AGENCY_TYPES = {
    "City": "city",
    "County": "county",
    "State Police": "state_police",
    "Other State Agency": "other_state",
    "University or College": "university",
    "Tribal": "tribal",
    "Other": "other",
}
# The pledges that are not waiting for review, spread roughly as after some years.
OTHER_STATUS_WEIGHTS = {
    "pledged": 30,
    "in_progress": 25,
    "returned": 5,
    "recognized": 30,
    "lapsed": 10,
}
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def phase_generate(agency_count: int, pledge_count: int, submitted_count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mhr.accounts.models import Agency, User
    from mhr.campaigns.models import Campaign, Pledge, PracticeDecision

    call_command("migrate", verbosity=0)
    rng = random.Random(23)
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
    requirements = {
        code: list(version.requirements.order_by("position", "id"))
        for code, version in versions.items()
    }
    others = list(OTHER_STATUS_WEIGHTS)
    weights = list(OTHER_STATUS_WEIGHTS.values())
    first = datetime.date(2016, 10, 1)
    today = NOW.date()
    pledges = []
    chosen = rng.sample(agencies, min(pledge_count, len(agencies)))
    for n, agency in enumerate(chosen):
        signed_on = first + datetime.timedelta(days=rng.randint(0, (today - first).days - 400))
        status = "submitted" if n < submitted_count else rng.choices(others, weights)[0]
        if status == "submitted":
            changed = NOW - datetime.timedelta(minutes=rng.randint(10, 120 * 24 * 60))
        else:
            changed = NOW - datetime.timedelta(days=rng.randint(1, 2000))
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
                status_changed_at=changed,
                recognized_on=changed.date() if status in {"recognized", "lapsed"} else None,
            )
        )
    with transaction.atomic():
        pledges = Pledge.objects.bulk_create(pledges, batch_size=2000)
    reviewer = User.objects.create_user(
        email=REVIEWER_EMAIL, password=None, full_name="Bench Reviewer", staff_role="reviewer"
    )
    decisions = []
    for pledge in pledges:
        practices = requirements[pledge.rule_version.code]
        rounds = []
        reviewed = {"submitted", "returned", "recognized", "lapsed"}
        if pledge.status in reviewed and rng.random() < 0.5:
            # An earlier submission, returned with one practice to fix.
            earlier = pledge.status_changed_at - datetime.timedelta(days=rng.randint(30, 300))
            rounds.append((1, earlier, len(practices), 1))
        if pledge.status == "submitted" and rng.random() < 0.6:
            # The current submission, partly decided.
            number = len(rounds) + 1
            rounds.append((number, pledge.status_changed_at, rng.randint(1, len(practices) - 1), 0))
        for number, submitted_at, decided, returns in rounds:
            for i, requirement in enumerate(practices[:decided]):
                returned = i < returns
                decisions.append(
                    PracticeDecision(
                        pledge=pledge,
                        submitted_at=submitted_at,
                        round_number=number,
                        requirement=requirement,
                        requirement_key=requirement.key,
                        requirement_title=requirement.title,
                        decision="returned" if returned else "approved",
                        comment="Please cite the page numbers." if returned else "",
                        reviewer=reviewer,
                        reviewer_label=reviewer.email,
                        decided_at=submitted_at + datetime.timedelta(days=3),
                    )
                )
    with transaction.atomic():
        PracticeDecision.objects.bulk_create(decisions, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "agencies": len(agencies),
                "pledges": len(pledges),
                "submitted": min(submitted_count, len(pledges)),
                "decisions": len(decisions),
                "generate_seconds": round(time.monotonic() - started, 1),
            }
        )
    )


def phase_query(repeats: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from mhr.campaigns.models import Pledge

    client = signed_in_client(REVIEWER_EMAIL)
    submitted = list(
        Pledge.objects.filter(status="submitted").order_by("pk").values_list("pk", flat=True)
    )
    requests = {
        "queue: first page": lambda i: "/staff/pledges/",
        "queue: page 10": lambda i: "/staff/pledges/?page=10",
        "queue: last page": lambda i: "/staff/pledges/?page=100000",
        "queue: 100 a page": lambda i: "/staff/pledges/?per_page=100&page=3",
        "queue: recognized": lambda i: "/staff/pledges/?status=recognized&page=5",
        "queue: all statuses": lambda i: "/staff/pledges/?status=all&page=50",
        "review page": lambda i: f"/staff/pledges/{submitted[i % len(submitted)]}/",
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

    def stats(values: list[float], cpu_values: list[float]) -> dict[str, float]:
        return {
            "p50": round(statistics.median(values), 1),
            "p95": round(percentile(values, 95), 1),
            "max": round(max(values), 1),
            "cpu_p50": round(statistics.median(cpu_values), 1),
            "samples": len(values),
        }

    result = {}
    queue: list[float] = []
    queue_cpu: list[float] = []
    for name, values in timings.items():
        if name.startswith("queue"):
            queue += values
            queue_cpu += cpu[name]
        result[name] = stats(values, cpu[name])
    result["queue: all"] = stats(queue, queue_cpu)
    print(json.dumps(result))


# --- driver -----------------------------------------------------------------------------------


def _environment(db: str) -> dict[str, str]:
    url = PG_URL if db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    return django_environment(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), required=True)
    parser.add_argument("--agencies", type=int, default=18000)
    parser.add_argument("--pledges", type=int, default=4000)
    parser.add_argument("--submitted", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--phase", choices=("generate", "query"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing database")
    args = parser.parse_args()
    if args.phase == "generate":
        return phase_generate(args.agencies, args.pledges, args.submitted)
    if args.phase == "query":
        return phase_query(args.repeats)

    machine = describe_machine(args.db)
    print(
        f"Machine: {machine['nproc']} CPUs, {machine['cpu']}, {machine['ram_gb']} GB RAM; "
        f"{machine['engine']}"
    )
    if not args.skip_generate:
        reset_database(args.db, pg_name=PG_NAME, sqlite_path=SQLITE_PATH)
        generated = run_phase(
            __file__,
            args.db,
            (
                "--phase",
                "generate",
                "--agencies",
                str(args.agencies),
                "--pledges",
                str(args.pledges),
                "--submitted",
                str(args.submitted),
            ),
            env=_environment(args.db),
        )
        print(
            f"Generated {generated['agencies']} agencies, {generated['pledges']} pledges "
            f"({generated['submitted']} submitted) and {generated['decisions']} decisions "
            f"in {generated['generate_seconds']}s"
        )
    queried = run_phase(
        __file__,
        args.db,
        ("--phase", "query", "--repeats", str(args.repeats)),
        env=_environment(args.db),
    )
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

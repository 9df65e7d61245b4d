"""Time the audit log's search page on a log of realistic size (PostgreSQL).

    .venv/bin/python bench/audit_log_bench.py                 # generate 5 million rows, measure
    .venv/bin/python bench/audit_log_bench.py --skip-generate # measure the existing data again

The audit log grows with every sign-in, every view and export of encounter data and every API
call, and is kept at least a year, so it becomes the largest table. The script creates
`mhr_bench_audit` (dropped and recreated), migrates it, inserts `--rows` events over the last
365 days for 1,000 agencies (one in twenty rows without an agency: staff and anonymous ones)
with a mix of event types, in the database with generate_series, then times the page through the
test client for a staff administrator and for one agency's coordinator (20 requests after one
warm-up each).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    django_environment,
    machine,
    reset_database,
    signed_in_client,
    timed_ms,
)

PG_NAME = "mhr_bench_audit"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
AGENCIES = 1_000
EVENT_TYPES = [
    "encounter.viewed",
    "encounter.viewed",
    "encounter.viewed",
    "auth.sign_in",
    "auth.sign_in",
    "api.token_used",
    "encounter.created",
    "officer.changed",
    "encounter.exported",
    "auth.sign_in_failed",
]


def generate(rows: int) -> float:
    started = time.perf_counter()
    reset_database("postgres", pg_name=PG_NAME, sqlite_path=Path("/nonexistent"))
    env = django_environment(PG_URL)
    subprocess.run(
        [sys.executable, "-m", "mhr", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from mhr.accounts.models import Agency, Membership, User

    agencies = Agency.objects.bulk_create(
        Agency(
            name=f"Bench Agency {n}",
            ori=f"ZZ{n:07d}",
            state="WA",
            agency_type="city",
            sworn_headcount=50,
        )
        for n in range(AGENCIES)
    )
    staff = User.objects.create_user(
        email="audit-staff@example.org", password=None, staff_role="administrator", is_staff=True
    )
    coordinator = User.objects.create_user(email="audit-coordinator@example.org", password=None)
    Membership.objects.create(user=coordinator, agency=agencies[0], role="coordinator")
    first_agency = agencies[0].pk
    types = "ARRAY[" + ", ".join(f"'{t}'" for t in EVENT_TYPES) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, event_type, outcome, actor_id, "
            "actor_label, agency_id, object_type, object_id, object_repr, ip_address, extra) "
            "SELECT now() - (n::float / %s) * interval '365 days', "
            f"({types})[1 + n %% {len(EVENT_TYPES)}], "
            "CASE WHEN n %% 50 = 0 THEN 'failure' ELSE 'success' END, "
            "NULL, 'user' || (n %% 20000) || '@agency.example', "
            "CASE WHEN n %% 20 = 0 THEN NULL ELSE %s + (n::bigint * 7919) %% %s END, "
            "'encounter', (n %% 100000)::text, 'Encounter ' || n, "
            "('203.0.113.' || (n %% 250))::inet, '{\"page\": \"list\"}'::jsonb "
            "FROM generate_series(1, %s) AS n",
            [rows, first_agency, AGENCIES, rows],
        )
        cursor.execute("VACUUM ANALYZE audit_auditevent")
    del staff
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, dict[str, float]]:
    os.environ.update(django_environment(PG_URL))
    import django

    django.setup()
    from django.urls import reverse

    url = reverse("audit:event_list")
    staff = signed_in_client("audit-staff@example.org")
    coordinator = signed_in_client("audit-coordinator@example.org")

    def page(client, query: dict[str, str]):
        def call() -> None:
            response = client.get(url, query)
            assert response.status_code == 200, response.status_code

        return call

    week_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 7 * 86400))
    return {
        "staff, newest": timed_ms(page(staff, {}), runs),
        "staff, page 20": timed_ms(page(staff, {"page": "20"}), runs),
        "staff, failed sign-ins": timed_ms(
            page(staff, {"event_type": "auth.sign_in_failed"}), runs
        ),
        "staff, last 7 days": timed_ms(page(staff, {"starts_on": week_ago}), runs),
        "coordinator, newest": timed_ms(page(coordinator, {}), runs),
        "coordinator, exports": timed_ms(
            page(coordinator, {"event_type": "encounter.exported"}), runs
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--phase", choices=("generate", "measure"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "generate":
        print(json.dumps({"generate_seconds": round(generate(args.rows), 1)}))
        return
    if args.phase == "measure":
        print(json.dumps({"load": os.getloadavg(), "results": measure(args.runs)}))
        return
    print(json.dumps(machine("postgres")))
    # Each phase in a fresh process, as a server would be.
    script = str(Path(__file__).resolve())
    if not args.skip_generate:
        subprocess.run(
            [sys.executable, script, "--phase", "generate", "--rows", str(args.rows)], check=True
        )
    subprocess.run(
        [sys.executable, script, "--phase", "measure", "--runs", str(args.runs)], check=True
    )


if __name__ == "__main__":
    main()

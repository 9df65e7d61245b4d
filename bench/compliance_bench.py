"""Benchmark the One Mind compliance re-evaluation on national-scale data (PostgreSQL).

    .venv/bin/python bench/compliance_bench.py                 # generate, then measure
    .venv/bin/python bench/compliance_bench.py --skip-generate # measure the existing data again

Creates the database `mhr_bench_compliance` (dropped and recreated), migrates it, and bulk-loads
with COPY: about 18,000 agencies whose sizes follow the Texas 2018 police-employee counts
(/work/shared/data/texas-police-employees-2018), scaled to about 700,000 sworn officers with the
largest agency at 36,000; dispatchers and other civilians; about 2 million training records (CIT,
CRIT, MHFA-PS, MHFA with 3-year expiry and renewal history, some expired); pledges for a few
thousand agencies with partnerships and policies. Then, in a fresh process, it times
`evaluate_all_pledges()` (the daily re-evaluation) and `pledge_compliance()` for the largest agency.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXAS = (
    Path(os.environ.get("MHR_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "texas-police-employees-2018"
    / "pe_texas_2018.csv"
)
DB_NAME = "mhr_bench_compliance"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
AS_OF = datetime.date(2026, 11, 27)
STATES = ["AL", "AZ", "CA", "CO", "FL", "GA", "IL", "IN", "KY", "MA", "MI", "MN", "MO", "NC",
          "NJ", "NY", "OH", "OK", "OR", "PA", "SC", "TN", "TX", "VA", "WA", "WI"]  # fmt: skip


# --- data generation --------------------------------------------------------------------------


def texas_sizes() -> list[int]:
    with TEXAS.open(encoding="utf-8") as handle:
        return [int(row["officer_ct"]) for row in csv.DictReader(handle) if row["officer_ct"]]


def agency_sizes(rng: random.Random, agencies: int, total: int, largest: int) -> list[int]:
    """Sample the empirical Texas distribution, scale to `total` with one agency of `largest`."""
    sample = [rng.choice(texas_sizes()) for _ in range(agencies - 1)]
    scale = (total - largest) / sum(sample)
    sizes = [max(0, round(s * scale)) for s in sample]
    sizes = [min(s, largest - 1) for s in sizes]
    return [largest, *sizes]


class Copier:
    """Stream rows into a table with COPY (text format), in 8 MB chunks."""

    def __init__(self, cursor, table: str, columns: tuple[str, ...]) -> None:
        self.cursor, self.table, self.columns = cursor, table, columns
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, *values: object) -> None:
        self.buffer.write("\t".join(r"\N" if v is None else str(v) for v in values))
        self.buffer.write("\n")
        self.rows += 1
        if self.buffer.tell() > 8_000_000:
            self.flush()

    def flush(self) -> None:
        data = self.buffer.getvalue()
        if data:
            with self.cursor.copy(
                f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
            ) as copy:
                copy.write(data)
        self.buffer = io.StringIO()


def _days(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _plus_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def phase_generate(agencies: int, sworn_total: int, largest: int, pledges: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from mhr.campaigns.models import Campaign, CourseType, RuleVersion

    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    started = time.monotonic()
    courses = {c.code: c.pk for c in CourseType.objects.all()}
    campaign = Campaign.objects.get(slug="one-mind")
    versions = {v.code: v.pk for v in RuleVersion.objects.filter(campaign=campaign)}
    sizes = agency_sizes(rng, agencies, sworn_total, largest)
    now = "2026-11-27 00:00:00+00"
    counts = {"agencies": 0, "sworn": 0, "people": 0, "training": 0, "pledges": 0}
    # One transaction: foreign keys are checked at commit, so the COPY streams can interleave.
    with transaction.atomic(), connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg cursor, for COPY
        agency_copy = Copier(
            cur,
            "accounts_agency",
            ("id", "name", "ori", "state", "county", "agency_type", "sworn_headcount", "website",
             "address_line", "city", "postal_code", "created_at"),
        )  # fmt: skip
        for i, size in enumerate(sizes, start=1):
            state = STATES[i % len(STATES)]
            agency_copy.add(
                i, f"Bench Agency {i}", f"{state}{i:07d}", state, "", "city", size, "", "", "", "",
                now,
            )  # fmt: skip
        agency_copy.flush()
        counts["agencies"] = agency_copy.rows

        officer_copy = Copier(
            cur,
            "campaigns_officer",
            ("id", "agency_id", "employee_id", "first_name", "last_name", "is_sworn", "role", "unit",
             "hire_date", "status", "status_since", "created_at", "updated_at"),
        )  # fmt: skip
        training_copy = Copier(
            cur,
            "campaigns_trainingrecord",
            ("officer_id", "agency_id", "course_type_id", "provider", "completed_on", "hours",
             "expires_on", "certificate", "source", "created_at"),
        )  # fmt: skip
        officer_id = 0
        for agency_id, sworn in enumerate(sizes, start=1):
            # Trained agencies train most of their people; others hardly anyone.
            keen = rng.random()
            civilians = round(sworn * rng.uniform(0.05, 0.2))
            for n in range(sworn + civilians):
                officer_id += 1
                is_sworn = n < sworn
                role = rng.choice(("patrol", "patrol", "patrol", "supervisor", "detective"))
                if not is_sworn:
                    role = "dispatcher" if rng.random() < 0.5 else "civilian"
                status = rng.choices(("active", "leave", "separated"), (94, 3, 3))[0]
                officer_copy.add(
                    officer_id, agency_id, f"E{n:06d}", "Pat", f"Officer{n}", "t" if is_sworn else "f",
                    role, "", None, status, None, now, now,
                )  # fmt: skip
                counts["sworn"] += is_sworn
                counts["people"] += 1
                records = []
                if rng.random() < 0.35 * keen + 0.05:
                    code = rng.choices(("cit-40", "crit", "crisis-equivalent"), (80, 15, 5))[0]
                    records.append((code, _days(rng, datetime.date(2008, 1, 1), AS_OF), None))
                # MHFA history: certificates renewed every ~3 years, the oldest long expired.
                if rng.random() < 0.6 * keen + 0.3:
                    code = "mhfa-ps" if rng.random() < 0.8 else "mhfa"
                    day = _days(rng, datetime.date(2012, 1, 1), datetime.date(2016, 12, 31))
                    while day <= AS_OF + datetime.timedelta(days=60):
                        records.append((code, day, _plus_months(day, 36)))
                        day = _plus_months(day, 36 + rng.randint(-2, 8))
                for code, completed, expires in records:
                    training_copy.add(
                        officer_id, agency_id, courses[code], "", completed, None, expires, "",
                        "import", now,
                    )  # fmt: skip
        officer_copy.flush()
        training_copy.flush()
        counts["training"] = training_copy.rows

        pledged = [1, *rng.sample(range(2, len(sizes) + 1), pledges - 1)]
        pledge_copy = Copier(
            cur,
            "campaigns_pledge",
            ("agency_id", "campaign_id", "rule_version_id", "agency_head_name", "agency_head_title",
             "signed_on", "contact_name", "contact_email", "contact_phone", "target_completion_on",
             "non_sworn_roles_in_scope", "status", "status_changed_at", "recognized_on",
             "created_at"),
        )  # fmt: skip
        partner_copy = Copier(
            cur,
            "campaigns_partnership",
            ("agency_id", "organization_name", "organization_kind", "agreement_kind", "started_on",
             "ends_on", "document", "partner_contact_email", "invitation_digest", "invited_at",
             "confirmed_at", "confirmed_by_name", "created_at", "document_filename"),
        )  # fmt: skip
        policy_copy = Copier(
            cur,
            "campaigns_policydocument",
            ("agency_id", "title", "document", "adopted_on", "next_review_on", "element_pages",
             "created_at", "document_filename"),
        )  # fmt: skip
        elements = ["recognizing_signs", "risk_assessment", "dispatch", "de_escalation",
                    "disposition", "custody_evaluation", "transport", "documentation", "training",
                    "partnerships"]  # fmt: skip
        for agency_id in pledged:
            signed = _days(rng, datetime.date(2016, 10, 1), datetime.date(2026, 6, 1))
            code = "2016" if signed < datetime.date(2019, 1, 1) else "current"
            roles = '["dispatcher"]' if rng.random() < 0.3 else "[]"
            status = rng.choice(("pledged", "in_progress", "submitted", "recognized"))
            pledge_copy.add(
                agency_id, campaign.pk, versions[code], "Chief", "Chief of Police", signed, "Contact",
                "contact@example.org", "", _plus_months(signed, 30), roles, status, now, None, now,
            )  # fmt: skip
            for _ in range(rng.choice((0, 1, 1, 2))):
                partner_copy.add(
                    agency_id, "Valley CMHC", "mental_health_center", "mou", signed, None, "", "", "",
                    None, now if rng.random() < 0.5 else None, "", now, "",
                )  # fmt: skip
            if rng.random() < 0.7:
                pages = {e: "p. 3" for e in elements if rng.random() < 0.85}
                policy_copy.add(
                    agency_id,
                    "Crisis response policy",
                    "",
                    signed,
                    None,
                    json.dumps(pages),
                    now,
                    "",
                )
        for copier in (pledge_copy, partner_copy, policy_copy):
            copier.flush()
        counts["pledges"] = pledge_copy.rows
        for table in ("accounts_agency", "campaigns_officer"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts["generate_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(counts))


# --- measurement -----------------------------------------------------------------------------


def phase_measure(repeats: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # A database generated by an older checkout may lack newer tables.
    call_command("migrate", verbosity=0)

    from mhr.campaigns import selectors
    from mhr.campaigns.compliance import evaluate
    from mhr.campaigns.models import Pledge

    # The largest agency first, in a process that has not run the daily job: as a web worker.
    pledge = Pledge.objects.select_related("agency").get(agency_id=1)
    selectors.pledge_compliance(pledge, as_of=AS_OF)
    single: list[float] = []
    single_cpu: list[float] = []
    for _ in range(repeats * 4):
        started, cpu = time.perf_counter(), time.process_time()
        result = selectors.pledge_compliance(pledge, as_of=AS_OF)
        single.append(time.perf_counter() - started)
        single_cpu.append(time.process_time() - cpu)
    # The daily job, warmed once (connection and database cache) as a second daily run would be.
    selectors.evaluate_all_pledges(AS_OF)
    full: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        results = selectors.evaluate_all_pledges(AS_OF)
        full.append(time.perf_counter() - started)
    # The engine alone on the largest agency's facts, to split load time from evaluation time.
    rules = selectors.rule_specs_for([pledge.rule_version_id])[pledge.rule_version_id]
    people = selectors._people(pledge.agency_id, frozenset(pledge.non_sworn_roles_in_scope))
    certificates = selectors._certificates(pledge.agency_id, AS_OF)
    engine: list[float] = []
    for _ in range(repeats * 4):
        # As in pledge_compliance(): the collector is paused around the facts and the engine.
        started = time.perf_counter()
        with selectors._collector_paused():
            evaluate(
                rules=rules,
                people=people,
                certificates=certificates,
                partnerships=[],
                policies=[],
                non_sworn_roles_in_scope=frozenset(pledge.non_sworn_roles_in_scope),
                as_of=AS_OF,
            )
        engine.append(time.perf_counter() - started)

    # The whole dashboard page for the largest agency's coordinator, as a browser would get it:
    # cold (the cached result just invalidated by a write) and warm (nothing changed since).
    from benchlib import signed_in_client
    from django.conf import settings
    from django.core.cache import cache

    from mhr.accounts.models import Membership, User

    settings.ALLOWED_HOSTS = ["*"]
    email = "coordinator@largest-agency.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None, full_name="Largest Agency Coordinator"
    )
    Membership.objects.get_or_create(
        user=user, agency_id=pledge.agency_id, defaults={"role": Membership.Role.COORDINATOR}
    )
    client = signed_in_client(email)

    def page_seconds() -> float:
        started = time.perf_counter()
        response = client.get("/agency/campaign/")
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"dashboard answered {response.status_code}")
        return elapsed

    cache.clear()
    page_seconds()  # templates compiled, connection warm
    page_cold: list[float] = []
    page_warm: list[float] = []
    for _ in range(repeats * 4):
        cache.clear()
        page_cold.append(page_seconds())
        page_warm.append(page_seconds())

    def ms(samples: list[float], q: float) -> float:
        ordered = sorted(samples)
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 1)

    print(
        json.dumps(
            {
                "pledges": len(results),
                "met": sum(r.met for r in results.values()),
                "full_min_s": round(min(full), 2),
                "full_median_s": round(statistics.median(full), 2),
                "full_max_s": round(max(full), 2),
                "single_min_ms": ms(single, 0),
                "single_median_ms": ms(single, 0.5),
                "single_p95_ms": ms(single, 0.95),
                "single_cpu_median_ms": ms(single_cpu, 0.5),
                "engine_median_ms": ms(engine, 0.5),
                "page_cold_median_ms": ms(page_cold, 0.5),
                "page_cold_p95_ms": ms(page_cold, 0.95),
                "page_warm_median_ms": ms(page_warm, 0.5),
                "page_warm_p95_ms": ms(page_warm, 0.95),
                "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
                "largest_people": len(people),
                "largest_certificates_valid": len(certificates),
                "largest_active_sworn": result.active_sworn,
                "largest_met": result.met,
                "largest_covered_percent": str(result.covered_percent),
                "load_average": os.getloadavg()[0],
                "db": connection.vendor,
            }
        )
    )


# --- driver ----------------------------------------------------------------------------------


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "mhr.settings"
    env["MHR_ENV"] = "development"
    env["DEBUG"] = "false"
    env["LOG_LEVEL"] = "WARNING"
    env["DATABASE_URL"] = PG_URL
    # Production keeps the cache in Redis; the cached compliance result is read from there.
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    env["PYTHONPATH"] = str(ROOT)
    return env


def _reset_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _run_phase(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args],
        env=_environment(),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _machine() -> dict[str, str]:
    import psycopg

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    match = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    mem_gb = int(match.group(1)) / 1024 / 1024 if match else 0.0
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram_gb": f"{mem_gb:.1f}",
        "engine": f"PostgreSQL {row[0] if row else '?'}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--agencies", type=int, default=18_000)
    parser.add_argument("--sworn", type=int, default=700_000)
    parser.add_argument("--largest", type=int, default=36_000)
    parser.add_argument("--pledges", type=int, default=3_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--phase", choices=("generate", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing database")
    args = parser.parse_args()
    if args.phase == "generate":
        return phase_generate(args.agencies, args.sworn, args.largest, args.pledges)
    if args.phase == "measure":
        return phase_measure(args.repeats)

    machine = _machine()
    print(
        f"Machine: {machine['nproc']} CPUs, {machine['cpu']}, {machine['ram_gb']} GB RAM; "
        f"{machine['engine']}"
    )
    if not args.skip_generate:
        _reset_database()
        generated = _run_phase(
            "--phase", "generate", "--agencies", str(args.agencies), "--sworn", str(args.sworn),
            "--largest", str(args.largest), "--pledges", str(args.pledges),
        )  # fmt: skip
        print("Generated:", json.dumps(generated))
    measured = _run_phase("--phase", "measure", "--repeats", str(args.repeats))
    print("Measured:", json.dumps(measured))


if __name__ == "__main__":
    main()

"""Benchmark the encounter statistics: the agency dashboard and the national roll-up.

    .venv/bin/python bench/encounter_dashboard_bench.py --db postgres --rows 10000000
    .venv/bin/python bench/encounter_dashboard_bench.py --db sqlite            # 200,000 rows
    .venv/bin/python bench/encounter_dashboard_bench.py --db postgres --reuse  # time again only

Creates its own database (PostgreSQL: `mhr_bench_encounters`, dropped and recreated; SQLite: a
file under /tmp), takes the first `--agencies` agencies of the FBI agency list in ../shared/data
(real names and ORIs) and spreads the rows over them like city sizes (Zipf: the largest agency
gets about 1/7.5 of all rows with 1,000 agencies), over five years ending today. Each row is
generated in the database (PostgreSQL generate_series, SQLite a recursive CTE) with weighted
random values taken from the Seattle Police Department's Crisis Data value counts
(../shared/data/seattle-crisis-marginals), mapped to MHR's codes as SEATTLE_MAPPINGS says; fields
Seattle does not publish (injuries, minutes on scene, repeat contacts) use stated assumptions.
Then it builds the monthly and daily counts with rollups.rollup_rebuild_all, and times:
the statistics for the largest agency (presets, custom dates that cut months, filters), the whole
dashboard page for a signed-in member of it (Django test client), the national roll-up over all agencies,
and one hand-entered record (the incremental refresh). Targets: dashboard p95 ≤ 150 ms,
national roll-up ≤ 1 s.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import time
from collections import defaultdict
from pathlib import Path

from benchlib import (
    django_environment,
    encounter_saver,
    reset_database,
    run_phase,
    signed_in_client,
    timed_ms,
)
from benchlib import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("MHR_SHARED_DATA", ROOT.parent / "shared" / "data"))
AGENCIES_CSV = SHARED_DATA / "fbi-agencies" / "agencies.csv"
MARGINALS_CSV = SHARED_DATA / "seattle-crisis-marginals" / "seattle_crisis_marginals_2018.csv"
SQLITE_PATH = Path("/tmp/mhr_bench_encounters.sqlite3")
PG_NAME = "mhr_bench_encounters"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
YEARS = 5

AGENCY_TYPES = {
    "City": "city",
    "County": "county",
    "State Police": "state_police",
    "Other State Agency": "other_state",
    "University or College": "university",
    "Tribal": "tribal",
    "Other": "other",
}

# Seattle column -> (MHR field, {Seattle value: MHR value}). Values not listed are skipped.
SEATTLE_MAPPINGS = {
    "call_type": (
        "call_source",
        {
            "911": "911",
            "TELEPHONE OTHER, NOT 911": "non_emergency",
            "ONVIEW": "officer_initiated",
            "PROACTIVE (OFFICER INITIATED)": "officer_initiated",
            "ALARM CALL (NOT POLICE ALARM)": "other",
            "HISTORY CALL (RETRO)": "other",
            "IN PERSON COMPLAINT": "other",
            "<missing>": "unknown",
        },
    ),
    "disposition": (
        "disposition",
        {
            "Chronic Complaint": "other",
            "Crisis Clinic": "referral",
            "DMHP Referral": "referral",
            "Drug/Alcohol Treatment Referral": "referral",
            "Emergent Detention/ITA": "involuntary_evaluation",
            "Geriatric Regional Assessment Team": "referral",
            "Mental Health Agency or Case Manager Notified": "referral",
            "Mobile Crisis Team": "referral",
            "No Action Possible or Necessary": "resolved_on_scene",
            "Resources Declined": "resolved_on_scene",
            "Shelter Transport": "voluntary_transport",
            "Subject Arrested": "arrest",
            "Unable to Contact": "other",
            "Voluntary Committal": "voluntary_transport",
            "<missing>": "unknown",
        },
    ),
    # Seattle only says whether force was used, not its level.
    "use_of_force_indicator": ("force", {"Y": "used", "N": "none"}),
    "cit_officer_arrived": ("cit_officer_on_scene", {"Y": True, "N": False}),
    # Assumption: a CIT officer dispatched stands for "flagged as mental health at dispatch".
    "cit_officer_dispatched": ("flagged_at_dispatch", {"Y": True, "N": False}),
    "subject_veteran_indicator": (
        "veteran",
        {"Yes": True, "No": False, "Unknown": None, "-": None},
    ),
    "precinct": (
        "district",
        {
            "EAST": "EAST",
            "NORTH": "NORTH",
            "SOUTH": "SOUTH",
            "SOUTHWEST": "SOUTHWEST",
            "WEST": "WEST",
            "UNKNOWN": "",
            "<missing>": "",
        },
    ),
}
# Not in Seattle's data: assumptions, stated in docs/benchmarks.md.
ASSUMED = {
    "person_injured": [(True, 3), (False, 90), (None, 7)],
    "officer_injured": [(True, 1), (False, 92), (None, 7)],
    "other_injured": [(True, 0.5), (False, 92.5), (None, 7)],
    "repeat_contact": [(True, 25), (False, 75)],
    "status": [("complete", 99.5), ("draft", 0.5)],
}


def weights_from_marginals() -> dict[str, list[tuple[object, float]]]:
    counts: dict[str, dict[object, float]] = defaultdict(lambda: defaultdict(float))
    with MARGINALS_CSV.open(newline="") as handle:
        for row in csv.DictReader(handle):
            mapping = SEATTLE_MAPPINGS.get(row["variable"])
            if mapping and row["value"] in mapping[1]:
                counts[mapping[0]][mapping[1][row["value"]]] += float(row["row_count"])
    weights = {
        field: sorted(values.items(), key=lambda kv: str(kv[0])) for field, values in counts.items()
    }
    weights.update(ASSUMED)
    return weights


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    return "'" + str(value).replace("'", "''") + "'"


def _case(random_column: str, weighted: list[tuple[object, float]]) -> str:
    """CASE over a uniform [0, 1) column choosing each value with its weight."""
    total = sum(weight for _, weight in weighted)
    parts, cumulative = [], 0.0
    for value, weight in weighted[:-1]:
        cumulative += weight / total
        parts.append(f"WHEN {random_column} < {cumulative:.6f} THEN {_literal(value)}")
    return f"CASE {' '.join(parts)} ELSE {_literal(weighted[-1][0])} END"


def encounter_insert_sql(db: str, weights: dict) -> str:
    """One INSERT ... SELECT generating %(n)s rows for one agency (parameters: see phase_generate)."""
    fields = list(weights)
    randoms = [f"r{i}" for i in range(len(fields) + 4)]
    if db == "postgres":
        uniform = "random()"
        series = "WITH numbers AS (SELECT g AS n FROM generate_series(1, %(n)s) g)"
        offset = "make_interval(secs => floor(%(span)s * s.{r}))"
        add_minutes = "make_interval(mins => {m})"
        received = f"%(start)s::timestamptz + {offset.format(r=randoms[-1])}"
        local_date = "((received_at AT TIME ZONE %(tz)s)::date)"
        true_false = ""
    else:
        uniform = "(random() / 18446744073709551616.0 + 0.5)"
        series = (
            "WITH RECURSIVE numbers(n) AS "
            "(SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < %(n)s)"
        )
        received = (
            f"datetime(%(start)s, '+' || CAST(%(span)s * s.{randoms[-1]} AS INTEGER) || ' seconds')"
        )
        add_minutes = "datetime({t}, '+' || ({m}) || ' minutes')"
        local_date = "date(received_at, %(tz_offset)s)"
        true_false = ""
    del true_false
    inner = ", ".join(f"{uniform} AS {r}" for r in randoms)
    choices = {field: _case(f"s.{randoms[i]}", weights[field]) for i, field in enumerate(fields)}
    wait = f"(5 + CAST(s.{randoms[-2]} * 25 AS INTEGER))"
    minutes = (
        f"(10 + CAST(s.{randoms[-3]} * 40 AS INTEGER)"
        f" + CAST(s.{randoms[-4]} * s.{randoms[-4]} * s.{randoms[-4]} * 300 AS INTEGER))"
    )
    columns = {
        "agency_id": "%(agency_id)s",
        "incident_number": "'B-' || s.n",
        "source": "'import'",
        "dispatch_call_type": "'PERSON IN CRISIS'",
        "final_call_type": "'CRISIS COMPLAINT - GENERAL'",
        "age_band": "'unknown'",
        "sex": "'unknown'",
        "race_ethnicity": "'unknown'",
        "housing": "'unknown'",
        "weapon": "'unknown'",
        "destination": "''",
        "referral_to": "''",
        "beat": "''",
        "person_digest": "''",
        "version": "1",
        "created_at": "%(now)s",
        "updated_at": "%(now)s",
        "received_at": received,
        "minutes_on_scene": minutes,
        "wait": wait,
        **choices,
    }
    inner_select = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    if db == "postgres":
        arrived = add_minutes.format(m="wait")
        arrived_at = f"received_at + {arrived}"
        cleared_at = f"received_at + {add_minutes.format(m='wait + minutes_on_scene')}"
    else:
        arrived_at = add_minutes.format(t="received_at", m="wait")
        cleared_at = add_minutes.format(t="received_at", m="wait + minutes_on_scene")
    outer = [name for name in columns if name != "wait"]
    select = ", ".join(outer) + f", {arrived_at}, {cleared_at}, {local_date}"
    # The random numbers are materialised once per row: a planner that inlined them would draw
    # new ones for every reference (and arrive before the call was received).
    return (
        f"INSERT INTO encounters_encounter ({', '.join(outer)}, arrived_at, cleared_at, "
        f"received_date) {series}, s AS MATERIALIZED (SELECT n, {inner} FROM numbers) "
        f"SELECT {select} FROM (SELECT {inner_select} FROM s) generated"
    )


def _zipf_counts(total: int, agencies: int) -> list[int]:
    weights = [1 / rank for rank in range(1, agencies + 1)]
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    counts[0] += total - sum(counts)
    return counts


def phase_generate(db: str, rows: int, agency_count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from mhr.accounts.models import Agency
    from mhr.encounters import schema

    call_command("migrate", verbosity=0)
    with AGENCIES_CSV.open(newline="") as handle:
        source = [row for row in csv.DictReader(handle) if row["ori"]][:agency_count]
    agencies = Agency.objects.bulk_create(
        Agency(
            name=row["agency_name"][:200],
            ori=row["ori"],
            state=row["state_abbr"],
            county=row["county"][:200],
            agency_type=AGENCY_TYPES.get(row["agency_type"], "other"),
        )
        for row in source
    )
    agencies = list(Agency.objects.order_by("pk"))
    counts = _zipf_counts(rows, len(agencies))
    sql = encounter_insert_sql(db, weights_from_marginals())
    today = timezone.now()
    start = today - datetime.timedelta(days=365 * YEARS)
    span = int((today - start).total_seconds())
    started = time.monotonic()
    with connection.cursor() as cursor:
        for agency, n in zip(agencies, counts, strict=True):
            if n <= 0:
                continue
            zone_name = schema.time_zone_for_state(agency.state)
            offset_hours = int(
                schema.zone(zone_name).utcoffset(datetime.datetime(2025, 1, 1)).total_seconds()
                // 3600
            )
            params = {
                "agency_id": agency.pk,
                "n": n,
                "start": start if db == "postgres" else start.strftime("%Y-%m-%d %H:%M:%S"),
                "span": span,
                "now": today if db == "postgres" else today.strftime("%Y-%m-%d %H:%M:%S"),
                "tz": zone_name,
                "tz_offset": f"{offset_hours:+d} hours",
            }
            with transaction.atomic():
                cursor.execute(sql, params)
        insert_seconds = time.monotonic() - started
        if db == "postgres":
            cursor.execute("VACUUM ANALYZE encounters_encounter")
    result = phase_rollup(db)
    print(
        json.dumps(
            {
                "rows": rows,
                "agencies": len(agencies),
                "largest_agency_rows": counts[0],
                "insert_seconds": round(insert_seconds, 1),
                **result,
            }
        )
    )


def phase_rollup(db: str, *, report: bool = False) -> dict:
    """Build every agency's monthly and daily counts and the national ones from the records."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from mhr.encounters.rollups import rollup_rebuild_all

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    rollup_rebuild_all()
    rollup_seconds = time.monotonic() - started
    from mhr.encounters.rollups import AGENCY_ROLLUP_MODELS, NATIONAL_ROLLUP_MODELS

    result: dict = {"rollup_seconds": round(rollup_seconds, 1)}
    with connection.cursor() as cursor:
        for model in (*AGENCY_ROLLUP_MODELS, *NATIONAL_ROLLUP_MODELS):
            table = model._meta.db_table
            if db == "postgres":
                cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our table names)
            result[f"{table.removeprefix('encounters_encounter')}_rows"] = cursor.fetchone()[0]
        if db != "postgres":
            cursor.execute("ANALYZE")
    if report:
        print(json.dumps(result))
    return result


def phase_time(runs: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from mhr.accounts.models import Agency, Membership, User
    from mhr.encounters.stats import encounter_stats, encounter_stats_for_agencies

    settings.ALLOWED_HOSTS = ["*"]
    largest = Agency.objects.order_by("pk").first()
    today = timezone.localdate()
    presets = {
        "last 12 months": (
            (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1),
            today,
        ),
        "year to date": (today.replace(month=1, day=1), today),
        "calendar year": (
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
        "5 years": (today - datetime.timedelta(days=365 * YEARS), today),
        # Custom dates that cut two months: those part-months come from the daily counts.
        "custom, cutting months": (
            datetime.date(today.year - 2, 2, 15),
            datetime.date(today.year - 1, 2, 14),
        ),
        "custom, 15 March to 10 September": (
            datetime.date(today.year - 1, 3, 15),
            datetime.date(today.year - 1, 9, 10),
        ),
    }
    results: dict[str, dict] = {}
    for name, (start, end) in presets.items():
        results[f"agency stats, {name}"] = timed_ms(
            lambda s=start, e=end: encounter_stats(agency=largest, start=s, end=e), runs
        )
    start, end = presets["last 12 months"]
    filtered = {"call_source": "911", "cit_officer_on_scene": "yes"}
    results["agency stats, last 12 months, 2 filters"] = timed_ms(
        lambda: encounter_stats(agency=largest, start=start, end=end, filters=filtered), runs
    )
    total = encounter_stats(agency=largest, start=start, end=end)["total"]

    user, _ = User.objects.get_or_create(email="bench@example.org")
    Membership.objects.get_or_create(user=user, defaults={"agency": largest})
    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session.update(
        {"mhr_epoch": user.session_epoch, "mhr_auth_at": now, "mhr_seen_at": now,
         "mhr_mfa_ok": True}
    )  # fmt: skip
    session.save()
    url = reverse("encounters_agency:dashboard_overview")

    def page(query: str = "") -> None:
        response = client.get(url + query)
        assert response.status_code == 200, response.status_code

    results["dashboard page, last 12 months"] = timed_ms(page, runs)
    results["dashboard page, last 12 months, 2 filters"] = timed_ms(
        lambda: page("?call_source=911&cit_officer_on_scene=yes"), runs
    )
    cut_start, cut_end = presets["custom, 15 March to 10 September"]
    results["dashboard page, custom dates cutting months, 2 filters"] = timed_ms(
        lambda: page(
            f"?start={cut_start.isoformat()}&end={cut_end.isoformat()}"
            "&call_source=911&cit_officer_on_scene=yes"
        ),
        runs,
    )
    results["national roll-up, last 12 months"] = timed_ms(
        lambda: encounter_stats_for_agencies(agencies=None, start=start, end=end),
        max(3, runs // 3),
    )
    results["national roll-up, 5 years"] = timed_ms(
        lambda: encounter_stats_for_agencies(agencies=None, start=presets["5 years"][0], end=today),
        max(3, runs // 3),
    )
    national = encounter_stats_for_agencies(agencies=None, start=start, end=end)["total"]

    # The staff's national page: every state's suppressed numbers, and with filters also the
    # linked unfiltered views that keep suppression consistent across pages.
    staff, _ = User.objects.get_or_create(
        email="bench-staff@example.org", defaults={"staff_role": "administrator", "is_staff": True}
    )
    staff_client = signed_in_client(staff.email)
    national_url = reverse("encounters_staff:national")
    last_year = str(today.year - 1)

    def national_page(query: str) -> None:
        response = staff_client.get(national_url + query)
        assert response.status_code == 200, response.status_code

    results["national page, last year"] = timed_ms(
        lambda: national_page(f"?year={last_year}"), max(3, runs // 3)
    )
    results["national page, last year, 3 filters"] = timed_ms(
        lambda: national_page(
            f"?year={last_year}&call_source=911&flagged_at_dispatch=yes&cit_officer_on_scene=yes"
        ),
        max(3, runs // 3),
    )

    received = timezone.now() - datetime.timedelta(hours=2)
    create = encounter_saver(largest, received, prefix="BENCH")
    results["one record entered (incl. refresh)"] = timed_ms(create, max(3, runs // 3))
    print(
        json.dumps(
            {
                "largest_agency": largest.name,
                "largest_last_12_months": total,
                "national_last_12_months": national,
                "timings": results,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), required=True)
    parser.add_argument("--rows", type=int, help="default 10,000,000 (PostgreSQL), 200,000")
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="time the existing database")
    parser.add_argument(
        "--rollup-only", action="store_true", help="rebuild the counts, then time (no new rows)"
    )
    parser.add_argument("--phase", choices=("generate", "rollup", "time"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    rows = args.rows or (10_000_000 if args.db == "postgres" else 200_000)
    if args.phase == "generate":
        return phase_generate(args.db, rows, args.agencies)
    if args.phase == "rollup":
        phase_rollup(args.db, report=True)
        return None
    if args.phase == "time":
        return phase_time(args.runs)

    url = PG_URL if args.db == "postgres" else f"sqlite:///{SQLITE_PATH}"
    env = django_environment(url)
    print(f"Machine: {json.dumps(describe_machine(args.db))}")
    if args.rollup_only:
        rebuilt = run_phase(__file__, args.db, ("--phase", "rollup"), env=env)
        print(f"Counts rebuilt: {json.dumps(rebuilt)}")
    elif not args.reuse:
        reset_database(args.db, pg_name=PG_NAME, sqlite_path=SQLITE_PATH)
        generated = run_phase(
            __file__,
            args.db,
            ("--phase", "generate", "--rows", str(rows), "--agencies", str(args.agencies)),
            env=env,
        )
        print(f"Generated: {json.dumps(generated)}")
    timed = run_phase(__file__, args.db, ("--phase", "time", "--runs", str(args.runs)), env=env)
    print(f"Timed: {json.dumps(timed, indent=1)}")


if __name__ == "__main__":
    main()

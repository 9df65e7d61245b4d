"""Time the agency's encounter list (web page and API) for an agency with a million records.

    .venv/bin/python bench/encounter_import_bench.py --db postgres --only commit   # the data
    .venv/bin/python bench/encounter_list_bench.py                                  # this

Reuses the database the import benchmark leaves (`mhr_bench_encounter_import`: one agency,
WA0999800, with the 1,000,000 imported records), signs in a member of that agency and times,
each in one Django process with the test client (20 requests after one untimed warm-up): the
list's first page, a deep page, and the month and disposition filters; then one record saved
by hand (`encounter_create`: record, revision, repeat flags, rollup refresh, audit row), 20 saves
inside one transaction that is rolled back at the end, so the data stays as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    django_environment,
    encounter_saver,
    machine,
    signed_in_client,
    timed_ms,
)

PG_URL = "postgres://postgres@127.0.0.1:5432/mhr_bench_encounter_import"
ORI = "WA0999800"
EMAIL = "list-bench@example.org"


def _saves(agency, runs: int) -> dict[str, float]:
    import datetime

    from django.db import transaction

    received = datetime.datetime(2017, 6, 14, 18, 0, tzinfo=datetime.UTC)
    with transaction.atomic():
        timed = timed_ms(encounter_saver(agency, received, prefix="LIST-BENCH"), runs)
        transaction.set_rollback(True)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.update(django_environment(PG_URL))
    import django

    django.setup()
    from django.urls import reverse

    from mhr.accounts.models import Agency, Membership, User
    from mhr.encounters.models import Encounter

    agency = Agency.objects.get(ori=ORI)
    records = Encounter.objects.filter(agency=agency).count()
    user, _ = User.objects.get_or_create(email=EMAIL)
    Membership.objects.get_or_create(user=user, defaults={"agency": agency})
    client = signed_in_client(EMAIL)
    newest = Encounter.objects.filter(agency=agency).order_by("-received_date").first()
    month = f"{newest.received_date:%Y-%m}" if newest else "2018-01"
    url = reverse("encounters_agency:entry_list")

    def page(query: dict[str, str]):
        def call() -> None:
            response = client.get(url, query)
            assert response.status_code == 200, response.status_code

        return call

    results = {
        "list, first page": timed_ms(page({}), args.runs),
        "list, page 40": timed_ms(page({"page": "40"}), args.runs),
        f"list, month {month}": timed_ms(page({"month": month}), args.runs),
        "list, disposition arrest": timed_ms(page({"disposition": "arrest"}), args.runs),
        "list, month and disposition": timed_ms(
            page({"month": month, "disposition": "arrest"}), args.runs
        ),
    }
    results["one record saved (rolled back)"] = _saves(agency, args.runs)
    print(json.dumps({"machine": machine("postgres"), "records": records}))
    print(json.dumps({"load": os.getloadavg(), "results": results}))


if __name__ == "__main__":
    main()

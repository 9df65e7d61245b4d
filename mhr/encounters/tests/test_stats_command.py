"""`mhr stats`: the dashboard's numbers on the command line, and clear errors."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from mhr.audit.models import AuditEvent
from mhr.encounters.models import EncounterMonthlyCount, EncounterNationalMonthlyCount
from mhr.encounters.services import encounter_create
from mhr.encounters.stats import encounter_stats
from mhr.encounters.tests.factories import encounter_values

PERIOD = ["--from", "2025-01-01", "--to", "2025-12-31"]


@pytest.fixture
def records(agency_a, alice):
    for disposition in ("arrest", "referral", "referral"):
        encounter_create(
            agency=agency_a, actor=alice, values=encounter_values(disposition=disposition)
        )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_dashboards_numbers_as_json(agency_a, records):
    printed = json.loads(_run("WA0170000", *PERIOD, "--json"))

    expected = encounter_stats(
        agency=agency_a, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    assert printed == json.loads(json.dumps(expected))
    assert printed["total"] == 3 and printed["arrests"] == 1
    assert AuditEvent.objects.filter(
        event_type=AuditEvent.EventType.ENCOUNTER_VIEWED, agency=agency_a
    ).exists()


def test_it_prints_a_table(records):
    text = _run("wa0170000", *PERIOD, "--filter", "call_source=911")

    assert "Springfield Police Department (WA0170000), 2025-01-01 to 2025-12-31" in text
    assert "Complete encounters: 3" in text
    assert "Arrests: 1 (33.3% of 3 complete records)" in text
    assert "Filters: call_source=911" in text


def test_it_says_when_there_is_nothing(agency_a):
    assert "nothing to show" in _run("WA0170000", *PERIOD)


def test_refresh_recounts_from_the_records(agency_a, records):
    EncounterMonthlyCount.objects.all().delete()

    assert '"total": 3' in _run("WA0170000", *PERIOD, "--json", "--refresh")


def test_rebuild_all_recounts_every_agency_and_the_nation(agency_a, records):
    EncounterMonthlyCount.objects.all().delete()
    EncounterNationalMonthlyCount.objects.all().delete()

    assert '"total": 3' in _run("WA0170000", *PERIOD, "--json", "--rebuild-all")
    assert EncounterNationalMonthlyCount.objects.get().total == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["XX9999999", *PERIOD], "No agency has the ORI 'XX9999999'"),
        (["WA0170000", "--from", "2025-13-01", "--to", "2025-12-31"], "--from: '2025-13-01'"),
        (["WA0170000", "--from", "2025-01-01", "--to", "soon"], "--to: 'soon' is not a date"),
        (["WA0170000", "--from", "2025-02-01", "--to", "2025-01-01"], "ends before it starts"),
        (["WA0170000", *PERIOD, "--filter", "colour=red"], "not a filter"),
        (["WA0170000", *PERIOD, "--filter", "call_source"], "write NAME=VALUE"),
    ],
)
def test_it_fails_clearly(agency_a, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _run(*args)


def test_errors_exit_non_zero(agency_a, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["mhr", "stats", "XX9999999", *PERIOD]).execute()

    assert exit_info.value.code == 1
    assert "No agency has the ORI" in capsys.readouterr().err

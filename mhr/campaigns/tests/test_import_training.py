"""Training-record imports: course matching, date checks, roster matching and idempotence."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from mhr.audit.models import AuditEvent
from mhr.campaigns.models import TrainingRecord
from mhr.campaigns.services.imports import import_run
from mhr.campaigns.tests.importdata import ROSTER_ROWS, roster_csv, training_csv

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def roster(agency_a, one_mind):
    result = import_run(agency=agency_a, kind="roster", file=roster_csv(), commit=True, today=TODAY)
    assert result.committed
    return agency_a


def run(agency, rows, *, commit=True):
    return import_run(
        agency=agency, kind="training", file=training_csv(rows), commit=commit, today=TODAY
    )


def test_it_imports_training_matching_courses_by_code_name_or_alias(roster):
    rows = [
        ["1001", "cit-40", "County CIT", "2021-03-01", "40", ""],
        ["1002", "mental health first aid for public safety", "NCMW", "05/10/2023", "8", ""],
        ["1003", "MHFA", "", "1-Feb-2024", "", "2026-02-01"],
        ["1004", "crisis intervention team (cit)", "", "2020-01-15", "", ""],
    ]
    result = run(roster, rows)
    assert result.committed, [str(e) for e in result.errors.items]
    assert result.counts["new"] == 4
    records = {
        r.officer.employee_id: r
        for r in TrainingRecord.objects.select_related("officer", "course_type")
    }
    assert records["1001"].course_type.code == "cit-40"
    assert records["1001"].expires_on is None
    assert records["1001"].hours == Decimal("40.0")
    # MHFA for Public Safety is valid 3 years unless the file says otherwise.
    assert records["1002"].expires_on == datetime.date(2026, 5, 10)
    assert records["1003"].expires_on == datetime.date(2026, 2, 1)
    assert {r.agency_id for r in records.values()} == {roster.pk}
    assert {r.source for r in records.values()} == {"import"}
    [event] = AuditEvent.objects.filter(event_type=AuditEvent.EventType.TRAINING_IMPORTED)
    assert event.extra["new"] == 4


def test_reimporting_the_same_training_file_changes_nothing(roster):
    rows = [["1001", "CIT", "County", "2021-03-01", "40", ""]]
    run(roster, rows)
    before = list(TrainingRecord.objects.values())
    result = run(roster, rows)
    assert result.committed
    assert (result.counts["new"], result.counts["updated"], result.counts["unchanged"]) == (0, 0, 1)
    assert list(TrainingRecord.objects.values()) == before
    changed = [["1001", "CIT", "County Sheriff Academy", "2021-03-01", "40", ""]]
    result = run(roster, changed)
    assert result.counts["updated"] == 1
    assert result.samples["updated"][0]["changes"] == {
        "provider": ["County", "County Sheriff Academy"]
    }
    assert TrainingRecord.objects.get().provider == "County Sheriff Academy"


def test_bad_training_rows_are_named_and_nothing_is_committed(roster):
    rows = [
        ["1001", "Yoga for Officers", "", "2021-03-01", "", ""],
        ["1002", "MHFA", "", "2027-01-01", "", ""],
        ["1003", "MHFA", "", "2024-01-01", "", "2023-12-31"],
        ["9999", "MHFA", "", "2024-01-01", "", ""],
        ["1004", "CIT", "", "2024-01-01", "", ""],
        ["1004", "cit-40", "", "01/01/2024", "", ""],
        ["1001", "MHFA", "", "", "", ""],
    ]
    result = run(roster, rows)
    assert not result.committed
    issues = [(e.row, e.column, e.message) for e in result.errors.items]
    assert issues[0][:2] == (2, "Course")
    assert issues[0][2].startswith("“Yoga for Officers” is not a known course type. Accepted: ")
    assert "Mental Health First Aid for Public Safety (mhfa-ps)" in issues[0][2]
    assert issues[1] == (3, "Date Completed", "The completion date 2027-01-01 is in the future.")
    assert issues[2] == (
        4,
        "Expiration Date",
        "The expiry date 2023-12-31 is before the completion date 2024-01-01.",
    )
    assert issues[3][:2] == (7, "Emp ID")
    assert "listed twice: rows 6 and 7" in issues[3][2]
    assert issues[4] == (8, "Date Completed", "The completion date is empty.")
    # Rows are checked against the roster too, in the same preview.
    assert issues[5][:2] == (5, "Emp ID")
    assert "No one with the employee ID “9999”" in issues[5][2]
    assert "Import the roster first" in issues[5][2]
    assert not TrainingRecord.objects.exists()


def test_training_for_another_agencys_officer_is_not_on_the_roster(roster, agency_b, one_mind):
    rows = [[ROSTER_ROWS[0][0], "MHFA", "", "2024-01-01", "", ""]]
    result = run(agency_b, rows)
    assert not result.committed
    assert "No one with the employee ID “1001”" in result.errors.items[0].message
    assert not TrainingRecord.objects.exists()
